-- Closures gain their period as UTC instants. No version before this one wrote a closure (the
-- table was created empty and unused), so the table is rebuilt without copying rows; its
-- triggers are recreated by the next migration (deposit_guards).
CREATE TABLE `cash_deposit` (
	`id` integer PRIMARY KEY NOT NULL,
	`command_id` text NOT NULL,
	`regie_id` integer NOT NULL,
	`session_id` integer NOT NULL,
	`movement_id` integer NOT NULL,
	`year` integer NOT NULL,
	`seq` integer NOT NULL,
	`number` text NOT NULL,
	`notes_counts` text NOT NULL,
	`coins_counts` text NOT NULL,
	`notes_cents` integer NOT NULL,
	`coins_cents` integer NOT NULL,
	`total_cents` integer NOT NULL,
	`notes_bag` text,
	`coins_bag` text,
	`deposited_at` text NOT NULL,
	`agent_id` integer NOT NULL,
	`journal_seq` integer NOT NULL,
	FOREIGN KEY (`command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`session_id`) REFERENCES `till_session`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`movement_id`) REFERENCES `till_movement`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "cash_deposit_amount_ck" CHECK("cash_deposit"."notes_cents" >= 0 AND "cash_deposit"."coins_cents" >= 0 AND "cash_deposit"."total_cents" = "cash_deposit"."notes_cents" + "cash_deposit"."coins_cents" AND "cash_deposit"."total_cents" > 0),
	CONSTRAINT "cash_deposit_bags_ck" CHECK(("cash_deposit"."notes_cents" > 0) = ("cash_deposit"."notes_bag" IS NOT NULL) AND ("cash_deposit"."coins_cents" > 0) = ("cash_deposit"."coins_bag" IS NOT NULL)),
	CONSTRAINT "cash_deposit_seq_ck" CHECK("cash_deposit"."seq" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cash_deposit_command_uq` ON `cash_deposit` (`command_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `cash_deposit_movement_uq` ON `cash_deposit` (`movement_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `cash_deposit_number_uq` ON `cash_deposit` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `cash_deposit_seq_uq` ON `cash_deposit` (`regie_id`,`year`,`seq`);--> statement-breakpoint
CREATE TABLE `deposit_slip` (
	`id` integer PRIMARY KEY NOT NULL,
	`command_id` text NOT NULL,
	`regie_id` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`selection` text NOT NULL,
	`up_to_date` text,
	`created_at` text NOT NULL,
	`created_by` integer NOT NULL,
	`updated_at` text NOT NULL,
	`validate_command_id` text,
	`year` integer,
	`seq` integer,
	`number` text,
	`validated_at` text,
	`validated_by` integer,
	`item_count` integer,
	`total_cents` integer,
	`journal_seq` integer,
	FOREIGN KEY (`command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`validate_command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`validated_by`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "deposit_slip_state_ck" CHECK(("deposit_slip"."status" = 'draft' AND "deposit_slip"."seq" IS NULL AND "deposit_slip"."number" IS NULL AND "deposit_slip"."validated_at" IS NULL AND "deposit_slip"."journal_seq" IS NULL) OR ("deposit_slip"."status" = 'validated' AND "deposit_slip"."seq" >= 1 AND "deposit_slip"."year" IS NOT NULL AND "deposit_slip"."number" IS NOT NULL AND "deposit_slip"."validated_at" IS NOT NULL AND "deposit_slip"."validated_by" IS NOT NULL AND "deposit_slip"."validate_command_id" IS NOT NULL AND "deposit_slip"."item_count" >= 1 AND "deposit_slip"."total_cents" > 0 AND "deposit_slip"."journal_seq" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deposit_slip_command_uq` ON `deposit_slip` (`command_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `deposit_slip_validate_command_uq` ON `deposit_slip` (`validate_command_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `deposit_slip_number_uq` ON `deposit_slip` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `deposit_slip_seq_uq` ON `deposit_slip` (`regie_id`,`kind`,`year`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `deposit_slip_draft_uq` ON `deposit_slip` (`regie_id`,`kind`) WHERE status = 'draft';--> statement-breakpoint
CREATE TABLE `deposit_slip_item` (
	`id` integer PRIMARY KEY NOT NULL,
	`slip_id` integer NOT NULL,
	`payment_id` integer NOT NULL,
	`line` integer NOT NULL,
	`amount_cents` integer NOT NULL,
	FOREIGN KEY (`slip_id`) REFERENCES `deposit_slip`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payment`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "deposit_slip_item_amount_ck" CHECK("deposit_slip_item"."amount_cents" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deposit_slip_item_payment_uq` ON `deposit_slip_item` (`payment_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `deposit_slip_item_line_uq` ON `deposit_slip_item` (`slip_id`,`line`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_closure` (
	`id` integer PRIMARY KEY NOT NULL,
	`regie_id` integer NOT NULL,
	`kind` text NOT NULL,
	`period` text NOT NULL,
	`period_start` text NOT NULL,
	`period_end` text NOT NULL,
	`totals` text NOT NULL,
	`last_covered_seq` integer NOT NULL,
	`last_covered_hash` text NOT NULL,
	`agent_id` integer,
	`closed_at` text NOT NULL,
	`journal_seq` integer NOT NULL,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "closure_period_ck" CHECK("__new_closure"."period_start" < "__new_closure"."period_end")
);
--> statement-breakpoint
DROP TABLE `closure`;--> statement-breakpoint
ALTER TABLE `__new_closure` RENAME TO `closure`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `closure_period_uq` ON `closure` (`regie_id`,`kind`,`period`);--> statement-breakpoint
CREATE UNIQUE INDEX `closure_journal_uq` ON `closure` (`journal_seq`);--> statement-breakpoint
CREATE INDEX `closure_regie_end_ix` ON `closure` (`regie_id`,`kind`,`period_end`);