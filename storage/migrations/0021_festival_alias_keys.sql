-- The keys of each festival's aliases, stored beside them (storage/festivals.py writes them on
-- every insert and update), so that a lookup by alias is plain SQL that PostgreSQL speaks too,
-- instead of calling the Python function name_key() on every alias of every festival. Existing
-- rows get theirs through that function, registered on every connection (storage/names.py).
ALTER TABLE festivals ADD COLUMN alias_keys TEXT NOT NULL DEFAULT '[]';
UPDATE festivals SET alias_keys = (
    SELECT json_group_array(key) FROM (
        SELECT DISTINCT name_key(alias.value) AS key FROM json_each(festivals.aliases) AS alias
        WHERE name_key(alias.value) != '' ORDER BY key
    )
);
