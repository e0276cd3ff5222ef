"""Date filters select exactly the live documents whose stored date is in range, and change no score."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from arsearch.index import Index
from arsearch.search import search
from arsearch.engine.api import Filters, SearchRequest, Term, date_value

DATES = ["2015-07-01", "2015-07-01T23:59:59", "2015-07-02", "2015-07-15T12:00:00", "2015-08-01", None,
         "2016-01-01", "1999-12-31", None]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, engine_name: str) -> Index:
    index = Index.create(tmp_path_factory.mktemp("dates") / "ix", engine=engine_name)
    records = [{"id": f"d{n}", "content": f"خبر عن الرياض رقم {n}", "date": value} for n, value in enumerate(DATES)]
    index.add(records[:4])  # two segments, one with a deletion
    index.add(records[4:])
    index.delete(["d2"])
    yield index
    index.close()


RANGES = [
    (datetime(2015, 7, 1), datetime(2015, 7, 1, 23, 59, 59, 999999)),
    (datetime(2015, 7, 2), datetime(2015, 8, 1, 23, 59, 59, 999999)),
    (datetime(2015, 7, 1), datetime.max),
    (datetime.min, datetime(2015, 7, 15, 11, 59)),
    (datetime.min, datetime.max),
    (datetime(2015, 9, 1), datetime(2015, 8, 1)),  # empty
]


@pytest.mark.parametrize("first,last", RANGES)
def test_a_date_window_selects_the_documents_dated_in_range(index: Index, first: datetime, last: datetime) -> None:
    snapshot = index.snapshot()
    live = [doc_id for doc_id, _, _ in snapshot.states()]
    expected = {doc_id for doc_id in live
                if (when := (index.get(doc_id) or {}).get("date")) is not None and first <= when <= last}
    request = SearchRequest(Term("content", index.analyzer.query_terms("خبر")[0]),
                            Filters(first=date_value(first), last=date_value(last)), limit=100)
    assert {hit.id for hit in snapshot.search(request).hits} == expected


@pytest.mark.parametrize("since,until,ids", [
    (date(2015, 7, 1), date(2015, 7, 1), {"d0", "d1"}),
    (date(2015, 7, 2), None, {"d3", "d4", "d6"}),
    (None, date(2015, 7, 1), {"d0", "d1", "d7"}),
])
def test_filtered_searches_find_the_dated_documents_and_both_scorings_agree(index: Index, since: date | None,
                                                                      until: date | None, ids: set[str]) -> None:
    for query in ("الرياض", "+خبر الرياض"):
        fast = search(index, query, since=since, until=until, limit=100)
        matchers = search(index, query, since=since, until=until, limit=100, scoring="matchers")
        assert {h.id for h in fast.hits} == ids == {h.id for h in matchers.hits}
        assert {h.id: h.score for h in fast.hits} == pytest.approx({h.id: h.score for h in matchers.hits}, rel=1e-6)


def test_a_fresh_index_without_dates_filters_to_nothing(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add([{"id": "a", "content": "خبر عن الرياض"}])
        assert search(index, "الرياض", since=date(2015, 1, 1)).total == 0
        assert search(index, "الرياض").total == 1
