"""The tantivy schema of an arsearch index, and documents as the JSON tantivy's writer parses.

Each text field is indexed from arsearch's analysis of it: its terms in position order, joined by spaces, which
tantivy's whitespace tokenizer splits again (its n-th token is the term at position n, so phrases match as on
the Whoosh engine); the original text is stored beside it as UTF-8 in a bytes field that is not indexed.  (Pre-
tokenized JSON, a token object per term, did the same at 1 ms of parsing per document in the indexing process; a
stored text field with a tokenizer that makes no token cost tantivy about 100 µs a document more than bytes,
most of it the tokenizer's pass over the text.)

The lead weight is given the way the Whoosh engine gives it (a term's frequency is its count plus
``lead_weight`` times its count among the first :data:`LEAD_WORDS` positions): each term of the lead is written
``1 + lead_weight`` times in a row, so tantivy's term frequency is the same number.  Two neighbouring words of
the lead stay neighbours (the last copy of one precedes the first of the next); tantivy counts the copies in the
field's length, which the Whoosh engine does not, and a phrase of one word twice ("a a") matches where the lead
has that word once.
"""

from __future__ import annotations

import json
from base64 import b64encode
from hashlib import blake2b

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
#: The field that holds the original text of each analyzed field: its UTF-8 bytes, stored and not indexed (sent in
#: base64, as tantivy's JSON takes bytes).
ORIGINAL = {name: f"{name}_utf8" for name in ANALYZED}
#: The stored fields, as :meth:`Snapshot.stored` gives them.
STORED = ("id", "title", "content", "author", "date", "source", "url", "path", "fingerprint", "group", "sketch")


def build_schema(layout: Layout) -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ANALYZED:
        builder.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option="position")
        builder.add_bytes_field(ORIGINAL[name], stored=True, indexed=False)
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
    names = {*ANALYZED, *ORIGINAL.values(), *EXACT, "source", SOURCE_NAMES, SOURCE_SET, SOURCE_KEY, "date", "sketch"}
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
        for name, text, lead in (("title", document.title, 0), ("content", document.content, self._lead),
                                 ("author", document.author, 0)):
            record[name] = self._indexed_text(text, lead)
            record[ORIGINAL[name]] = b64encode(text.encode("utf-8", "surrogatepass")).decode("ascii")
        return json.dumps(record, ensure_ascii=False)

    def _indexed_text(self, text: str, lead: int) -> str:
        terms = self._analyzer.index_terms(text)
        if not lead or not terms:
            return " ".join(terms)
        copies = 1 + lead
        leading = " ".join(" ".join([term] * copies) for term in terms[:LEAD_WORDS])
        return f"{leading} {' '.join(terms[LEAD_WORDS:])}" if len(terms) > LEAD_WORDS else leading
