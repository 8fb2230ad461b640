CREATE TABLE "latchkey_nonces" (
	"key" text PRIMARY KEY NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "latchkey_signing_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"algorithm" text NOT NULL,
	"key" text NOT NULL,
	"scopes" text DEFAULT '' NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint
);
--> statement-breakpoint
CREATE TABLE "latchkey_totp" (
	"user_id" text PRIMARY KEY NOT NULL,
	"sealed_seed" text NOT NULL,
	"enabled_at" bigint,
	"last_step" bigint,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "latchkey_totp_backup_codes" (
	"user_id" text NOT NULL,
	"digest" text NOT NULL,
	CONSTRAINT "latchkey_totp_backup_codes_user_id_digest_pk" PRIMARY KEY("user_id","digest")
);
--> statement-breakpoint
CREATE INDEX "latchkey_nonces_expires_at_idx" ON "latchkey_nonces" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "latchkey_signing_keys_user_id_idx" ON "latchkey_signing_keys" USING btree ("user_id");