"""The newsroom: sources, ingest, festivals, money and schedules; no Telegram here."""
