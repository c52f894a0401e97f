"""Data in: the count table, packed keys, streaming, marginals, and the one ingestion dispatcher."""
