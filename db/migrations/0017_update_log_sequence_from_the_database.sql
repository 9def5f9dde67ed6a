-- Sequence numbers become one AUTOINCREMENT counter for every plan (decision 0042), so the logged
-- updates are renumbered in their order, and each snapshot's up_to_update_id moves to the new number
-- of the last update it covers (or to just below the plan's first remaining update).
WITH `numbered` AS (
	SELECT `plan_id`, `seq`, row_number() OVER (ORDER BY `plan_id`, `seq`) AS `n` FROM `plan_updates`
)
UPDATE `plan_snapshots` SET `up_to_update_id` = coalesce(
	(SELECT max(`n`) FROM `numbered` WHERE `numbered`.`plan_id` = `plan_snapshots`.`plan_id` AND `numbered`.`seq` <= `plan_snapshots`.`up_to_update_id`),
	(SELECT min(`n`) - 1 FROM `numbered` WHERE `numbered`.`plan_id` = `plan_snapshots`.`plan_id`),
	0
);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_plan_updates` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text NOT NULL,
	`update` blob NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_plan_updates`("seq", "plan_id", "update") SELECT row_number() OVER (ORDER BY "plan_id", "seq"), "plan_id", "update" FROM `plan_updates` ORDER BY "plan_id", "seq";--> statement-breakpoint
DROP TABLE `plan_updates`;--> statement-breakpoint
ALTER TABLE `__new_plan_updates` RENAME TO `plan_updates`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `plan_updates_plan_idx` ON `plan_updates` (`plan_id`,`seq`);
