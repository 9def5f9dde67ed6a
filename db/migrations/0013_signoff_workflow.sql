CREATE TABLE `signoff_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text NOT NULL,
	`section_key` text NOT NULL,
	`requested_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`sides` text NOT NULL,
	`message` text,
	`due_date` text,
	`ended_at` integer,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `signoff_requests_plan_section_idx` ON `signoff_requests` (`plan_id`,`section_key`);--> statement-breakpoint
CREATE TABLE `signoff_returns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text NOT NULL,
	`section_key` text NOT NULL,
	`user_id` text NOT NULL,
	`side` text NOT NULL,
	`reason` text NOT NULL,
	`content_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`cleared_at` integer,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `signoff_returns_plan_section_idx` ON `signoff_returns` (`plan_id`,`section_key`);--> statement-breakpoint
ALTER TABLE `notifications` ADD `section_key` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `detail` text;