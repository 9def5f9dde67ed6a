ALTER TABLE `signoffs` ADD `meaning` text;--> statement-breakpoint
ALTER TABLE `signoffs` ADD `method` text;