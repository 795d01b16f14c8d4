-- Search results are kept in memory for a moment (storage/search_cache.py) and must never
-- outlive a change of what they show. A new article raises max(id); an edit or a deletion
-- bumps this counter (by trigger, whoever writes: the bot, `filmnews ingest`, another process),
-- so (max(id), changes) is different after any write that a search could see.
CREATE TABLE article_changes (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO article_changes (id, value) VALUES (1, 0);

CREATE TRIGGER article_changes_edited
AFTER UPDATE OF title, body, truncated, url, source, seen_on, created_at, title_terms, body_terms
ON articles BEGIN
    UPDATE article_changes SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER article_changes_deleted AFTER DELETE ON articles BEGIN
    UPDATE article_changes SET value = value + 1 WHERE id = 1;
END;
