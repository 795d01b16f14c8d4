-- State that every replica of the bot must see (issue 17 item 4), kept here rather than in one
-- process's memory: the next update of a chat may reach another replica.

-- A guided conversation (/addfestival without arguments) of one user in one chat: the step it
-- waits for and the answers so far (a JSON object). Rows untouched for a while are abandoned
-- conversations: readers ignore them and each new conversation clears them (updated_at index).
CREATE TABLE conversations (
    chat_id    INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    draft      TEXT    NOT NULL DEFAULT '{}',
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (chat_id, user_id, name)
) WITHOUT ROWID;
CREATE INDEX conversations_by_age ON conversations (updated_at);

-- Readers' replies per replica, for the one sender's pacer (bot/delivery/pacer.py): the replies
-- each replica counted in Telegram's last second, and when (the database's clock, in seconds
-- since the epoch: sub-second, and the same clock for every replica).
CREATE TABLE reply_counts (
    replica TEXT    PRIMARY KEY,
    replies INTEGER NOT NULL,
    sending INTEGER NOT NULL DEFAULT 0,
    at      REAL    NOT NULL
) WITHOUT ROWID;
