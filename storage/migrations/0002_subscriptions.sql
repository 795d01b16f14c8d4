-- Subscribers and their schedule, one digest record per (chat, local day), and the outbox that
-- every fan-out (digests, broadcasts, published articles) is delivered from.

CREATE TABLE subscribers (
    chat_id         INTEGER PRIMARY KEY,
    user_id         INTEGER,                       -- who subscribed (in a group: the admin)
    digest_time     TEXT    NOT NULL,              -- local wall-clock time, HH:MM
    timezone        TEXT    NOT NULL,              -- IANA zone name
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- the newest article already covered: the next digest starts after it
    last_article_id INTEGER NOT NULL DEFAULT 0,
    -- the UTC instant of the next digest (YYYY-MM-DDTHH:MM:SSZ); NULL when inactive
    next_due_at     TEXT,
    inactive_reason TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- The scheduler's only question, "who is due by now?", is one range scan of this index.
CREATE INDEX subscribers_due ON subscribers (next_due_at) WHERE active = 1;

CREATE TABLE digests (
    chat_id         INTEGER NOT NULL REFERENCES subscribers (chat_id) ON DELETE CASCADE,
    day             TEXT    NOT NULL,              -- the subscriber's local date, YYYY-MM-DD
    last_article_id INTEGER NOT NULL,              -- the newest article this digest covered
    articles        INTEGER NOT NULL,              -- how many were new (0: nothing was sent)
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (chat_id, day)
) WITHOUT ROWID;

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,                 -- digest, broadcast, publish…
    ref          TEXT    NOT NULL,                 -- which one: a digest's day, a broadcast's id
    chat_id      INTEGER NOT NULL,
    text         TEXT    NOT NULL,                 -- Telegram HTML
    reply_markup TEXT,                             -- JSON, as the Bot API takes it
    state        TEXT    NOT NULL DEFAULT 'pending' CHECK (
        state IN ('pending', 'sending', 'sent', 'blocked', 'failed', 'uncertain')
    ),
    attempts     INTEGER NOT NULL DEFAULT 0,
    not_before   TEXT    NOT NULL,                 -- UTC; a retry waits until then
    message_id   INTEGER,
    error        TEXT,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    sent_at      TEXT,
    UNIQUE (kind, ref, chat_id)
);

CREATE INDEX outbox_ready ON outbox (not_before, id) WHERE state = 'pending';
CREATE INDEX outbox_in_flight ON outbox (id) WHERE state = 'sending';
