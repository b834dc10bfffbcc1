-- Closure and deposit guards. A closure is written once. A period closed for a régie stays
-- closed: no payment, credit use or cancellation can be dated inside it (a clock set back
-- would otherwise slip an entry into a day whose totals were already chained). A deposit slip
-- can be edited only while it is a draft; once validated it is frozen, and its items are
-- written once, only while the slip is being validated, for payments of the slip's régie and
-- mode, for their exact amount. A cash deposit is written once.
CREATE TRIGGER `closure_no_update` BEFORE UPDATE ON `closure` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (clôture) : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `closure_no_delete` BEFORE DELETE ON `closure` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (clôture) : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `payment_closed_period` BEFORE INSERT ON `payment`
WHEN EXISTS (SELECT 1 FROM closure WHERE regie_id = NEW.regie_id AND period_end > NEW.recorded_at)
BEGIN
	SELECT RAISE(ABORT, 'Période déjà clôturée pour cette régie : l’horloge de ce poste est-elle en retard ? Aucun paiement ne peut être daté dans une période clôturée.');
END;
--> statement-breakpoint
CREATE TRIGGER `credit_use_closed_period` BEFORE INSERT ON `credit_use`
WHEN EXISTS (SELECT 1 FROM closure WHERE regie_id = NEW.regie_id AND period_end > NEW.used_at)
BEGIN
	SELECT RAISE(ABORT, 'Période déjà clôturée pour cette régie : l’horloge de ce poste est-elle en retard ? Aucune utilisation d’avoir ne peut être datée dans une période clôturée.');
END;
--> statement-breakpoint
CREATE TRIGGER `cancellation_closed_period` BEFORE INSERT ON `cancellation`
WHEN EXISTS (
	SELECT 1 FROM closure
	WHERE regie_id = COALESCE(
		(SELECT regie_id FROM payment WHERE id = NEW.payment_id),
		(SELECT regie_id FROM credit_use WHERE id = NEW.credit_use_id))
	AND period_end > NEW.cancelled_at)
BEGIN
	SELECT RAISE(ABORT, 'Période déjà clôturée pour cette régie : l’horloge de ce poste est-elle en retard ? Aucune annulation ne peut être datée dans une période clôturée.');
END;
--> statement-breakpoint
CREATE TRIGGER `deposit_slip_no_delete` BEFORE DELETE ON `deposit_slip` BEGIN
	SELECT RAISE(ABORT, 'Bordereau inaltérable : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `deposit_slip_frozen` BEFORE UPDATE ON `deposit_slip`
WHEN OLD.status = 'validated' OR NEW.id <> OLD.id OR NEW.command_id <> OLD.command_id OR NEW.regie_id <> OLD.regie_id OR NEW.kind <> OLD.kind OR NEW.created_at <> OLD.created_at OR NEW.created_by <> OLD.created_by
BEGIN
	SELECT RAISE(ABORT, 'Bordereau validé : il ne peut plus être modifié. Une annulation postérieure apparaît comme un ajustement du bordereau.');
END;
--> statement-breakpoint
CREATE TRIGGER `deposit_slip_item_no_update` BEFORE UPDATE ON `deposit_slip_item` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (ligne de bordereau) : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `deposit_slip_item_no_delete` BEFORE DELETE ON `deposit_slip_item` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (ligne de bordereau) : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `deposit_slip_item_draft` BEFORE INSERT ON `deposit_slip_item`
WHEN (SELECT status FROM deposit_slip WHERE id = NEW.slip_id) IS NOT 'draft'
BEGIN
	SELECT RAISE(ABORT, 'Bordereau validé ou absent : aucune ligne ne peut y être ajoutée.');
END;
--> statement-breakpoint
CREATE TRIGGER `deposit_slip_item_payment` BEFORE INSERT ON `deposit_slip_item`
WHEN NOT EXISTS (
	SELECT 1 FROM payment p JOIN deposit_slip s ON s.id = NEW.slip_id
	WHERE p.id = NEW.payment_id AND p.regie_id = s.regie_id AND p.mode = s.kind AND p.amount_cents = NEW.amount_cents)
BEGIN
	SELECT RAISE(ABORT, 'Ligne de bordereau incohérente : le paiement doit être de la régie et du mode du bordereau, pour son montant exact.');
END;
--> statement-breakpoint
CREATE TRIGGER `cash_deposit_no_update` BEFORE UPDATE ON `cash_deposit` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (dépôt d’espèces) : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `cash_deposit_no_delete` BEFORE DELETE ON `cash_deposit` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (dépôt d’espèces) : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `cash_deposit_movement` BEFORE INSERT ON `cash_deposit`
WHEN NOT EXISTS (
	SELECT 1 FROM till_movement m
	WHERE m.id = NEW.movement_id AND m.kind = 'versement' AND m.amount_cents = -NEW.total_cents
	  AND m.regie_id = NEW.regie_id AND m.session_id = NEW.session_id)
BEGIN
	SELECT RAISE(ABORT, 'Dépôt d’espèces incohérent : il doit reprendre exactement le versement de la même régie et de la même session.');
END;
