CREATE TABLE `closure` (
	`id` integer PRIMARY KEY NOT NULL,
	`regie_id` integer NOT NULL,
	`kind` text NOT NULL,
	`period` text NOT NULL,
	`totals` text NOT NULL,
	`last_covered_seq` integer NOT NULL,
	`last_covered_hash` text NOT NULL,
	`agent_id` integer,
	`closed_at` text NOT NULL,
	`journal_seq` integer NOT NULL,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `closure_period_uq` ON `closure` (`regie_id`,`kind`,`period`);--> statement-breakpoint
CREATE TABLE `till_ceiling_override` (
	`id` integer PRIMARY KEY NOT NULL,
	`command_id` text NOT NULL,
	`session_id` integer NOT NULL,
	`regie_id` integer NOT NULL,
	`reason` text NOT NULL,
	`agent_id` integer NOT NULL,
	`at` text NOT NULL,
	`journal_seq` integer NOT NULL,
	FOREIGN KEY (`command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`session_id`) REFERENCES `till_session`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "till_ceiling_override_reason_ck" CHECK(length(trim("till_ceiling_override"."reason")) >= 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `till_ceiling_override_command_uq` ON `till_ceiling_override` (`command_id`);--> statement-breakpoint
CREATE INDEX `till_ceiling_override_session_ix` ON `till_ceiling_override` (`session_id`,`regie_id`);--> statement-breakpoint
CREATE TABLE `till_difference` (
	`id` integer PRIMARY KEY NOT NULL,
	`session_id` integer NOT NULL,
	`mode` text NOT NULL,
	`expected_cents` integer NOT NULL,
	`counted_cents` integer NOT NULL,
	`difference_cents` integer NOT NULL,
	`reason` text NOT NULL,
	`agent_id` integer NOT NULL,
	`validated_by` integer,
	`at` text NOT NULL,
	`journal_seq` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `till_session`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`validated_by`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "till_difference_amount_ck" CHECK("till_difference"."difference_cents" <> 0 AND "till_difference"."difference_cents" = "till_difference"."counted_cents" - "till_difference"."expected_cents"),
	CONSTRAINT "till_difference_reason_ck" CHECK(length(trim("till_difference"."reason")) >= 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `till_difference_mode_uq` ON `till_difference` (`session_id`,`mode`);--> statement-breakpoint
CREATE TABLE `till_link` (
	`id` integer PRIMARY KEY NOT NULL,
	`session_id` integer NOT NULL,
	`payment_id` integer,
	`cancellation_id` integer,
	FOREIGN KEY (`session_id`) REFERENCES `till_session`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payment`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cancellation_id`) REFERENCES `cancellation`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "till_link_target_ck" CHECK(("till_link"."payment_id" IS NULL) <> ("till_link"."cancellation_id" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `till_link_payment_uq` ON `till_link` (`payment_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `till_link_cancellation_uq` ON `till_link` (`cancellation_id`);--> statement-breakpoint
CREATE INDEX `till_link_session_ix` ON `till_link` (`session_id`);--> statement-breakpoint
CREATE TABLE `till_movement` (
	`id` integer PRIMARY KEY NOT NULL,
	`command_id` text NOT NULL,
	`session_id` integer NOT NULL,
	`regie_id` integer NOT NULL,
	`kind` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`reason` text NOT NULL,
	`agent_id` integer NOT NULL,
	`at` text NOT NULL,
	`journal_seq` integer NOT NULL,
	FOREIGN KEY (`command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`session_id`) REFERENCES `till_session`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`regie_id`) REFERENCES `regie`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "till_movement_sign_ck" CHECK(CASE WHEN "till_movement"."kind" = 'apport' THEN "till_movement"."amount_cents" > 0 ELSE "till_movement"."amount_cents" < 0 END),
	CONSTRAINT "till_movement_reason_ck" CHECK(length(trim("till_movement"."reason")) >= 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `till_movement_command_uq` ON `till_movement` (`command_id`);--> statement-breakpoint
CREATE INDEX `till_movement_session_ix` ON `till_movement` (`session_id`);--> statement-breakpoint
CREATE INDEX `till_movement_regie_ix` ON `till_movement` (`regie_id`,`kind`,`at`);--> statement-breakpoint
CREATE TABLE `till_session` (
	`id` integer PRIMARY KEY NOT NULL,
	`command_id` text NOT NULL,
	`poste_code` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`opened_at` text NOT NULL,
	`opened_by` integer NOT NULL,
	`float_counts` text NOT NULL,
	`float_counted_cents` integer NOT NULL,
	`float_expected_cents` integer NOT NULL,
	`previous_float_left_cents` integer,
	`open_journal_seq` integer NOT NULL,
	`close_command_id` text,
	`closed_at` text,
	`closed_by` integer,
	`validated_by` integer,
	`float_left_cents` integer,
	`close_journal_seq` integer,
	FOREIGN KEY (`command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opened_by`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`close_command_id`) REFERENCES `command`(`command_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`closed_by`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`validated_by`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "till_session_closed_ck" CHECK(("till_session"."status" = 'open' AND "till_session"."closed_at" IS NULL AND "till_session"."close_journal_seq" IS NULL) OR ("till_session"."status" = 'closed' AND "till_session"."closed_at" IS NOT NULL AND "till_session"."close_journal_seq" IS NOT NULL AND "till_session"."closed_by" IS NOT NULL)),
	CONSTRAINT "till_session_float_ck" CHECK("till_session"."float_counted_cents" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `till_session_command_uq` ON `till_session` (`command_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `till_session_close_command_uq` ON `till_session` (`close_command_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `till_session_open_uq` ON `till_session` (`poste_code`) WHERE status = 'open';--> statement-breakpoint
CREATE INDEX `till_session_poste_ix` ON `till_session` (`poste_code`,`id`);