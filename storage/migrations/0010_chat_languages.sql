-- The interface language each chat chose with /language (a user's private chat, or a group).
CREATE TABLE chat_languages (
    chat_id  INTEGER PRIMARY KEY,
    language TEXT    NOT NULL
) WITHOUT ROWID;
