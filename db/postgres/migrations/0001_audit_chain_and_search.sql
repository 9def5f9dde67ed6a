-- Written by hand: drizzle-kit writes neither triggers, expression indexes nor generated
-- columns. The SQLite migrations 0009 and 0012 hold the same rules in SQLite's form.

-- A chain never forks: no two entries of one chain (a plan's, or the instance's) share a prevHash.
CREATE UNIQUE INDEX "audit_events_link_idx" ON "audit_events" (coalesce("plan_id", ''), "prev_hash");
--> statement-breakpoint
CREATE FUNCTION "audit_events_refuse"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NEW."hash" = '' OR NEW."prev_hash" = '' THEN
			RAISE EXCEPTION 'audit entries are written with prevHash and hash';
		END IF;
		RETURN NEW;
	ELSIF TG_OP = 'UPDATE' THEN
		RAISE EXCEPTION 'audit entries are never changed';
	END IF;
	RAISE EXCEPTION 'audit entries are never deleted';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_guard" BEFORE INSERT OR UPDATE OR DELETE ON "audit_events"
	FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse"();
--> statement-breakpoint
-- TRUNCATE skips row triggers: refused on its own.
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
	FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse"();
--> statement-breakpoint
-- Full-text search: each search document's words as a tsvector, the title weighted above the
-- body, stemmed by the `english` configuration as FTS5's porter tokenizer stems them. FTS5 also
-- folds accents; here that needs the `unaccent` extension, which is not assumed.
ALTER TABLE "search_documents" ADD COLUMN "search_vector" tsvector
	GENERATED ALWAYS AS (setweight(to_tsvector('english', "title"), 'A') || setweight(to_tsvector('english', "body"), 'B')) STORED;
--> statement-breakpoint
CREATE INDEX "search_documents_vector_idx" ON "search_documents" USING gin ("search_vector");
