-- The search index merges its segments 8 at a time instead of 4 (FTS5's automerge): about 10%
-- less work per article written (bench/bench_storage.py, issue 16), for a few more segments to
-- read per search; a search's p99 stays where it was (see the note of the change).
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 8);
