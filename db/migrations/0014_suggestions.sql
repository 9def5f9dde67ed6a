CREATE TABLE `suggestions` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`section_key` text NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`author_id` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`removed` text,
	`added` text,
	`row_id` text,
	`field` text,
	`from_value` text,
	`to_value` text,
	`decided_by` text,
	`decided_at` integer,
	`reason` text,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `suggestions_plan_idx` ON `suggestions` (`plan_id`,`status`);