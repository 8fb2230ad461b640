CREATE TABLE `latchkey_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`digest` text NOT NULL,
	`name` text,
	`scopes` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`last_used_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `latchkey_tokens_digest_unique` ON `latchkey_tokens` (`digest`);--> statement-breakpoint
CREATE INDEX `latchkey_tokens_user_id_idx` ON `latchkey_tokens` (`user_id`);--> statement-breakpoint
CREATE INDEX `latchkey_tokens_expires_at_idx` ON `latchkey_tokens` (`expires_at`);--> statement-breakpoint
CREATE TABLE `latchkey_users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`password_hash` text,
	`is_active` integer DEFAULT true NOT NULL,
	`is_staff` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `latchkey_users_username_unique` ON `latchkey_users` (`username`);