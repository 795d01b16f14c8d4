-- A new (or returning) subscriber's first digest starts from the news of the local day they
-- subscribed on, not from the whole archive: articles already stored then count only when dated
-- on or after that day. NULL once the first digest is done (or for subscribers from before).
ALTER TABLE subscribers ADD COLUMN first_day TEXT;
