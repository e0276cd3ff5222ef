"""The lead field: the first words of an article count more, and every kind of query is ranked the same way."""

from __future__ import annotations

import json
from datetime import date
from math import log
from pathlib import Path

import pytest

from arsearch.index import META_FILE, Index
from arsearch.schema import LEAD_WORDS, lead_of
from arsearch.search import QueryCompiler, Ranking, search
from tests.conftest import NEWS_RECORDS

FILLER = "وقال المتحدث إن العمل مستمر في جميع المراحل حسب الخطة الموضوعة سابقا. "


def test_lead_is_the_text_up_to_the_end_of_its_last_word() -> None:
    text = "«الرياض» — أعلنت وزارة الصحة، اليوم، عن حملة جديدة."
    assert lead_of(text, 1) == "«الرياض"
    assert lead_of(text, 3) == "«الرياض» — أعلنت وزارة"
    assert lead_of(text) == text.rstrip(".")
    assert lead_of("") == ""
    long_text = " ".join(f"w{n}" for n in range(100))
    assert lead_of(long_text).split() == [f"w{n}" for n in range(LEAD_WORDS)]


@pytest.fixture()
def early_and_late(tmp_path: Path) -> Index:
    """Two articles of equal length with one mention of a word each: in the first sentence, and at the end."""
    index = Index.create(tmp_path / "ix")
    index.add([
        {"id": "early", "content": "افتتح أمير المنطقة معرض الكتاب. " + FILLER * 6},
        {"id": "late", "content": FILLER * 6 + "افتتح أمير المنطقة معرض الكتاب."},
    ])
    yield index
    index.close()


def test_a_word_in_the_lead_ranks_the_article_higher(early_and_late: Index) -> None:
    plain = search(early_and_late, "معرض الكتاب", ranking=Ranking(lead_weight=0))
    assert plain.hits[0].score == pytest.approx(plain.hits[1].score)
    led = search(early_and_late, "معرض الكتاب")
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
def test_lead_scores_are_bm25f_of_the_weighted_frequencies(news_index: Index, query: str) -> None:
    """Every hit's score recomputed from the postings: tf(content) + w * tf(lead), the content's length norm."""
    ranking = Ranking()
    results = search(news_index, query, limit=100, ranking=ranking)
    compiled, _ = QueryCompiler(news_index.analyzer, ranking).compile(query)
    leaves = [t for sub in compiled.subqueries for t in sub.subqueries]
    reader = news_index.searcher().reader()
    n_docs = reader.doc_count_all()
    expected: dict[str, float] = {}
    for docnum in reader.all_doc_ids():
        total, matched = 0.0, False
        for leaf in leaves:
            if (leaf.fieldname, leaf.text) not in reader:
                continue
            postings = dict(reader.postings(leaf.fieldname, leaf.text).items_as("weight"))
            if docnum not in postings:
                continue
            tf = postings[docnum]
            if leaf.fieldname == "content" and ("lead", leaf.text) in reader:
                tf += ranking.lead_weight * dict(reader.postings("lead", leaf.text).items_as("weight")).get(docnum, 0)
            idf = log(n_docs / (reader.doc_frequency(leaf.fieldname, leaf.text) + 1)) + 1
            avgfl = reader.field_length(leaf.fieldname) / n_docs
            norm = ranking.k1 * (1 - ranking.b + ranking.b * reader.doc_field_length(docnum, leaf.fieldname) / avgfl)
            total += idf * tf * (ranking.k1 + 1) / (tf + norm) * leaf.boost
            matched = True
        if matched:
            expected[reader.stored_fields(docnum)["id"]] = total
    assert results.total == len(expected) > 3
    assert {h.id: h.score for h in results.hits} == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("query", ["+وزارة الصحة", "الصحة -جدة", "وزارة AND الصحة", "(وزارة OR أمطار) جدة",
                                   '"وزارة الصحة" -الإنفلونزا'])
def test_queries_with_operators_rank_as_whoosh_does_without_the_lead(news_index: Index, query: str) -> None:
    fast = search(news_index, query, limit=100, ranking=Ranking(lead_weight=0))
    whoosh = search(news_index, query, limit=100, engine="whoosh")
    assert fast.total == whoosh.total > 0
    assert {h.id: h.score for h in fast.hits} == pytest.approx({h.id: h.score for h in whoosh.hits}, rel=1e-9)
    led = search(news_index, query, limit=100)
    assert {h.id for h in led.hits} == {h.id for h in whoosh.hits}


def test_a_source_term_selects_documents_without_scoring(news_index: Index) -> None:
    words = search(news_index, "المملكة", limit=100)
    selected = search(news_index, "+source:spa المملكة", limit=100)
    spa = {h.id: h.score for h in words.hits if h.source.lower() == "spa"}
    assert 0 < len(spa) < len(words.hits)
    assert {h.id: h.score for h in selected.hits} == pytest.approx(spa, rel=1e-12)


@pytest.mark.parametrize("query", ["الصحة", "+وزارة الصحة"])
def test_date_filters_keep_the_same_ranking(news_index: Index, query: str) -> None:
    since, until = date(2015, 1, 1), date(2015, 12, 31)
    fast = search(news_index, query, limit=100, since=since, until=until, ranking=Ranking(lead_weight=0))
    whoosh = search(news_index, query, limit=100, since=since, until=until, engine="whoosh")
    assert fast.total == whoosh.total > 0
    assert {h.id: h.score for h in fast.hits} == pytest.approx({h.id: h.score for h in whoosh.hits}, rel=1e-9)
    everything = search(news_index, query, limit=100)
    dated = search(news_index, query, limit=100, since=since, until=until)
    in_range = [h.id for h in everything.hits if h.date and since <= h.date.date() <= until]
    assert [h.id for h in dated.hits] == in_range


def test_an_index_of_format_1_is_read_and_written_without_a_lead(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    Index.create(path).close()
    meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    (path / META_FILE).write_text(json.dumps(dict(meta, format=1)), encoding="utf-8")
    with Index.open(path) as index:
        assert not index.has_lead
        index.add([dict(r, date=None) for r in NEWS_RECORDS])
        assert not list(index.searcher().reader().lexicon("lead"))
        results = search(index, "وزارة الصحة")
        plain = search(index, "وزارة الصحة", ranking=Ranking(lead_weight=0))
        assert [(h.id, h.score) for h in results.hits] == [(h.id, h.score) for h in plain.hits]
        assert results.total > 0
