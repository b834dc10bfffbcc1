-- Till guards. A closed till session is frozen: the database refuses to change it or anything
-- attached to it (movements, differences, overrides, links), so neither a bug nor a hand-typed
-- SQL statement can rewrite a day that has been closed and printed. Movements, differences,
-- overrides, links and closures are written once and never changed.
-- The link between a session and the payments and cancellations made while it was open is
-- written here, by triggers, in the same statement as the payment: a counter payment or
-- cancellation belongs to the session open on its poste at that moment (the till guard has
-- already refused it when there is none), and a later cancellation of a frozen session's
-- payment therefore lands in the current session.
CREATE TRIGGER `till_session_no_delete` BEFORE DELETE ON `till_session` BEGIN
	SELECT RAISE(ABORT, 'Session de caisse inaltérable : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_session_frozen` BEFORE UPDATE ON `till_session`
WHEN OLD.status = 'closed' OR NEW.id <> OLD.id OR NEW.command_id <> OLD.command_id OR NEW.poste_code <> OLD.poste_code OR NEW.opened_at <> OLD.opened_at OR NEW.opened_by <> OLD.opened_by OR NEW.float_counts <> OLD.float_counts OR NEW.float_counted_cents <> OLD.float_counted_cents OR NEW.float_expected_cents <> OLD.float_expected_cents OR NEW.previous_float_left_cents IS NOT OLD.previous_float_left_cents OR NEW.open_journal_seq <> OLD.open_journal_seq
BEGIN
	SELECT RAISE(ABORT, 'Session de caisse clôturée : elle ne peut plus être modifiée. Une erreur se corrige par une écriture dans la session en cours.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_link_no_update` BEFORE UPDATE ON `till_link` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (rattachement à la caisse) : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_link_no_delete` BEFORE DELETE ON `till_link` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (rattachement à la caisse) : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_link_session_open` BEFORE INSERT ON `till_link`
WHEN (SELECT status FROM till_session WHERE id = NEW.session_id) IS NOT 'open'
BEGIN
	SELECT RAISE(ABORT, 'Session de caisse clôturée ou absente : rien ne peut y être ajouté.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_movement_no_update` BEFORE UPDATE ON `till_movement` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (mouvement de caisse) : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_movement_no_delete` BEFORE DELETE ON `till_movement` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (mouvement de caisse) : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_movement_session_open` BEFORE INSERT ON `till_movement`
WHEN (SELECT status FROM till_session WHERE id = NEW.session_id) IS NOT 'open'
BEGIN
	SELECT RAISE(ABORT, 'Session de caisse clôturée ou absente : rien ne peut y être ajouté.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_difference_no_update` BEFORE UPDATE ON `till_difference` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (écart de caisse) : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_difference_no_delete` BEFORE DELETE ON `till_difference` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (écart de caisse) : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_difference_session_open` BEFORE INSERT ON `till_difference`
WHEN (SELECT status FROM till_session WHERE id = NEW.session_id) IS NOT 'open'
BEGIN
	SELECT RAISE(ABORT, 'Session de caisse clôturée ou absente : rien ne peut y être ajouté.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_ceiling_override_no_update` BEFORE UPDATE ON `till_ceiling_override` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (dérogation au plafond) : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_ceiling_override_no_delete` BEFORE DELETE ON `till_ceiling_override` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (dérogation au plafond) : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `till_ceiling_override_session_open` BEFORE INSERT ON `till_ceiling_override`
WHEN (SELECT status FROM till_session WHERE id = NEW.session_id) IS NOT 'open'
BEGIN
	SELECT RAISE(ABORT, 'Session de caisse clôturée ou absente : rien ne peut y être ajouté.');
END;
--> statement-breakpoint
CREATE TRIGGER `closure_no_update` BEFORE UPDATE ON `closure` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (clôture) : modification refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `closure_no_delete` BEFORE DELETE ON `closure` BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (clôture) : suppression refusée.');
END;
--> statement-breakpoint
CREATE TRIGGER `payment_till_link` AFTER INSERT ON `payment`
WHEN NEW.mode IN ('especes', 'cheque', 'carte', 'cesu', 'cheque_vacances')
BEGIN
	INSERT INTO till_link (session_id, payment_id)
	SELECT id, NEW.id FROM till_session WHERE poste_code = NEW.poste_code AND status = 'open';
END;
--> statement-breakpoint
CREATE TRIGGER `cancellation_till_link` AFTER INSERT ON `cancellation`
WHEN NEW.payment_id IS NOT NULL AND (SELECT mode FROM payment WHERE id = NEW.payment_id) IN ('especes', 'cheque', 'carte', 'cesu', 'cheque_vacances')
BEGIN
	INSERT INTO till_link (session_id, cancellation_id)
	SELECT id, NEW.id FROM till_session WHERE poste_code = NEW.poste_code AND status = 'open';
END;
