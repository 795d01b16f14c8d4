-- Live sources: feeds and rate providers, their state and conditional-request validators.
-- A row is a source the bot polls; sources.toml only adds rows (origin 'file') and refreshes
-- the ones nobody touched; an admin's /addsource writes origin 'admin', and /removesource keeps
-- the row as removed = 1 so that the file never brings it back.

CREATE TABLE sources (
    name          TEXT    PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('feed', 'rates')),
    url           TEXT,                               -- a feed's URL; a provider's override
    provider      TEXT,                               -- rates only: nbk, nbkr, cbu, nbt, cbt
    every_s       INTEGER NOT NULL CHECK (every_s > 0),
    origin        TEXT    NOT NULL CHECK (origin IN ('file', 'admin')),
    added_by      INTEGER,                            -- the admin's user id
    removed       INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    etag          TEXT,
    last_modified TEXT,
    last_fetch_at TEXT,                               -- UTC: the last attempt, good or bad
    last_ok_at    TEXT,
    last_added    INTEGER NOT NULL DEFAULT 0,         -- items or rates the last good fetch added
    total_added   INTEGER NOT NULL DEFAULT 0,
    failures      INTEGER NOT NULL DEFAULT 0,         -- consecutive
    last_error    TEXT,
    yielded       INTEGER NOT NULL DEFAULT 0 CHECK (yielded IN (0, 1)),  -- ever parsed to items
    alerting      INTEGER NOT NULL DEFAULT 0 CHECK (alerting IN (0, 1)), -- admins were told
    alerts        INTEGER NOT NULL DEFAULT 0,         -- alerts and recoveries sent: outbox refs
    next_at       TEXT,                               -- UTC: when it is due again
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE INDEX sources_due ON sources (next_at) WHERE removed = 0;
