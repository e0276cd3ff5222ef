"""The engine-neutral index: a folder with its metadata and format (``arsearch.json``), the write lock, atomic
writes, near-duplicate grouping at index time and the keyword fields that carry the side state (the written words,
the near-duplicate look-up keys) in the engine's commits, over any engine of :mod:`arsearch.engine`."""

from arsearch.index.index import Index
from arsearch.index.meta import INDEX_FORMAT, META_FILE
from arsearch.index.records import document_from_dict
from arsearch.index.stats import IndexStats
from arsearch.index.writer import IndexWriter

__all__ = ["INDEX_FORMAT", "META_FILE", "Index", "IndexStats", "IndexWriter", "document_from_dict"]
