-- Issue 15: what each reader receives, and where.

-- The countries and topics of each article as a bit set (bot/newsroom/tags.py: to_bits),
-- computed in Python when the article is stored; NULL until then (the articles from before
-- are tagged at start, in batches, through this partial index).
ALTER TABLE articles ADD COLUMN tags INTEGER;
CREATE INDEX articles_untagged ON articles (id) WHERE tags IS NULL;
-- A changed title or body (/edit) is tagged again, unless the same statement set the new tags.
CREATE TRIGGER articles_retag AFTER UPDATE OF title, body ON articles
WHEN new.tags IS old.tags AND (new.title IS NOT old.title OR new.body IS NOT old.body) BEGIN
    UPDATE articles SET tags = NULL WHERE id = new.id;
END;

-- A chat's choice of what it receives; no row (or zeros and empty lists) is everything.
CREATE TABLE reader_filters (
    chat_id   INTEGER PRIMARY KEY,
    countries INTEGER NOT NULL DEFAULT 0,   -- bit set of countries; 0: any country
    topics    INTEGER NOT NULL DEFAULT 0,   -- bit set of topics; 0: any topic
    include   TEXT    NOT NULL DEFAULT '[]', -- JSON list of words: only articles with one
    exclude   TEXT    NOT NULL DEFAULT '[]'  -- JSON list of words: never articles with one
);

-- The festivals a chat follows: their news always comes, whatever the other choices.
CREATE TABLE festival_follows (
    chat_id     INTEGER NOT NULL,
    festival_id INTEGER NOT NULL REFERENCES festivals (id) ON DELETE CASCADE,
    PRIMARY KEY (chat_id, festival_id)
) WITHOUT ROWID;
CREATE INDEX festival_follows_by_festival ON festival_follows (festival_id);

-- The forum topic a group subscribed in (NULL: the chat itself), and every queued message's.
ALTER TABLE subscribers ADD COLUMN thread_id INTEGER;
ALTER TABLE outbox ADD COLUMN thread_id INTEGER;
