-- The paid amount a register knows of an invoice includes what other postes and the portal
-- paid (remote_paid_cents), which may take it above the invoice's amount: two postes paid the
-- same invoice while one was offline (a trop-perçu the portal reports as a conflict). The
-- bound of 0003 then refused the very cancellation that settles it, with an internal error.
-- A positive allocation still may not pay more than the invoice's amount; a negative one (a
-- cancellation) may not take back more than this register's own allocations gave.
DROP TRIGGER `allocation_bounds`;
--> statement-breakpoint
CREATE TRIGGER `allocation_bounds` BEFORE INSERT ON `allocation`
WHEN (NEW.amount_cents >= 0
      AND (SELECT paid_cents + NEW.amount_cents FROM invoice WHERE id = NEW.invoice_id)
          > (SELECT amount_cents FROM invoice WHERE id = NEW.invoice_id))
  OR (NEW.amount_cents < 0
      AND (SELECT COALESCE(SUM(amount_cents), 0) FROM allocation WHERE invoice_id = NEW.invoice_id)
          + NEW.amount_cents < 0)
BEGIN
	SELECT RAISE(ABORT, 'Affectation impossible : elle dépasserait le montant de la facture ou reprendrait plus que ce qui a été payé.');
END;
