-- Figures that must not grow with the archive (issue 16): /stats reads kept counts instead of
-- counting rows, and the hourly tidy finds what it forgets through indexes, in small batches.

-- How many rows a table holds, kept by triggers: count(*) reads them all (40 ms at 1M articles).
CREATE TABLE counts (
    name  TEXT    PRIMARY KEY,  -- 'articles', 'subscribers active', 'subscribers inactive'
    value INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO counts (name, value) SELECT 'articles', count(*) FROM articles;
INSERT INTO counts (name, value)
    SELECT 'subscribers active', count(*) FROM subscribers WHERE active = 1;
INSERT INTO counts (name, value)
    SELECT 'subscribers inactive', count(*) FROM subscribers WHERE active = 0;

CREATE TRIGGER counts_article_added AFTER INSERT ON articles BEGIN
    UPDATE counts SET value = value + 1 WHERE name = 'articles';
END;

CREATE TRIGGER counts_article_removed AFTER DELETE ON articles BEGIN
    UPDATE counts SET value = value - 1 WHERE name = 'articles';
END;

CREATE TRIGGER counts_subscriber_added AFTER INSERT ON subscribers BEGIN
    UPDATE counts SET value = value + 1
    WHERE name = CASE WHEN new.active THEN 'subscribers active' ELSE 'subscribers inactive' END;
END;

CREATE TRIGGER counts_subscriber_changed AFTER UPDATE OF active ON subscribers
WHEN old.active != new.active BEGIN
    UPDATE counts SET value = value + CASE WHEN new.active THEN 1 ELSE -1 END
    WHERE name = 'subscribers active';
    UPDATE counts SET value = value + CASE WHEN new.active THEN -1 ELSE 1 END
    WHERE name = 'subscribers inactive';
END;

CREATE TRIGGER counts_subscriber_removed AFTER DELETE ON subscribers BEGIN
    UPDATE counts SET value = value - 1
    WHERE name = CASE WHEN old.active THEN 'subscribers active' ELSE 'subscribers inactive' END;
END;

-- Messages Telegram accepted, by kind and UTC minute: "digests sent today" adds up a day's
-- minutes instead of reading 100,000 outbox rows. Forgotten with the outbox rows (tidy).
CREATE TABLE sent_counts (
    kind   TEXT    NOT NULL,
    minute TEXT    NOT NULL,  -- YYYY-MM-DDTHH:MM, of sent_at (UTC)
    sent   INTEGER NOT NULL,
    PRIMARY KEY (kind, minute)
) WITHOUT ROWID;

INSERT INTO sent_counts (kind, minute, sent)
    SELECT kind, substr(sent_at, 1, 16), count(*) FROM outbox
    WHERE state = 'sent' AND sent_at IS NOT NULL GROUP BY kind, substr(sent_at, 1, 16);

CREATE TRIGGER sent_counts_settled AFTER UPDATE OF state ON outbox
WHEN new.state = 'sent' AND old.state != 'sent' AND new.sent_at IS NOT NULL BEGIN
    INSERT INTO sent_counts (kind, minute, sent) VALUES (new.kind, substr(new.sent_at, 1, 16), 1)
    ON CONFLICT (kind, minute) DO UPDATE SET sent = sent + 1;
END;

CREATE TRIGGER sent_counts_inserted AFTER INSERT ON outbox
WHEN new.state = 'sent' AND new.sent_at IS NOT NULL BEGIN
    INSERT INTO sent_counts (kind, minute, sent) VALUES (new.kind, substr(new.sent_at, 1, 16), 1)
    ON CONFLICT (kind, minute) DO UPDATE SET sent = sent + 1;
END;

-- The tidy's batches: settled messages by age, and digest records by day (without these, the
-- last batch of each would read the whole table to find that nothing is left).
CREATE INDEX outbox_settled ON outbox (not_before) WHERE state NOT IN ('pending', 'sending');
CREATE INDEX digests_by_day ON digests (day);
