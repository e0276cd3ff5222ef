"""Top-k BM25F for the common query shape, computed a posting list at a time instead of through matcher trees.

A query of plain words compiles to ``Or([Or([Term(title, w, boost), Term(content, w)]), ...], scale=coord)``.
Whoosh evaluates it with a tree of matcher objects, several Python calls per posting per tree level, and then
walks the tree again for the exact hit count.  :func:`top_documents` reads each term's posting blocks whole and
adds up the same per-posting scores in dictionaries: the BM25 of each posting is computed with the same
expression, operands and order as ``whoosh.scoring.bm25`` (same idf, average field length and byte-coded field
lengths), a term's boost multiplies it as ``WrappingMatcher`` does, and ``CoordMatcher``'s coordination formula
is applied to the sum.  Hits are ordered by score, then by document number, as Whoosh's collector orders them.

Where this differs from Whoosh: Whoosh adds a document's term scores in the shape of its matcher tree (the last
bits of a score can differ), and its ``CoordMatcher`` counts the query terms present *in each segment* and
recounts them while it searches, each time its top-k optimisation drops a finished sub-matcher, so the same
document can score differently with another ``limit`` or another segment layout.  Here the count is the number
of query terms present in the index, fixed for the query.  Phrases among the words are matched and scored by
Whoosh's own phrase matcher and added in.  Queries with required or excluded parts are scored the same way on
the documents Whoosh's matchers select (the search layer's ``bag_of_terms`` decides; shapes it does not know are
left to Whoosh's matchers, ``Snapshot.run``).
"""

from __future__ import annotations

import heapq
import zlib
from collections import Counter
from collections.abc import Collection
from io import BytesIO
from itertools import accumulate
from math import log
from pickle import load, loads
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, _lenfield
from whoosh.reading import TermNotFound
from whoosh.system import unpack_int
from whoosh.util.numeric import byte_to_length

from arsearch.engine.whoosh.columns import values_of
from arsearch.engine.whoosh.plan import BagOfTerms, Scored
from arsearch.engine.whoosh.queries import to_whoosh


def _document_norms(reader: Any, fieldname: str, k1: float, b: float, avgfl: float) -> list[float]:
    """The length part of ``whoosh.scoring.bm25`` for every document of a segment, from its coded length."""
    per_reader = values_of(reader).norms
    key = (fieldname, k1, b, avgfl)
    found = per_reader.get(key)
    if found is None:
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        count = reader.doc_count_all()
        coded = _coded_lengths(column, count)
        # A document without the field has length byte 0 and no postings in it; 1 keeps the table total.
        by_byte = [k1 * ((1 - b) + b * (byte_to_length(n) if n else 1) / avgfl) for n in range(256)]
        found = per_reader[key] = [by_byte[n] for n in coded]
    return found


def _coded_lengths(column: Any, count: int) -> bytes | list[int]:
    """The length byte of each document: one read of the column when it is the usual byte array."""
    if column is None:
        return bytes(count)
    if getattr(column, "_typecode", None) == "B" and getattr(column, "_fixedlen", None) == 1:
        stored = min(column._count, count)
        return column._dbfile.get(column._basepos, stored) + bytes(count - stored)  # missing: default 0
    return [column[n] for n in range(count)]


def _postings(reader: Any, fieldname: str, tbytes: bytes, terminfo: Any) -> tuple[list[int], list[float]]:
    """All document numbers and weights of one term in one segment, deleted documents included.

    Reads the term's posting blocks with one read of its extent and parses them as ``W3LeafMatcher`` does
    (``W3PostingsWriter._write_block`` wrote them): per block a signed length (negative for the last block), the
    pickled block info, then the data pickle, zlib-compressed when the info says so.
    """
    terms = reader._terms
    if terminfo.is_inlined():
        matcher = terms._codec.postings_reader(terms._postfile, terminfo, reader.schema[fieldname].format,
                                               term=(fieldname, tbytes), scorer=None)
        return list(matcher.all_ids()), [w for _, w in zip(range(terminfo.doc_frequency()), _weights_of(matcher))]
    offset, length = terminfo.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves the unpacked 1-tuple (W3LeafMatcher ignores it)
        length = length[0]
    data = terms._postfile.get(offset, length)
    if data[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"posting list of {fieldname}:{tbytes!r} does not start with a block header")
    stream = BytesIO(data)
    position = 4
    docnums: list[int] = []
    weights: list[float] = []
    while True:
        (blocklength,) = unpack_int(data[position:position + 4])
        stream.seek(position + 4)
        count, _maxid, _maxweight, compression, _minlength, _maxlength = load(stream)
        end = position + 4 + abs(blocklength)
        block = data[stream.tell():end]
        ids, block_weights, _values = loads(zlib.decompress(block) if compression else block)
        docnums.extend(accumulate(ids))  # delta_decode
        if block_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * count)
        else:
            weights.extend(block_weights)
        if blocklength < 0:
            return docnums, weights
        position = end


def _weights_of(matcher: Any) -> Any:
    while matcher.is_active():
        yield matcher.weight()
        matcher.next()


def top_documents(searcher: Any, bag: BagOfTerms, limit: int, k1: float, b: float, *,
                  allowed: Collection[int] | None = None, selected: bool = False) -> tuple[Scored, int]:
    """``([(docnum, score), ...] best first, number of matching documents)`` for ``bag`` under BM25F(B=b, K1=k1).

    ``searcher`` is the top-level Whoosh searcher; document numbers are its (global) numbers.  ``allowed`` limits
    the results to those document numbers; ``selected``: every one of them matches (Whoosh's matchers selected
    them), those without a term or phrase of ``bag`` with the score 0 (``+source:spa word``: a document of spa
    without the word).
    """
    final = _negated_scores(searcher, bag, k1, b, allowed, selected)
    best = heapq.nsmallest(limit, final)  # best score first, then the lower docnum, as Whoosh's collector
    return [(key, -negative) for negative, key in best], len(final)


def all_documents(searcher: Any, bag: BagOfTerms, k1: float, b: float, *,
                  allowed: Collection[int] | None = None, selected: bool = False) -> Scored:
    """Every matching ``(docnum, score)`` of :func:`top_documents`, in no particular order: for facets and for
    orders other than the score."""
    return [(key, -negative) for negative, key in _negated_scores(searcher, bag, k1, b, allowed, selected)]


def _negated_scores(searcher: Any, bag: BagOfTerms, k1: float, b: float, allowed: Collection[int] | None,
                    selected: bool) -> list[tuple[float, int]]:
    """``(-score, docnum)`` of every matching document."""
    final = _scored(searcher, bag, k1, b, allowed)
    if selected and allowed is not None and len(final) < len(allowed):
        scored = {key for _, key in final}
        final.extend((-0.0, key) for key in allowed if key not in scored)
    return final


def _scored(searcher: Any, bag: BagOfTerms, k1: float, b: float,
            allowed: Collection[int] | None) -> list[tuple[float, int]]:
    """``(-score, docnum)`` of every document with a term or phrase of ``bag`` (among ``allowed``)."""
    top = searcher.reader()
    doc_count_all = searcher.doc_count_all()
    if not doc_count_all:
        return []
    segments = top.leaf_readers()
    leaves = []
    for fieldname, text, boost in bag.leaves:
        tbytes = searcher.schema[fieldname].to_bytes(text)
        infos = [_term_info(reader, fieldname, tbytes) for reader, _ in segments]
        present = [info for info in infos if info is not None]
        if not present:
            continue
        doc_frequency = sum(info.doc_frequency() for info in present)
        idf = log(doc_count_all / (doc_frequency + 1)) + 1  # WeightingModel.idf
        avgfl = (top.field_length(fieldname) / (doc_count_all or 1)) or 1  # BM25FScorer.avgfl
        leaves.append((fieldname, tbytes, boost, idf, avgfl, infos))
    # Phrase.matcher is a NullMatcher when a word is missing
    phrases = [to_whoosh(p) for p in bag.phrases
               if all((p.field, searcher.schema[p.field].to_bytes(w)) in top for w in p.words)]
    if not leaves and not phrases:
        return []
    k1_plus_1 = k1 + 1
    sums = [0.0] * doc_count_all  # by global docnum: cheaper than a dict; `matched` says which documents matched
    matched: Counter[int] = Counter()
    for segment, (reader, offset) in enumerate(segments):
        deleted = reader.deleted_docs_set if reader.has_deletions() else None
        for fieldname, tbytes, boost, idf, avgfl, infos in leaves:
            if infos[segment] is None:
                continue
            docnums, weights = _postings(reader, fieldname, tbytes, infos[segment])
            if deleted:
                live = [i for i, docnum in enumerate(docnums) if docnum not in deleted]
                docnums, weights = [docnums[i] for i in live], [weights[i] for i in live]
            norms = _document_norms(reader, fieldname, k1, b, avgfl)
            # whoosh.scoring.bm25, then the term's boost (WrappingMatcher.score)
            term_scores = [idf * ((tf * k1_plus_1) / (tf + norm)) * boost
                           for tf, norm in zip(weights, map(norms.__getitem__, docnums))]
            keys = [docnum + offset for docnum in docnums] if offset else docnums
            for key, score in zip(keys, term_scores):
                sums[key] += score
            matched.update(keys)
    if phrases:
        # A phrase scores as Whoosh scores it (its words' BM25 where they stand together, times its boost) and
        # counts each of its words as a matching term, as CoordMatcher does; Whoosh's matchers find the docs.
        context = searcher.context()
        for subsearcher, offset in searcher.leaf_searchers():
            for phrase in phrases:
                matcher = phrase.matcher(subsearcher, context)
                words = len(phrase.words)
                while matcher.is_active():
                    key = matcher.id() + offset
                    sums[key] += matcher.score()
                    matched[key] += words
                    matcher.next()
    if allowed is not None:
        matched = Counter({key: count for key, count in matched.items() if key in allowed})
    if bag.scale is None:
        final = [(-sums[key], key) for key in matched]
    else:
        termcount, scale = len(leaves) + sum(len(p.words) for p in phrases), bag.scale
        if termcount == 0 or termcount == scale:
            final = [(-0.0, key) for key in matched]
        else:
            # CoordMatcher._sqr, operation for operation
            spread = (termcount - scale) ** 2
            factor = (termcount - 1) / termcount
            final = [(-((sums[key] + ((count - 1) / spread)) * factor), key) for key, count in matched.items()]
    return final


def _term_info(reader: Any, fieldname: str, tbytes: bytes) -> Any:
    try:
        return reader._terms.term_info(fieldname, tbytes)
    except TermNotFound:
        return None

