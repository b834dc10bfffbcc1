-- Invoice guards. An invoice comes from the billing office, but what it says about money must
-- not change silently: the part paid outside Guichet is written once with the invoice, the
-- amount cannot change once money has been allocated to it, and paid_cents can only be the
-- part paid outside plus the sum of its allocations (the allocation trigger of 0003 keeps it
-- so). Status changes (trésorerie, prélèvement, annulée) will come from synchronisation: each
-- one, and each invoice's creation, is recorded in invoice_status_change by trigger, so none
-- can be silent and journal.verify has the amounts an invoice was created with.
CREATE TABLE `invoice_status_change` (
	`id` integer PRIMARY KEY NOT NULL,
	`invoice_id` integer NOT NULL,
	`old_status` text,
	`new_status` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`paid_outside_cents` integer NOT NULL,
	`changed_at` text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
	FOREIGN KEY (`invoice_id`) REFERENCES `invoice`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `invoice_status_change_invoice_ix` ON `invoice_status_change` (`invoice_id`, `id`);
--> statement-breakpoint
-- Invoices already present are recorded as created with what they hold today. A creation is
-- dated by the invoice's own created_at, so a generated database stays reproducible.
INSERT INTO invoice_status_change (invoice_id, old_status, new_status, amount_cents, paid_outside_cents, changed_at)
SELECT id, NULL, status, amount_cents, paid_outside_cents, created_at FROM invoice ORDER BY id;
--> statement-breakpoint
CREATE TRIGGER `invoice_status_change_no_update` BEFORE UPDATE ON `invoice_status_change` BEGIN
	SELECT RAISE(ABORT, 'Historique des factures inaltérable : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `invoice_status_change_no_delete` BEFORE DELETE ON `invoice_status_change` BEGIN
	SELECT RAISE(ABORT, 'Historique des factures inaltérable : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `invoice_created` AFTER INSERT ON `invoice` BEGIN
	INSERT INTO invoice_status_change (invoice_id, old_status, new_status, amount_cents, paid_outside_cents, changed_at)
	VALUES (NEW.id, NULL, NEW.status, NEW.amount_cents, NEW.paid_outside_cents, NEW.created_at);
END;
--> statement-breakpoint
CREATE TRIGGER `invoice_status_changed` AFTER UPDATE OF `status` ON `invoice`
WHEN NEW.status IS NOT OLD.status
BEGIN
	INSERT INTO invoice_status_change (invoice_id, old_status, new_status, amount_cents, paid_outside_cents)
	VALUES (NEW.id, OLD.status, NEW.status, NEW.amount_cents, NEW.paid_outside_cents);
END;
--> statement-breakpoint
CREATE TRIGGER `invoice_paid_outside_fixed` BEFORE UPDATE OF `paid_outside_cents` ON `invoice`
WHEN NEW.paid_outside_cents IS NOT OLD.paid_outside_cents
BEGIN
	SELECT RAISE(ABORT, 'Facture : la part payée hors de Guichet est fixée à la création de la facture et ne peut pas être modifiée.');
END;
--> statement-breakpoint
CREATE TRIGGER `invoice_amount_fixed_once_paid` BEFORE UPDATE OF `amount_cents` ON `invoice`
WHEN NEW.amount_cents IS NOT OLD.amount_cents AND EXISTS (SELECT 1 FROM allocation WHERE invoice_id = OLD.id)
BEGIN
	SELECT RAISE(ABORT, 'Facture : son montant ne peut plus changer, de l’argent lui a déjà été affecté. Annulez la facture et émettez-en une nouvelle.');
END;
--> statement-breakpoint
CREATE TRIGGER `invoice_paid_from_allocations` BEFORE UPDATE OF `paid_cents` ON `invoice`
WHEN NEW.paid_cents IS NOT NEW.paid_outside_cents + (SELECT COALESCE(SUM(amount_cents), 0) FROM allocation WHERE invoice_id = NEW.id)
BEGIN
	SELECT RAISE(ABORT, 'Facture : le montant payé est la part payée hors de Guichet plus ses affectations ; il ne se modifie pas directement.');
END;
--> statement-breakpoint
-- An invoice is never deleted: its history and its allocations refer to it.
CREATE TRIGGER `invoice_no_delete` BEFORE DELETE ON `invoice` BEGIN
	SELECT RAISE(ABORT, 'Facture : suppression refusée. Une facture se corrige par son annulation.');
END;
