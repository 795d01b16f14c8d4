-- The language of the subscriber's Telegram app when they subscribed: digests and fan-outs
-- speak it when the chat never chose one with /language (NULL: English).
ALTER TABLE subscribers ADD COLUMN language TEXT;
