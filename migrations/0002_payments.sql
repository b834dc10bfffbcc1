CREATE TABLE `allocation` (
	`id` integer PRIMARY KEY NOT NULL,
	`invoice_id` integer NOT NULL,
	`payment_id` integer,
	`credit_use_id` integer,
	`cancellation_id` integer,
	`amount_cents` integer NOT NULL,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoice`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payment`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`credit_use_id`) REFERENCES `credit_use`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cancellation_id`) REFERENCES `cancellation`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "allocation_source_ck" CHECK(("allocation"."payment_id" IS NOT NULL) + ("allocation"."credit_use_id" IS NOT NULL) + ("allocation"."cancellation_id" IS NOT NULL) = 1),
	CONSTRAINT "allocation_sign_ck" CHECK(CASE WHEN "allocation"."cancellation_id" IS NULL THEN "allocation"."amount_cents" > 0 ELSE "allocation"."amount_cents" < 0 END)
);
--> statement-breakpoint
CREATE INDEX `allocation_invoice_ix` ON `allocation` (`invoice_id`);--> statement-breakpoint
CREATE INDEX `allocation_payment_ix` ON `allocation` (`payment_id`);--> statement-breakpoint
CREATE INDEX `allocation_credit_use_ix` ON `allocation` (`credit_use_id`);--> statement-breakpoint
CREATE INDEX `allocation_cancellation_ix` ON `allocation` (`cancellation_id`);--> statement-breakpoint
CREATE TABLE `cancellation` (
	`id` integer PRIMARY KEY NOT NULL,
	`command_id` text NOT NULL,
	`payment_id` integer,
	`credit_use_id` integer,
	`reason` text NOT NULL,
	`agent_id` integer NOT NULL,
	`poste_code` text NOT NULL,
	`cancelled_at` text NOT NULL,
	`journal_seq` integer NOT NULL,
	FOREIGN KEY (`command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payment`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`credit_use_id`) REFERENCES `credit_use`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "cancellation_target_ck" CHECK(("cancellation"."payment_id" IS NULL) <> ("cancellation"."credit_use_id" IS NULL)),
	CONSTRAINT "cancellation_reason_ck" CHECK(length(trim("cancellation"."reason")) >= 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cancellation_command_uq` ON `cancellation` (`command_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `cancellation_payment_uq` ON `cancellation` (`payment_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `cancellation_credit_use_uq` ON `cancellation` (`credit_use_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `cancellation_journal_uq` ON `cancellation` (`journal_seq`);--> statement-breakpoint
CREATE TABLE `command` (
	`command_id` text PRIMARY KEY NOT NULL,
	`handler` text NOT NULL,
	`request_hash` text NOT NULL,
	`agent_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `credit_movement` (
	`id` integer PRIMARY KEY NOT NULL,
	`family_id` integer NOT NULL,
	`regie_id` integer NOT NULL,
	`amount_cents` integer NOT NULL,
	`payment_id` integer,
	`credit_use_id` integer,
	`cancellation_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`family_id`) REFERENCES `family`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payment`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`credit_use_id`) REFERENCES `credit_use`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cancellation_id`) REFERENCES `cancellation`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "credit_movement_amount_ck" CHECK("credit_movement"."amount_cents" <> 0),
	CONSTRAINT "credit_movement_source_ck" CHECK(("credit_movement"."payment_id" IS NOT NULL) + ("credit_movement"."credit_use_id" IS NOT NULL) + ("credit_movement"."cancellation_id" IS NOT NULL) = 1)
);
--> statement-breakpoint
CREATE INDEX `credit_movement_family_regie_ix` ON `credit_movement` (`family_id`,`regie_id`);--> statement-breakpoint
CREATE TABLE `credit_use` (
	`id` integer PRIMARY KEY NOT NULL,
	`command_id` text NOT NULL,
	`regie_id` integer NOT NULL,
	`family_id` integer NOT NULL,
	`agent_id` integer NOT NULL,
	`poste_code` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`used_at` text NOT NULL,
	`journal_seq` integer NOT NULL,
	FOREIGN KEY (`command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`family_id`) REFERENCES `family`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "credit_use_amount_ck" CHECK("credit_use"."amount_cents" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_use_command_uq` ON `credit_use` (`command_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `credit_use_journal_uq` ON `credit_use` (`journal_seq`);--> statement-breakpoint
CREATE INDEX `credit_use_family_regie_ix` ON `credit_use` (`family_id`,`regie_id`);--> statement-breakpoint
CREATE TABLE `journal_entry` (
	`seq` integer PRIMARY KEY NOT NULL,
	`instant` text NOT NULL,
	`kind` text NOT NULL,
	`agent_id` integer,
	`regie_id` integer,
	`poste_code` text NOT NULL,
	`payload` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `journal_entry_kind_ix` ON `journal_entry` (`kind`,`seq`);--> statement-breakpoint
CREATE INDEX `journal_entry_instant_ix` ON `journal_entry` (`instant`);--> statement-breakpoint
CREATE INDEX `journal_entry_totals_ix` ON `journal_entry` (`regie_id`,`seq`) WHERE kind IN ('paiement', 'annulation');--> statement-breakpoint
CREATE TABLE `journal_tip` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL,
	`last_hash` text NOT NULL,
	CONSTRAINT "journal_tip_single_ck" CHECK("journal_tip"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `payment` (
	`id` integer PRIMARY KEY NOT NULL,
	`command_id` text NOT NULL,
	`regie_id` integer NOT NULL,
	`family_id` integer NOT NULL,
	`agent_id` integer NOT NULL,
	`poste_code` text NOT NULL,
	`mode` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`tendered_cents` integer,
	`change_cents` integer,
	`credit_created_cents` integer DEFAULT 0 NOT NULL,
	`details` text NOT NULL,
	`receipt_year` integer NOT NULL,
	`receipt_seq` integer NOT NULL,
	`receipt_number` text NOT NULL,
	`recorded_at` text NOT NULL,
	`journal_seq` integer NOT NULL,
	FOREIGN KEY (`command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`family_id`) REFERENCES `family`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payment_amount_ck" CHECK("payment"."amount_cents" > 0),
	CONSTRAINT "payment_credit_ck" CHECK("payment"."credit_created_cents" >= 0 AND "payment"."credit_created_cents" <= "payment"."amount_cents"),
	CONSTRAINT "payment_tendered_ck" CHECK(("payment"."tendered_cents" IS NULL AND "payment"."change_cents" IS NULL) OR ("payment"."tendered_cents" >= "payment"."amount_cents" AND "payment"."change_cents" = "payment"."tendered_cents" - "payment"."amount_cents")),
	CONSTRAINT "payment_seq_ck" CHECK("payment"."receipt_seq" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_command_uq` ON `payment` (`command_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payment_receipt_seq_uq` ON `payment` (`regie_id`,`poste_code`,`receipt_year`,`receipt_seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `payment_receipt_number_uq` ON `payment` (`receipt_number`);--> statement-breakpoint
CREATE UNIQUE INDEX `payment_journal_uq` ON `payment` (`journal_seq`);--> statement-breakpoint
CREATE INDEX `payment_family_regie_ix` ON `payment` (`family_id`,`regie_id`);--> statement-breakpoint
CREATE TABLE `receipt_reprint` (
	`id` integer PRIMARY KEY NOT NULL,
	`command_id` text NOT NULL,
	`payment_id` integer NOT NULL,
	`receipt_kind` text NOT NULL,
	`layout` text NOT NULL,
	`agent_id` integer NOT NULL,
	`poste_code` text NOT NULL,
	`issued_at` text NOT NULL,
	`journal_seq` integer NOT NULL,
	FOREIGN KEY (`command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payment`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `receipt_reprint_command_uq` ON `receipt_reprint` (`command_id`);--> statement-breakpoint
CREATE INDEX `receipt_reprint_payment_ix` ON `receipt_reprint` (`payment_id`);--> statement-breakpoint
CREATE TABLE `tech_journal_entry` (
	`seq` integer PRIMARY KEY NOT NULL,
	`instant` text NOT NULL,
	`kind` text NOT NULL,
	`agent_id` integer,
	`regie_id` integer,
	`poste_code` text NOT NULL,
	`payload` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `tech_journal_entry_kind_ix` ON `tech_journal_entry` (`kind`,`seq`);--> statement-breakpoint
CREATE INDEX `tech_journal_entry_instant_ix` ON `tech_journal_entry` (`instant`);--> statement-breakpoint
CREATE TABLE `tech_journal_tip` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL,
	`last_hash` text NOT NULL,
	CONSTRAINT "tech_journal_tip_single_ck" CHECK("tech_journal_tip"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE `invoice` ADD `paid_outside_cents` integer DEFAULT 0 NOT NULL;