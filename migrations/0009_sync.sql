CREATE TABLE `sync_outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`op_id` text NOT NULL,
	`kind` text NOT NULL,
	`entity_id` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_outbox_op_uq` ON `sync_outbox` (`op_id`);--> statement-breakpoint
CREATE TABLE `sync_overwrite` (
	`id` integer PRIMARY KEY NOT NULL,
	`entity` text NOT NULL,
	`key` text NOT NULL,
	`before` text NOT NULL,
	`after` text NOT NULL,
	`applied_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sync_overwrite_key_ix` ON `sync_overwrite` (`entity`,`key`);--> statement-breakpoint
CREATE TABLE `sync_rejected` (
	`id` integer PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`op_id` text NOT NULL,
	`kind` text NOT NULL,
	`entity_id` integer NOT NULL,
	`payload` text NOT NULL,
	`code` text NOT NULL,
	`message` text NOT NULL,
	`rejected_at` text NOT NULL,
	`handled_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_rejected_op_uq` ON `sync_rejected` (`op_id`);--> statement-breakpoint
CREATE TABLE `sync_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`portal_url` text NOT NULL,
	`counter_id` text NOT NULL,
	`poste_code` text NOT NULL,
	`cursor` text DEFAULT '' NOT NULL,
	`enrolled_at` text NOT NULL,
	`last_success_at` text,
	`last_failure_at` text,
	`last_error` text,
	`failures` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	CONSTRAINT "sync_state_one_ck" CHECK("sync_state"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE `invoice` ADD `remote_paid_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Hand-written below. paid_cents is now the outside part, plus what the portal reports as paid
-- elsewhere (remote_paid_cents, written only by the pull), plus this register's allocations.
DROP TRIGGER `invoice_paid_from_allocations`;
--> statement-breakpoint
CREATE TRIGGER `invoice_paid_from_allocations` BEFORE UPDATE OF `paid_cents` ON `invoice`
WHEN NEW.paid_cents IS NOT NEW.paid_outside_cents + NEW.remote_paid_cents + (SELECT COALESCE(SUM(amount_cents), 0) FROM allocation WHERE invoice_id = NEW.id)
BEGIN
	SELECT RAISE(ABORT, 'Facture : le montant payé est la part payée hors de Guichet plus ses affectations ; il ne se modifie pas directement.');
END;
--> statement-breakpoint
-- The outbox is written by triggers, in the same transaction as the ledger row it reports, so
-- no handler can forget it and no rollback can leave one without the other. Payments that came
-- from the portal (PayFiP) are not sent back to it. The command UUID is the operation id.
CREATE TRIGGER `sync_outbox_payment` AFTER INSERT ON `payment` WHEN NEW.mode <> 'payfip' BEGIN
	INSERT INTO sync_outbox (op_id, kind, entity_id, created_at) VALUES (NEW.command_id, 'payment', NEW.id, NEW.recorded_at);
END;
--> statement-breakpoint
CREATE TRIGGER `sync_outbox_credit_use` AFTER INSERT ON `credit_use` BEGIN
	INSERT INTO sync_outbox (op_id, kind, entity_id, created_at) VALUES (NEW.command_id, 'credit_use', NEW.id, NEW.used_at);
END;
--> statement-breakpoint
CREATE TRIGGER `sync_outbox_cancellation` AFTER INSERT ON `cancellation`
WHEN NEW.payment_id IS NULL OR (SELECT mode FROM payment WHERE id = NEW.payment_id) <> 'payfip'
BEGIN
	INSERT INTO sync_outbox (op_id, kind, entity_id, created_at) VALUES (NEW.command_id, 'cancellation', NEW.id, NEW.cancelled_at);
END;
--> statement-breakpoint
-- A closure has no command UUID: a random version-4 UUID is drawn for it.
CREATE TRIGGER `sync_outbox_closure` AFTER INSERT ON `closure` BEGIN
	INSERT INTO sync_outbox (op_id, kind, entity_id, created_at)
	SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8' || substr(h, 18, 3) || '-' || substr(h, 21, 12), 'closure', NEW.id, NEW.closed_at
	FROM (SELECT lower(hex(randomblob(16))) AS h);
END;
--> statement-breakpoint
-- An outbox row leaves only when the portal has acknowledged it (push), never otherwise.
CREATE TRIGGER `sync_outbox_no_update` BEFORE UPDATE ON `sync_outbox` BEGIN
	SELECT RAISE(ABORT, 'File de synchronisation : une opération en attente ne se modifie pas.');
END;
--> statement-breakpoint
CREATE TRIGGER `sync_rejected_no_delete` BEFORE DELETE ON `sync_rejected` BEGIN
	SELECT RAISE(ABORT, 'Opérations refusées par le portail : elles restent à traiter, jamais supprimées.');
END;
