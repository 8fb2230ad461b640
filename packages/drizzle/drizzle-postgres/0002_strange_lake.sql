CREATE TABLE "latchkey_refresh_tokens" (
	"digest" text PRIMARY KEY NOT NULL,
	"family_id" text NOT NULL,
	"user_id" text NOT NULL,
	"state" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "latchkey_revoked_families" (
	"family_id" text PRIMARY KEY NOT NULL,
	"access_until" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "latchkey_refresh_tokens_family_id_idx" ON "latchkey_refresh_tokens" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "latchkey_refresh_tokens_user_id_idx" ON "latchkey_refresh_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "latchkey_refresh_tokens_expires_at_idx" ON "latchkey_refresh_tokens" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "latchkey_revoked_families_access_until_idx" ON "latchkey_revoked_families" USING btree ("access_until");