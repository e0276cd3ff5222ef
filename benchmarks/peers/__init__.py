"""The peers arsearch is measured against, each written once: SQLite FTS5 (:mod:`benchmarks.peers.fts5`) and
tantivy with its own Snowball Arabic analyzer (the analyzer in :mod:`benchmarks.peers.snowball`, the index and
searcher in ``benchmarks/tantivy_peer.py``).  The relevance benchmark's row for each (content only, no titles)
is in ``benchmarks/evaluation/engines.py`` and uses these."""
