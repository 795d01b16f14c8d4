-- Rates: where each came from and how it ranks, the bank's own line, the source's precision.
-- rank: 1 fills a gap (another bank's cross, a news page's ticker), 2 the manat's official peg
-- when its bank cannot be reached, 3 the currency's own central bank, 4 an admin's /setrate.
-- A row of a day is replaced only by one of a higher rank (or by its own source, refreshed).
ALTER TABLE rates ADD COLUMN rank INTEGER NOT NULL DEFAULT 1 CHECK (rank BETWEEN 1 AND 4);
-- Units per USD, as exactly as the source gave it (NULL: 1 / value).
ALTER TABLE rates ADD COLUMN per_usd TEXT;
-- Significant digits the source published (NULL: those of value, as typed or scraped).
ALTER TABLE rates ADD COLUMN digits INTEGER;
-- The bank's line as published: quote_value units of quote_home per quote_nominal quote_code.
ALTER TABLE rates ADD COLUMN quote_value TEXT;
ALTER TABLE rates ADD COLUMN quote_nominal INTEGER;
ALTER TABLE rates ADD COLUMN quote_code TEXT;
ALTER TABLE rates ADD COLUMN quote_home TEXT;
UPDATE rates SET rank = 4 WHERE source LIKE 'admin:%';
-- The newest rate of rank 2 and above per currency, without reading the whole history.
CREATE INDEX rates_firm ON rates (base, currency, as_of) WHERE rank >= 2;
