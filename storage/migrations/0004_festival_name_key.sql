-- "The same festival name" is one Unicode-aware key (storage/names.py), registered on every
-- connection as name_key(): NOCASE folds ASCII only, so "ДИДОР" and "Дидор" were two festivals.
ALTER TABLE festivals ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
UPDATE festivals SET name_key = name_key(name);
CREATE INDEX festivals_by_name_key ON festivals (name_key);
