"""The tantivy schema of an arsearch index, and documents as the JSON tantivy's writer parses.

Each text field is indexed from arsearch's analysis of it: its terms in position order, joined by spaces, which
tantivy's whitespace tokenizer splits again (its n-th token is the term at position n, so phrases match as on
the Whoosh engine); the original text is stored beside it as UTF-8 in a bytes field that is not indexed.  (Pre-
tokenized text, a token object per term with its position, costs several times as much per document to build
and parse; a stored text field with a tokenizer that makes no token costs tantivy more than bytes.)

The lead weight is given the way the Whoosh engine gives it (a term's frequency is its count plus
``lead_weight`` times its count among the first :data:`LEAD_WORDS` positions): the content field holds the
whole text as its first value and the lead's terms again as ``lead_weight`` more values.  tantivy leaves a gap
in the positions between two values of a field, so a phrase matches within one value: within the text as it
is, or within a copy of its lead, which holds only phrases the text has (a phrase of the lead counts
``1 + lead_weight`` times, as its words do).  Term frequencies are the Whoosh engine's; tantivy counts the copies
in the field's length, which the Whoosh engine does not.
"""

from __future__ import annotations

import json
from array import array
from base64 import b64encode, urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Sequence
from itertools import chain

import tantivy

from arsearch.analysis.analyzer import Analyzer
from arsearch.analysis.indexing import IndexTerms
from arsearch.documents import writable
from arsearch.engine.api import KEYWORD_FIELDS, LEAD_WORDS, NO_DATE, Layout, StoredDocument, date_value
from arsearch.engine.candidates import text_key

#: The analyzed text fields (queried, scored and stored).
ANALYZED = ("title", "content", "author")
#: Exact-value fields with an index of their own (``field:`` queries, deletes by id, group members); ``id`` is
#: also a fast field (documents in id order without reading them, for the ties of :meth:`Snapshot.sharing`).
EXACT = ("id", "url", "path", "fingerprint", "group")
#: ``source`` is stored as given; its lowercased comma-separated names are indexed here, and counted by facets.
SOURCE_NAMES = "source_names"
#: The day of a dated document (:meth:`datetime.toordinal`): a fast field counted by the day facets, and indexed
#: (a range of days is a few terms' postings).
DAY = "day"
#: A fast field that orders documents newest first with the undated ones last: 0 for an undated document, its
#: date value + 1 for a dated one (``date`` holds :data:`NO_DATE`, the largest value, for an undated one).
DATE_ORDER = "date_order"
#: A number for each group label (:func:`label_key`), a fast field: the groups of a ranking are read as a column.
GROUP_KEY = "group_key"
#: :func:`~arsearch.engine.candidates.text_key` of the id, a fast field: near-duplicate candidates are ranked by it
#: without reading their ids.
ID_KEY = "id_key"
#: The near-duplicate sketch as fast fields, so that candidates are compared without loading stored documents:
#: how many values it has, and its values two to a column (the bytes of the two, in this machine's order; 0 past
#: its end, so that every document has every column).
SKETCH_SIZE = "sketch_size"
SKETCH_COLUMNS = tuple(f"sketch_{n}" for n in range(32))
#: The field that holds the original text of each analyzed field: its UTF-8 bytes, stored and not indexed (sent in
#: base64, as tantivy's JSON takes bytes).
ORIGINAL = {name: f"{name}_utf8" for name in ANALYZED}
#: Every indexed field with a term dictionary of text, as :meth:`Snapshot.count_terms` counts them.
TERM_FIELDS = (*ANALYZED, *EXACT, SOURCE_NAMES, *KEYWORD_FIELDS)
#: What stands for a space inside a term of the keyword fields (a ``spelling`` term is a key and a word with a space
#: between): a document's terms of a keyword field are one text that tantivy's whitespace tokenizer splits (a list
#: of one-term values costs tantivy more per term), so no term may hold whitespace there.  The terms with a space
#: are Arabic letters besides it: this sorts before every one of them, as the space does, and JSON sends it as it
#: is.
IN_TERM_SPACE = "|"
#: The keyword field of the near-duplicate look-up keys, 32-bit numbers in decimal (``str`` of a sketch's values):
#: tantivy holds each as its bytes in base 64, 6 characters instead of up to 10, which its term dictionary looks
#: up faster (grouping looks up 16 for each new document, in every segment).
DUP_KEY = "dup_key"
#: In front of a :data:`DUP_KEY` term that is not such a number (no base 64 text starts with it).
_UNCOMPACTED = "="
#: The tokenizer of each text field (:meth:`TantivyEngine.check_schema` compares an index's with these).
TOKENIZERS = {**dict.fromkeys(ANALYZED, "whitespace"), **dict.fromkeys((*EXACT, "source", SOURCE_NAMES), "raw"),
              **dict.fromkeys(KEYWORD_FIELDS, "whitespace")}


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ANALYZED:
        builder.add_text_field(name, stored=False, tokenizer_name=TOKENIZERS[name], index_option="position")
        builder.add_bytes_field(ORIGINAL[name], stored=True, indexed=False)
    for name in EXACT:
        builder.add_text_field(name, stored=True, tokenizer_name=TOKENIZERS[name], index_option="basic",
                               fast=name == "id")
    builder.add_text_field("source", stored=True, tokenizer_name=TOKENIZERS["source"], index_option="basic")
    builder.add_text_field(SOURCE_NAMES, stored=False, tokenizer_name=TOKENIZERS[SOURCE_NAMES], index_option="basic",
                           fast=True)
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name=TOKENIZERS[name], index_option="basic")
    builder.add_unsigned_field("date", stored=True, indexed=True, fast=True)
    builder.add_unsigned_field(DAY, stored=False, indexed=True, fast=True)
    builder.add_unsigned_field(DATE_ORDER, stored=False, indexed=False, fast=True)
    builder.add_unsigned_field(GROUP_KEY, stored=False, indexed=False, fast=True)
    for name in (ID_KEY, SKETCH_SIZE, *SKETCH_COLUMNS):
        builder.add_unsigned_field(name, stored=False, indexed=False, fast=True)
    return builder.build()


def field_names() -> frozenset[str]:
    """The fields of :func:`build_schema`'s schema."""
    return frozenset({*ANALYZED, *ORIGINAL.values(), *EXACT, "source", SOURCE_NAMES, *KEYWORD_FIELDS, "date", DAY,
                      DATE_ORDER, GROUP_KEY, ID_KEY, SKETCH_SIZE, *SKETCH_COLUMNS})


def indexed_term(name: str, text: str) -> str:
    """How the field ``name`` of the schema holds the term ``text``."""
    text = writable(text)  # what a document's values were made into (tantivy takes no lone surrogate)
    if name == DUP_KEY:
        return _compact_key(text)
    return text.replace(" ", IN_TERM_SPACE) if name in KEYWORD_FIELDS else text


def contract_term(name: str, term: str) -> str:
    """The term ``text`` of :func:`indexed_term` for a term of the field ``name`` of the schema."""
    if name == DUP_KEY:
        term = term[1:] if term.startswith(_UNCOMPACTED) else str(int.from_bytes(urlsafe_b64decode(term + "==")))
    return term.replace(IN_TERM_SPACE, " ") if name in KEYWORD_FIELDS else term


def indexed_prefix(name: str, prefix: str) -> str:
    """A prefix of the terms the field ``name`` holds for every term that starts with ``prefix`` (of
    :data:`DUP_KEY`, the empty one)."""
    return "" if name == DUP_KEY else indexed_term(name, prefix)


def _compact_key(text: str) -> str:
    """A look-up key as :data:`DUP_KEY` holds it: a 32-bit number written in decimal as its four bytes in base 64
    (6 characters); any other text with :data:`_UNCOMPACTED` in front."""
    if text.isascii() and text.isdigit() and len(text) <= 10 and str(value := int(text)) == text and value < 1 << 32:
        return urlsafe_b64encode(value.to_bytes(4, "big"))[:6].decode("ascii")
    return _UNCOMPACTED + text.replace(" ", IN_TERM_SPACE)


#: The number of a group label, the same in every process.
label_key = text_key


def sketch_columns(sketch: bytes) -> dict[str, int]:
    """The sketch fields of a document whose sketch is ``sketch`` (:data:`SKETCH_COLUMNS` it fills)."""
    values = array("I")
    values.frombytes(sketch)
    found = {SKETCH_SIZE: len(values)}
    values.extend([0] * (2 * len(SKETCH_COLUMNS) - len(values)))
    found.update(zip(SKETCH_COLUMNS, _retyped(values, "Q")))
    return found


def sketches_of(sizes: Sequence[int], columns: Sequence[Sequence[int]]) -> list[tuple[int, ...]]:
    """The sketches of documents whose :data:`SKETCH_SIZE` values are ``sizes``, from the values of the first of
    :data:`SKETCH_COLUMNS` (a list per column, in the documents' order), which must hold their longest sketch."""
    if not columns:
        return [()] * len(sizes)
    width = 2 * len(columns)
    values = _retyped(array("Q", chain.from_iterable(zip(*columns))), "I")
    return [tuple(values[start:start + size]) for start, size in zip(range(0, width * len(sizes), width), sizes)]


def _retyped(values: array[int], typecode: str) -> array[int]:
    """The bytes of ``values`` as an array of ``typecode``: two 32-bit values to a 64-bit one, or back."""
    found = array(typecode)
    found.frombytes(values.tobytes())
    return found


def source_names(source: str) -> list[str]:
    """The names a ``source`` value is found by: comma-separated, stripped, lowercased, each once (as the Whoosh
    engine's KEYWORD field splits it)."""
    return list(dict.fromkeys(part.strip().lower() for part in source.split(",") if part.strip()))


class DocumentEncoder:
    """Turns documents into tantivy's JSON, analyzing their text; one per process (its analyzer caches words).

    :meth:`encode_ungrouped` and :meth:`with_group` split :meth:`encode` in two: the document without its group
    label (in a worker process of the index's pipeline), then the label added (in the indexing process)."""

    def __init__(self, layout: Layout) -> None:
        self._terms = IndexTerms(Analyzer(layout.settings))
        self._lead = int(layout.lead_weight)

    def encode(self, stored: StoredDocument) -> str:
        return with_group(self.encode_ungrouped(stored), stored.document.id, stored.group)

    def encode_ungrouped(self, stored: StoredDocument) -> str:
        """The JSON of ``stored`` without its group fields: an object whose closing brace ends the text."""
        document = stored.document
        record: dict[str, object] = {
            "id": document.id, "url": document.url, "path": document.path, "fingerprint": document.fingerprint(),
            "source": document.source, SOURCE_NAMES: source_names(document.source),
            "date": NO_DATE if document.date is None else date_value(document.date),
            DATE_ORDER: 0 if document.date is None else date_value(document.date) + 1,
            ID_KEY: text_key(document.id), **sketch_columns(stored.sketch),
        }
        if document.date is not None:
            record[DAY] = document.date.toordinal()
        for name in KEYWORD_FIELDS:
            record[name] = keyword_text(name, stored.keywords.get(name, ()))
        for name, text, lead in (("title", document.title, 0), ("content", document.content, self._lead),
                                 ("author", document.author, 0)):
            record[name] = self._indexed_text(text, lead)
            record[ORIGINAL[name]] = b64encode(text.encode("utf-8", "surrogatepass")).decode("ascii")
        return json.dumps(record, ensure_ascii=False)

    def _indexed_text(self, text: str, lead: int) -> str | list[str]:
        joined = self._terms.joined(text)
        if not lead or not joined.strip():
            return joined
        return [joined, *[" ".join(joined.split(maxsplit=LEAD_WORDS)[:LEAD_WORDS])] * lead]


def keyword_text(name: str, terms: Sequence[str]) -> str:
    """The value of the keyword field ``name`` whose terms are ``terms``: each :func:`indexed_term` of it, a newline
    between two."""
    if name == DUP_KEY:
        return "\n".join([indexed_term(name, term) for term in terms])
    return writable("\n".join(terms)).replace(" ", IN_TERM_SPACE)


def with_group(ungrouped: str, doc_id: str, group: str) -> str:
    """:meth:`DocumentEncoder.encode_ungrouped`'s JSON with the group fields of ``group`` (none: a group of its
    own)."""
    key = label_key(group) if group else label_key(f"\0{doc_id}")
    label = f', "group": {json.dumps(group, ensure_ascii=False)}' if group else ""
    return f'{ungrouped[:-1]}, "{GROUP_KEY}": {key}{label}}}'
