-- Articles, festivals, rates, the audit trail and the ingest log.

CREATE TABLE articles (
    -- AUTOINCREMENT: an id is never reused after a delete, so digest watermarks stay true
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT    NOT NULL CHECK (length(title) > 0),
    body        TEXT    NOT NULL,
    truncated   INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
    url         TEXT    UNIQUE,
    source      TEXT    NOT NULL,
    seen_on     TEXT,
    -- normalised title, hashed: the same article on two pages is stored once
    fingerprint TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body,
    content = 'articles', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

CREATE TABLE festivals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    aliases     TEXT    NOT NULL DEFAULT '[]',  -- JSON array of strings
    kind        TEXT    NOT NULL DEFAULT 'festival',
    city        TEXT,
    country     TEXT,
    starts_on   TEXT,
    ends_on     TEXT,
    edition     INTEGER,
    description TEXT    NOT NULL DEFAULT '',
    url         TEXT
);

CREATE TABLE festival_mentions (
    festival_id INTEGER NOT NULL REFERENCES festivals (id) ON DELETE CASCADE,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (festival_id, article_id)
) WITHOUT ROWID;

CREATE INDEX festival_mentions_article ON festival_mentions (article_id);

CREATE TABLE rates (
    currency   TEXT NOT NULL,
    base       TEXT NOT NULL DEFAULT 'USD',
    value      TEXT NOT NULL,  -- decimal as text: never lose the page's precision
    change_pct TEXT,
    as_of      TEXT NOT NULL,
    source     TEXT NOT NULL,
    PRIMARY KEY (currency, base, as_of)
) WITHOUT ROWID;

CREATE TABLE admin_actions (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    target     TEXT,
    allowed    INTEGER NOT NULL CHECK (allowed IN (0, 1)),
    detail     TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE ingest_runs (
    id               INTEGER PRIMARY KEY,
    source           TEXT    NOT NULL,
    articles_added   INTEGER NOT NULL,
    articles_skipped INTEGER NOT NULL,
    rates_added      INTEGER NOT NULL,
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
