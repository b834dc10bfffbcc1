CREATE TABLE `bank_import` (
	`id` integer PRIMARY KEY NOT NULL,
	`command_id` text NOT NULL,
	`file_name` text NOT NULL,
	`file_sha256` text NOT NULL,
	`format` text NOT NULL,
	`statement_count` integer NOT NULL,
	`line_count` integer NOT NULL,
	`imported_at` text NOT NULL,
	`agent_id` integer NOT NULL,
	`poste_code` text NOT NULL,
	`journal_seq` integer NOT NULL,
	FOREIGN KEY (`command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bank_import_sha256_ck" CHECK(length("bank_import"."file_sha256") = 64 AND "bank_import"."file_sha256" NOT GLOB '*[^0-9a-f]*')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bank_import_command_uq` ON `bank_import` (`command_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `bank_import_sha256_uq` ON `bank_import` (`file_sha256`);--> statement-breakpoint
CREATE TABLE `bank_line` (
	`id` integer PRIMARY KEY NOT NULL,
	`statement_id` integer NOT NULL,
	`source_line` integer NOT NULL,
	`booking_date` text NOT NULL,
	`value_date` text,
	`amount_cents` integer NOT NULL,
	`label` text NOT NULL,
	`reference` text,
	`entry_number` text,
	`operation_code` text,
	`complements` text NOT NULL,
	FOREIGN KEY (`statement_id`) REFERENCES `bank_statement`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `bank_line_statement_ix` ON `bank_line` (`statement_id`);--> statement-breakpoint
CREATE INDEX `bank_line_amount_ix` ON `bank_line` (`amount_cents`,`booking_date`);--> statement-breakpoint
CREATE TABLE `bank_match` (
	`id` integer PRIMARY KEY NOT NULL,
	`line_id` integer NOT NULL,
	`target_kind` text NOT NULL,
	`target_key` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`group_key` text NOT NULL,
	`origin` text NOT NULL,
	`created_at` text NOT NULL,
	`agent_id` integer,
	`journal_seq` integer,
	FOREIGN KEY (`line_id`) REFERENCES `bank_line`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `bank_match_line_ix` ON `bank_match` (`line_id`);--> statement-breakpoint
CREATE INDEX `bank_match_target_ix` ON `bank_match` (`target_kind`,`target_key`);--> statement-breakpoint
CREATE INDEX `bank_match_group_ix` ON `bank_match` (`group_key`);--> statement-breakpoint
CREATE TABLE `bank_statement` (
	`id` integer PRIMARY KEY NOT NULL,
	`import_id` integer NOT NULL,
	`rank` integer NOT NULL,
	`account` text NOT NULL,
	`bank_code` text,
	`branch_code` text,
	`currency` text NOT NULL,
	`regie_id` integer,
	`opening_date` text NOT NULL,
	`opening_cents` integer NOT NULL,
	`closing_date` text NOT NULL,
	`closing_cents` integer NOT NULL,
	FOREIGN KEY (`import_id`) REFERENCES `bank_import`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bank_statement_rank_uq` ON `bank_statement` (`import_id`,`rank`);--> statement-breakpoint
CREATE INDEX `bank_statement_account_ix` ON `bank_statement` (`account`,`closing_date`);--> statement-breakpoint
CREATE TABLE `bank_unmatch` (
	`id` integer PRIMARY KEY NOT NULL,
	`command_id` text NOT NULL,
	`group_key` text NOT NULL,
	`line_id` integer NOT NULL,
	`reason` text NOT NULL,
	`agent_id` integer NOT NULL,
	`at` text NOT NULL,
	`journal_seq` integer NOT NULL,
	FOREIGN KEY (`command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`line_id`) REFERENCES `bank_line`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bank_unmatch_reason_ck" CHECK(length(trim("bank_unmatch"."reason")) >= 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bank_unmatch_command_uq` ON `bank_unmatch` (`command_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `bank_unmatch_group_uq` ON `bank_unmatch` (`group_key`);--> statement-breakpoint
CREATE TABLE `online_overpayment` (
	`id` integer PRIMARY KEY NOT NULL,
	`command_id` text NOT NULL,
	`online_payment_ref` text NOT NULL,
	`invoice_id` integer NOT NULL,
	`family_id` integer NOT NULL,
	`regie_id` integer NOT NULL,
	`resolution` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`reason` text NOT NULL,
	`agent_id` integer NOT NULL,
	`poste_code` text NOT NULL,
	`resolved_at` text NOT NULL,
	`journal_seq` integer NOT NULL,
	FOREIGN KEY (`command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoice`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`family_id`) REFERENCES `family`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "online_overpayment_amount_ck" CHECK("online_overpayment"."amount_cents" > 0),
	CONSTRAINT "online_overpayment_reason_ck" CHECK(length(trim("online_overpayment"."reason")) >= 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `online_overpayment_command_uq` ON `online_overpayment` (`command_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `online_overpayment_ref_uq` ON `online_overpayment` (`online_payment_ref`);
--> statement-breakpoint
-- Hand-written below. Imported statements are evidence of what the bank said: written once.
-- A match is undone by a bank_unmatch row naming its group, never by editing or deleting it.
CREATE TRIGGER `bank_import_no_update` BEFORE UPDATE ON `bank_import` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (relevé importé) : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `bank_import_no_delete` BEFORE DELETE ON `bank_import` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (relevé importé) : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `bank_statement_no_update` BEFORE UPDATE ON `bank_statement` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (relevé de compte) : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `bank_statement_no_delete` BEFORE DELETE ON `bank_statement` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (relevé de compte) : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `bank_line_no_update` BEFORE UPDATE ON `bank_line` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (ligne de relevé) : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `bank_line_no_delete` BEFORE DELETE ON `bank_line` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (ligne de relevé) : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `bank_match_no_update` BEFORE UPDATE ON `bank_match` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (rapprochement) : modification refusée. Annulez le rapprochement puis refaites-le.');
END;
--> statement-breakpoint
CREATE TRIGGER `bank_match_no_delete` BEFORE DELETE ON `bank_match` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (rapprochement) : suppression refusée. Annulez le rapprochement.');
END;
--> statement-breakpoint
-- What a live match confirms is confirmed once: a second live match of the same item, or of a
-- line already matched by another decision, is refused whatever code writes it.
CREATE TRIGGER `bank_match_target_once` BEFORE INSERT ON `bank_match`
WHEN EXISTS (
	SELECT 1 FROM bank_match m
	WHERE m.target_kind = NEW.target_kind AND m.target_key = NEW.target_key
	  AND NOT EXISTS (SELECT 1 FROM bank_unmatch u WHERE u.group_key = m.group_key))
OR EXISTS (
	SELECT 1 FROM bank_match m
	WHERE m.line_id = NEW.line_id AND m.group_key <> NEW.group_key
	  AND NOT EXISTS (SELECT 1 FROM bank_unmatch u WHERE u.group_key = m.group_key))
BEGIN
	SELECT RAISE(ABORT, 'Rapprochement en double : cette ligne ou cette pièce est déjà rapprochée.');
END;
--> statement-breakpoint
CREATE TRIGGER `bank_unmatch_no_update` BEFORE UPDATE ON `bank_unmatch` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (annulation de rapprochement) : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `bank_unmatch_no_delete` BEFORE DELETE ON `bank_unmatch` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (annulation de rapprochement) : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `online_overpayment_no_update` BEFORE UPDATE ON `online_overpayment` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (trop-perçu en ligne) : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `online_overpayment_no_delete` BEFORE DELETE ON `online_overpayment` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (trop-perçu en ligne) : suppression refusée.');
END;
