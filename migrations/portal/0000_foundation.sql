CREATE SEQUENCE "public"."change_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "access_code" (
	"id" serial PRIMARY KEY NOT NULL,
	"op_row_id" bigint,
	"ref" uuid NOT NULL,
	"family_id" integer NOT NULL,
	"code_sha256" text NOT NULL,
	"status" text DEFAULT 'emis' NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"issued_by_counter_id" uuid,
	"activated_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "allocation" (
	"id" serial PRIMARY KEY NOT NULL,
	"invoice_id" integer NOT NULL,
	"payment_id" integer,
	"credit_use_id" integer,
	"cancellation_id" integer,
	"amount_cents" integer NOT NULL,
	"flags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "allocation_source_ck" CHECK (("allocation"."payment_id" IS NOT NULL)::int + ("allocation"."credit_use_id" IS NOT NULL)::int + ("allocation"."cancellation_id" IS NOT NULL)::int = 1),
	CONSTRAINT "allocation_sign_ck" CHECK (CASE WHEN "allocation"."cancellation_id" IS NULL THEN "allocation"."amount_cents" > 0 ELSE "allocation"."amount_cents" < 0 END)
);
--> statement-breakpoint
CREATE TABLE "cancellation" (
	"id" serial PRIMARY KEY NOT NULL,
	"op_row_id" bigint NOT NULL,
	"counter_id" uuid NOT NULL,
	"payment_id" integer,
	"credit_use_id" integer,
	"poste_code" text NOT NULL,
	"reason" text NOT NULL,
	"cancelled_at" timestamp with time zone NOT NULL,
	"agent_login" text NOT NULL,
	"agent_name" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cancellation_target_ck" CHECK (("cancellation"."payment_id" IS NULL) <> ("cancellation"."credit_use_id" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "change" (
	"id" bigint PRIMARY KEY NOT NULL,
	"xid" bigint NOT NULL,
	"entity" text NOT NULL,
	"entity_key" text NOT NULL,
	"regie_id" integer,
	"origin_counter_id" uuid,
	"data" jsonb,
	"committed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_pending" (
	"xid" bigint NOT NULL,
	"entity" text NOT NULL,
	"entity_key" text NOT NULL,
	CONSTRAINT "change_pending_xid_entity_entity_key_pk" PRIMARY KEY("xid","entity","entity_key")
);
--> statement-breakpoint
CREATE TABLE "child" (
	"id" serial PRIMARY KEY NOT NULL,
	"family_id" integer NOT NULL,
	"ref" text NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"birth_date" date NOT NULL,
	"school" text
);
--> statement-breakpoint
CREATE TABLE "closure" (
	"id" serial PRIMARY KEY NOT NULL,
	"op_row_id" bigint NOT NULL,
	"counter_id" uuid NOT NULL,
	"regie_id" integer NOT NULL,
	"kind" text NOT NULL,
	"period" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"totals" jsonb NOT NULL,
	"last_covered_seq" integer NOT NULL,
	"last_covered_hash" text NOT NULL,
	"closed_at" timestamp with time zone NOT NULL,
	"agent_login" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commune" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"address_line" text NOT NULL,
	"postal_code" text NOT NULL,
	"city" text NOT NULL,
	"siret" text,
	"phone" text,
	"portal_url" text,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "counter" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"poste_code" text NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'en_attente' NOT NULL,
	"secret_version" integer DEFAULT 0 NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"enrolled_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text,
	"last_seen_at" timestamp with time zone,
	CONSTRAINT "counter_poste_ck" CHECK ("counter"."poste_code" ~ '^[A-Z0-9]{2,8}$'),
	CONSTRAINT "counter_seq_ck" CHECK ("counter"."last_seq" >= 0),
	CONSTRAINT "counter_revoked_ck" CHECK (("counter"."status" = 'revoque') = ("counter"."revoked_at" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "counter_op" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"counter_id" uuid NOT NULL,
	"op_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"payload_hash" text NOT NULL,
	"status" text NOT NULL,
	"code" text,
	"message" text,
	"result" jsonb,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "counter_op_seq_ck" CHECK ("counter_op"."seq" >= 1),
	CONSTRAINT "counter_op_status_ck" CHECK (("counter_op"."status" = 'rejected') = ("counter_op"."code" IS NOT NULL AND "counter_op"."message" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "counter_payment" (
	"id" serial PRIMARY KEY NOT NULL,
	"op_row_id" bigint NOT NULL,
	"counter_id" uuid NOT NULL,
	"ref" uuid NOT NULL,
	"receipt_number" text NOT NULL,
	"regie_id" integer NOT NULL,
	"family_id" integer NOT NULL,
	"poste_code" text NOT NULL,
	"mode" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"tendered_cents" integer,
	"change_cents" integer,
	"credit_created_cents" integer DEFAULT 0 NOT NULL,
	"details" jsonb NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"agent_login" text NOT NULL,
	"agent_name" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "counter_payment_amount_ck" CHECK ("counter_payment"."amount_cents" > 0),
	CONSTRAINT "counter_payment_credit_ck" CHECK ("counter_payment"."credit_created_cents" >= 0 AND "counter_payment"."credit_created_cents" <= "counter_payment"."amount_cents")
);
--> statement-breakpoint
CREATE TABLE "counter_regie" (
	"counter_id" uuid NOT NULL,
	"regie_id" integer NOT NULL,
	CONSTRAINT "counter_regie_counter_id_regie_id_pk" PRIMARY KEY("counter_id","regie_id")
);
--> statement-breakpoint
CREATE TABLE "credit_use" (
	"id" serial PRIMARY KEY NOT NULL,
	"op_row_id" bigint NOT NULL,
	"counter_id" uuid NOT NULL,
	"ref" uuid NOT NULL,
	"regie_id" integer NOT NULL,
	"family_id" integer NOT NULL,
	"poste_code" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"used_at" timestamp with time zone NOT NULL,
	"agent_login" text NOT NULL,
	"agent_name" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_use_amount_ck" CHECK ("credit_use"."amount_cents" > 0)
);
--> statement-breakpoint
CREATE TABLE "enrolment_code" (
	"id" serial PRIMARY KEY NOT NULL,
	"counter_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"superseded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "family" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"family_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "family_account" (
	"id" serial PRIMARY KEY NOT NULL,
	"family_id" integer NOT NULL,
	"regie_id" integer NOT NULL,
	"credit_cents" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "family_message" (
	"id" serial PRIMARY KEY NOT NULL,
	"family_id" integer NOT NULL,
	"regie_id" integer,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"status" text DEFAULT 'nouveau' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice" (
	"id" serial PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"regie_id" integer NOT NULL,
	"family_id" integer NOT NULL,
	"label" text NOT NULL,
	"period" text NOT NULL,
	"issue_date" date NOT NULL,
	"due_date" date NOT NULL,
	"amount_cents" integer NOT NULL,
	"paid_outside_cents" integer DEFAULT 0 NOT NULL,
	"counters_paid_cents" integer DEFAULT 0 NOT NULL,
	"online_paid_cents" integer DEFAULT 0 NOT NULL,
	"paid_cents" integer GENERATED ALWAYS AS (paid_outside_cents + counters_paid_cents + online_paid_cents) STORED NOT NULL,
	"refdet" text NOT NULL,
	"status" text DEFAULT 'emise' NOT NULL,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoice_amount_ck" CHECK ("invoice"."amount_cents" > 0),
	CONSTRAINT "invoice_outside_ck" CHECK ("invoice"."paid_outside_cents" >= 0),
	CONSTRAINT "invoice_refdet_ck" CHECK ("invoice"."refdet" ~ '^[A-Za-z0-9]{6,30}$')
);
--> statement-breakpoint
CREATE TABLE "invoice_line" (
	"id" serial PRIMARY KEY NOT NULL,
	"invoice_id" integer NOT NULL,
	"line_no" integer NOT NULL,
	"label" text NOT NULL,
	"child_id" integer,
	"quantity" integer NOT NULL,
	"unit_price_cents" integer NOT NULL,
	"amount_cents" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "online_payment" (
	"id" serial PRIMARY KEY NOT NULL,
	"ref" uuid DEFAULT gen_random_uuid() NOT NULL,
	"invoice_id" integer NOT NULL,
	"amount_cents" integer NOT NULL,
	"status" text DEFAULT 'en_cours' NOT NULL,
	"idop" text,
	"numauto" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "online_payment_amount_ck" CHECK ("online_payment"."amount_cents" > 0)
);
--> statement-breakpoint
CREATE TABLE "online_payment_lock" (
	"id" serial PRIMARY KEY NOT NULL,
	"invoice_id" integer NOT NULL,
	"online_payment_id" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "payment_conflict" (
	"id" serial PRIMARY KEY NOT NULL,
	"ref" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"invoice_id" integer NOT NULL,
	"amount_cents" integer NOT NULL,
	"counter_payment_id" integer,
	"credit_use_id" integer,
	"online_payment_id" integer,
	"proposed_resolution" text,
	"status" text DEFAULT 'a_traiter' NOT NULL,
	"detail" text NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolution_note" text,
	CONSTRAINT "payment_conflict_amount_ck" CHECK ("payment_conflict"."amount_cents" > 0),
	CONSTRAINT "payment_conflict_source_ck" CHECK (("payment_conflict"."counter_payment_id" IS NOT NULL)::int + ("payment_conflict"."credit_use_id" IS NOT NULL)::int + ("payment_conflict"."online_payment_id" IS NOT NULL)::int = 1)
);
--> statement-breakpoint
CREATE TABLE "portal_event" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"details" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "regie" (
	"id" serial PRIMARY KEY NOT NULL,
	"commune_id" integer NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"numcli" text,
	"payfip_saisie" text DEFAULT 'T' NOT NULL,
	"accepted_modes" jsonb NOT NULL,
	"cash_ceiling_cents" integer NOT NULL,
	"float_cents" integer NOT NULL,
	"creditor_label" text NOT NULL,
	"allow_credit" boolean DEFAULT true NOT NULL,
	"allow_direct_debit_payment" boolean DEFAULT false NOT NULL,
	"dft_account" text,
	"service_name" text NOT NULL,
	"service_address" text NOT NULL,
	"service_phone" text,
	"online_lock_minutes" integer DEFAULT 60 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "regie_code_ck" CHECK ("regie"."code" ~ '^[A-Z0-9]{2,8}$'),
	CONSTRAINT "regie_numcli_ck" CHECK ("regie"."numcli" IS NULL OR "regie"."numcli" ~ '^[0-9]{6}$'),
	CONSTRAINT "regie_ceiling_ck" CHECK ("regie"."cash_ceiling_cents" >= 0 AND "regie"."float_cents" >= 0),
	CONSTRAINT "regie_lock_ck" CHECK ("regie"."online_lock_minutes" BETWEEN 1 AND 1440)
);
--> statement-breakpoint
CREATE TABLE "responsable" (
	"id" serial PRIMARY KEY NOT NULL,
	"family_id" integer NOT NULL,
	"rank" integer NOT NULL,
	"civility" text NOT NULL,
	"last_name" text NOT NULL,
	"first_name" text NOT NULL,
	"address_line1" text NOT NULL,
	"address_line2" text,
	"postal_code" text NOT NULL,
	"city" text NOT NULL,
	"email" text,
	"phone_mobile" text,
	"phone_home" text,
	"phone_work" text,
	CONSTRAINT "responsable_rank_ck" CHECK ("responsable"."rank" IN (1, 2))
);
--> statement-breakpoint
CREATE TABLE "sync_nonce" (
	"counter_id" uuid NOT NULL,
	"nonce" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_nonce_counter_id_nonce_pk" PRIMARY KEY("counter_id","nonce")
);
--> statement-breakpoint
ALTER TABLE "access_code" ADD CONSTRAINT "access_code_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_code" ADD CONSTRAINT "access_code_issued_by_counter_id_counter_id_fk" FOREIGN KEY ("issued_by_counter_id") REFERENCES "public"."counter"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_invoice_id_invoice_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_payment_id_counter_payment_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."counter_payment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_credit_use_id_credit_use_id_fk" FOREIGN KEY ("credit_use_id") REFERENCES "public"."credit_use"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_cancellation_id_cancellation_id_fk" FOREIGN KEY ("cancellation_id") REFERENCES "public"."cancellation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cancellation" ADD CONSTRAINT "cancellation_counter_id_counter_id_fk" FOREIGN KEY ("counter_id") REFERENCES "public"."counter"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cancellation" ADD CONSTRAINT "cancellation_payment_id_counter_payment_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."counter_payment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cancellation" ADD CONSTRAINT "cancellation_credit_use_id_credit_use_id_fk" FOREIGN KEY ("credit_use_id") REFERENCES "public"."credit_use"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child" ADD CONSTRAINT "child_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "closure" ADD CONSTRAINT "closure_counter_id_counter_id_fk" FOREIGN KEY ("counter_id") REFERENCES "public"."counter"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "closure" ADD CONSTRAINT "closure_regie_id_regie_id_fk" FOREIGN KEY ("regie_id") REFERENCES "public"."regie"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_op" ADD CONSTRAINT "counter_op_counter_id_counter_id_fk" FOREIGN KEY ("counter_id") REFERENCES "public"."counter"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_payment" ADD CONSTRAINT "counter_payment_counter_id_counter_id_fk" FOREIGN KEY ("counter_id") REFERENCES "public"."counter"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_payment" ADD CONSTRAINT "counter_payment_regie_id_regie_id_fk" FOREIGN KEY ("regie_id") REFERENCES "public"."regie"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_payment" ADD CONSTRAINT "counter_payment_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_regie" ADD CONSTRAINT "counter_regie_counter_id_counter_id_fk" FOREIGN KEY ("counter_id") REFERENCES "public"."counter"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_regie" ADD CONSTRAINT "counter_regie_regie_id_regie_id_fk" FOREIGN KEY ("regie_id") REFERENCES "public"."regie"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_use" ADD CONSTRAINT "credit_use_counter_id_counter_id_fk" FOREIGN KEY ("counter_id") REFERENCES "public"."counter"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_use" ADD CONSTRAINT "credit_use_regie_id_regie_id_fk" FOREIGN KEY ("regie_id") REFERENCES "public"."regie"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_use" ADD CONSTRAINT "credit_use_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolment_code" ADD CONSTRAINT "enrolment_code_counter_id_counter_id_fk" FOREIGN KEY ("counter_id") REFERENCES "public"."counter"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_account" ADD CONSTRAINT "family_account_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_account" ADD CONSTRAINT "family_account_regie_id_regie_id_fk" FOREIGN KEY ("regie_id") REFERENCES "public"."regie"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_message" ADD CONSTRAINT "family_message_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_message" ADD CONSTRAINT "family_message_regie_id_regie_id_fk" FOREIGN KEY ("regie_id") REFERENCES "public"."regie"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_regie_id_regie_id_fk" FOREIGN KEY ("regie_id") REFERENCES "public"."regie"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_line" ADD CONSTRAINT "invoice_line_invoice_id_invoice_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_line" ADD CONSTRAINT "invoice_line_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_payment" ADD CONSTRAINT "online_payment_invoice_id_invoice_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_payment_lock" ADD CONSTRAINT "online_payment_lock_invoice_id_invoice_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_payment_lock" ADD CONSTRAINT "online_payment_lock_online_payment_id_online_payment_id_fk" FOREIGN KEY ("online_payment_id") REFERENCES "public"."online_payment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_conflict" ADD CONSTRAINT "payment_conflict_invoice_id_invoice_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_conflict" ADD CONSTRAINT "payment_conflict_counter_payment_id_counter_payment_id_fk" FOREIGN KEY ("counter_payment_id") REFERENCES "public"."counter_payment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_conflict" ADD CONSTRAINT "payment_conflict_credit_use_id_credit_use_id_fk" FOREIGN KEY ("credit_use_id") REFERENCES "public"."credit_use"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_conflict" ADD CONSTRAINT "payment_conflict_online_payment_id_online_payment_id_fk" FOREIGN KEY ("online_payment_id") REFERENCES "public"."online_payment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "regie" ADD CONSTRAINT "regie_commune_id_commune_id_fk" FOREIGN KEY ("commune_id") REFERENCES "public"."commune"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responsable" ADD CONSTRAINT "responsable_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_nonce" ADD CONSTRAINT "sync_nonce_counter_id_counter_id_fk" FOREIGN KEY ("counter_id") REFERENCES "public"."counter"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "access_code_ref_uq" ON "access_code" USING btree ("ref");--> statement-breakpoint
CREATE UNIQUE INDEX "access_code_hash_uq" ON "access_code" USING btree ("code_sha256");--> statement-breakpoint
CREATE INDEX "access_code_family_ix" ON "access_code" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "allocation_invoice_ix" ON "allocation" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "allocation_payment_ix" ON "allocation" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "allocation_credit_use_ix" ON "allocation" USING btree ("credit_use_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cancellation_payment_uq" ON "cancellation" USING btree ("payment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cancellation_credit_use_uq" ON "cancellation" USING btree ("credit_use_id");--> statement-breakpoint
CREATE UNIQUE INDEX "change_tx_entity_uq" ON "change" USING btree ("xid","entity","entity_key");--> statement-breakpoint
CREATE INDEX "change_entity_ix" ON "change" USING btree ("entity","entity_key","id");--> statement-breakpoint
CREATE UNIQUE INDEX "child_ref_uq" ON "child" USING btree ("ref");--> statement-breakpoint
CREATE INDEX "child_family_ix" ON "child" USING btree ("family_id");--> statement-breakpoint
CREATE UNIQUE INDEX "closure_period_uq" ON "closure" USING btree ("counter_id","regie_id","kind","period");--> statement-breakpoint
CREATE UNIQUE INDEX "counter_poste_uq" ON "counter" USING btree ("poste_code");--> statement-breakpoint
CREATE UNIQUE INDEX "counter_op_uq" ON "counter_op" USING btree ("counter_id","op_id");--> statement-breakpoint
CREATE UNIQUE INDEX "counter_op_seq_uq" ON "counter_op" USING btree ("counter_id","seq");--> statement-breakpoint
CREATE INDEX "counter_op_rejected_ix" ON "counter_op" USING btree ("counter_id","seq") WHERE status = 'rejected';--> statement-breakpoint
CREATE UNIQUE INDEX "counter_payment_ref_uq" ON "counter_payment" USING btree ("ref");--> statement-breakpoint
CREATE UNIQUE INDEX "counter_payment_receipt_uq" ON "counter_payment" USING btree ("receipt_number");--> statement-breakpoint
CREATE INDEX "counter_payment_family_ix" ON "counter_payment" USING btree ("family_id","regie_id");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_use_ref_uq" ON "credit_use" USING btree ("ref");--> statement-breakpoint
CREATE UNIQUE INDEX "enrolment_code_hash_uq" ON "enrolment_code" USING btree ("code_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "family_code_uq" ON "family" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "family_account_uq" ON "family_account" USING btree ("family_id","regie_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_number_uq" ON "invoice" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_refdet_uq" ON "invoice" USING btree ("refdet");--> statement-breakpoint
CREATE INDEX "invoice_family_regie_ix" ON "invoice" USING btree ("family_id","regie_id","due_date");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_line_uq" ON "invoice_line" USING btree ("invoice_id","line_no");--> statement-breakpoint
CREATE UNIQUE INDEX "online_payment_ref_uq" ON "online_payment" USING btree ("ref");--> statement-breakpoint
CREATE UNIQUE INDEX "online_payment_idop_uq" ON "online_payment" USING btree ("idop");--> statement-breakpoint
CREATE INDEX "online_payment_invoice_ix" ON "online_payment" USING btree ("invoice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "online_payment_lock_live_uq" ON "online_payment_lock" USING btree ("invoice_id") WHERE released_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_conflict_ref_uq" ON "payment_conflict" USING btree ("ref");--> statement-breakpoint
CREATE INDEX "payment_conflict_invoice_ix" ON "payment_conflict" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "portal_event_kind_ix" ON "portal_event" USING btree ("kind","id");--> statement-breakpoint
CREATE UNIQUE INDEX "regie_code_uq" ON "regie" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "responsable_family_rank_uq" ON "responsable" USING btree ("family_id","rank");--> statement-breakpoint
CREATE INDEX "sync_nonce_seen_ix" ON "sync_nonce" USING btree ("seen_at");