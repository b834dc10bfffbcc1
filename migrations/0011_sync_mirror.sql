CREATE TABLE `sync_mirror` (
	`entity` text NOT NULL,
	`key` text NOT NULL,
	`data` text,
	`committed_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_mirror_uq` ON `sync_mirror` (`entity`,`key`);