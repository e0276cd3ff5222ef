"""Source filters, facets and the date and recency orders, from the API and the CLI, on both scoring paths."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from helpers import CORPUS
from typer.testing import CliRunner

from arsearch.interfaces.cli import app
from arsearch.errors import QueryError
from arsearch.index import Index
from arsearch.search import Hit, Ranking, search

#: (id, source, date, content): sources in mixed case, one without a source, two undated, equal timestamps.
RECORDS = [
    ("a1", "SPA", "2015-07-21T08:00:00", "خبر عن الرياض والمطر"),
    ("a2", "Okaz", "2015-07-21T08:00:00", "الرياض الرياض تستضيف القمة"),
    ("a3", "okaz", "2015-07-30T10:00:00", "المطر في جدة والرياض"),
    ("a4", "sabq", "2015-08-02T09:00:00", "الرياض اليوم"),
    ("a5", "", "2015-08-02T09:00:00", "الرياض والرياض والرياض"),
    ("a6", "Sabq", None, "الرياض بلا تاريخ"),
    ("a7", "spa", "2015-08-11T23:00:00", "المطر في الرياض وجدة والدمام"),
    ("a8", "okaz", None, "جدة وحدها"),
    ("a9", "was", "2015-06-30T12:00:00", "الرياض قديما"),
    ("a10", "was", "2015-08-10T00:00:00", "خبر يحذف الرياض"),
]
SORTS = ("relevance", "date", "recency")
#: Words only (the scorer), an operator query Whoosh's matchers select, and one only Whoosh can run.
QUERIES = [("الرياض", "auto"), ("+الرياض -جدة", "auto"), ("الرياض OR source:was", "auto"),
           ("الرياض", "matchers")]


@pytest.fixture(scope="module")
def index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("facets") / "ix"
    records = [{"id": i, "source": s, "date": d, "content": c} for i, s, d, c in RECORDS]
    with Index.create(path) as ix:
        ix.add(records[:5])  # two segments, one with a deletion
        ix.add(records[5:])
        ix.delete(["a10"])
    return path


@pytest.fixture
def index(index_path: Path) -> Any:
    with Index.open(index_path) as ix:
        yield ix


def every_hit(index: Index, text: str, **kwargs: Any) -> list[Hit]:
    """Every matching document, copies of one story included (facets count documents)."""
    return search(index, text, limit=10_000, snippet_width=0, collapse=False, **kwargs).hits


def day_of(hit: Hit) -> str | None:
    return hit.date.date().isoformat() if hit.date else None


@pytest.mark.parametrize("text,scoring", QUERIES)
def test_sources_keep_the_documents_of_any_of_them_whatever_the_case(index: Index, text: str, scoring: str) -> None:
    unfiltered = every_hit(index, text, scoring=scoring)
    for sources in (["okaz"], ["OKAZ"], ["Okaz", "sabq"], ["spa", "was", "sabq", "okaz"]):
        wanted = {s.lower() for s in sources}
        hits = every_hit(index, text, scoring=scoring, sources=sources)
        assert [h.id for h in hits] == [h.id for h in unfiltered if h.source.lower() in wanted]
        assert search(index, text, scoring=scoring, sources=sources, limit=1).total == len(hits)


def test_one_source_may_be_a_plain_string(index: Index) -> None:
    assert [h.id for h in every_hit(index, "الرياض", sources="OKAZ")] == \
        [h.id for h in every_hit(index, "الرياض", sources=["okaz"])]


def test_sources_and_dates_combine_by_and(index: Index) -> None:
    hits = every_hit(index, "الرياض", sources=["okaz", "spa"], since=date(2015, 7, 22))
    assert {h.id for h in hits} == {"a3", "a7"}


def test_an_unknown_source_is_refused_with_the_index_s_sources(index: Index) -> None:
    with pytest.raises(QueryError, match=r"no source 'okz' in this index; its sources: okaz, sabq, spa, was"):
        search(index, "الرياض", sources=["okaz", "okz"])
    with pytest.raises(QueryError, match="empty source name"):
        search(index, "الرياض", sources=[" "])
    assert search(index, "الرياض", sources=[]).total == search(index, "الرياض").total  # empty: no filter


def recount(hits: list[Hit], unfiltered: list[Hit]) -> dict[str, list[dict[str, Any]]]:
    """The facets counted the slow way, from the stored fields of every hit."""
    sources = Counter(h.source.lower() or None for h in unfiltered)
    days = Counter(day_of(h) for h in hits)
    months = Counter(d[:7] if d else None for d in days.elements())

    def listed(counts: Counter, key: Any) -> list[dict[str, Any]]:
        known = sorted((v for v in counts if v is not None), key=key)
        return [{"value": v, "count": counts[v]} for v in known + ([None] if None in counts else [])]

    return {"source": listed(sources, lambda v: (-sources[v], v)), "month": listed(months, str),
            "day": listed(days, str)}


@pytest.mark.parametrize("text,scoring", QUERIES)
@pytest.mark.parametrize("filters", [{}, {"sources": ["okaz", "SPA"]}, {"since": date(2015, 7, 25)},
                                     {"sources": ["sabq"], "until": date(2015, 8, 5)}])
def test_facets_count_every_match_as_a_recount_does(index: Index, text: str, scoring: str,
                                                    filters: dict[str, Any]) -> None:
    results = search(index, text, limit=1, scoring=scoring, facets=True, **filters)
    hits = every_hit(index, text, scoring=scoring, **filters)
    # the source facet ignores the source filter (multi-select): it counts what the other filters let through
    unfiltered = every_hit(index, text, scoring=scoring, **{k: v for k, v in filters.items() if k != "sources"})
    assert results.facets is not None and results.total == len(hits)
    assert results.facets.to_dict() == recount(hits, unfiltered)
    assert sum(c.count for c in results.facets.day) == results.total


def test_facets_are_in_the_envelope_only_when_asked(index: Index) -> None:
    assert "facets" not in search(index, "الرياض").to_dict()
    assert search(index, "الرياض").facets is None
    shape = search(index, "الرياض", facets=True).to_dict()["facets"]
    assert shape["month"][-1] == {"value": None, "count": 1}  # a6 is undated (a8 has no الرياض)
    assert {"value": None, "count": 1} in shape["source"]  # a5 has no source


@pytest.mark.parametrize("text,scoring", QUERIES)
def test_date_order_is_newest_first_ties_by_score_undated_last(index: Index, text: str, scoring: str) -> None:
    hits = every_hit(index, text, scoring=scoring, sort="date")
    assert {h.id for h in hits} == {h.id for h in every_hit(index, text, scoring=scoring)}
    keys = [(h.date is None, -(h.date.timestamp() if h.date else 0), -h.score) for h in hits]
    assert keys == sorted(keys)


def test_equal_dates_are_ordered_by_score(index: Index) -> None:
    ids = [h.id for h in every_hit(index, "الرياض", sort="date")]
    assert ids.index("a5") < ids.index("a4")  # same instant; a5 says الرياض three times
    assert ids.index("a2") < ids.index("a1")
    assert ids[-1] == "a6"


@pytest.mark.parametrize("text,scoring", QUERIES)
@pytest.mark.parametrize("half_life", [1.0, 7.0])
def test_recency_multiplies_each_score_by_its_decay(index: Index, text: str, scoring: str, half_life: float) -> None:
    plain = {h.id: h for h in every_hit(index, text, scoring=scoring)}
    boosted = every_hit(index, text, scoring=scoring, sort="recency", ranking=Ranking(half_life_days=half_life))
    newest, oldest = datetime(2015, 8, 11, 23), datetime(2015, 6, 30, 12)  # a10 is deleted but still dates
    for hit in boosted:
        age = (newest - (plain[hit.id].date or oldest)).total_seconds() / 86400
        assert hit.score == pytest.approx(plain[hit.id].score * 0.5 ** (age / half_life), rel=1e-9)
    assert [h.score for h in boosted] == sorted((h.score for h in boosted), reverse=True)
    assert {h.id for h in boosted} == set(plain)


def test_a_long_half_life_keeps_the_relevance_order_and_a_short_one_puts_recent_first(index: Index) -> None:
    oldest = datetime(2015, 6, 30, 12)
    # equal scores (a4 and a9, a1 and a3 here) go newest first: the tiniest boost breaks the tie
    relevance = [h.id for h in sorted(every_hit(index, "الرياض"), key=lambda h: (-h.score, -(h.date or oldest)
                                                                                 .timestamp()))]
    assert [h.id for h in every_hit(index, "الرياض", sort="recency", ranking=Ranking(half_life_days=1e9))] \
        == relevance
    assert every_hit(index, "الرياض", sort="recency", ranking=Ranking(half_life_days=0.5))[0].id == "a7"


@pytest.mark.parametrize("text,scoring", QUERIES)
@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("facets", [False, True])
def test_pages_follow_each_other_in_every_order(index: Index, text: str, scoring: str, sort: str,
                                                facets: bool) -> None:
    whole = [h.id for h in every_hit(index, text, scoring=scoring, sort=sort, facets=facets)]
    paged = [h.id for offset in range(0, len(whole) + 2, 2)
             for h in search(index, text, scoring=scoring, sort=sort, facets=facets, limit=2, offset=offset,
                             snippet_width=0).hits]
    assert paged == whole
    ranks = [h.rank for h in search(index, text, scoring=scoring, sort=sort, limit=2, offset=2).hits]
    assert ranks == [3, 4][:len(ranks)]


def test_relevance_with_facets_ranks_as_plain_relevance(index: Index) -> None:
    for text, scoring in QUERIES:
        plain = [(h.id, h.score) for h in every_hit(index, text, scoring=scoring)]
        assert [(h.id, h.score) for h in every_hit(index, text, scoring=scoring, facets=True)] == plain


def test_an_unknown_sort_is_refused(index: Index) -> None:
    with pytest.raises(QueryError, match="unknown sort 'newest'"):
        search(index, "الرياض", sort="newest")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the CLI

runner = CliRunner()


def cli(index_path: Path, *args: str) -> Any:
    return runner.invoke(app, ["query", *args, "--index", str(index_path)])


def test_cli_sources_sort_and_facets_in_the_envelope(index_path: Path, index: Index) -> None:
    result = cli(index_path, "الرياض", "--source", "OKAZ", "--source", "spa", "--sort", "date", "--facets",
                 "--json")
    assert result.exit_code == 0, result.stderr
    shape = json.loads(result.stdout)  # --facets with --json: the envelope, without --envelope
    expected = search(index, "الرياض", sources=["okaz", "spa"], sort="date", facets=True)
    assert [h["id"] for h in shape["hits"]] == [h.id for h in expected.hits] == ["a7", "a3", "a2", "a1"]
    assert shape["total"] == 4 and shape["facets"] == expected.facets.to_dict()  # type: ignore[union-attr]


def test_cli_json_without_facets_stays_an_array(index_path: Path) -> None:
    result = cli(index_path, "الرياض", "--sort", "recency", "--source", "was", "--json")
    assert result.exit_code == 0, result.stderr
    assert [h["id"] for h in json.loads(result.stdout)] == ["a9"]
    envelope = json.loads(cli(index_path, "الرياض", "--json", "--envelope").stdout)
    assert "facets" not in envelope


def test_cli_prints_the_facets_after_the_hits(index_path: Path) -> None:
    result = cli(index_path, "الرياض", "--facets", "--limit", "1")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-3].split() == ["source", "okaz", "2", "·", "sabq", "2", "·", "spa", "2", "·", "was", "1",
                                 "·", "(none)", "1"]
    assert lines[-2].split() == ["month", "2015-06", "1", "·", "2015-07", "3", "·", "2015-08", "3", "·",
                                 "(none)", "1"]
    assert lines[-1].startswith("   day  2015-07-21 2 · 2015-08-02 2 · ")


@pytest.mark.parametrize("args,message", [
    (["--source", "okz"], "no source 'okz' in this index; its sources: okaz, sabq, spa, was"),
])  # an unknown --sort is Typer's choice check: tests/interfaces/test_cli_messages.py
def test_cli_bad_values_are_one_line_exit_2(index_path: Path, args: list[str], message: str) -> None:
    result = cli(index_path, "الرياض", *args)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {message}"
    result = cli(index_path, "الرياض", *args, "--json")
    assert result.exit_code == 2
    assert json.loads(result.stderr) == {"error": message, "exit_code": 2}


def test_cli_batch_takes_sources_and_sort(index_path: Path, tmp_path: Path) -> None:
    topics = tmp_path / "topics.tsv"
    topics.write_text("q1\tالرياض\nq2\tالمطر\n", encoding="utf-8")
    result = cli(index_path, "--batch", str(topics), "--source", "okaz", "--sort", "date")
    assert result.exit_code == 0, result.stderr
    assert [line.split()[:3] for line in result.stdout.splitlines()] == [
        ["q1", "Q0", "a3"], ["q1", "Q0", "a2"], ["q2", "Q0", "a3"]]
    for refused in (["--source", "okz"], ["--facets"]):
        result = cli(index_path, "--batch", str(topics), *refused)
        assert result.exit_code == 2 and result.stdout == "" and result.stderr.startswith("error: ")


def test_source_facets_without_a_source_column_read_the_stored_fields(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from whoosh.reading import SegmentReader

    records = [{"id": i, "source": s, "date": d, "content": c} for i, s, d, c in RECORDS]
    with Index.create(tmp_path / "ix") as ix:
        ix.add(records)
        ix.delete(["a1"])
        expected = search(ix, "الرياض", facets=True).facets
    has_column = SegmentReader.has_column
    monkeypatch.setattr(SegmentReader, "has_column", lambda self, name: name != "source" and has_column(self, name))
    with Index.open(tmp_path / "ix") as ix:  # a new reader: nothing cached
        assert search(ix, "الرياض", facets=True).facets == expected


CORPUS_DAY = CORPUS / "2015-07-23.zip"


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS_DAY.is_file(), reason="SaudiNewsNet corpus not found in ../shared/corpus")
def test_facets_of_a_corpus_day_equal_a_recount(tmp_path: Path) -> None:
    from arsearch import index_paths

    with Index.create(tmp_path / "ix") as ix:
        index_paths(ix, [CORPUS_DAY])
        for text in ("وزارة الصحة", "الهلال النصر"):
            hits = every_hit(ix, text)
            for sources in (None, ["okaz", "Alriyadh"]):
                results = search(ix, text, facets=True, sources=sources, limit=3, sort="date")
                kept = [h for h in hits if sources is None or h.source in ("okaz", "alriyadh")]
                assert results.total == len(kept) > 0
                assert results.facets is not None and results.facets.to_dict() == recount(kept, hits)
