CREATE TABLE `latchkey_nonces` (
	`key` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `latchkey_nonces_expires_at_idx` ON `latchkey_nonces` (`expires_at`);--> statement-breakpoint
CREATE TABLE `latchkey_signing_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`algorithm` text NOT NULL,
	`key` text NOT NULL,
	`scopes` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `latchkey_signing_keys_user_id_idx` ON `latchkey_signing_keys` (`user_id`);--> statement-breakpoint
CREATE TABLE `latchkey_totp` (
	`user_id` text PRIMARY KEY NOT NULL,
	`sealed_seed` text NOT NULL,
	`enabled_at` integer,
	`last_step` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `latchkey_totp_backup_codes` (
	`user_id` text NOT NULL,
	`digest` text NOT NULL,
	PRIMARY KEY(`user_id`, `digest`)
);
