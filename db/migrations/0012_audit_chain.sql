PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text,
	`user_id` text,
	`type` text NOT NULL,
	`detail` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`prev_hash` text DEFAULT '' NOT NULL,
	`hash` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- Edited by hand: drizzle-kit copied the new prev_hash and hash from the old table, which has
-- neither. Old entries get '' for both; opening the database links them (audit-chain.server.ts).
INSERT INTO `__new_audit_events`("id", "plan_id", "user_id", "type", "detail", "created_at", "prev_hash", "hash") SELECT "id", "plan_id", "user_id", "type", "detail", "created_at", '', '' FROM `audit_events`;--> statement-breakpoint
DROP TABLE `audit_events`;--> statement-breakpoint
ALTER TABLE `__new_audit_events` RENAME TO `audit_events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `audit_events_plan_idx` ON `audit_events` (`plan_id`,`id`);--> statement-breakpoint
-- ---- Hand-written (drizzle-kit writes neither triggers nor expression indexes) ----
-- A chain never forks: no two entries of one chain (a plan's, or the instance's) share a prevHash.
CREATE UNIQUE INDEX `audit_events_link_idx` ON `audit_events` (coalesce(`plan_id`, ''), `prev_hash`) WHERE `prev_hash` <> '';--> statement-breakpoint
-- Every new entry arrives linked.
CREATE TRIGGER `audit_events_insert_linked` BEFORE INSERT ON `audit_events`
WHEN NEW.`hash` = '' OR NEW.`prev_hash` = ''
BEGIN
	SELECT RAISE(ABORT, 'audit entries are written with prevHash and hash');
END;--> statement-breakpoint
-- Entries are never changed, save that an entry from before the chain ('' hashes) is linked once.
CREATE TRIGGER `audit_events_no_update` BEFORE UPDATE ON `audit_events`
WHEN OLD.`hash` <> '' OR NEW.`hash` = '' OR NEW.`prev_hash` = ''
	OR NEW.`id` IS NOT OLD.`id` OR NEW.`plan_id` IS NOT OLD.`plan_id` OR NEW.`user_id` IS NOT OLD.`user_id`
	OR NEW.`type` IS NOT OLD.`type` OR NEW.`detail` IS NOT OLD.`detail` OR NEW.`created_at` IS NOT OLD.`created_at`
BEGIN
	SELECT RAISE(ABORT, 'audit entries are never changed');
END;--> statement-breakpoint
-- Entries are never deleted (deleting a plan keeps them: plan_id is no foreign key).
CREATE TRIGGER `audit_events_no_delete` BEFORE DELETE ON `audit_events`
BEGIN
	SELECT RAISE(ABORT, 'audit entries are never deleted');
END;
