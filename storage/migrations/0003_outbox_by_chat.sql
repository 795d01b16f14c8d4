-- What a chat has already been sent, by kind: a digest leaves out the articles that "publish
-- now" pushed to that chat (outbox kind 'publish', ref the article id). One lookup per compose
-- batch of chats; without this index it would scan the whole outbox.
CREATE INDEX outbox_by_chat ON outbox (kind, chat_id);
