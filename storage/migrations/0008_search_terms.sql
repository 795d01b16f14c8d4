-- Search that understands how the region writes (issue 13): each article's title and body as
-- analysed terms (storage/analysis.py: stemmed, transliterated, folded), computed in Python by
-- whoever writes the article, and an index over those terms only: snippets and exact forms are
-- taken from the raw text, so indexing it too would only double the index.
ALTER TABLE articles ADD COLUMN title_terms TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN body_terms TEXT NOT NULL DEFAULT '';

DROP TRIGGER articles_fts_insert;
DROP TRIGGER articles_fts_delete;
DROP TRIGGER articles_fts_update;
DROP TABLE articles_fts;

-- Which analysis the terms (and so the index) were made with, and how far a backfill has got:
-- storage/search_index.py (``reindex``) fills the terms of existing articles after this
-- migration and again whenever the analysis changes. While ``backfilling`` the triggers stand still (the terms of
-- many rows change) and the index is rebuilt whole at the end.
CREATE TABLE search_index (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    analysis    TEXT    NOT NULL,  -- the analysis version of the terms (being) made; '' none
    backfilling INTEGER NOT NULL CHECK (backfilling IN (0, 1)),
    done_to     INTEGER NOT NULL   -- articles with an id up to this have their terms
);
INSERT INTO search_index (id, analysis, backfilling, done_to) VALUES (1, '', 1, 0);

-- Terms are ASCII letters and digits, separated by spaces. No positions nor columns are kept
-- (detail = none): ranking, snippets and title weights come from the terms and text of the
-- candidates (storage/ranking.py), and the index is 4 times smaller than with full detail.
-- Prefixes of 2 and 3 letters are indexed: ``ka*`` reads one list instead of merging hundreds.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title_terms, body_terms,
    content = 'articles', content_rowid = 'id',
    tokenize = 'ascii', detail = none, prefix = '2 3'
);

-- The index's own vocabulary: where "Did you mean …?" looks for a close word.
CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, 'row');

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles
WHEN NOT (SELECT backfilling FROM search_index) BEGIN
    INSERT INTO articles_fts (rowid, title_terms, body_terms)
    VALUES (new.id, new.title_terms, new.body_terms);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles
WHEN NOT (SELECT backfilling FROM search_index) BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title_terms, body_terms)
    VALUES ('delete', old.id, old.title_terms, old.body_terms);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title_terms, body_terms ON articles
WHEN NOT (SELECT backfilling FROM search_index) BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title_terms, body_terms)
    VALUES ('delete', old.id, old.title_terms, old.body_terms);
    INSERT INTO articles_fts (rowid, title_terms, body_terms)
    VALUES (new.id, new.title_terms, new.body_terms);
END;

-- Searches whose words a button carries by number (callback data holds 64 bytes only).
-- AUTOINCREMENT: a forgotten search's number is never given to another one.
CREATE TABLE saved_searches (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    words   TEXT NOT NULL UNIQUE,
    used_on TEXT NOT NULL DEFAULT (date('now'))
);
CREATE INDEX saved_searches_by_use ON saved_searches (used_on);
