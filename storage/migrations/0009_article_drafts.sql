-- Admin drafts (issue 9): a /post is kept here, seen by admins only, until it is published
-- (it then becomes an article with a new id, after every digest watermark) or discarded.
CREATE TABLE drafts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    title      TEXT    NOT NULL CHECK (length(title) > 0),
    body       TEXT    NOT NULL,
    user_id    INTEGER NOT NULL,
    -- the article it became; no foreign key: a deleted article must not revive its draft
    article_id INTEGER,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Articles newest first by their own date (the page's, the feed's, the post's), then by id:
-- /latest, its paging and the digests read them in this order.
CREATE INDEX articles_by_date
    ON articles (coalesce(seen_on, substr(created_at, 1, 10)) DESC, id DESC);
