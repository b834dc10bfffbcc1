PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_credit_movement` (
	`id` integer PRIMARY KEY NOT NULL,
	`family_id` integer NOT NULL,
	`regie_id` integer NOT NULL,
	`amount_cents` integer NOT NULL,
	`payment_id` integer,
	`credit_use_id` integer,
	`cancellation_id` integer,
	`online_overpayment_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`family_id`) REFERENCES `family`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payment`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`credit_use_id`) REFERENCES `credit_use`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cancellation_id`) REFERENCES `cancellation`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`online_overpayment_id`) REFERENCES `online_overpayment`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "credit_movement_amount_ck" CHECK("__new_credit_movement"."amount_cents" <> 0),
	CONSTRAINT "credit_movement_source_ck" CHECK(("__new_credit_movement"."payment_id" IS NOT NULL) + ("__new_credit_movement"."credit_use_id" IS NOT NULL) + ("__new_credit_movement"."cancellation_id" IS NOT NULL) + ("__new_credit_movement"."online_overpayment_id" IS NOT NULL) = 1)
);
--> statement-breakpoint
INSERT INTO `__new_credit_movement`("id", "family_id", "regie_id", "amount_cents", "payment_id", "credit_use_id", "cancellation_id", "online_overpayment_id", "created_at") SELECT "id", "family_id", "regie_id", "amount_cents", "payment_id", "credit_use_id", "cancellation_id", NULL, "created_at" FROM `credit_movement`;--> statement-breakpoint
DROP TABLE `credit_movement`;--> statement-breakpoint
ALTER TABLE `__new_credit_movement` RENAME TO `credit_movement`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `credit_movement_family_regie_ix` ON `credit_movement` (`family_id`,`regie_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `credit_movement_online_overpayment_uq` ON `credit_movement` (`online_overpayment_id`);;--> statement-breakpoint
-- Hand-written below. An online trop-perçu the régisseur turns into an avoir is real credit: a
-- movement whose source is the decision (online_overpayment), written in the same transaction.
-- The rebuild above dropped the table's guards with it; they come back unchanged, so the
-- ledger stays append-only. (The PRAGMAs are no-ops inside the migration's transaction: nothing
-- references credit_movement, so dropping it deletes nothing that another row points to.)
CREATE TRIGGER `credit_movement_no_update` BEFORE UPDATE ON `credit_movement` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (mouvement d’avoir) : modification refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `credit_movement_no_delete` BEFORE DELETE ON `credit_movement` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (mouvement d’avoir) : suppression refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
-- A movement from an online trop-perçu must be exactly the avoir decided: same family, régie
-- and amount, and a decision that is an avoir (a refund request gives no credit).
CREATE TRIGGER `credit_movement_online_overpayment` BEFORE INSERT ON `credit_movement`
WHEN NEW.online_overpayment_id IS NOT NULL AND NOT EXISTS (
	SELECT 1 FROM online_overpayment o WHERE o.id = NEW.online_overpayment_id AND o.resolution = 'avoir'
	  AND o.family_id = NEW.family_id AND o.regie_id = NEW.regie_id AND o.amount_cents = NEW.amount_cents)
BEGIN
	SELECT RAISE(ABORT, 'Mouvement d’avoir : il ne correspond pas à l’avoir décidé sur le trop-perçu en ligne.');
END;
--> statement-breakpoint
-- The decision reaches the portal like every other counter operation: an outbox row written by
-- a trigger in the same transaction, the command UUID as operation id.
CREATE TRIGGER `sync_outbox_online_overpayment` AFTER INSERT ON `online_overpayment` BEGIN
	INSERT INTO sync_outbox (op_id, kind, entity_id, created_at) VALUES (NEW.command_id, 'overpayment_resolution', NEW.id, NEW.resolved_at);
END;
