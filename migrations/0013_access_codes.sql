CREATE TABLE `access_code` (
	`id` integer PRIMARY KEY NOT NULL,
	`ref` text NOT NULL,
	`family_id` integer NOT NULL,
	`code_sha256` text NOT NULL,
	`issued_at` text NOT NULL,
	`expires_at` text,
	`agent_id` integer NOT NULL,
	`poste_code` text NOT NULL,
	`batch_ref` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`family_id`) REFERENCES `family`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "access_code_sha256_ck" CHECK(length("access_code"."code_sha256") = 64 AND "access_code"."code_sha256" NOT GLOB '*[^0-9a-f]*'),
	CONSTRAINT "access_code_expiry_ck" CHECK("access_code"."expires_at" IS NULL OR "access_code"."expires_at" > "access_code"."issued_at")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `access_code_ref_uq` ON `access_code` (`ref`);--> statement-breakpoint
CREATE UNIQUE INDEX `access_code_sha256_uq` ON `access_code` (`code_sha256`);--> statement-breakpoint
CREATE INDEX `access_code_family_ix` ON `access_code` (`family_id`,`issued_at`);--> statement-breakpoint
-- Hand-written below. An access code row is written once: a new code replaces the previous one
-- by being newer, never by editing it, and the hash the portal received must stay the one kept.
CREATE TRIGGER `access_code_no_update` BEFORE UPDATE ON `access_code` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (code d’accès) : modification refusée. Émettez un nouveau code, qui remplace le précédent.');
END;
--> statement-breakpoint
CREATE TRIGGER `access_code_no_delete` BEFORE DELETE ON `access_code` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (code d’accès) : suppression refusée. Émettez un nouveau code, qui remplace le précédent.');
END;
--> statement-breakpoint
-- Queued for the portal in the same transaction as the row, like the ledger's operations: the
-- code's ref (a UUID) is the operation id.
CREATE TRIGGER `sync_outbox_access_code` AFTER INSERT ON `access_code` BEGIN
	INSERT INTO sync_outbox (op_id, kind, entity_id, created_at) VALUES (NEW.ref, 'access_code', NEW.id, NEW.issued_at);
END;
