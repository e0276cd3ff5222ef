"""The lead: the first words of an article weigh more, and every kind of query is ranked the same way."""

from __future__ import annotations

import json
from datetime import date
from math import log
from pathlib import Path

import pytest

from arsearch.errors import IndexFormatError
from arsearch.index import META_FILE, Index
from arsearch.engine.api import DEFAULT_LEAD_WEIGHT, LEAD_WORDS
from arsearch.search import Ranking, search
from arsearch.engine.whoosh.queries import to_whoosh
from arsearch.search.compiler import QueryCompiler
from helpers import NEWS_RECORDS

FILLER = "وقال المتحدث إن العمل مستمر في جميع المراحل حسب الخطة الموضوعة سابقا. "


def _postings(index: Index, field: str) -> dict[tuple[str, str], float]:
    """``{(document id, term): weight}`` of every posting of ``field``."""
    reader = index.snapshot().searcher.reader()
    ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
    out = {}
    for term in reader.lexicon(field):
        matcher = reader.postings(field, term)
        while matcher.is_active():
            out[(ids[matcher.id()], term.decode("utf-8"))] = matcher.weight()
            matcher.next()
    return out


def _expected_weights(index: Index, texts: dict[str, str], lead_weight: float) -> dict[tuple[str, str], float]:
    expected: dict[tuple[str, str], float] = {}
    for doc_id, text in texts.items():
        for term, _stop, _start, _end, position in index.analyzer.iter_terms(text):
            key = (doc_id, term)
            expected[key] = expected.get(key, 0.0) + 1 + (lead_weight if position < LEAD_WORDS else 0)
    return expected


@pytest.mark.parametrize("lead_weight", [DEFAULT_LEAD_WEIGHT, 2.5, 0.0])
def test_content_weights_count_the_lead_words_lead_weight_more(tmp_path: Path, lead_weight: float) -> None:
    records = [dict(r, id=f"{r['id']}-{n}", content=(FILLER * n) + r["content"] + " " + r["title"], date=None)
               for n in range(3) for r in NEWS_RECORDS]
    with Index.create(tmp_path / "ix", lead_weight=lead_weight) as index:
        index.add(records)
        assert index.lead_weight == index.stats().lead_weight == lead_weight
        assert _postings(index, "content") == _expected_weights(
            index, {r["id"]: r["content"] for r in records}, lead_weight)
        assert _postings(index, "title") == _expected_weights(index, {r["id"]: r["title"] for r in records}, 0.0)
        reader = index.snapshot().searcher.reader()
        lengths = {reader.stored_fields(d)["id"]: reader.doc_field_length(d, "content") for d in reader.all_doc_ids()}
    with Index.create(tmp_path / "plain", lead_weight=0) as plain:
        plain.add(records)
        reader = plain.snapshot().searcher.reader()
        assert lengths == {reader.stored_fields(d)["id"]: reader.doc_field_length(d, "content")
                           for d in reader.all_doc_ids()}


EARLY_AND_LATE = [
    {"id": "early", "content": "افتتح أمير المنطقة معرض الكتاب. " + FILLER * 6},
    {"id": "late", "content": FILLER * 6 + "افتتح أمير المنطقة معرض الكتاب."},
]


def test_a_word_in_the_lead_ranks_the_article_higher(tmp_path: Path) -> None:
    with Index.create(tmp_path / "plain", lead_weight=0) as index:
        index.add(EARLY_AND_LATE)
        plain = search(index, "معرض الكتاب", collapse=False)
    assert plain.hits[0].score == pytest.approx(plain.hits[1].score)
    with Index.create(tmp_path / "led") as index:
        index.add(EARLY_AND_LATE)
        led = search(index, "معرض الكتاب", collapse=False)
    assert [h.id for h in led.hits] == ["early", "late"]
    assert led.hits[0].score > plain.hits[0].score
    assert led.hits[1].score == pytest.approx(plain.hits[1].score)


@pytest.fixture(scope="module")
def news_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    index = Index.create(tmp_path_factory.mktemp("lead") / "ix")
    records = [dict(r, id=f"{r['id']}-{n}", content=(FILLER * n) + r["content"], date=f"{2014 + n}-06-01")
               for n in range(3) for r in NEWS_RECORDS]
    index.add(records[:8])  # two segments
    index.add(records[8:])
    yield index
    index.close()


@pytest.mark.parametrize("query", ["وزارة الصحة المملكة", "أمطار جدة", "مستشفى جديد"])
def test_scores_are_bm25f_of_the_lead_weighted_frequencies(news_index: Index, query: str) -> None:
    """Every hit's score recomputed from the analyzed texts: tf + w * tf(first 30 words), the content's length norm."""
    ranking = Ranking()
    results = search(news_index, query, limit=100, ranking=ranking, collapse=False)
    compiled = to_whoosh(QueryCompiler(news_index.analyzer, ranking).compile(query)[0])
    leaves = [t for sub in compiled.subqueries for t in sub.subqueries]
    reader = news_index.snapshot().searcher.reader()
    n_docs = reader.doc_count_all()
    expected: dict[str, float] = {}
    for docnum in reader.all_doc_ids():
        stored = reader.stored_fields(docnum)
        total, matched = 0.0, False
        for leaf in leaves:
            weight = 1.0 + (news_index.lead_weight if leaf.fieldname == "content" else 0.0)
            tf = sum(1 + (weight - 1 if position < LEAD_WORDS else 0)
                     for term, _s, _b, _e, position in news_index.analyzer.iter_terms(stored.get(leaf.fieldname, ""))
                     if term == leaf.text)
            if not tf:
                continue
            idf = log(n_docs / (reader.doc_frequency(leaf.fieldname, leaf.text) + 1)) + 1
            avgfl = reader.field_length(leaf.fieldname) / n_docs
            norm = ranking.k1 * (1 - ranking.b + ranking.b * reader.doc_field_length(docnum, leaf.fieldname) / avgfl)
            total += idf * tf * (ranking.k1 + 1) / (tf + norm) * leaf.boost
            matched = True
        if matched:
            expected[stored["id"]] = total
    assert results.total == len(expected) > 3
    assert {h.id: h.score for h in results.hits} == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("query", ["+وزارة الصحة", "الصحة -جدة", "وزارة AND الصحة", "(وزارة OR أمطار) جدة",
                                   '"وزارة الصحة" -الإنفلونزا'])
@pytest.mark.parametrize("coord", [None, 0.5], ids=["default", "coord"])
def test_queries_with_operators_score_as_whoosh_does(news_index: Index, query: str, coord: float | None) -> None:
    ranking = Ranking(coord=coord)
    fast = search(news_index, query, limit=100, ranking=ranking, collapse=False)
    whoosh = search(news_index, query, limit=100, engine="whoosh", ranking=ranking, collapse=False)
    assert fast.total == whoosh.total > 0
    assert {h.id: h.score for h in fast.hits} == pytest.approx({h.id: h.score for h in whoosh.hits}, rel=1e-9)


@pytest.mark.parametrize("query", ["الإنفلونزا OR source:okaz", "(الإنفلونزا OR source:okaz) المملكة", "+source:spa المملكة"])
def test_queries_with_field_terms_find_what_whoosh_finds(news_index: Index, query: str) -> None:
    fast = search(news_index, query, limit=100, collapse=False)
    whoosh = search(news_index, query, limit=100, engine="whoosh", collapse=False)
    assert fast.total == whoosh.total > 0
    assert {h.id for h in fast.hits} == {h.id for h in whoosh.hits}


def test_a_source_term_selects_documents_without_scoring(news_index: Index) -> None:
    words = search(news_index, "المملكة", limit=100, collapse=False)
    selected = search(news_index, "+source:spa المملكة", limit=100, collapse=False)
    spa = {h.id: h.score for h in words.hits if h.source.lower() == "spa"}
    assert 0 < len(spa) < len(words.hits)
    assert {h.id: h.score for h in selected.hits} == pytest.approx(spa, rel=1e-12)


@pytest.mark.parametrize("query", ["الصحة", "+وزارة الصحة"])
def test_date_filters_keep_the_same_ranking(news_index: Index, query: str) -> None:
    since, until = date(2015, 1, 1), date(2015, 12, 31)
    fast = search(news_index, query, limit=100, since=since, until=until, collapse=False)
    whoosh = search(news_index, query, limit=100, since=since, until=until, engine="whoosh", collapse=False)
    assert fast.total == whoosh.total > 0
    assert {h.id: h.score for h in fast.hits} == pytest.approx({h.id: h.score for h in whoosh.hits}, rel=1e-9)
    everything = search(news_index, query, limit=100, collapse=False)
    dated = search(news_index, query, limit=100, since=since, until=until, collapse=False)
    in_range = [h.id for h in everything.hits if h.date and since <= h.date.date() <= until]
    assert [h.id for h in dated.hits] == in_range


def test_an_index_of_format_1_is_read_and_written_without_a_lead(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    Index.create(path).close()
    meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    del meta["lead_weight"]
    (path / META_FILE).write_text(json.dumps(dict(meta, format=1)), encoding="utf-8")
    with Index.open(path) as index:
        assert index.lead_weight == 0
        records = [dict(r, date=None) for r in NEWS_RECORDS]
        index.add(records)
        assert _postings(index, "content") == _expected_weights(index, {r["id"]: r["content"] for r in records}, 0)
        assert search(index, "وزارة الصحة").total > 0


def test_a_negative_lead_weight_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="lead_weight"):
        Index.create(tmp_path / "ix", lead_weight=-1)
    Index.create(tmp_path / "ix").close()
    meta = json.loads((tmp_path / "ix" / META_FILE).read_text(encoding="utf-8"))
    (tmp_path / "ix" / META_FILE).write_text(json.dumps(dict(meta, lead_weight="heavy")), encoding="utf-8")
    with pytest.raises(IndexFormatError, match="damaged"):
        Index.open(tmp_path / "ix")
