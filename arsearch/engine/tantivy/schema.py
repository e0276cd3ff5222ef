"""The tantivy schema of an arsearch index, and documents as the JSON tantivy's writer parses.

Text fields are pre-tokenized by arsearch's analyzer: tantivy stores the original text and indexes the tokens
it is given, positions included.  The lead weight is given the way the Whoosh engine gives it (a term's frequency
is its count plus ``lead_weight`` times its count among the first :data:`LEAD_WORDS` positions): a token of the
lead is repeated ``lead_weight`` more times at its position, so tantivy's term frequency is the same number.
Tantivy also counts the repeats in the field's length, which the Whoosh engine does not.
"""

from __future__ import annotations

import json
from base64 import b64encode
from hashlib import blake2b
from bisect import bisect_left
from collections.abc import Iterable

import tantivy

from arsearch.analysis.analyzer import Analyzer
from arsearch.engine.api import LEAD_WORDS, NO_DATE, Layout, StoredDocument, date_value

#: The analyzed text fields (queried, scored and stored).
ANALYZED = ("title", "content", "author")
#: Exact-value fields with an index of their own (``field:`` queries, deletes by id, group members).
EXACT = ("id", "url", "path", "fingerprint", "group")
#: ``source`` is stored as given; its lowercased comma-separated names are indexed here.
SOURCE_NAMES = "source_names"
#: The names of a document's source joined by commas, indexed as one term (the values of :data:`SOURCE_KEY`).
SOURCE_SET = "source_set"
#: A number for the set of names (:func:`source_key`), a fast field: the sources of every document are read as
#: one column instead of document by document.
SOURCE_KEY = "source_key"
#: The stored fields, as :meth:`Snapshot.stored` gives them.
STORED = ("id", "title", "content", "author", "date", "source", "url", "path", "fingerprint", "group", "sketch")
#: Placeholder token text: tantivy's JSON needs every key of a token, offsets are unused (snippets come from
#: arsearch's highlighter).
_TOKEN = '{{"offset_from":0,"offset_to":0,"position_length":1,"position":{},"text":{}}}'

#: Terms whose JSON spelling an encoder remembers (a million-article archive has millions of distinct terms).
_QUOTED_TERMS = 200_000


def build_schema(layout: Layout) -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ANALYZED:
        builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="position")
    for name in EXACT:
        if name == "group" and not layout.groups:
            continue
        builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic", fast=name == "group")
    builder.add_text_field("source", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(SOURCE_NAMES, stored=False, tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_text_field(SOURCE_SET, stored=False, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field(SOURCE_KEY, stored=False, indexed=False, fast=True)
    builder.add_unsigned_field("date", stored=True, indexed=True, fast=True)
    if layout.groups:
        builder.add_bytes_field("sketch", stored=True)
    return builder.build()


def field_names(layout: Layout) -> frozenset[str]:
    """The fields of :func:`build_schema`'s schema."""
    names = {*ANALYZED, *EXACT, "source", SOURCE_NAMES, SOURCE_SET, SOURCE_KEY, "date", "sketch"}
    return frozenset(names if layout.groups else names - {"group", "sketch"})


def source_key(names: str) -> int:
    """The number of a set of source names (``names`` as :data:`SOURCE_SET` holds them), the same in every
    process."""
    return int.from_bytes(blake2b(names.encode("utf-8"), digest_size=8).digest(), "little")


def source_names(source: str) -> list[str]:
    """The names a ``source`` value is found by: comma-separated, stripped, lowercased, each once (as the Whoosh
    engine's KEYWORD field splits it)."""
    return list(dict.fromkeys(part.strip().lower() for part in source.split(",") if part.strip()))


class DocumentEncoder:
    """Turns documents into tantivy's JSON, analyzing their text; one per process (its analyzer caches words)."""

    def __init__(self, layout: Layout) -> None:
        self._analyzer = Analyzer(layout.settings)
        self._lead = int(layout.lead_weight)
        self._groups = layout.groups
        self._quoted: dict[str, str] = {}

    def encode(self, stored: StoredDocument) -> str:
        document = stored.document
        names = source_names(document.source)
        record: dict[str, object] = {
            "id": document.id, "url": document.url, "path": document.path, "fingerprint": document.fingerprint(),
            "source": document.source, SOURCE_NAMES: names, SOURCE_SET: ",".join(names),
            SOURCE_KEY: source_key(",".join(names)),
            "date": NO_DATE if document.date is None else date_value(document.date),
        }
        if self._groups:
            record["group"] = stored.group or ""
            record["sketch"] = b64encode(stored.sketch or b"").decode("ascii")
        parts = [json.dumps(record, ensure_ascii=False)[:-1]]
        for name, text, lead in (("title", document.title, 0), ("content", document.content, self._lead),
                                 ("author", document.author, 0)):
            parts.append(f',"{name}":{{"text":{json.dumps(text, ensure_ascii=False)},"tokens":[')
            parts.append(",".join(self._tokens(text, lead)))
            parts.append("]}")
        parts.append("}")
        return "".join(parts)

    def _tokens(self, text: str, lead: int) -> Iterable[str]:
        quoted = self._quoted
        if len(quoted) > _QUOTED_TERMS:
            quoted.clear()
        for term, positions in self._analyzer.term_positions(text).items():
            word = quoted.get(term)
            if word is None:
                word = quoted[term] = json.dumps(term, ensure_ascii=False)
            if lead and positions[0] < LEAD_WORDS:
                leading = bisect_left(positions, LEAD_WORDS)
                for position in positions[:leading]:
                    yield from [_TOKEN.format(position, word)] * (1 + lead)
                positions = positions[leading:]
            for position in positions:
                yield _TOKEN.format(position, word)
