-- Custom SQL migration file, put your code below! ---- The régisseur's decision on an online trop-perçu (operation overpayment_resolution, PROTOCOL.md
-- 4.3): one row per online payment, portal-wide, so a second decision from any poste is refused
-- (the push code checks it under the invoice's row lock; the unique index is the last guard).
-- Like every record a counter pushed, it points back to its operation (checked at COMMIT, see
-- 0001) and is never rewritten.
CREATE TABLE "overpayment_resolution" (
	"id" serial PRIMARY KEY NOT NULL,
	"op_row_id" bigint NOT NULL,
	"counter_id" uuid NOT NULL REFERENCES "counter" ("id"),
	"poste_code" text NOT NULL,
	"online_payment_id" integer NOT NULL REFERENCES "online_payment" ("id"),
	"invoice_id" integer NOT NULL REFERENCES "invoice" ("id"),
	"family_id" integer NOT NULL REFERENCES "family" ("id"),
	"regie_id" integer NOT NULL REFERENCES "regie" ("id"),
	"resolution" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"reason" text NOT NULL,
	"agent_login" text NOT NULL,
	"agent_name" text NOT NULL,
	"resolved_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "overpayment_resolution_kind_ck" CHECK ("resolution" IN ('avoir', 'remboursement')),
	CONSTRAINT "overpayment_resolution_amount_ck" CHECK ("amount_cents" > 0),
	CONSTRAINT "overpayment_resolution_reason_ck" CHECK (length(trim("reason")) >= 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "overpayment_resolution_online_payment_uq" ON "overpayment_resolution" USING btree ("online_payment_id");
--> statement-breakpoint
CREATE INDEX "overpayment_resolution_family_ix" ON "overpayment_resolution" USING btree ("family_id", "regie_id");
--> statement-breakpoint
CREATE INDEX "overpayment_resolution_invoice_ix" ON "overpayment_resolution" USING btree ("invoice_id");
--> statement-breakpoint
-- The account's credit split by poste (below) reads each family's credit uses.
CREATE INDEX "credit_use_family_ix" ON "credit_use" USING btree ("family_id", "regie_id");
--> statement-breakpoint
ALTER TABLE "overpayment_resolution" ADD CONSTRAINT "overpayment_resolution_op_fk" FOREIGN KEY ("op_row_id")
  REFERENCES "counter_op" ("id") DEFERRABLE INITIALLY DEFERRED;
--> statement-breakpoint
CREATE TRIGGER overpayment_resolution_no_rewrite BEFORE UPDATE OR DELETE ON overpayment_resolution
FOR EACH ROW EXECUTE FUNCTION portal_refuse_rewrite();
--> statement-breakpoint

-- A decision changes its online payment's state (which now carries it) and the account's
-- credit split by poste.
CREATE FUNCTION portal_track_overpayment_resolution() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  k text;
BEGIN
  SELECT ref::text INTO k FROM online_payment WHERE id = NEW.online_payment_id;
  PERFORM portal_mark_changed('online_payment', k);
  SELECT f.code || '/' || g.code INTO k FROM family f, regie g
  WHERE f.id = NEW.family_id AND g.id = NEW.regie_id;
  PERFORM portal_mark_changed('account', k);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER overpayment_resolution_track AFTER INSERT ON overpayment_resolution
FOR EACH ROW EXECUTE FUNCTION portal_track_overpayment_resolution();
--> statement-breakpoint

-- The account entity gains creditByPoste: the part of creditCents each poste's operations
-- made (credit created by its payments, minus its credit uses, both net of its cancellations,
-- plus the avoirs it decided on online trop-perçus). A register counts its own ledger instead
-- of its own part, exactly as with an invoice's countersPaidByPoste, so its view of the credit
-- is exact whether or not the acknowledgement of its last push has arrived. 0004 builds
-- accounts for many keys at once (portal_entity_states) and one at a time
-- (portal_entity_state): both are wrapped, and the single-key one asks the set-based one, so
-- the two cannot disagree. The functions of 0004 are kept under other names, as 0002 and 0003
-- did, so every other entity stays exactly as it was.
ALTER FUNCTION portal_entity_states(text, text[]) RENAME TO portal_entity_states_0004;
--> statement-breakpoint
CREATE FUNCTION portal_entity_states(p_entity text, p_keys text[])
RETURNS TABLE (entity_key text, o_regie_id integer, o_data jsonb)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF p_entity <> 'account' THEN
    RETURN QUERY SELECT s.entity_key, s.o_regie_id, s.o_data
      FROM portal_entity_states_0004(p_entity, p_keys) s;
    RETURN;
  END IF;
  RETURN QUERY
  WITH k AS (
    SELECT s.entity_key, s.o_regie_id, s.o_data, f.id AS family_id, r.id AS regie_id
    FROM portal_entity_states_0004('account', p_keys) s
    LEFT JOIN family f ON f.code = s.o_data->>'familyCode'
    LEFT JOIN regie r ON r.code = s.o_data->>'regieCode'
  ), m AS (
    SELECT p.family_id, p.regie_id, p.poste_code AS poste,
           CASE WHEN EXISTS (SELECT 1 FROM cancellation c WHERE c.payment_id = p.id) THEN 0
                ELSE p.credit_created_cents END AS cents
    FROM counter_payment p JOIN k ON k.family_id = p.family_id AND k.regie_id = p.regie_id
    WHERE p.credit_created_cents <> 0
    UNION ALL
    SELECT u.family_id, u.regie_id, u.poste_code,
           CASE WHEN EXISTS (SELECT 1 FROM cancellation c WHERE c.credit_use_id = u.id) THEN 0
                ELSE -u.amount_cents END
    FROM credit_use u JOIN k ON k.family_id = u.family_id AND k.regie_id = u.regie_id
    UNION ALL
    SELECT d.family_id, d.regie_id, d.poste_code, d.amount_cents
    FROM overpayment_resolution d JOIN k ON k.family_id = d.family_id AND k.regie_id = d.regie_id
    WHERE d.resolution = 'avoir'
  ), by_poste AS (
    SELECT y.family_id, y.regie_id, jsonb_object_agg(y.poste, y.cents ORDER BY y.poste) AS j
    FROM (SELECT m.family_id, m.regie_id, m.poste, sum(m.cents)::int AS cents
            FROM m GROUP BY 1, 2, 3 HAVING sum(m.cents) <> 0) y
    GROUP BY 1, 2
  )
  SELECT k.entity_key, k.o_regie_id,
         CASE WHEN k.o_data IS NULL THEN NULL
              ELSE k.o_data || jsonb_build_object('creditByPoste', COALESCE(b.j, '{}'::jsonb)) END
  FROM k LEFT JOIN by_poste b ON b.family_id = k.family_id AND b.regie_id = k.regie_id;
END $$;
--> statement-breakpoint

-- The online payment entity gains overpaymentResolution: the decision on its trop-perçu, or
-- null. A register that did not take it learns it here and refuses to decide again.
ALTER FUNCTION portal_entity_state(text, text) RENAME TO portal_entity_state_0004;
--> statement-breakpoint
CREATE FUNCTION portal_entity_state(p_entity text, p_key text, OUT o_regie_id integer, OUT o_data jsonb)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF p_entity = 'account' THEN
    SELECT s.o_regie_id, s.o_data INTO o_regie_id, o_data
    FROM portal_entity_states('account', ARRAY[p_key]) s;
    RETURN;
  END IF;
  SELECT s.o_regie_id, s.o_data INTO o_regie_id, o_data
  FROM portal_entity_state_0004(p_entity, p_key) s;
  IF p_entity = 'online_payment' AND o_data IS NOT NULL THEN
    o_data := o_data || jsonb_build_object('overpaymentResolution', (
      SELECT jsonb_build_object(
        'resolution', d.resolution, 'amountCents', d.amount_cents, 'reason', d.reason,
        'posteCode', d.poste_code,
        'agent', jsonb_build_object('login', d.agent_login, 'displayName', d.agent_name),
        'resolvedAt', portal_iso(d.resolved_at))
      FROM overpayment_resolution d JOIN online_payment o ON o.id = d.online_payment_id
      WHERE o.ref::text = p_key));
  END IF;
END $$;
