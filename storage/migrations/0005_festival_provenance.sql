-- Festivals found in the news beside curated ones, where each fact came from, what admins
-- deleted, and readers' reminders before a festival opens (issues 9 and 12).

-- Who first listed the festival: 'seed' (the festivals file), 'admin' (/addfestival) or 'news'
-- (discovered in articles); and, per fact (kind, aliases, city, country, dates, edition,
-- description, url), who gave it. The festivals file never overwrites an admin's fact.
ALTER TABLE festivals ADD COLUMN origin TEXT NOT NULL DEFAULT 'seed'
    CHECK (origin IN ('seed', 'admin', 'news'));
ALTER TABLE festivals ADD COLUMN sources TEXT NOT NULL DEFAULT '{}';

-- Festivals an admin added or changed before this migration: all their facts count as the
-- admin's, so the next start does not undo them.
UPDATE festivals
SET sources = json_object(
        'kind', 'admin', 'aliases', 'admin', 'city', 'admin', 'country', 'admin',
        'dates', 'admin', 'edition', 'admin', 'description', 'admin', 'url', 'admin'
    ),
    origin = CASE
        WHEN id IN (
            SELECT CAST(target AS INTEGER) FROM admin_actions
            WHERE action = 'addfestival' AND allowed = 1
        ) THEN 'admin' ELSE origin END
WHERE id IN (
    SELECT CAST(target AS INTEGER) FROM admin_actions
    WHERE action IN ('addfestival', 'updatefestival') AND allowed = 1
);

-- The name key now also drops a leading "the", ordinal or year ("The 7th …" is "…").
UPDATE festivals SET name_key = name_key(name);

-- Names of festivals an admin deleted: the festivals file does not bring one back
-- (article_id 0), nor does discovery in the articles it was found in.
CREATE TABLE festival_rejections (
    name_key   TEXT    NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (name_key, article_id)
) WITHOUT ROWID;

-- "Remind me": a reminder 7 days before a festival opens and one on the opening day. Each
-- *_for column holds the opening day that reminder was queued (or passed over) for: when the
-- festival's dates change, it no longer matches and the reminder is due again.
CREATE TABLE reminders (
    chat_id     INTEGER NOT NULL,
    festival_id INTEGER NOT NULL REFERENCES festivals (id) ON DELETE CASCADE,
    week_for    TEXT,
    day_for     TEXT,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (chat_id, festival_id)
) WITHOUT ROWID;

CREATE INDEX reminders_by_festival ON reminders (festival_id);
