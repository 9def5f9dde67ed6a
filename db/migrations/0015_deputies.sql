CREATE TABLE `deputyships` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`signatory_id` text NOT NULL,
	`deputy_id` text NOT NULL,
	`from_date` text NOT NULL,
	`until_date` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`signatory_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`deputy_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `deputyships_deputy_idx` ON `deputyships` (`deputy_id`,`ends_at`);--> statement-breakpoint
CREATE INDEX `deputyships_signatory_idx` ON `deputyships` (`signatory_id`,`ends_at`);--> statement-breakpoint
ALTER TABLE `signoffs` ADD `on_behalf_of` text REFERENCES users(id);