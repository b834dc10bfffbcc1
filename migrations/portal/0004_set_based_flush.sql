-- Custom SQL migration file, put your code below! --
-- The change feed of 0001, flushed in one statement per transaction instead of one per entity.
--
-- 0001 flushed each entity marked in change_pending from its own firing of the deferred
-- constraint trigger: a plpgsql call, the entity's JSON built by one call of
-- portal_entity_state, one upsert and one delete per entity. A commune's first import marks
-- some two hundred thousand entities and spent most of its time there, more per entity the
-- larger the commune (0.9 ms each at 1,000 families, 19 ms at 5,000 on PGlite: the per-call
-- plans are not made for tables that grew within the transaction). Now the first firing of a
-- transaction takes the same feed lock, writes every entity the transaction marked in one
-- INSERT ... SELECT and empties the transaction's marks, and only the first mark of a
-- transaction queues a firing at all. The lock is still taken before any change id is drawn
-- and held until the transaction ends, so ids are still handed out in commit order (the
-- argument at the top of 0001 is unchanged). Under SET CONSTRAINTS ... IMMEDIATE the flush
-- runs at the end of the statement; writes after it mark entities again and the flush at
-- COMMIT upserts them, exactly as before.
--
-- Within one transaction the ids follow a fixed order: entities that others refer to first
-- (commune, régies, families, accounts, then invoices and what hangs off them), and by key
-- within an entity. Registers apply a page in id order and need a family and its régie before
-- the family's invoices, which the order of the writes alone did not promise.
--
-- The JSON is the same as portal_entity_state's. For the entities a commune has by the ten
-- thousand (invoice, family, account) it is built for all keys in one query each, by
-- portal_entity_states; every other entity still goes through portal_entity_state, key by key,
-- so the wrappers of 0002 and 0003 apply unchanged. A migration that changes the JSON of an
-- invoice, a family or an account must change both functions: tests/portal/feed-flush.test.ts
-- compares them on every entity of a demo commune with payments and cancellations.

-- The order of entities within a transaction: referenced entities before those that refer to
-- them. An entity added later and not listed here comes last, ordered by name.
CREATE FUNCTION portal_entity_rank(p_entity text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE p_entity
    WHEN 'commune' THEN 1
    WHEN 'regie' THEN 2
    WHEN 'family' THEN 3
    WHEN 'account' THEN 4
    WHEN 'access_code' THEN 5
    WHEN 'invoice' THEN 6
    WHEN 'online_lock' THEN 7
    WHEN 'counter_payment' THEN 8
    WHEN 'credit_use' THEN 9
    WHEN 'online_payment' THEN 10
    WHEN 'conflict' THEN 11
    WHEN 'family_message' THEN 12
    ELSE 100 END
$$;
--> statement-breakpoint

-- The states of many entities of one kind: one row per key given, o_data NULL when the entity
-- no longer exists, the same values as portal_entity_state(p_entity, key) for each key.
CREATE FUNCTION portal_entity_states(p_entity text, p_keys text[])
RETURNS TABLE (entity_key text, o_regie_id integer, o_data jsonb)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  CASE p_entity
  WHEN 'family' THEN
    RETURN QUERY
    SELECT k.key, NULL::integer, CASE WHEN f.id IS NULL THEN NULL ELSE jsonb_build_object(
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
        '[]'::jsonb)) END
    FROM unnest(p_keys) AS k(key) LEFT JOIN family f ON f.code = k.key;

  WHEN 'account' THEN
    RETURN QUERY
    SELECT k.key, a.regie_id, CASE WHEN a.id IS NULL THEN NULL ELSE jsonb_build_object(
      'familyCode', f.code, 'regieCode', r.code, 'creditCents', a.credit_cents) END
    FROM unnest(p_keys) AS k(key)
    LEFT JOIN (family_account a JOIN family f ON f.id = a.family_id
               JOIN regie r ON r.id = a.regie_id)
      ON f.code = split_part(k.key, '/', 1) AND r.code = split_part(k.key, '/', 2);

  WHEN 'invoice' THEN
    RETURN QUERY
    SELECT k.key, i.regie_id, CASE WHEN i.id IS NULL THEN NULL ELSE jsonb_build_object(
        'number', i.number, 'regieCode', r.code, 'familyCode', f.code, 'label', i.label,
        'period', i.period, 'issueDate', i.issue_date::text, 'dueDate', i.due_date::text,
        'amountCents', i.amount_cents, 'paidOutsideCents', i.paid_outside_cents,
        'countersPaidCents', i.counters_paid_cents, 'onlinePaidCents', i.online_paid_cents,
        'paidCents', i.paid_cents,
        'countersPaidByPoste', COALESCE((
          SELECT jsonb_object_agg(y.poste, y.cents ORDER BY y.poste) FROM (
            SELECT coalesce(p.poste_code, u.poste_code, c.poste_code) AS poste,
                   sum(a.amount_cents)::int AS cents
            FROM allocation a
            LEFT JOIN counter_payment p ON p.id = a.payment_id
            LEFT JOIN credit_use u ON u.id = a.credit_use_id
            LEFT JOIN cancellation c ON c.id = a.cancellation_id
            WHERE a.invoice_id = i.id GROUP BY 1) y), '{}'::jsonb),
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
          '[]'::jsonb)) END
    FROM unnest(p_keys) AS k(key)
    LEFT JOIN (invoice i JOIN regie r ON r.id = i.regie_id JOIN family f ON f.id = i.family_id)
      ON i.number = k.key;

  ELSE
    RETURN QUERY
    SELECT k.key, s.o_regie_id, s.o_data
    FROM unnest(p_keys) AS k(key) CROSS JOIN LATERAL portal_entity_state(p_entity, k.key) s;
  END CASE;
END $$;
--> statement-breakpoint

-- Whether this mark is the first of its transaction since the last flush: only that one queues
-- a firing of the deferred trigger (WHEN below), instead of one firing per marked entity. The
-- note is a transaction-local setting, so it follows savepoints: a savepoint rolled back takes
-- its marks, its queued firing and the note away together.
CREATE FUNCTION portal_feed_first_mark() RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  tx text := pg_current_xact_id()::text;
BEGIN
  IF current_setting('guichet.feed_flush_queued', true) IS NOT DISTINCT FROM tx THEN
    RETURN false;
  END IF;
  PERFORM set_config('guichet.feed_flush_queued', tx, true);
  RETURN true;
END $$;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION portal_flush_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  origin uuid;
BEGIN
  -- Marks made from now on need a firing of their own (after SET CONSTRAINTS ... IMMEDIATE).
  PERFORM set_config('guichet.feed_flush_queued', '', true);
  PERFORM 1 FROM change_pending WHERE xid = NEW.xid LIMIT 1;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  -- The feed lock of 0001, taken before any id is drawn.
  PERFORM pg_advisory_xact_lock(7420250001);
  origin := nullif(current_setting('guichet.origin_counter', true), '')::uuid;
  -- The ids are drawn by the outer SELECT over rows already sorted (OFFSET 0 keeps the sorted
  -- subquery from being merged into it), so they follow the sort.
  INSERT INTO change (id, xid, entity, entity_key, regie_id, origin_counter_id, data, committed_at)
  SELECT nextval('change_id_seq'), NEW.xid, t.entity, t.entity_key, t.o_regie_id, origin,
         t.o_data, clock_timestamp()
  FROM (
    SELECT g.entity, s.entity_key, s.o_regie_id, s.o_data
    FROM (
      SELECT p.entity, array_agg(p.entity_key) AS keys
      FROM change_pending p WHERE p.xid = NEW.xid GROUP BY p.entity
    ) g
    CROSS JOIN LATERAL portal_entity_states(g.entity, g.keys) s
    ORDER BY portal_entity_rank(g.entity), g.entity, s.entity_key COLLATE "C"
    OFFSET 0
  ) t
  ON CONFLICT (xid, entity, entity_key) DO UPDATE
    SET data = EXCLUDED.data, regie_id = EXCLUDED.regie_id,
        origin_counter_id = EXCLUDED.origin_counter_id, committed_at = EXCLUDED.committed_at;
  DELETE FROM change_pending WHERE xid = NEW.xid;
  RETURN NULL;
END $$;
--> statement-breakpoint

DROP TRIGGER change_pending_flush ON change_pending;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER change_pending_flush
AFTER INSERT ON change_pending
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN (portal_feed_first_mark())
EXECUTE FUNCTION portal_flush_change();
--> statement-breakpoint

-- Rows inserted many at a time (a commune's import, a batch of pushed payments) are marked by
-- one statement per inserting statement, from its transition table, instead of one call of
-- portal_track per row. Updates and deletes keep the row trigger of 0001, unchanged.
CREATE FUNCTION portal_track_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  tx bigint := pg_current_xact_id()::text::bigint;
BEGIN
  CASE TG_TABLE_NAME
  WHEN 'family' THEN
    INSERT INTO change_pending (xid, entity, entity_key)
    SELECT DISTINCT tx, 'family', n.code FROM new_rows n
    ON CONFLICT DO NOTHING;
  WHEN 'responsable', 'child' THEN
    INSERT INTO change_pending (xid, entity, entity_key)
    SELECT DISTINCT tx, 'family', f.code FROM new_rows n JOIN family f ON f.id = n.family_id
    ON CONFLICT DO NOTHING;
  WHEN 'family_account' THEN
    INSERT INTO change_pending (xid, entity, entity_key)
    SELECT DISTINCT tx, m.entity, m.entity_key
    FROM new_rows n JOIN family f ON f.id = n.family_id JOIN regie g ON g.id = n.regie_id
    CROSS JOIN LATERAL (VALUES ('account', f.code || '/' || g.code), ('family', f.code))
      AS m(entity, entity_key)
    ON CONFLICT DO NOTHING;
  WHEN 'invoice' THEN
    INSERT INTO change_pending (xid, entity, entity_key)
    SELECT DISTINCT tx, 'invoice', n.number FROM new_rows n
    ON CONFLICT DO NOTHING;
  WHEN 'invoice_line' THEN
    INSERT INTO change_pending (xid, entity, entity_key)
    SELECT DISTINCT tx, 'invoice', i.number FROM new_rows n JOIN invoice i ON i.id = n.invoice_id
    ON CONFLICT DO NOTHING;
  ELSE
    RAISE EXCEPTION 'portal_track_inserted: table non suivie %', TG_TABLE_NAME;
  END CASE;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER family_track ON family;
--> statement-breakpoint
CREATE TRIGGER family_track AFTER UPDATE OR DELETE ON family
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER family_track_insert AFTER INSERT ON family
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portal_track_inserted();
--> statement-breakpoint
DROP TRIGGER responsable_track ON responsable;
--> statement-breakpoint
CREATE TRIGGER responsable_track AFTER UPDATE OR DELETE ON responsable
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER responsable_track_insert AFTER INSERT ON responsable
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portal_track_inserted();
--> statement-breakpoint
DROP TRIGGER child_track ON child;
--> statement-breakpoint
CREATE TRIGGER child_track AFTER UPDATE OR DELETE ON child
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER child_track_insert AFTER INSERT ON child
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portal_track_inserted();
--> statement-breakpoint
DROP TRIGGER family_account_track ON family_account;
--> statement-breakpoint
CREATE TRIGGER family_account_track AFTER UPDATE OR DELETE ON family_account
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER family_account_track_insert AFTER INSERT ON family_account
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portal_track_inserted();
--> statement-breakpoint
DROP TRIGGER invoice_track ON invoice;
--> statement-breakpoint
CREATE TRIGGER invoice_track AFTER UPDATE OR DELETE ON invoice
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER invoice_track_insert AFTER INSERT ON invoice
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portal_track_inserted();
--> statement-breakpoint
DROP TRIGGER invoice_line_track ON invoice_line;
--> statement-breakpoint
CREATE TRIGGER invoice_line_track AFTER UPDATE OR DELETE ON invoice_line
FOR EACH ROW EXECUTE FUNCTION portal_track();
--> statement-breakpoint
CREATE TRIGGER invoice_line_track_insert AFTER INSERT ON invoice_line
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portal_track_inserted();
