"""The lead: the first words of an article weigh more, and every kind of query is ranked the same way."""

from __future__ import annotations

from collections.abc import Iterator
from math import log
from pathlib import Path

import pytest

from helpers import NEWS_RECORDS
from news_queries import ANALYZER, FILLER, words

from arsearch.analysis import AnalyzerSettings
from arsearch.documents import Document
from arsearch.engine import engine_kind
from arsearch.engine.api import DEFAULT_LEAD_WEIGHT, LEAD_WORDS, Engine, Layout, SearchRequest, StoredDocument
from arsearch.engine.whoosh.queries import to_whoosh


def _postings(engine: Engine, field: str) -> dict[tuple[str, str], float]:
    """``{(document id, term): weight}`` of every posting of ``field``."""
    reader = engine.snapshot().searcher.reader()  # type: ignore[attr-defined]
    ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
    out = {}
    for term in reader.lexicon(field):
        matcher = reader.postings(field, term)
        while matcher.is_active():
            out[(ids[matcher.id()], term.decode("utf-8"))] = matcher.weight()
            matcher.next()
    return out


def _expected_weights(texts: dict[str, str], lead_weight: float) -> dict[tuple[str, str], float]:
    expected: dict[tuple[str, str], float] = {}
    for doc_id, text in texts.items():
        for term, _stop, _start, _end, position in ANALYZER.iter_terms(text):
            key = (doc_id, term)
            expected[key] = expected.get(key, 0.0) + 1 + (lead_weight if position < LEAD_WORDS else 0)
    return expected


@pytest.mark.parametrize("lead_weight", [DEFAULT_LEAD_WEIGHT, 2.5, 0.0])
def test_content_weights_count_the_lead_words_lead_weight_more(new_engine, commit, lead_weight: float) -> None:  # type: ignore[no-untyped-def]
    records = [dict(r, id=f"{r['id']}-{n}", content=(FILLER * n) + r["content"] + " " + r["title"], date=None)
               for n in range(3) for r in NEWS_RECORDS]
    engine = new_engine("led", lead_weight=lead_weight)
    commit(engine, records)
    assert _postings(engine, "content") == _expected_weights({r["id"]: r["content"] for r in records}, lead_weight)
    assert _postings(engine, "title") == _expected_weights({r["id"]: r["title"] for r in records}, 0.0)
    reader = engine.snapshot().searcher.reader()
    lengths = {reader.stored_fields(d)["id"]: reader.doc_field_length(d, "content") for d in reader.all_doc_ids()}
    plain = new_engine("plain", lead_weight=0)
    commit(plain, records)
    reader = plain.snapshot().searcher.reader()
    assert lengths == {reader.stored_fields(d)["id"]: reader.doc_field_length(d, "content")
                       for d in reader.all_doc_ids()}


EARLY_AND_LATE = [
    {"id": "early", "content": "افتتح أمير المنطقة معرض الكتاب. " + FILLER * 6},
    {"id": "late", "content": FILLER * 6 + "افتتح أمير المنطقة معرض الكتاب."},
]


def test_a_word_in_the_lead_ranks_the_article_higher(new_engine, commit) -> None:  # type: ignore[no-untyped-def]
    query = SearchRequest(words("معرض", "الكتاب"))
    plain_engine = new_engine("plain", lead_weight=0)
    commit(plain_engine, EARLY_AND_LATE)
    plain = plain_engine.snapshot().search(query)
    assert plain.hits[0].score == pytest.approx(plain.hits[1].score)
    led_engine = new_engine("led")
    commit(led_engine, EARLY_AND_LATE)
    led = led_engine.snapshot().search(query)
    assert [h.id for h in led.hits] == ["early", "late"]
    assert led.hits[0].score > plain.hits[0].score
    assert led.hits[1].score == pytest.approx(plain.hits[1].score)


@pytest.fixture(scope="module")
def news_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("lead") / "ix"
    path.mkdir()
    engine = engine_kind("whoosh").create(path, Layout(AnalyzerSettings()))
    records = [Document(**dict(r, id=f"{r['id']}-{n}", content=(FILLER * n) + r["content"],  # type: ignore[arg-type]
                               date=f"{2014 + n}-06-01"))
               for n in range(3) for r in NEWS_RECORDS]
    for part in (records[:8], records[8:]):  # two segments
        writer = engine.writer(durable=False)
        for document in part:
            writer.add(StoredDocument(document))
        writer.commit()
    yield engine
    engine.close()


@pytest.mark.parametrize("text", ["وزارة الصحة المملكة", "أمطار جدة", "مستشفى جديد"])
def test_scores_are_bm25f_of_the_lead_weighted_frequencies(news_engine: Engine, text: str) -> None:
    """Every hit's score recomputed from the analyzed texts: tf + w * tf(first 30 words), the content's length norm."""
    k1, b = 1.2, 0.75
    query = words(*text.split())
    results = news_engine.snapshot().search(SearchRequest(query, limit=100))
    leaves = [t for sub in to_whoosh(query).subqueries for t in sub.subqueries]
    reader = news_engine.snapshot().searcher.reader()  # type: ignore[attr-defined]
    n_docs = reader.doc_count_all()
    expected: dict[str, float] = {}
    for docnum in reader.all_doc_ids():
        stored = reader.stored_fields(docnum)
        total, matched = 0.0, False
        for leaf in leaves:
            weight = 1.0 + (DEFAULT_LEAD_WEIGHT if leaf.fieldname == "content" else 0.0)
            tf = sum(1 + (weight - 1 if position < LEAD_WORDS else 0)
                     for term, _s, _b, _e, position in ANALYZER.iter_terms(stored.get(leaf.fieldname, ""))
                     if term == leaf.text)
            if not tf:
                continue
            idf = log(n_docs / (reader.doc_frequency(leaf.fieldname, leaf.text) + 1)) + 1
            avgfl = reader.field_length(leaf.fieldname) / n_docs
            norm = k1 * (1 - b + b * reader.doc_field_length(docnum, leaf.fieldname) / avgfl)
            total += idf * tf * (k1 + 1) / (tf + norm) * leaf.boost
            matched = True
        if matched:
            expected[stored["id"]] = total
    assert results.total == len(expected) > 3
    assert {h.id: h.score for h in results.hits} == pytest.approx(expected, rel=1e-9)


def test_a_negative_lead_weight_is_refused(tmp_path: Path) -> None:
    import json

    from arsearch.errors import IndexFormatError
    from arsearch.index import META_FILE, Index

    with pytest.raises(ValueError, match="lead_weight"):
        Index.create(tmp_path / "ix", lead_weight=-1)
    Index.create(tmp_path / "ix").close()
    meta = json.loads((tmp_path / "ix" / META_FILE).read_text(encoding="utf-8"))
    (tmp_path / "ix" / META_FILE).write_text(json.dumps(dict(meta, lead_weight="heavy")), encoding="utf-8")
    with pytest.raises(IndexFormatError, match="damaged"):
        Index.open(tmp_path / "ix")
