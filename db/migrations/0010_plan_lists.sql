CREATE TABLE `plan_list_states` (
	`plan_id` text PRIMARY KEY NOT NULL,
	`edited_at` integer,
	`archived_at` integer,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade
);
