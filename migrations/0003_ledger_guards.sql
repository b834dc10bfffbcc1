-- Ledger guards. Nothing validated is ever edited or deleted: a mistake is corrected by a new
-- counter-entry. These triggers make the database itself refuse UPDATE and DELETE on the ledger
-- and journal tables, so a bug or a hand-typed SQL statement cannot silently rewrite history.
-- The journals are hash chains whose last seq and hash are also kept in a tip table: an insert
-- must extend the tip exactly, the tip moves with every insert, and the tip can only move
-- forward by one, so deleting the last entries is detected by journal.verify.
INSERT INTO journal_tip (id, last_seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
--> statement-breakpoint
INSERT INTO tech_journal_tip (id, last_seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
--> statement-breakpoint
CREATE TRIGGER `command_no_update` BEFORE UPDATE ON `command` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (commande) : modification refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `command_no_delete` BEFORE DELETE ON `command` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (commande) : suppression refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `payment_no_update` BEFORE UPDATE ON `payment` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (paiement) : modification refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `payment_no_delete` BEFORE DELETE ON `payment` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (paiement) : suppression refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `credit_use_no_update` BEFORE UPDATE ON `credit_use` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (utilisation d’avoir) : modification refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `credit_use_no_delete` BEFORE DELETE ON `credit_use` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (utilisation d’avoir) : suppression refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `cancellation_no_update` BEFORE UPDATE ON `cancellation` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (annulation) : modification refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `cancellation_no_delete` BEFORE DELETE ON `cancellation` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (annulation) : suppression refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `allocation_no_update` BEFORE UPDATE ON `allocation` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (affectation) : modification refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `allocation_no_delete` BEFORE DELETE ON `allocation` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (affectation) : suppression refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `credit_movement_no_update` BEFORE UPDATE ON `credit_movement` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (mouvement d’avoir) : modification refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `credit_movement_no_delete` BEFORE DELETE ON `credit_movement` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (mouvement d’avoir) : suppression refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `receipt_reprint_no_update` BEFORE UPDATE ON `receipt_reprint` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (réimpression) : modification refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
CREATE TRIGGER `receipt_reprint_no_delete` BEFORE DELETE ON `receipt_reprint` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (réimpression) : suppression refusée. Une erreur se corrige par une annulation.');
END;
--> statement-breakpoint
-- An allocation moves the invoice's paid amount in the same statement, and may neither pay more
-- than the invoice's amount nor take back more than was paid.
CREATE TRIGGER `allocation_bounds` BEFORE INSERT ON `allocation`
WHEN (SELECT paid_cents + NEW.amount_cents FROM invoice WHERE id = NEW.invoice_id) NOT BETWEEN 0 AND (SELECT amount_cents FROM invoice WHERE id = NEW.invoice_id)
BEGIN
	SELECT RAISE(ABORT, 'Affectation impossible : elle dépasserait le montant de la facture ou reprendrait plus que ce qui a été payé.');
END;
--> statement-breakpoint
CREATE TRIGGER `allocation_paid` AFTER INSERT ON `allocation` BEGIN
	UPDATE invoice SET paid_cents = paid_cents + NEW.amount_cents WHERE id = NEW.invoice_id;
END;
--> statement-breakpoint
CREATE TRIGGER `journal_entry_no_update` BEFORE UPDATE ON `journal_entry` BEGIN
	SELECT RAISE(ABORT, 'Le journal des opérations est inaltérable : une écriture ne peut pas être modifiée.');
END;
--> statement-breakpoint
CREATE TRIGGER `journal_entry_no_delete` BEFORE DELETE ON `journal_entry` BEGIN
	SELECT RAISE(ABORT, 'Le journal des opérations est inaltérable : une écriture ne peut pas être supprimée.');
END;
--> statement-breakpoint
CREATE TRIGGER `journal_entry_extends_tip` BEFORE INSERT ON `journal_entry`
WHEN NEW.seq <> (SELECT last_seq + 1 FROM journal_tip WHERE id = 1) OR NEW.prev_hash <> (SELECT last_hash FROM journal_tip WHERE id = 1)
BEGIN
	SELECT RAISE(ABORT, 'Le journal des opérations n’accepte qu’une écriture qui suit la dernière (numéro et empreinte).');
END;
--> statement-breakpoint
CREATE TRIGGER `journal_entry_moves_tip` AFTER INSERT ON `journal_entry` BEGIN
	UPDATE journal_tip SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `journal_tip_forward_only` BEFORE UPDATE ON `journal_tip`
WHEN NEW.id <> OLD.id OR NEW.last_seq <> OLD.last_seq + 1
BEGIN
	SELECT RAISE(ABORT, 'La fin de chaîne du journal ne peut qu’avancer d’une écriture à la fois.');
END;
--> statement-breakpoint
CREATE TRIGGER `journal_tip_no_delete` BEFORE DELETE ON `journal_tip` BEGIN
	SELECT RAISE(ABORT, 'La fin de chaîne du journal ne peut pas être supprimée.');
END;
--> statement-breakpoint
CREATE TRIGGER `tech_journal_entry_no_update` BEFORE UPDATE ON `tech_journal_entry` BEGIN
	SELECT RAISE(ABORT, 'Le journal technique est inaltérable : une écriture ne peut pas être modifiée.');
END;
--> statement-breakpoint
CREATE TRIGGER `tech_journal_entry_no_delete` BEFORE DELETE ON `tech_journal_entry` BEGIN
	SELECT RAISE(ABORT, 'Le journal technique est inaltérable : une écriture ne peut pas être supprimée.');
END;
--> statement-breakpoint
CREATE TRIGGER `tech_journal_entry_extends_tip` BEFORE INSERT ON `tech_journal_entry`
WHEN NEW.seq <> (SELECT last_seq + 1 FROM tech_journal_tip WHERE id = 1) OR NEW.prev_hash <> (SELECT last_hash FROM tech_journal_tip WHERE id = 1)
BEGIN
	SELECT RAISE(ABORT, 'Le journal technique n’accepte qu’une écriture qui suit la dernière (numéro et empreinte).');
END;
--> statement-breakpoint
CREATE TRIGGER `tech_journal_entry_moves_tip` AFTER INSERT ON `tech_journal_entry` BEGIN
	UPDATE tech_journal_tip SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `tech_journal_tip_forward_only` BEFORE UPDATE ON `tech_journal_tip`
WHEN NEW.id <> OLD.id OR NEW.last_seq <> OLD.last_seq + 1
BEGIN
	SELECT RAISE(ABORT, 'La fin de chaîne du journal ne peut qu’avancer d’une écriture à la fois.');
END;
--> statement-breakpoint
CREATE TRIGGER `tech_journal_tip_no_delete` BEFORE DELETE ON `tech_journal_tip` BEGIN
	SELECT RAISE(ABORT, 'La fin de chaîne du journal ne peut pas être supprimée.');
END;
