CREATE TABLE `latchkey_one_time_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`purpose` text NOT NULL,
	`digest` text NOT NULL,
	`data` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `latchkey_one_time_tokens_user_id_idx` ON `latchkey_one_time_tokens` (`user_id`);--> statement-breakpoint
CREATE INDEX `latchkey_one_time_tokens_expires_at_idx` ON `latchkey_one_time_tokens` (`expires_at`);--> statement-breakpoint
ALTER TABLE `latchkey_users` ADD `email` text;--> statement-breakpoint
ALTER TABLE `latchkey_users` ADD `email_verified_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `latchkey_users_email_lower_unique` ON `latchkey_users` (lower("email"));