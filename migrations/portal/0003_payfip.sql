CREATE TABLE "payfip_attempt" (
	"id" serial PRIMARY KEY NOT NULL,
	"idop" text,
	"family_id" integer NOT NULL,
	"regie_id" integer NOT NULL,
	"numcli" text NOT NULL,
	"exer" text NOT NULL,
	"refdet" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"mel" text NOT NULL,
	"objet" text NOT NULL,
	"saisie" text NOT NULL,
	"endpoint" text NOT NULL,
	"status" text DEFAULT 'en_cours' NOT NULL,
	"resultrans" text,
	"numauto" text,
	"dattrans" text,
	"heurtrans" text,
	"paid_at" timestamp with time zone,
	"detail" jsonb,
	"fault_code" text,
	"fault_message" text,
	"created_at" timestamp with time zone NOT NULL,
	"lock_expires_at" timestamp with time zone NOT NULL,
	"last_checked_at" timestamp with time zone,
	"checks" integer DEFAULT 0 NOT NULL,
	"finished_at" timestamp with time zone,
	"confirmation_sent_at" timestamp with time zone,
	CONSTRAINT "payfip_attempt_amount_ck" CHECK ("payfip_attempt"."amount_cents" BETWEEN 100 AND 10000000),
	CONSTRAINT "payfip_attempt_refdet_ck" CHECK ("payfip_attempt"."refdet" ~ '^[A-Za-z0-9]{6,30}$'),
	CONSTRAINT "payfip_attempt_numcli_ck" CHECK ("payfip_attempt"."numcli" ~ '^[0-9]{6}$'),
	CONSTRAINT "payfip_attempt_paid_ck" CHECK (("payfip_attempt"."status" = 'paye') = ("payfip_attempt"."resultrans" IS NOT NULL AND "payfip_attempt"."resultrans" IN ('P', 'V')))
);
--> statement-breakpoint
DROP INDEX "online_payment_idop_uq";--> statement-breakpoint
ALTER TABLE "regie" ALTER COLUMN "online_lock_minutes" SET DEFAULT 120;--> statement-breakpoint
ALTER TABLE "online_payment" ADD COLUMN "attempt_id" integer;--> statement-breakpoint
ALTER TABLE "payfip_attempt" ADD CONSTRAINT "payfip_attempt_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payfip_attempt" ADD CONSTRAINT "payfip_attempt_regie_id_regie_id_fk" FOREIGN KEY ("regie_id") REFERENCES "public"."regie"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payfip_attempt_idop_uq" ON "payfip_attempt" USING btree ("idop");--> statement-breakpoint
CREATE INDEX "payfip_attempt_family_ix" ON "payfip_attempt" USING btree ("family_id","id");--> statement-breakpoint
CREATE INDEX "payfip_attempt_pending_ix" ON "payfip_attempt" USING btree ("created_at") WHERE status = 'en_cours';--> statement-breakpoint
ALTER TABLE "online_payment" ADD CONSTRAINT "online_payment_attempt_id_payfip_attempt_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."payfip_attempt"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "online_payment_idop_ix" ON "online_payment" USING btree ("idop");--> statement-breakpoint
CREATE UNIQUE INDEX "online_payment_attempt_invoice_uq" ON "online_payment" USING btree ("attempt_id","invoice_id");--> statement-breakpoint

-- Online payments reach registers with what the reconciliation needs from their PayFiP
-- attempt: the refdet and exer PayFiP was given, the result letter, the test/production mode
-- and when PayFiP says the money was taken. The state function of 0002 is kept under another
-- name and wrapped, as 0002 did with 0001's, so that family_message and every other entity
-- stay exactly as they were.
ALTER FUNCTION portal_entity_state(text, text) RENAME TO portal_entity_state_0002;
--> statement-breakpoint
CREATE FUNCTION portal_entity_state(p_entity text, p_key text, OUT o_regie_id integer, OUT o_data jsonb)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  SELECT s.o_regie_id, s.o_data INTO o_regie_id, o_data
  FROM portal_entity_state_0002(p_entity, p_key) s;
  IF p_entity = 'online_payment' AND o_data IS NOT NULL THEN
    SELECT o_data || jsonb_build_object(
      'refdet', COALESCE(a.refdet, i.refdet), 'exer', a.exer, 'saisie', a.saisie,
      'resultrans', a.resultrans, 'paidAt', portal_iso(a.paid_at),
      'attemptAmountCents', a.amount_cents)
    INTO o_data
    FROM online_payment o JOIN invoice i ON i.id = o.invoice_id
    LEFT JOIN payfip_attempt a ON a.id = o.attempt_id
    WHERE o.ref::text = p_key;
  END IF;
END $$;
