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
