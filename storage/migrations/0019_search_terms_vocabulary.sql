-- The index's vocabulary as a plain table (issue 13): "Did you mean …?" and prefix expansion
-- range-read it, where FTS5's own (articles_vocab, a 'row' fts5vocab table) walks every posting
-- of every term it lists: the terms starting 'ka' at 1M articles hold 10.6M postings, ~277 ms.
-- Writers add each batch's distinct terms (storage/search_index.py, ``remember``); a term that
-- an edit or a deletion leaves behind stays, and every reader checks what it takes by MATCH.
-- An existing database's terms are listed from articles_vocab at the next open, once, after a
-- log line (``reindex``): the same pass fills a database written around the repositories.
CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
