CREATE TABLE `signoffs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text NOT NULL,
	`section_key` text NOT NULL,
	`side` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`content_hash` text NOT NULL,
	`section_state` blob NOT NULL,
	`stale_at` integer,
	`stale_by` text,
	`revoked_at` integer,
	`revoked_by` text,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`stale_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`revoked_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `signoffs_plan_section_idx` ON `signoffs` (`plan_id`,`section_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `signoffs_one_active_per_side_idx` ON `signoffs` (`plan_id`,`section_key`,`side`) WHERE "signoffs"."revoked_at" is null;