-- Custom SQL migration file, put your code below! --
-- The change feed (see src/portal/PROTOCOL.md, "Pull").
--
-- Every write to a mirrored table marks the entity it belongs to in change_pending (row
-- triggers, ordinary). A deferred constraint trigger on change_pending then runs at COMMIT,
-- once per marked entity: it takes the feed lock (a transaction-scoped advisory lock), draws a
-- change id from change_id_seq and writes the entity's full state as JSON into change. The
-- lock is held until the transaction has ended, and PostgreSQL makes a transaction visible
-- before it releases its locks, so a transaction that draws change ids always sees every
-- earlier one committed: change ids are handed out in commit order and a reader that has seen
-- id N can never later find a committed id below N. Reading `id > cursor` therefore skips
-- nothing, unlike reading a sequence filled at INSERT time, where a later id may commit first.

CREATE FUNCTION portal_iso(ts timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;
--> statement-breakpoint

-- The state of one entity as registers receive it. Keys are camelCase JSON; amounts in cents;
-- instants ISO UTC; dates YYYY-MM-DD. o_regie_id scopes the change to the counters of a régie
-- (NULL: commune-wide). o_data is NULL when the entity no longer exists.
CREATE FUNCTION portal_entity_state(p_entity text, p_key text, OUT o_regie_id integer, OUT o_data jsonb)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  CASE p_entity
  WHEN 'commune' THEN
    SELECT NULL, jsonb_build_object(
      'name', c.name, 'addressLine', c.address_line, 'postalCode', c.postal_code, 'city', c.city,
      'siret', c.siret, 'phone', c.phone, 'portalUrl', c.portal_url, 'demo', c.demo)
    INTO o_regie_id, o_data FROM commune c ORDER BY c.id LIMIT 1;

  WHEN 'regie' THEN
    SELECT r.id, jsonb_build_object(
      'code', r.code, 'name', r.name, 'numcli', r.numcli, 'payfipSaisie', r.payfip_saisie,
      'acceptedModes', r.accepted_modes, 'cashCeilingCents', r.cash_ceiling_cents,
      'floatCents', r.float_cents, 'creditorLabel', r.creditor_label,
      'allowCredit', r.allow_credit, 'allowDirectDebitPayment', r.allow_direct_debit_payment,
      'dftAccount', r.dft_account, 'serviceName', r.service_name,
      'serviceAddress', r.service_address, 'servicePhone', r.service_phone,
      'onlineLockMinutes', r.online_lock_minutes, 'updatedAt', portal_iso(r.updated_at))
    INTO o_regie_id, o_data FROM regie r WHERE r.code = p_key;

  WHEN 'family' THEN
    SELECT NULL, jsonb_build_object(
      'code', f.code, 'familyName', f.family_name, 'updatedAt', portal_iso(f.updated_at),
      'responsables', COALESCE((
        SELECT jsonb_agg(jsonb_build_object(
          'rank', p.rank, 'civility', p.civility, 'lastName', p.last_name,
          'firstName', p.first_name, 'addressLine1', p.address_line1,
          'addressLine2', p.address_line2, 'postalCode', p.postal_code, 'city', p.city,
          'email', p.email, 'phoneMobile', p.phone_mobile, 'phoneHome', p.phone_home,
          'phoneWork', p.phone_work) ORDER BY p.rank)
        FROM responsable p WHERE p.family_id = f.id), '[]'::jsonb),
      'children', COALESCE((
        SELECT jsonb_agg(jsonb_build_object(
          'ref', c.ref, 'firstName', c.first_name, 'lastName', c.last_name,
          'birthDate', c.birth_date::text, 'school', c.school) ORDER BY c.id)
        FROM child c WHERE c.family_id = f.id), '[]'::jsonb),
      'regies', COALESCE((
        SELECT jsonb_agg(r.code ORDER BY r.code)
        FROM family_account a JOIN regie r ON r.id = a.regie_id WHERE a.family_id = f.id),
        '[]'::jsonb))
    INTO o_regie_id, o_data FROM family f WHERE f.code = p_key;

  WHEN 'account' THEN
    SELECT a.regie_id, jsonb_build_object(
      'familyCode', f.code, 'regieCode', r.code, 'creditCents', a.credit_cents)
    INTO o_regie_id, o_data
    FROM family_account a JOIN family f ON f.id = a.family_id JOIN regie r ON r.id = a.regie_id
    WHERE f.code = split_part(p_key, '/', 1) AND r.code = split_part(p_key, '/', 2);

  WHEN 'invoice' THEN
    SELECT i.regie_id, jsonb_build_object(
      'number', i.number, 'regieCode', r.code, 'familyCode', f.code, 'label', i.label,
      'period', i.period, 'issueDate', i.issue_date::text, 'dueDate', i.due_date::text,
      'amountCents', i.amount_cents, 'paidOutsideCents', i.paid_outside_cents,
      'countersPaidCents', i.counters_paid_cents, 'onlinePaidCents', i.online_paid_cents,
      'paidCents', i.paid_cents,
      'countersPaidByPoste', COALESCE((
        SELECT jsonb_object_agg(x.poste, x.cents ORDER BY x.poste) FROM (
          SELECT coalesce(p.poste_code, u.poste_code, c.poste_code) AS poste,
                 sum(a.amount_cents)::int AS cents
          FROM allocation a
          LEFT JOIN counter_payment p ON p.id = a.payment_id
          LEFT JOIN credit_use u ON u.id = a.credit_use_id
          LEFT JOIN cancellation c ON c.id = a.cancellation_id
          WHERE a.invoice_id = i.id GROUP BY 1) x), '{}'::jsonb),
      'remainingCents', CASE WHEN i.status = 'annulee' THEN 0
                             ELSE greatest(0, i.amount_cents - i.paid_cents) END,
      'overpaidCents', greatest(0, i.paid_cents
                             - CASE WHEN i.status = 'annulee' THEN 0 ELSE i.amount_cents END),
      'refdet', i.refdet, 'status', i.status,
      'statusChangedAt', portal_iso(i.status_changed_at), 'updatedAt', portal_iso(i.updated_at),
      'lines', COALESCE((
        SELECT jsonb_agg(jsonb_build_object(
          'lineNo', l.line_no, 'label', l.label, 'childRef', c.ref, 'quantity', l.quantity,
          'unitPriceCents', l.unit_price_cents, 'amountCents', l.amount_cents) ORDER BY l.line_no)
        FROM invoice_line l LEFT JOIN child c ON c.id = l.child_id WHERE l.invoice_id = i.id),
        '[]'::jsonb))
    INTO o_regie_id, o_data
    FROM invoice i JOIN regie r ON r.id = i.regie_id JOIN family f ON f.id = i.family_id
    WHERE i.number = p_key;

  WHEN 'counter_payment' THEN
    SELECT p.regie_id, jsonb_build_object(
      'ref', p.ref, 'receiptNumber', p.receipt_number, 'posteCode', p.poste_code,
      'regieCode', r.code, 'familyCode', f.code, 'mode', p.mode, 'amountCents', p.amount_cents,
      'tenderedCents', p.tendered_cents, 'changeCents', p.change_cents,
      'creditCreatedCents', p.credit_created_cents, 'details', p.details,
      'recordedAt', portal_iso(p.recorded_at), 'receivedAt', portal_iso(p.received_at),
      'agent', jsonb_build_object('login', p.agent_login, 'displayName', p.agent_name),
      'allocations', COALESCE((
        SELECT jsonb_agg(jsonb_build_object(
          'invoiceNumber', i.number, 'amountCents', a.amount_cents, 'flags', a.flags) ORDER BY a.id)
        FROM allocation a JOIN invoice i ON i.id = a.invoice_id WHERE a.payment_id = p.id),
        '[]'::jsonb),
      'cancellation', (
        SELECT jsonb_build_object(
          'posteCode', c.poste_code, 'reason', c.reason, 'cancelledAt', portal_iso(c.cancelled_at),
          'agent', jsonb_build_object('login', c.agent_login, 'displayName', c.agent_name))
        FROM cancellation c WHERE c.payment_id = p.id))
    INTO o_regie_id, o_data
    FROM counter_payment p JOIN regie r ON r.id = p.regie_id JOIN family f ON f.id = p.family_id
    WHERE p.receipt_number = p_key;

  WHEN 'credit_use' THEN
    SELECT u.regie_id, jsonb_build_object(
      'ref', u.ref, 'posteCode', u.poste_code, 'regieCode', r.code, 'familyCode', f.code,
      'amountCents', u.amount_cents, 'usedAt', portal_iso(u.used_at),
      'agent', jsonb_build_object('login', u.agent_login, 'displayName', u.agent_name),
      'allocations', COALESCE((
        SELECT jsonb_agg(jsonb_build_object(
          'invoiceNumber', i.number, 'amountCents', a.amount_cents, 'flags', a.flags) ORDER BY a.id)
        FROM allocation a JOIN invoice i ON i.id = a.invoice_id WHERE a.credit_use_id = u.id),
        '[]'::jsonb),
      'cancellation', (
        SELECT jsonb_build_object(
          'posteCode', c.poste_code, 'reason', c.reason, 'cancelledAt', portal_iso(c.cancelled_at),
          'agent', jsonb_build_object('login', c.agent_login, 'displayName', c.agent_name))
        FROM cancellation c WHERE c.credit_use_id = u.id))
    INTO o_regie_id, o_data
    FROM credit_use u JOIN regie r ON r.id = u.regie_id JOIN family f ON f.id = u.family_id
    WHERE u.ref::text = p_key;

  WHEN 'online_payment' THEN
    SELECT i.regie_id, jsonb_build_object(
      'ref', o.ref, 'invoiceNumber', i.number, 'regieCode', r.code, 'familyCode', f.code,
      'amountCents', o.amount_cents, 'status', o.status, 'idop', o.idop, 'numauto', o.numauto,
      'startedAt', portal_iso(o.started_at), 'finishedAt', portal_iso(o.finished_at))
    INTO o_regie_id, o_data
    FROM online_payment o JOIN invoice i ON i.id = o.invoice_id
    JOIN regie r ON r.id = i.regie_id JOIN family f ON f.id = i.family_id
    WHERE o.ref::text = p_key;

  WHEN 'online_lock' THEN
    SELECT i.regie_id, jsonb_build_object(
      'invoiceNumber', i.number, 'regieCode', r.code,
      'lock', (
        SELECT jsonb_build_object(
          'onlinePaymentRef', o.ref, 'amountCents', o.amount_cents,
          'startedAt', portal_iso(l.started_at), 'expiresAt', portal_iso(l.expires_at),
          'releasedAt', portal_iso(l.released_at))
        FROM online_payment_lock l JOIN online_payment o ON o.id = l.online_payment_id
        WHERE l.invoice_id = i.id ORDER BY l.id DESC LIMIT 1))
    INTO o_regie_id, o_data
    FROM invoice i JOIN regie r ON r.id = i.regie_id WHERE i.number = p_key;

  WHEN 'access_code' THEN
    SELECT NULL, jsonb_build_object(
      'ref', a.ref, 'familyCode', f.code, 'status', a.status,
      'issuedAt', portal_iso(a.issued_at), 'expiresAt', portal_iso(a.expires_at),
      'activatedAt', portal_iso(a.activated_at), 'issuedByPosteCode', c.poste_code)
    INTO o_regie_id, o_data
    FROM access_code a JOIN family f ON f.id = a.family_id
    LEFT JOIN counter c ON c.id = a.issued_by_counter_id
    WHERE a.ref::text = p_key;

  WHEN 'conflict' THEN
    SELECT i.regie_id, jsonb_build_object(
      'ref', k.ref, 'kind', k.kind, 'invoiceNumber', i.number, 'regieCode', r.code,
      'familyCode', f.code, 'amountCents', k.amount_cents,
      'source', CASE
        WHEN k.counter_payment_id IS NOT NULL THEN (
          SELECT jsonb_build_object('kind', 'counter_payment', 'receiptNumber', p.receipt_number,
                                    'posteCode', p.poste_code)
          FROM counter_payment p WHERE p.id = k.counter_payment_id)
        WHEN k.credit_use_id IS NOT NULL THEN (
          SELECT jsonb_build_object('kind', 'credit_use', 'ref', u.ref, 'posteCode', u.poste_code)
          FROM credit_use u WHERE u.id = k.credit_use_id)
        ELSE (
          SELECT jsonb_build_object('kind', 'online_payment', 'ref', o.ref)
          FROM online_payment o WHERE o.id = k.online_payment_id) END,
      'proposedResolution', k.proposed_resolution, 'status', k.status, 'detail', k.detail,
      'detectedAt', portal_iso(k.detected_at), 'resolvedAt', portal_iso(k.resolved_at),
      'resolutionNote', k.resolution_note)
    INTO o_regie_id, o_data
    FROM payment_conflict k JOIN invoice i ON i.id = k.invoice_id
    JOIN regie r ON r.id = i.regie_id JOIN family f ON f.id = i.family_id
    WHERE k.ref::text = p_key;

  ELSE
    RAISE EXCEPTION 'portal_entity_state: entité inconnue %', p_entity;
  END CASE;
END $$;
--> statement-breakpoint

CREATE FUNCTION portal_mark_changed(p_entity text, p_key text) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO change_pending (xid, entity, entity_key)
  VALUES (pg_current_xact_id()::text::bigint, p_entity, p_key)
  ON CONFLICT DO NOTHING
$$;
--> statement-breakpoint

-- Row trigger of every mirrored table: marks the entity the row belongs to, under its old key
-- and its new one (they differ only if a natural key was edited).
CREATE FUNCTION portal_track() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  k text;
BEGIN
  FOR pass IN 1..2 LOOP
    IF pass = 1 THEN
      CONTINUE WHEN TG_OP = 'INSERT';
      r := OLD;
    ELSE
      CONTINUE WHEN TG_OP = 'DELETE';
      r := NEW;
    END IF;
    CASE TG_TABLE_NAME
    WHEN 'commune' THEN
      PERFORM portal_mark_changed('commune', 'commune');
    WHEN 'regie' THEN
      PERFORM portal_mark_changed('regie', r.code);
    WHEN 'family' THEN
      PERFORM portal_mark_changed('family', r.code);
    WHEN 'responsable', 'child' THEN
      SELECT code INTO k FROM family WHERE id = r.family_id;
      IF k IS NOT NULL THEN PERFORM portal_mark_changed('family', k); END IF;
    WHEN 'family_account' THEN
      SELECT f.code || '/' || g.code INTO k FROM family f, regie g
      WHERE f.id = r.family_id AND g.id = r.regie_id;
      PERFORM portal_mark_changed('account', k);
      -- The family's list of régies changes only when an account opens or closes, not with
      -- every credit movement.
      IF TG_OP <> 'UPDATE' THEN
        SELECT code INTO k FROM family WHERE id = r.family_id;
        PERFORM portal_mark_changed('family', k);
      END IF;
    WHEN 'invoice' THEN
      PERFORM portal_mark_changed('invoice', r.number);
    WHEN 'invoice_line' THEN
      SELECT number INTO k FROM invoice WHERE id = r.invoice_id;
      IF k IS NOT NULL THEN PERFORM portal_mark_changed('invoice', k); END IF;
    WHEN 'counter_payment' THEN
      PERFORM portal_mark_changed('counter_payment', r.receipt_number);
    WHEN 'credit_use' THEN
      PERFORM portal_mark_changed('credit_use', r.ref::text);
    WHEN 'cancellation' THEN
      IF r.payment_id IS NOT NULL THEN
        SELECT receipt_number INTO k FROM counter_payment WHERE id = r.payment_id;
        PERFORM portal_mark_changed('counter_payment', k);
      ELSE
        SELECT ref::text INTO k FROM credit_use WHERE id = r.credit_use_id;
        PERFORM portal_mark_changed('credit_use', k);
      END IF;
    WHEN 'online_payment' THEN
      PERFORM portal_mark_changed('online_payment', r.ref::text);
    WHEN 'online_payment_lock' THEN
      SELECT number INTO k FROM invoice WHERE id = r.invoice_id;
      PERFORM portal_mark_changed('online_lock', k);
    WHEN 'access_code' THEN
      PERFORM portal_mark_changed('access_code', r.ref::text);
    WHEN 'payment_conflict' THEN
      PERFORM portal_mark_changed('conflict', r.ref::text);
    ELSE
      RAISE EXCEPTION 'portal_track: table non suivie %', TG_TABLE_NAME;
    END CASE;
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint

-- Runs at COMMIT for each entity marked by the transaction (or at once, under SET CONSTRAINTS
-- ... IMMEDIATE: the upsert below then rewrites the row with the later state, and the lock,
-- taken earlier, is still held until the end, so the order argument holds either way).
CREATE FUNCTION portal_flush_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  st record;
  origin uuid;
BEGIN
  -- The feed lock (any constant unused elsewhere): see the header of this file.
  PERFORM pg_advisory_xact_lock(7420250001);
  SELECT * INTO st FROM portal_entity_state(NEW.entity, NEW.entity_key);
  origin := nullif(current_setting('guichet.origin_counter', true), '')::uuid;
  INSERT INTO change (id, xid, entity, entity_key, regie_id, origin_counter_id, data, committed_at)
  VALUES (nextval('change_id_seq'), NEW.xid, NEW.entity, NEW.entity_key, st.o_regie_id, origin,
          st.o_data, clock_timestamp())
  ON CONFLICT (xid, entity, entity_key) DO UPDATE
    SET data = EXCLUDED.data, regie_id = EXCLUDED.regie_id,
        origin_counter_id = EXCLUDED.origin_counter_id, committed_at = EXCLUDED.committed_at;
  DELETE FROM change_pending
  WHERE xid = NEW.xid AND entity = NEW.entity AND entity_key = NEW.entity_key;
  RETURN NULL;
END $$;
--> statement-breakpoint

CREATE CONSTRAINT TRIGGER change_pending_flush
AFTER INSERT ON change_pending
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION portal_flush_change();
--> statement-breakpoint

CREATE TRIGGER commune_track AFTER INSERT OR UPDATE OR DELETE ON commune
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER regie_track AFTER INSERT OR UPDATE OR DELETE ON regie
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER family_track AFTER INSERT OR UPDATE OR DELETE ON family
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER responsable_track AFTER INSERT OR UPDATE OR DELETE ON responsable
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER child_track AFTER INSERT OR UPDATE OR DELETE ON child
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER family_account_track AFTER INSERT OR UPDATE OR DELETE ON family_account
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER invoice_track AFTER INSERT OR UPDATE OR DELETE ON invoice
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER invoice_line_track AFTER INSERT OR UPDATE OR DELETE ON invoice_line
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER counter_payment_track AFTER INSERT OR UPDATE OR DELETE ON counter_payment
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER credit_use_track AFTER INSERT OR UPDATE OR DELETE ON credit_use
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER cancellation_track AFTER INSERT OR UPDATE OR DELETE ON cancellation
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER online_payment_track AFTER INSERT OR UPDATE OR DELETE ON online_payment
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER online_payment_lock_track AFTER INSERT OR UPDATE OR DELETE ON online_payment_lock
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER access_code_track AFTER INSERT OR UPDATE OR DELETE ON access_code
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER payment_conflict_track AFTER INSERT OR UPDATE OR DELETE ON payment_conflict
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint

-- Pushed operations, the change feed and the journals are append-only history: a bug or a
-- hand-typed statement cannot rewrite them. (counter_op rows are written once; the feed's rows
-- are only ever upserted by the flush trigger inside their own transaction.)
CREATE FUNCTION portal_refuse_rewrite() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'La table % est un historique : ni modification ni suppression.', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER counter_op_no_rewrite BEFORE UPDATE OR DELETE ON counter_op
FOR EACH ROW EXECUTE FUNCTION portal_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER allocation_no_rewrite BEFORE UPDATE OR DELETE ON allocation
FOR EACH ROW EXECUTE FUNCTION portal_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER portal_event_no_rewrite BEFORE UPDATE OR DELETE ON portal_event
FOR EACH ROW EXECUTE FUNCTION portal_refuse_rewrite();
--> statement-breakpoint

-- What a counter pushed points back to the operation that carried it. The constraint is
-- checked at COMMIT so that the push code can write the records first and the operation row,
-- with its final status and effects, last (operation rows are never rewritten).
ALTER TABLE counter_payment ADD CONSTRAINT counter_payment_op_fk FOREIGN KEY (op_row_id)
  REFERENCES counter_op (id) DEFERRABLE INITIALLY DEFERRED;
--> statement-breakpoint
ALTER TABLE credit_use ADD CONSTRAINT credit_use_op_fk FOREIGN KEY (op_row_id)
  REFERENCES counter_op (id) DEFERRABLE INITIALLY DEFERRED;
--> statement-breakpoint
ALTER TABLE cancellation ADD CONSTRAINT cancellation_op_fk FOREIGN KEY (op_row_id)
  REFERENCES counter_op (id) DEFERRABLE INITIALLY DEFERRED;
--> statement-breakpoint
ALTER TABLE closure ADD CONSTRAINT closure_op_fk FOREIGN KEY (op_row_id)
  REFERENCES counter_op (id) DEFERRABLE INITIALLY DEFERRED;
--> statement-breakpoint
ALTER TABLE access_code ADD CONSTRAINT access_code_op_fk FOREIGN KEY (op_row_id)
  REFERENCES counter_op (id) DEFERRABLE INITIALLY DEFERRED;
