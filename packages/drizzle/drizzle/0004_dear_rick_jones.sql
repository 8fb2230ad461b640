CREATE TABLE `latchkey_refresh_tokens` (
	`digest` text PRIMARY KEY NOT NULL,
	`family_id` text NOT NULL,
	`user_id` text NOT NULL,
	`state` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `latchkey_refresh_tokens_family_id_idx` ON `latchkey_refresh_tokens` (`family_id`);--> statement-breakpoint
CREATE INDEX `latchkey_refresh_tokens_user_id_idx` ON `latchkey_refresh_tokens` (`user_id`);--> statement-breakpoint
CREATE INDEX `latchkey_refresh_tokens_expires_at_idx` ON `latchkey_refresh_tokens` (`expires_at`);--> statement-breakpoint
CREATE TABLE `latchkey_revoked_families` (
	`family_id` text PRIMARY KEY NOT NULL,
	`access_until` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `latchkey_revoked_families_access_until_idx` ON `latchkey_revoked_families` (`access_until`);