CREATE TABLE "alert_email" (
	"id" serial PRIMARY KEY NOT NULL,
	"family_id" integer NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_email_ck" CHECK ("alert_email"."email" = lower("alert_email"."email"))
);
--> statement-breakpoint
CREATE TABLE "auth_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_failure_at" timestamp with time zone,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "family_preference" (
	"family_id" integer PRIMARY KEY NOT NULL,
	"paper_opt_out_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "family_session" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"token_sha256" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "family_user" (
	"id" serial PRIMARY KEY NOT NULL,
	"family_id" integer NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"access_code_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"password_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_login_at" timestamp with time zone,
	"disabled_at" timestamp with time zone,
	CONSTRAINT "family_user_email_ck" CHECK ("family_user"."email" = lower("family_user"."email"))
);
--> statement-breakpoint
CREATE TABLE "invoice_alert" (
	"id" serial PRIMARY KEY NOT NULL,
	"invoice_id" integer NOT NULL,
	"family_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"sent_to" jsonb
);
--> statement-breakpoint
CREATE TABLE "online_payment_suspension" (
	"id" serial PRIMARY KEY NOT NULL,
	"regie_id" integer,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "password_reset" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"token_sha256" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "counter_op" ALTER COLUMN "payload" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_email" ADD CONSTRAINT "alert_email_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_preference" ADD CONSTRAINT "family_preference_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_session" ADD CONSTRAINT "family_session_user_id_family_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."family_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_user" ADD CONSTRAINT "family_user_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_user" ADD CONSTRAINT "family_user_access_code_id_access_code_id_fk" FOREIGN KEY ("access_code_id") REFERENCES "public"."access_code"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_alert" ADD CONSTRAINT "invoice_alert_invoice_id_invoice_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_alert" ADD CONSTRAINT "invoice_alert_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_payment_suspension" ADD CONSTRAINT "online_payment_suspension_regie_id_regie_id_fk" FOREIGN KEY ("regie_id") REFERENCES "public"."regie"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_reset" ADD CONSTRAINT "password_reset_user_id_family_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."family_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alert_email_uq" ON "alert_email" USING btree ("family_id","email");--> statement-breakpoint
CREATE UNIQUE INDEX "family_session_token_uq" ON "family_session" USING btree ("token_sha256");--> statement-breakpoint
CREATE INDEX "family_session_user_ix" ON "family_session" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "family_user_family_uq" ON "family_user" USING btree ("family_id");--> statement-breakpoint
CREATE UNIQUE INDEX "family_user_email_uq" ON "family_user" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_alert_invoice_uq" ON "invoice_alert" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "invoice_alert_pending_ix" ON "invoice_alert" USING btree ("id") WHERE sent_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "password_reset_token_uq" ON "password_reset" USING btree ("token_sha256");--> statement-breakpoint

-- Hand-written: the family pages' rules that the database itself must hold.

-- At most three alert addresses per family. The page checks it too, but two submissions at once
-- would both pass that check: the lock on the family row serialises them here.
CREATE FUNCTION portal_alert_email_cap() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM family WHERE id = NEW.family_id FOR UPDATE;
  IF (SELECT count(*) FROM alert_email WHERE family_id = NEW.family_id) >= 3 THEN
    RAISE EXCEPTION 'Trois adresses d’alerte au plus par famille.'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'alert_email_cap';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER alert_email_cap BEFORE INSERT ON alert_email
FOR EACH ROW EXECUTE FUNCTION portal_alert_email_cap();
--> statement-breakpoint

-- Every new invoice of a family that asked for alerts waits in invoice_alert, written in the
-- importing transaction itself: the mailer that drains it can never miss one or send one twice.
CREATE FUNCTION portal_queue_invoice_alert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM alert_email WHERE family_id = NEW.family_id) THEN
    INSERT INTO invoice_alert (invoice_id, family_id) VALUES (NEW.id, NEW.family_id)
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoice_queue_alert AFTER INSERT ON invoice
FOR EACH ROW EXECUTE FUNCTION portal_queue_invoice_alert();
--> statement-breakpoint

-- Families' messages reach registers through the feed as the entity family_message, keyed by
-- the message id and scoped to its régie (all counters when the family chose none). The feed's
-- state function of 0001 is kept under another name and wrapped, so that this migration adds an
-- entity without restating (and risking to alter) every other one.
ALTER FUNCTION portal_entity_state(text, text) RENAME TO portal_entity_state_0001;
--> statement-breakpoint
CREATE FUNCTION portal_entity_state(p_entity text, p_key text, OUT o_regie_id integer, OUT o_data jsonb)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF p_entity = 'family_message' THEN
    SELECT m.regie_id, jsonb_build_object(
      'id', m.id, 'familyCode', f.code, 'familyName', f.family_name, 'regieCode', r.code,
      'subject', m.subject, 'body', m.body, 'status', m.status,
      'createdAt', portal_iso(m.created_at))
    INTO o_regie_id, o_data
    FROM family_message m JOIN family f ON f.id = m.family_id
    LEFT JOIN regie r ON r.id = m.regie_id
    WHERE m.id::text = p_key;
    RETURN;
  END IF;
  SELECT s.o_regie_id, s.o_data INTO o_regie_id, o_data
  FROM portal_entity_state_0001(p_entity, p_key) s;
END $$;
--> statement-breakpoint
CREATE FUNCTION portal_track_family_message() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM portal_mark_changed('family_message', OLD.id::text); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM portal_mark_changed('family_message', NEW.id::text); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER family_message_track AFTER INSERT OR UPDATE OR DELETE ON family_message
FOR EACH ROW EXECUTE FUNCTION portal_track_family_message();
