"""Getting documents in: file readers (text, JSON, JSONL, gzip, zip), cleanup of scraped news text, and the
incremental indexing run behind ``arsearch index``."""

from arsearch.ingest.run import IngestReport, index_paths

__all__ = ["IngestReport", "index_paths"]
