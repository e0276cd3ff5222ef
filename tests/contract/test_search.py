"""Query semantics and ranking of ``arsearch.search.search``."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from arsearch.index import Index
from arsearch.search import Ranking, search
from helpers import NEWS_IDS


def ids(index: Index, query: str, **kwargs: object) -> list[str]:
    return [h.id for h in search(index, query, limit=100, **kwargs).hits]  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    ix = Index.create(tmp_path_factory.mktemp("search") / "ix")
    ix.add([
        {"id": "s1", "content": "ذهب الوفد في الصباح إلى المؤتمر"},
        {"id": "s2", "content": "عاد الوفد من المطار بعد الظهر"},
        {"id": "s3", "content": "الوفد وصل الرياض مساء أمس"},
        {"id": "s4", "content": "من في عن على إلى من في عن على إلى"},
        {"id": "m1", "content": "اجتماع وزراء الطاقة لبحث الأسعار والتجارة الخارجية"},
        {"id": "m2", "content": "اجتماع في جدة اليوم لبحث الأسعار والتجارة الخارجية"},
        {"id": "m3", "content": "وزراء الطاقة يناقشون الأسعار والتجارة الخارجية"},
    ])
    yield ix
    ix.close()


@pytest.mark.parametrize("query, expected", [
    ("في من", {"s1", "s2", "s4", "m2"}),
    ("في", {"s1", "s4", "m2"}),
    ("من", {"s2", "s4"}),
    ("إلى", {"s1", "s4"}),
    ("الى", {"s1", "s4"}),
])
def test_stopword_only_query_finds_documents_with_those_words(small_index: Index, query: str,
                                                              expected: set[str]) -> None:
    results = search(small_index, query, limit=100)
    assert {h.id for h in results.hits} == expected
    assert results.total == len(expected)
    for hit in results.hits:
        assert hit.snippet.spans  # the stopwords are highlighted, not nothing


def test_stopwords_are_dropped_when_the_query_has_content_words(small_index: Index) -> None:
    results = search(small_index, "من الوفد في المطار", limit=100)
    assert results.terms == frozenset({"وفد", "مطار"})
    hits = [h.id for h in results.hits]
    assert hits[0] == "s2"  # الوفد + المطار
    assert set(hits) == {"s1", "s2", "s3"}  # s4 (only stopwords) and m2 (في) are not hits
    assert ids(small_index, "في الرياض") == ["s3"]


@pytest.mark.parametrize("query, expected", [
    ('"الوفد في الصباح"', ["s1"]),  # stopwords kept inside a phrase
    ('"في الصباح"', ["s1"]),
    ('"الوفد الصباح"', []),  # في sits between them in s1
    ('"من في عن"', ["s4"]),
])
def test_phrases_keep_stopwords(small_index: Index, query: str, expected: list[str]) -> None:
    assert ids(small_index, query) == expected


def test_documents_matching_more_words_rank_higher(small_index: Index) -> None:
    assert ids(small_index, "اجتماع وزراء الطاقة") == ["m1", "m3", "m2"]
    assert ids(small_index, "الطاقة اجتماع") == ["m1", "m3", "m2"]


def test_coordination_bonus_is_off_by_default_and_can_be_switched_on(small_index: Index) -> None:
    with_coord = search(small_index, "اجتماع وزراء الطاقة", ranking=Ranking(coordination=0.5)).hits
    without = search(small_index, "اجتماع وزراء الطاقة").hits
    assert {h.id for h in with_coord} == {h.id for h in without}
    assert with_coord[0].score != without[0].score


@pytest.mark.parametrize("query, expected", [
    ("+اجتماع الطاقة", ["m1", "m2"]),
    ("+الطاقة اجتماع", ["m1", "m3"]),
    ("+اجتماع +الطاقة", ["m1"]),
    ("اجتماع AND الطاقة", ["m1"]),
    ("اجتماع AND وزراء AND الطاقة", ["m1"]),
    ("+جدة +الطاقة", []),
])
def test_required_words(small_index: Index, query: str, expected: list[str]) -> None:
    assert ids(small_index, query) == expected


def test_operator_and_ranking_requires_every_word(small_index: Index) -> None:
    assert ids(small_index, "اجتماع الطاقة", ranking=Ranking(operator="and")) == ["m1"]
    assert set(ids(small_index, "اجتماع الطاقة")) == {"m1", "m2", "m3"}


def test_title_match_outranks_content_match(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([
            {"id": "t1", "title": "الزلزال يضرب المدينة", "content": "تقرير مطول عن الأحداث في المدينة اليوم"},
            {"id": "t2", "title": "تقرير عن المدينة", "content": "تقرير مطول عن الزلزال في المدينة اليوم"},
            {"id": "t3", "title": "أخبار الطقس", "content": "أمطار خفيفة على المدينة اليوم"},
        ])
        assert ids(ix, "الزلزال") == ["t1", "t2"]
        assert ids(ix, "الزلزال", ranking=Ranking(title_weight=0.1)) == ["t2", "t1"]


def test_required_word_in_news(news_index: Index) -> None:
    assert ids(news_index, "+جدة مستشفى") == ["n4", "n2"]
    assert ids(news_index, "+جدة +مستشفى") == ["n4"]
    assert ids(news_index, "جدة -مستشفى") == ["n2"]


def test_paging_with_offset(news_index: Index) -> None:
    everything = search(news_index, "المملكة", limit=10)
    assert everything.total == 5
    assert sorted(h.id for h in everything.hits) == NEWS_IDS
    pages = [search(news_index, "المملكة", limit=2, offset=offset) for offset in (0, 2, 4)]
    assert [len(p.hits) for p in pages] == [2, 2, 1]
    assert [p.total for p in pages] == [5, 5, 5]
    assert [h.id for p in pages for h in p.hits] == [h.id for h in everything.hits]
    assert [h.rank for p in pages for h in p.hits] == [1, 2, 3, 4, 5]
    assert [h.score for p in pages for h in p.hits] == pytest.approx([h.score for h in everything.hits])
    beyond = search(news_index, "المملكة", limit=2, offset=10)
    assert beyond.hits == [] and beyond.total == 5


def test_scores_are_descending(news_index: Index) -> None:
    scores = [h.score for h in search(news_index, "وزارة الصحة في جدة").hits]
    assert scores == sorted(scores, reverse=True)
    assert all(s > 0 for s in scores)


@pytest.mark.parametrize("since, until, expected", [
    (date(2016, 1, 1), None, ["n3", "n4", "n5"]),
    (None, date(2015, 12, 31), ["n1", "n2"]),
    (date(2015, 3, 5), date(2015, 3, 5), ["n2"]),
    (date(2017, 2, 14), date(2017, 2, 14), ["n5"]),
    (datetime(2017, 2, 14, 9, 0), None, []),
    (date(2018, 1, 1), None, []),
])
def test_date_filter(news_index: Index, since: date | None, until: date | None, expected: list[str]) -> None:
    results = search(news_index, "المملكة", since=since, until=until)
    assert sorted(h.id for h in results.hits) == expected
    assert results.total == len(expected)


@pytest.mark.parametrize("query, expected", [
    ("source:spa", {"n1", "n4"}),
    ("source:okaz OR source:sabq", {"n2", "n5"}),
    ("id:n3", {"n3"}),
    ("url:https://example.com/news/n2", {"n2"}),
    ("title:الرياض", {"n5"}),
    ("الرياض", {"n3", "n5"}),
    ("title:(قمة OR أمطار) -جدة", {"n5"}),
])
def test_field_queries(news_index: Index, query: str, expected: set[str]) -> None:
    assert set(ids(news_index, query)) == expected


def test_elapsed_and_query_echo(news_index: Index) -> None:
    results = search(news_index, "الرياض")
    assert results.query == "الرياض"
    assert results.elapsed_ms >= 0
    assert results.terms == frozenset({"رياض"})


def test_seed_query_terms_and_snippets(seed_index: Index) -> None:
    results = search(seed_index, "الصواريخ")
    assert results.total == 2
    for hit in results.hits:
        surfaces = {hit.snippet.text[s:e] for s, e in hit.snippet.spans}
        assert surfaces <= {"الصواريخ", "بالصواريخ"} and surfaces


def test_limit_is_respected(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([{"id": f"d{i}", "content": f"خبر رقم {i} عن الاقتصاد"} for i in range(25)])
        results = search(ix, "الاقتصاد", limit=7)
        assert len(results.hits) == 7
        assert results.total == 25
        assert len({h.id for h in results.hits}) == 7


def test_exclusion_after_or(news_index: Index) -> None:
    found = set(ids(news_index, "الرياض OR -جدة"))
    assert not found & {"n2", "n4"}  # the two articles about جدة (neither mentions الرياض)


SNIPPET_DOCS = [
    {"id": "a", "title": "الصحة", "content": "أعلنت وزارة الصحة في الرياض عن حملة تطعيم جديدة."},
    {"id": "b", "title": "الرياضة", "content": "فاز المنتخب في مباراة كرة القدم أمس في الرياض."},
]


def test_snippet_width_zero_gives_empty_snippets(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add(SNIPPET_DOCS)
        with_snippets = search(ix, "الرياض")
        without = search(ix, "الرياض", snippet_width=0)
    assert [h.id for h in without.hits] == [h.id for h in with_snippets.hits]
    assert all(h.snippet.text for h in with_snippets.hits)
    assert all(h.snippet.text == "" and h.snippet.spans == () for h in without.hits)
