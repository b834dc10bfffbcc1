CREATE TABLE `agent` (
	`id` integer PRIMARY KEY NOT NULL,
	`login` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until` text,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agent_login_uq` ON `agent` (`login`);--> statement-breakpoint
CREATE TABLE `child` (
	`id` integer PRIMARY KEY NOT NULL,
	`family_id` integer NOT NULL,
	`first_name` text NOT NULL,
	`last_name` text NOT NULL,
	`birth_date` text NOT NULL,
	`school` text,
	FOREIGN KEY (`family_id`) REFERENCES `family`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `child_family_ix` ON `child` (`family_id`);--> statement-breakpoint
CREATE TABLE `commune` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`address_line` text NOT NULL,
	`postal_code` text NOT NULL,
	`city` text NOT NULL,
	`siret` text,
	`phone` text,
	`portal_url` text,
	`demo` integer DEFAULT false NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `family` (
	`id` integer PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`family_name` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `family_code_uq` ON `family` (`code`);--> statement-breakpoint
CREATE TABLE `family_account` (
	`id` integer PRIMARY KEY NOT NULL,
	`family_id` integer NOT NULL,
	`regie_id` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`family_id`) REFERENCES `family`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `family_account_uq` ON `family_account` (`family_id`,`regie_id`);--> statement-breakpoint
CREATE TABLE `invoice` (
	`id` integer PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`regie_id` integer NOT NULL,
	`family_id` integer NOT NULL,
	`label` text NOT NULL,
	`period` text NOT NULL,
	`issue_date` text NOT NULL,
	`due_date` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`paid_cents` integer DEFAULT 0 NOT NULL,
	`refdet` text NOT NULL,
	`status` text DEFAULT 'emise' NOT NULL,
	`source` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`family_id`) REFERENCES `family`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "invoice_amount_ck" CHECK("invoice"."amount_cents" > 0),
	CONSTRAINT "invoice_paid_ck" CHECK("invoice"."paid_cents" >= 0),
	CONSTRAINT "invoice_refdet_ck" CHECK(length("invoice"."refdet") BETWEEN 6 AND 30 AND "invoice"."refdet" NOT GLOB '*[^A-Za-z0-9]*')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoice_number_uq` ON `invoice` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoice_refdet_uq` ON `invoice` (`refdet`);--> statement-breakpoint
CREATE INDEX `invoice_family_regie_ix` ON `invoice` (`family_id`,`regie_id`,`due_date`);--> statement-breakpoint
CREATE TABLE `invoice_line` (
	`id` integer PRIMARY KEY NOT NULL,
	`invoice_id` integer NOT NULL,
	`line_no` integer NOT NULL,
	`label` text NOT NULL,
	`child_id` integer,
	`quantity` integer NOT NULL,
	`unit_price_cents` integer NOT NULL,
	`amount_cents` integer NOT NULL,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoice`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`child_id`) REFERENCES `child`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoice_line_uq` ON `invoice_line` (`invoice_id`,`line_no`);--> statement-breakpoint
CREATE TABLE `poste` (
	`id` integer PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `poste_code_uq` ON `poste` (`code`);--> statement-breakpoint
CREATE TABLE `regie` (
	`id` integer PRIMARY KEY NOT NULL,
	`commune_id` integer NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`numcli` text,
	`payfip_saisie` text DEFAULT 'T' NOT NULL,
	`accepted_modes` text NOT NULL,
	`cash_ceiling_cents` integer NOT NULL,
	`float_cents` integer NOT NULL,
	`creditor_label` text NOT NULL,
	`allow_credit` integer DEFAULT true NOT NULL,
	`allow_direct_debit_payment` integer DEFAULT false NOT NULL,
	`dft_account` text,
	`service_name` text NOT NULL,
	`service_address` text NOT NULL,
	`service_phone` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`commune_id`) REFERENCES `commune`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "regie_numcli_ck" CHECK("regie"."numcli" IS NULL OR "regie"."numcli" GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'),
	CONSTRAINT "regie_ceiling_ck" CHECK("regie"."cash_ceiling_cents" >= 0 AND "regie"."float_cents" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `regie_code_uq` ON `regie` (`code`);--> statement-breakpoint
CREATE TABLE `responsable` (
	`id` integer PRIMARY KEY NOT NULL,
	`family_id` integer NOT NULL,
	`rank` integer NOT NULL,
	`civility` text NOT NULL,
	`last_name` text NOT NULL,
	`first_name` text NOT NULL,
	`address_line1` text NOT NULL,
	`address_line2` text,
	`postal_code` text NOT NULL,
	`city` text NOT NULL,
	`email` text,
	`phone_mobile` text,
	`phone_home` text,
	`phone_work` text,
	FOREIGN KEY (`family_id`) REFERENCES `family`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "responsable_rank_ck" CHECK("responsable"."rank" IN (1, 2))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `responsable_family_rank_uq` ON `responsable` (`family_id`,`rank`);--> statement-breakpoint
CREATE TABLE `setting` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
