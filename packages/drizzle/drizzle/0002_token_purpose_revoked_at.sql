ALTER TABLE `latchkey_tokens` ADD `purpose` text DEFAULT 'api' NOT NULL;--> statement-breakpoint
ALTER TABLE `latchkey_tokens` ADD `revoked_at` integer;--> statement-breakpoint
CREATE INDEX `latchkey_tokens_revoked_at_idx` ON `latchkey_tokens` (`revoked_at`);