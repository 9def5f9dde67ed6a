PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_plan_updates` (
	`plan_id` text NOT NULL,
	`seq` integer NOT NULL,
	`update` blob NOT NULL,
	PRIMARY KEY(`plan_id`, `seq`),
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_plan_updates`("plan_id", "seq", "update") SELECT "plan_id", "id", "update" FROM `plan_updates`;--> statement-breakpoint
DROP TABLE `plan_updates`;--> statement-breakpoint
ALTER TABLE `__new_plan_updates` RENAME TO `plan_updates`;--> statement-breakpoint
PRAGMA foreign_keys=ON;