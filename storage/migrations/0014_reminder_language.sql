-- The language of the reader's Telegram app when they asked for a festival's reminders: the
-- reminders speak it when the chat never chose one with /language (NULL: English).
ALTER TABLE reminders ADD COLUMN language TEXT;
