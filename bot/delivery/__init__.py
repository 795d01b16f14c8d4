"""Getting messages out: digests, fan-outs, the outbox sender and its pace."""
