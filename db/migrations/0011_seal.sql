CREATE TABLE `instance_seals` (
	`id` integer PRIMARY KEY NOT NULL,
	`private_key` text NOT NULL,
	`certificate` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
