CREATE TABLE `latchkey_throttles` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `latchkey_throttles_expires_at_idx` ON `latchkey_throttles` (`expires_at`);--> statement-breakpoint
ALTER TABLE `latchkey_tokens` ADD `purpose` text DEFAULT 'api' NOT NULL;--> statement-breakpoint
ALTER TABLE `latchkey_tokens` ADD `revoked_at` integer;--> statement-breakpoint
CREATE INDEX `latchkey_tokens_revoked_at_idx` ON `latchkey_tokens` (`revoked_at`);