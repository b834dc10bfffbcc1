-- Closed periods, continued (see deposit_guards). A closure also sums the deposits validated or
-- made in its period and the till differences recorded in it: none of them may be dated inside
-- a period already closed for its régie, or it would be missing from every closure. Only a
-- clock set back can date one there, since a day is closed only once it is over.
CREATE TRIGGER `deposit_slip_closed_period` BEFORE UPDATE OF status ON `deposit_slip`
WHEN NEW.status = 'validated' AND EXISTS (
	SELECT 1 FROM closure WHERE regie_id = NEW.regie_id AND period_end > NEW.validated_at)
BEGIN
	SELECT RAISE(ABORT, 'Période déjà clôturée pour cette régie : l’horloge de ce poste est-elle en retard ? Aucun bordereau ne peut être validé à une date clôturée.');
END;
--> statement-breakpoint
CREATE TRIGGER `cash_deposit_closed_period` BEFORE INSERT ON `cash_deposit`
WHEN EXISTS (SELECT 1 FROM closure WHERE regie_id = NEW.regie_id AND period_end > NEW.deposited_at)
BEGIN
	SELECT RAISE(ABORT, 'Période déjà clôturée pour cette régie : l’horloge de ce poste est-elle en retard ? Aucun dépôt ne peut être daté dans une période clôturée.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_difference_closed_period` BEFORE INSERT ON `till_difference`
WHEN EXISTS (SELECT 1 FROM closure WHERE period_end > NEW.at)
BEGIN
	SELECT RAISE(ABORT, 'Période déjà clôturée : l’horloge de ce poste est-elle en retard ? Aucun écart de caisse ne peut être daté dans une période clôturée.');
END;
