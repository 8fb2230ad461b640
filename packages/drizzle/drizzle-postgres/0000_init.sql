CREATE TABLE "latchkey_one_time_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"purpose" text NOT NULL,
	"digest" text NOT NULL,
	"data" text,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "latchkey_throttles" (
	"key" text PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "latchkey_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"digest" text NOT NULL,
	"purpose" text DEFAULT 'api' NOT NULL,
	"name" text,
	"scopes" text DEFAULT '' NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint,
	"last_used_at" bigint,
	"revoked_at" bigint,
	CONSTRAINT "latchkey_tokens_digest_unique" UNIQUE("digest")
);
--> statement-breakpoint
CREATE TABLE "latchkey_users" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "latchkey_users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"username" text NOT NULL,
	"password_hash" text,
	"is_active" boolean DEFAULT true NOT NULL,
	"is_staff" boolean DEFAULT false NOT NULL,
	"email" text,
	"email_verified_at" bigint,
	"created_at" bigint NOT NULL,
	CONSTRAINT "latchkey_users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE INDEX "latchkey_one_time_tokens_user_id_idx" ON "latchkey_one_time_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "latchkey_one_time_tokens_expires_at_idx" ON "latchkey_one_time_tokens" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "latchkey_throttles_expires_at_idx" ON "latchkey_throttles" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "latchkey_tokens_user_id_idx" ON "latchkey_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "latchkey_tokens_expires_at_idx" ON "latchkey_tokens" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "latchkey_tokens_revoked_at_idx" ON "latchkey_tokens" USING btree ("revoked_at");--> statement-breakpoint
CREATE UNIQUE INDEX "latchkey_users_email_lower_unique" ON "latchkey_users" USING btree (lower("email"));