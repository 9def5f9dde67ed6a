CREATE TABLE `search_documents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text NOT NULL,
	`section_key` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`edited_at` integer NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_documents_plan_section_idx` ON `search_documents` (`plan_id`,`section_key`);--> statement-breakpoint
-- Added by hand: drizzle cannot declare an FTS5 table or triggers. The index takes its content
-- from search_documents (external content), so snippets read the words from there.
CREATE VIRTUAL TABLE `search_index` USING fts5(
	`title`,
	`body`,
	content='search_documents',
	content_rowid='id',
	tokenize='porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `search_documents_after_insert` AFTER INSERT ON `search_documents` BEGIN
	INSERT INTO `search_index`(rowid, `title`, `body`) VALUES (new.`id`, new.`title`, new.`body`);
END;
--> statement-breakpoint
CREATE TRIGGER `search_documents_after_delete` AFTER DELETE ON `search_documents` BEGIN
	INSERT INTO `search_index`(`search_index`, rowid, `title`, `body`) VALUES ('delete', old.`id`, old.`title`, old.`body`);
END;
--> statement-breakpoint
CREATE TRIGGER `search_documents_after_update` AFTER UPDATE OF `title`, `body` ON `search_documents` BEGIN
	INSERT INTO `search_index`(`search_index`, rowid, `title`, `body`) VALUES ('delete', old.`id`, old.`title`, old.`body`);
	INSERT INTO `search_index`(rowid, `title`, `body`) VALUES (new.`id`, new.`title`, new.`body`);
END;
