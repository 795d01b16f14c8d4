-- Reserved: the update journal (updates kept before Telegram is told they arrived) lives in a
-- file of its own beside the database (storage/updates.py), so that another process's long
-- write (a big `filmnews ingest`) never holds up keeping and marking the bot's updates. A
-- database that applied an earlier draft of this migration keeps an unused `updates` table.
SELECT 1;
