"""When a commit merges segments.

Whoosh's default policy (``MERGE_SMALL``) compares the running total of documents, smallest segments first, with a
Fibonacci number of the segment count; once there are about twenty segments, the total of a whole news corpus
passes under it, and one commit of 50 articles merged the 30,000 articles of the other segments (80 s, measured
on SaudiNewsNet). Whoosh merges by re-sorting every posting in Python, about 2.7 ms per document here.

This policy bounds the work of a commit: it merges only the smallest segments, and only when there are
:data:`MIN_SEGMENTS_TO_MERGE` of them whose documents add up to at most :data:`MAX_MERGED_DOCS`, plus the segments
that are mostly deleted documents (merging them copies only the live ones). Larger segments are left as they are;
``arsearch index --rebuild`` writes an index afresh when it has grown many of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: Documents one commit merges at most (about 5 s of Whoosh's merging).
MAX_MERGED_DOCS = 2000
#: Small segments that must be waiting before a merge is worth it.
MIN_SEGMENTS_TO_MERGE = 8
#: A segment with more than this share of deleted documents is merged to drop them.
MAX_DELETED_SHARE = 0.5


def segments_to_merge(segments: Sequence[Any]) -> list[Any]:
    """The segments the policy merges, among ``segments`` (Whoosh ``Segment`` objects): first the mostly deleted
    ones, then the smallest, within :data:`MAX_MERGED_DOCS` live documents in all."""
    budget = MAX_MERGED_DOCS
    chosen: list[Any] = []
    rest: list[Any] = []
    for segment in sorted(segments, key=lambda s: s.doc_count()):
        mostly_deleted = segment.deleted_count() > MAX_DELETED_SHARE * segment.doc_count_all()
        if mostly_deleted and segment.doc_count() <= budget:
            chosen.append(segment)
            budget -= segment.doc_count()
        else:
            rest.append(segment)
    small: list[Any] = []
    for segment in rest:  # smallest first
        if segment.doc_count() > budget:
            break
        small.append(segment)
        budget -= segment.doc_count()
    if len(small) >= MIN_SEGMENTS_TO_MERGE:
        chosen.extend(small)
    return chosen


def merge_bounded(writer: Any, segments: list[Any]) -> list[Any]:
    """A Whoosh ``mergetype``: merges :func:`segments_to_merge` into ``writer``, returns the segments it keeps."""
    from whoosh.reading import SegmentReader

    chosen = segments_to_merge(segments)
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in chosen]
