CREATE TABLE `latchkey_throttles` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `latchkey_throttles_expires_at_idx` ON `latchkey_throttles` (`expires_at`);