"""The mapping of an arsearch index on OpenSearch, and documents as the JSON its bulk API takes.

Each analyzed field is indexed from arsearch's analysis of it: its terms in position order joined by spaces, which
a whitespace tokenizer splits again, so the cluster's terms and positions are those of the local engines (its
n-th token is the term at position n).  As on the tantivy engine, the content field holds the whole text as its
first value and the lead's terms again as ``lead_weight`` more values; OpenSearch leaves a gap of 100 positions
between two values of a field, so a phrase matches within one of them.  The original text of every stored field
is kept in ``stored`` (in ``_source``, not indexed), which is what hits and :meth:`Snapshot.get` give back; text
UTF-8 cannot hold (a lone surrogate) is kept there in base64.  The indexed forms are left out of ``_source``.

Dates are microseconds (:func:`~arsearch.engine.api.date_value`) in a ``long`` field, exact for filters and
sorting; an undated document has no ``date``.  ``day`` (the date's ordinal) is counted by the day facets.
"""

from __future__ import annotations

import json
from base64 import b64decode, b64encode
from datetime import date as calendar_date
from typing import Any

from arsearch.analysis.analyzer import Analyzer
from arsearch.documents import writable
from arsearch.engine.api import KEYWORD_FIELDS, LEAD_WORDS, Layout, StoredDocument, date_of, date_value

#: Bump when the mapping or the way documents are encoded changes: an index of another layout must be rebuilt.
LAYOUT = 1
ANALYZED = ("title", "content", "author")
#: Exact-value fields (``field:`` queries, group members).
EXACT = ("id", "url", "path", "fingerprint", "group")
SOURCE_NAMES = "source_names"
DAY = "day"
#: The field the hits are collapsed on: the group label, or the document's own id for one without a label.
COLLAPSE = "collapse_key"
STORED = "stored"
#: The names of ``stored`` that hold base64 of UTF-8 with surrogates instead of text.
RAW = "raw"
ANALYZER = "arsearch_terms"
#: Longer tokens would be split by the whitespace tokenizer (255 by default): arsearch's terms are never this long.
_MOST_TOKEN = 4096
#: Keyword values longer than this are stored and not indexed (Lucene refuses terms over 32,766 bytes).
_MOST_KEYWORD = 8000
#: The fields of a contract's ``field:`` query, by the mapped field that indexes each.
INDEXED = {**{name: name for name in (*ANALYZED, *EXACT, *KEYWORD_FIELDS)}, "source": SOURCE_NAMES}
#: Every field with terms, as :meth:`Snapshot.count_terms` counts them.
TERM_FIELDS = (*ANALYZED, *EXACT, SOURCE_NAMES, *KEYWORD_FIELDS)


def layout_meta(layout: Layout) -> dict[str, Any]:
    """What the mapping's ``_meta`` records of the writer: checked when the index is opened."""
    return {"layout": LAYOUT, "analyzer": layout.settings.to_dict(), "lead_weight": float(layout.lead_weight)}


def index_body(layout: Layout, shards: int | None, replicas: int | None, creator: str) -> dict[str, Any]:
    """The settings and mapping the index is created with (``creator``: the token of the folder that creates it).
    The refresh interval is off: a writer's refresh is its commit."""
    index: dict[str, Any] = {"refresh_interval": "-1", "max_result_window": 10_000}
    if shards is not None:
        index["number_of_shards"] = shards
    if replicas is not None:
        index["number_of_replicas"] = replicas
    keyword = {"type": "keyword", "ignore_above": _MOST_KEYWORD}
    properties: dict[str, Any] = {
        name: {"type": "text", "analyzer": ANALYZER, "index_options": "positions", "fielddata": True}
        for name in ANALYZED}
    properties.update({name: dict(keyword) for name in (*EXACT, SOURCE_NAMES, COLLAPSE, *KEYWORD_FIELDS)})
    properties.update({"date": {"type": "long"}, DAY: {"type": "integer"},
                       STORED: {"type": "object", "enabled": False}})
    return {
        "settings": {"index": index, "analysis": {
            "tokenizer": {"arsearch_whitespace": {"type": "whitespace", "max_token_length": _MOST_TOKEN}},
            "analyzer": {ANALYZER: {"type": "custom", "tokenizer": "arsearch_whitespace"}}}},
        "mappings": {
            "dynamic": "strict",
            "_meta": {"arsearch": layout_meta(layout), "creator": creator},
            "_source": {"excludes": [*ANALYZED, *EXACT, SOURCE_NAMES, COLLAPSE, DAY, *KEYWORD_FIELDS]},
            "properties": properties,
        },
    }


def source_names(source: str) -> list[str]:
    """The names a ``source`` value is found by: comma-separated, stripped, lowercased, each once."""
    return list(dict.fromkeys(part.strip().lower() for part in source.split(",") if part.strip()))


def document_key(doc_id: str) -> str:
    """The cluster's ``_id`` of a document: its id as the local engines index it (a lone surrogate as U+FFFD), or
    a hash of that when it is too long for an ``_id``."""
    text = writable(doc_id)
    if len(text.encode("utf-8")) <= 500:
        return text
    from hashlib import sha256

    return "~" + sha256(text.encode("utf-8")).hexdigest()


class DocumentEncoder:
    """Turns documents into the JSON of a bulk request, analyzing their text; one per process (its analyzer caches
    words)."""

    def __init__(self, layout: Layout) -> None:
        self._analyzer = Analyzer(layout.settings)
        self._lead = int(layout.lead_weight)

    def encode(self, stored: StoredDocument) -> str:
        return with_group(self.encode_ungrouped(stored), stored.document.id, stored.group)

    def encode_ungrouped(self, stored: StoredDocument) -> Ungrouped:
        """What :meth:`encode` makes of ``stored`` but its group label (which :func:`with_group` adds): the work
        done in the pipeline's worker processes."""
        document = stored.document
        kept: dict[str, Any] = {}
        raw: list[str] = []
        for name, value in (("id", document.id), ("title", document.title), ("content", document.content),
                            ("author", document.author), ("source", document.source), ("url", document.url),
                            ("path", document.path), ("fingerprint", document.fingerprint())):
            kept[name] = _kept(name, value, raw)
        kept["sketch"] = b64encode(stored.sketch).decode("ascii")
        record: dict[str, Any] = {
            "id": writable(document.id), "url": writable(document.url), "path": writable(document.path),
            "fingerprint": kept["fingerprint"], SOURCE_NAMES: source_names(writable(document.source)),
        }
        if document.date is not None:
            record["date"] = date_value(document.date)
            record[DAY] = document.date.toordinal()
        for name in KEYWORD_FIELDS:
            record[name] = [writable(term) for term in stored.keywords.get(name, ())]
        for name, text, lead in (("title", document.title, 0), ("content", document.content, self._lead),
                                 ("author", document.author, 0)):
            record[name] = self._indexed_text(writable(text), lead)
        return _json(kept), tuple(raw), _json(record)

    def _indexed_text(self, text: str, lead: int) -> str | list[str]:
        terms = self._analyzer.index_terms(text)
        joined = " ".join(terms)
        if not lead or not terms:
            return joined
        return [joined, *[" ".join(terms[:LEAD_WORDS])] * lead]


#: A document's JSON in parts, without its group label: the stored fields, the names among them kept in base64,
#: and the rest of the record.
Ungrouped = tuple[str, tuple[str, ...], str]


def with_group(ungrouped: Ungrouped, doc_id: str, group: str) -> str:
    """The JSON of a bulk request's document: :meth:`DocumentEncoder.encode_ungrouped`'s with the group fields of
    ``group`` (none: a group of its own)."""
    kept, raw_names, record = ungrouped
    raw = list(raw_names)
    grouped = f',"group":{_json(_kept("group", group, raw))}'
    if raw:
        grouped += f',"{RAW}":{_json(raw)}'
    collapse = "g" + writable(group) if group else "d" + writable(doc_id)
    label = f',"group":{_json(writable(group))}' if group else ""
    return f'{{"{STORED}":{kept[:-1]}{grouped}}},{record[1:-1]},"{COLLAPSE}":{_json(collapse)}{label}}}'


def _kept(name: str, value: str, raw: list[str]) -> str:
    """``value`` as ``stored`` keeps it: itself, or base64 of its UTF-8 with surrogates (``name`` added to
    ``raw``)."""
    if writable(value) == value:
        return value
    raw.append(name)
    return b64encode(value.encode("utf-8", "surrogatepass")).decode("ascii")


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def stored_fields(source: dict[str, Any], *, content: bool = True) -> dict[str, Any]:
    """The contract's stored fields of a hit's ``_source`` (``content`` "" when not asked for), and its sketch."""
    kept = dict(source.get(STORED) or {})
    for name in kept.get(RAW) or ():
        kept[name] = b64decode(kept[name]).decode("utf-8", "surrogatepass")
    value = source.get("date")
    found: dict[str, Any] = {name: str(kept.get(name) or "") for name in
                             ("id", "title", "content", "author", "source", "url", "path", "fingerprint", "group")}
    if not content:
        found["content"] = ""
    found["date"] = None if value is None else date_of(int(value))
    found["sketch"] = b64decode(kept.get("sketch") or "")
    return found


def day_name(day: int) -> str:
    return calendar_date.fromordinal(day).isoformat()
