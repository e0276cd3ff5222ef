"""Whole requests on the Whoosh engine (filters, orders, collapsing, facets, members, query shapes) and the rest of
its snapshot (documents by id, states, terms, documents sharing terms), on an index written through the engine
writer: the expected answers are computed here from the documents written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from helpers import NEWS_RECORDS
from news_queries import ANALYZER, FILLER, term, words

from arsearch.analysis import AnalyzerSettings
from arsearch.documents import Document
from arsearch.engine import engine_kind
from arsearch.engine.api import (LEAD_WORDS, STORED_FIELDS, AllOf, AndMaybe, AndNot, AnyOf, Engine, EngineHit,
                                 FacetCounts, Filters, Layout, Phrase, Query, SearchRequest, SearchResponse,
                                 Snapshot, StoredDocument, Term, date_value)

def _documents() -> list[StoredDocument]:
    """Three versions of each news record: the first two near-duplicates (one group, the copy a day later under
    another source), the third its own group, further from the start and undated for two of the stories."""
    found = []
    for number, record in enumerate(NEWS_RECORDS):
        story = Document(**record)  # type: ignore[arg-type]
        assert story.date is not None
        label = f"{story.id}-0"
        versions = [
            (story, label),
            (Document("", story.content, story.title, story.date + timedelta(days=1), "Copy"), label),
            (Document("", FILLER * 2 + story.content, "",
                      None if number in (1, 2) else story.date.replace(year=story.date.year + 1),
                      "" if number == 4 else story.source), f"{story.id}-2"),
        ]
        for version, (document, group) in enumerate(versions):
            keywords = {"word_key": [f"story {number}", "every,one"], "dup_key": [f"k{number}", f"v{version}"]}
            found.append(StoredDocument(replace(document, id=f"{story.id}-{version}", path=f"news/{story.id}"),
                                        group, bytes([number, version]), keywords))
    found.append(StoredDocument(Document("lone", "خبر عن المملكة بلا مجموعة", date=datetime(2014, 5, 5))))
    return found


DOCUMENTS = _documents()
DELETED = "n2-1"
LIVE = {d.document.id: d for d in DOCUMENTS if d.document.id != DELETED}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("requests") / "ix"
    path.mkdir()
    engine = engine_kind("whoosh").create(path, Layout(AnalyzerSettings()))
    for part in (DOCUMENTS[:8], DOCUMENTS[8:]):  # two segments
        writer = engine.writer(durable=False)
        for document in part:
            writer.add(document)
        writer.commit()
    writer = engine.writer(durable=False)
    writer.delete(DELETED)
    writer.add(DOCUMENTS[0])  # a replaced document moves to a new segment
    writer.commit()
    yield engine
    engine.close()


@pytest.fixture
def snapshot(engine: Engine) -> Snapshot:
    return engine.snapshot()


def search(snapshot: Snapshot, query: Query, **options: object) -> SearchResponse:
    return snapshot.search(SearchRequest(query, limit=100, **options))  # type: ignore[arg-type]


def scores(response: SearchResponse) -> dict[str, float]:
    return {hit.id: hit.score for hit in response.hits}


def date_of_id(doc_id: str) -> datetime | None:
    return LIVE[doc_id].document.date


KINGDOM = words("المملكة")  # in every document


def test_every_live_document_matches_once_with_every_stored_field(snapshot: Snapshot) -> None:
    found = search(snapshot, KINGDOM)
    assert found.total == len(found.hits) == len(LIVE)
    assert {hit.id for hit in found.hits} == set(LIVE)
    for hit in found.hits:
        document = LIVE[hit.id].document
        assert set(hit.fields) == set(STORED_FIELDS)
        assert hit.fields == {"id": document.id, "title": document.title, "content": document.content,
                              "author": document.author, "date": document.date, "source": document.source,
                              "url": document.url, "path": document.path, "fingerprint": document.fingerprint(),
                              "group": LIVE[hit.id].group}
        assert hit.group == LIVE[hit.id].group
    without = search(snapshot, KINGDOM, content=False)
    assert all(hit.fields["content"] == "" and hit.fields["title"] == LIVE[hit.id].document.title
               for hit in without.hits)


@pytest.mark.parametrize("scoring", ["auto", "matchers"])
def test_a_date_window_keeps_the_dated_documents_in_it_with_their_scores(snapshot: Snapshot, scoring: str) -> None:
    everything = scores(search(snapshot, KINGDOM, scoring=scoring))
    first, last = datetime(2015, 1, 1), datetime(2016, 6, 30, 23, 59, 59)
    for window, inside in [((first, last), lambda d: first <= d <= last), ((first, None), lambda d: first <= d),
                           ((None, last), lambda d: d <= last)]:
        filters = Filters(*(None if moment is None else date_value(moment) for moment in window))
        found = search(snapshot, KINGDOM, filters=filters, scoring=scoring)
        expected = {i for i in LIVE if (moment := date_of_id(i)) is not None and inside(moment)}
        assert 0 < found.total == len(expected) < len(LIVE)
        assert scores(found) == {i: everything[i] for i in expected}


@pytest.mark.parametrize("scoring", ["auto", "matchers"])
def test_a_source_filter_keeps_the_documents_of_those_sources(snapshot: Snapshot, scoring: str) -> None:
    for names in [("spa",), ("spa", "okaz"), ("copy", "nosuch")]:
        found = search(snapshot, KINGDOM, filters=Filters(sources=names), scoring=scoring)
        expected = {i for i, d in LIVE.items() if d.document.source.lower() in names}
        assert {hit.id for hit in found.hits} == expected and found.total == len(expected) > 0
    assert search(snapshot, KINGDOM, filters=Filters(sources=("nosuch",)), scoring=scoring).total == 0
    window = Filters(first=date_value(datetime(2099, 1, 1)))  # no document: nothing, not everything
    assert search(snapshot, KINGDOM, filters=window, scoring=scoring).hits == ()


@pytest.mark.parametrize("scoring", ["auto", "matchers"])
def test_the_three_orders(snapshot: Snapshot, scoring: str) -> None:
    query = words("وزارة", "الصحة", "جدة")
    relevance = search(snapshot, query, scoring=scoring)
    assert [h.score for h in relevance.hits] == sorted((h.score for h in relevance.hits), reverse=True)
    plain = scores(relevance)

    by_date = search(snapshot, query, sort="date", scoring=scoring)
    assert scores(by_date) == plain and by_date.total == relevance.total
    keys = [(date_of_id(h.id) is None, -(date_value(date_of_id(h.id) or datetime.min)), -h.score) for h in by_date.hits]
    assert keys == sorted(keys) and keys[-1][0] and not keys[0][0]

    half_life = 30.0
    recency = search(snapshot, query, sort="recency", half_life_days=half_life, scoring=scoring)
    dates = [d.document.date for d in DOCUMENTS if d.document.date is not None]
    newest, oldest = max(dates), min(dates)
    expected = {i: score * 0.5 ** ((newest - (date_of_id(i) or oldest)) / timedelta(days=half_life))
                for i, score in plain.items()}
    assert scores(recency) == pytest.approx(expected, rel=1e-12)
    assert [h.score for h in recency.hits] == pytest.approx(sorted(expected.values(), reverse=True), rel=1e-12)


def test_pages_of_every_order(snapshot: Snapshot) -> None:
    query = words("المملكة", "الرياض")
    for sort in ("relevance", "date", "recency"):
        for facets in (False, True):
            whole = [h.id for h in search(snapshot, query, sort=sort, facets=facets).hits]
            pages = [h.id for offset in range(0, len(whole), 3) for h in snapshot.search(
                SearchRequest(query, sort=sort, facets=facets, offset=offset, limit=3)).hits]
            assert pages == whole


def first_of_each_group(hits: tuple[EngineHit, ...]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for hit in hits:
        if hit.group not in seen:
            kept.append(hit.id)
            seen.update([hit.group] if hit.group else [])
    return kept


@pytest.mark.parametrize("sort", ["relevance", "date", "recency"])
@pytest.mark.parametrize("facets", [False, True])
def test_collapsing_keeps_the_first_of_each_group_and_pages_count_groups(snapshot: Snapshot, sort: str,
                                                                         facets: bool) -> None:
    query = words("المملكة", "جدة")
    uncollapsed = search(snapshot, query, sort=sort)
    expected = first_of_each_group(uncollapsed.hits)
    assert len(set(LIVE)) > len(expected) > 1
    whole = search(snapshot, query, sort=sort, collapse=True, facets=facets)
    assert [h.id for h in whole.hits] == expected
    assert whole.total == uncollapsed.total  # copies counted
    for limit in (1, 2, 5):
        pages = [snapshot.search(SearchRequest(query, sort=sort, collapse=True, facets=facets, offset=offset,
                                               limit=limit)) for offset in range(0, len(expected) + limit, limit)]
        assert [h.id for page in pages for h in page.hits] == expected
        assert {page.total for page in pages} == {uncollapsed.total}
    assert scores(whole) == {i: s for i, s in scores(uncollapsed).items() if i in expected}


def test_members_are_the_other_live_documents_of_the_group_oldest_first(snapshot: Snapshot) -> None:
    found = search(snapshot, KINGDOM)
    for hit in found.hits:
        others = [d.document for d in LIVE.values() if d.group and d.group == hit.group and d.document.id != hit.id]
        others.sort(key=lambda d: (d.date is None, d.date or datetime.min, d.id))
        assert [(m.id, m.source, m.date) for m in hit.members] == [(d.id, d.source, d.date) for d in others]
    members = {hit.id: hit.members for hit in found.hits}
    assert [m.id for m in members["n1-0"]] == ["n1-1"] and members["n2-0"] == ()  # n2-1 is deleted
    assert members["lone"] == () and members["n3-2"] == ()
    assert all(hit.members == () for hit in search(snapshot, KINGDOM, members=False).hits)


def test_facets_count_sources_without_the_source_filter_and_days_with_every_filter(snapshot: Snapshot) -> None:
    first = datetime(2015, 1, 1)
    filters = Filters(first=date_value(first), sources=("spa",))
    for scoring in ("auto", "matchers"):
        found = search(snapshot, KINGDOM, filters=filters, facets=True, scoring=scoring)
        assert found.facets is not None
        dated = [d.document for d in LIVE.values() if d.document.date is not None and d.document.date >= first]
        sources: dict[str | None, int] = {}
        for document in dated:
            name = document.source.lower() or None
            sources[name] = sources.get(name, 0) + 1
        assert found.facets.sources == sources and None in sources
        days: dict[str | None, int] = {}
        for document in dated:
            if document.source.lower() == "spa":
                day = document.date.date().isoformat()  # type: ignore[union-attr]
                days[day] = days.get(day, 0) + 1
        assert found.facets.days == days and found.total == sum(days.values())
    everything = search(snapshot, KINGDOM, facets=True)
    assert everything.facets is not None
    assert everything.facets.days[None] == sum(1 for d in LIVE.values() if d.document.date is None)
    assert search(snapshot, KINGDOM).facets is None


SHAPES: list[Query] = [
    AndMaybe(words("وزارة"), words("الصحة")),  # +وزارة الصحة
    AndNot(words("الصحة"), words("جدة")),  # الصحة -جدة
    AllOf((words("وزارة"), words("الصحة"))),
    AllOf((AnyOf((words("وزارة"), words("أمطار"))), words("جدة"))),
    AnyOf((words("وزارة", "أمطار"), words("جدة")), scale=0.5),  # (وزارة OR أمطار) جدة: Whoosh's matchers
    AndNot(Phrase("content", (term("وزارة"), term("الصحة"))), words("الإنفلونزا")),
    AnyOf((Phrase("content", (term("وزارة"), term("الصحة"))), words("جدة"), words("الرياض"))),
]
#: Shapes the bag scorer scores otherwise: terms of fields that are not scored (``source:``, ``id:``, the keyword
#: fields) only select documents, where Whoosh's matchers add their weight (1) to the score; coordination counts
#: the query's terms present in the index, Whoosh's the terms present in each segment.
OTHERWISE_SCORED: list[Query] = [
    AnyOf((Phrase("content", (term("وزارة"), term("الصحة"))), words("جدة"), words("الرياض")), scale=0.5),
    AnyOf((words("الإنفلونزا"), Term("source", "okaz"))),
    AndMaybe(Term("source", "spa"), words("المملكة")),
    AllOf((AnyOf((words("الإنفلونزا"), Term("source", "okaz"))), words("المملكة"))),
    AndMaybe(Term("word_key", "every,one"), words("جدة")),
]
OTHER_FILTERS = Filters(first=date_value(datetime(2015, 6, 1)), sources=("spa", "copy"))


@pytest.mark.parametrize("query", SHAPES + OTHERWISE_SCORED, ids=range(len(SHAPES + OTHERWISE_SCORED)))
@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_every_query_shape_finds_what_whooshs_matchers_find(snapshot: Snapshot, query: Query, sort: str) -> None:
    for filters in (Filters(), OTHER_FILTERS):
        auto = search(snapshot, query, sort=sort, filters=filters, facets=sort == "date")
        matchers = search(snapshot, query, sort=sort, filters=filters, facets=sort == "date", scoring="matchers")
        assert auto.total == matchers.total and auto.facets == matchers.facets
        assert set(scores(auto)) == set(scores(matchers))
        if query in SHAPES:
            assert scores(auto) == pytest.approx(scores(matchers), rel=1e-9)
    assert search(snapshot, query).total > 0


def test_a_source_term_selects_documents_without_scoring(snapshot: Snapshot) -> None:
    everything = scores(search(snapshot, KINGDOM))
    selected = scores(search(snapshot, AndMaybe(Term("source", "spa"), KINGDOM)))
    spa = {i for i, d in LIVE.items() if d.document.source == "SPA"}
    assert selected == {i: everything[i] for i in spa}
    jeddah = words("جدة")
    without = {i for i in spa if term("جدة") not in ANALYZER.query_terms(LIVE[i].document.content)}
    for scoring in ("auto", "matchers"):  # +source:spa جدة: every document of spa, جدة or not
        found = scores(search(snapshot, AndMaybe(Term("source", "spa"), jeddah), scoring=scoring))
        assert set(found) == spa and spa > without > set()
    assert {i: s for i, s in found.items() if i in without} == dict.fromkeys(without, 1.0)  # Whoosh's weight
    found = scores(search(snapshot, AndMaybe(Term("source", "spa"), jeddah)))
    assert {i: s for i, s in found.items() if i in without} == dict.fromkeys(without, 0.0)


def test_a_phrase_matches_where_its_words_stand_together_in_the_lead_too(new_engine, commit) -> None:  # type: ignore[no-untyped-def]
    phrase = "خادم الحرمين الشريفين"
    filler = FILLER.split()
    texts = {
        "start": f"{phrase} {FILLER * 3}",
        "edge": " ".join(filler[:LEAD_WORDS - 2]) + f" {phrase} {FILLER}",  # across the lead's last word
        "late": f"{FILLER * 3} {phrase}",
        "apart": f"خادم {FILLER} الحرمين الشريفين",
        "twice": f"{phrase} {FILLER} {phrase}",
    }
    engine = new_engine()
    commit(engine, [Document(i, text) for i, text in texts.items()])
    terms = tuple(term(word) for word in phrase.split())
    query = Phrase("content", terms)
    for scoring in ("auto", "matchers"):
        found = search(engine.snapshot(), query, scoring=scoring)
        assert {h.id for h in found.hits} == {"start", "edge", "late", "twice"} and found.total == 4
    auto, matchers = search(engine.snapshot(), query), search(engine.snapshot(), query, scoring="matchers")
    assert scores(auto) == pytest.approx(scores(matchers), rel=1e-12)
    assert scores(auto)["start"] > scores(auto)["late"]  # the same length: the lead weighs more


def test_get_gives_the_stored_fields_and_the_sketch(snapshot: Snapshot) -> None:
    stored = LIVE["n3-2"]
    found = snapshot.get("n3-2")
    assert found is not None and found["sketch"] == stored.sketch
    assert found == {**search(snapshot, Term("id", "n3-2")).hits[0].fields, "sketch": stored.sketch}
    assert snapshot.get("n3-2", content=False)["content"] == ""  # type: ignore[index]
    assert snapshot.get(DELETED) is None and snapshot.get("nosuch") is None
    assert snapshot.get("lone") == {**{name: "" for name in STORED_FIELDS}, "id": "lone",
                                    "content": "خبر عن المملكة بلا مجموعة", "date": datetime(2014, 5, 5),
                                    "fingerprint": LIVE["lone"].document.fingerprint(), "sketch": b""}


def test_states_are_the_live_documents_paths_and_fingerprints(snapshot: Snapshot) -> None:
    states = list(snapshot.states())
    assert sorted(states) == sorted((i, d.document.path, d.document.fingerprint()) for i, d in LIVE.items())


def test_terms_by_prefix_with_their_document_frequencies_across_segments(snapshot: Snapshot) -> None:
    # the deleted document and the replaced one's first version still count (until a merge drops them)
    assert snapshot.terms("word_key") == [("every,one", 16), ("story 0", 4), *((f"story {n}", 3) for n in range(1, 5))]
    assert snapshot.terms("word_key", "story", limit=2) == [("story 0", 4), ("story 1", 3)]
    assert snapshot.terms("dup_key", "v") == [("v0", 6), ("v1", 5), ("v2", 5)]
    assert snapshot.terms("source") == [("alriyadh", 2), ("copy", 5), ("okaz", 2), ("sabq", 1), ("spa", 5)]
    assert snapshot.terms("spelling", "x") == [] and snapshot.terms("spelling", limit=0) == []
    assert snapshot.has_term("word_key", "story 3") and not snapshot.has_term("word_key", "story")
    assert snapshot.doc_frequency("dup_key", "k0") == 4 and snapshot.doc_frequency("sketch", "x") == 0


def test_sharing_ranks_documents_by_how_many_of_the_terms_they_hold(snapshot: Snapshot) -> None:
    assert snapshot.sharing("dup_key", ["k0", "v1", "v1", "nosuch"], at_least=1, limit=10) == [
        ("n1-1", 2), ("n1-0", 1), ("n1-2", 1), ("n3-1", 1), ("n4-1", 1), ("n5-1", 1)]
    assert snapshot.sharing("dup_key", ["k0", "v1"], at_least=2, limit=10) == [("n1-1", 2)]
    assert snapshot.sharing("dup_key", ["k0", "v1"], at_least=1, limit=3) == [("n1-1", 2), ("n1-0", 1), ("n1-2", 1)]
    assert snapshot.sharing("dup_key", ["k1", "v1"], at_least=2, limit=10) == []  # n2-1 is deleted


def test_a_count_without_hits(snapshot: Snapshot) -> None:
    assert snapshot.search(SearchRequest(KINGDOM, limit=0)) == SearchResponse((), len(LIVE))
    collapsed = snapshot.search(SearchRequest(KINGDOM, limit=0, collapse=True, sort="date"))
    # every match is ordered by date anyway: the groups among them are counted too
    assert collapsed == SearchResponse((), len(LIVE), groups=collapsed.groups)
    assert 0 < (collapsed.groups or 0) <= len(LIVE)


def test_statistics_without_a_pass_and_the_dates(snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch) -> None:
    reader = snapshot.searcher.reader()  # type: ignore[attr-defined]

    def no_pass() -> None:
        raise AssertionError("a pass over every term or document")

    for name in ("all_terms", "all_doc_ids", "iter_docs", "all_stored_fields"):
        monkeypatch.setattr(reader, name, no_pass)
    stats = snapshot.stats()
    monkeypatch.undo()
    assert (stats.documents, stats.deleted, stats.segments) == (len(LIVE), 2, 3)
    assert snapshot.doc_count() == len(LIVE) and snapshot.is_current()
    assert snapshot.count_terms() > len(LIVE)
    dates = [d.document.date for d in DOCUMENTS if d.document.date is not None]
    assert snapshot.date_range() == (min(dates), max(dates))


def test_an_empty_index_answers_every_request(new_engine) -> None:  # type: ignore[no-untyped-def]
    snapshot = new_engine().snapshot()
    for sort in ("relevance", "date", "recency"):
        found = snapshot.search(SearchRequest(KINGDOM, sort=sort, collapse=True, facets=True))
        assert (found.hits, found.total, found.facets) == ((), 0, FacetCounts({}, {}))
    assert (snapshot.doc_count(), snapshot.stats().segments, snapshot.count_terms()) == (0, 0, 0)
    assert snapshot.terms("source") == [] and snapshot.sharing("dup_key", ["x"], at_least=1, limit=5) == []
    assert snapshot.get("x") is None and list(snapshot.states()) == [] and snapshot.date_range() is None


def test_keywords_are_indexed_as_given_by_every_writer(new_engine, commit) -> None:  # type: ignore[no-untyped-def]
    values = ["a b", "Mixed,Case", "عربي", "x\u0640y"]
    for procs in (1, 2):
        engine = new_engine(f"ix{procs}")
        commit(engine, [StoredDocument(Document(f"d{n}", "نص"), keywords={"spelling": values[: 1 + n % 4]})
                        for n in range(400)], procs=procs)
        snapshot = engine.snapshot()
        assert snapshot.terms("spelling") == sorted((v, 400 - 100 * k) for k, v in enumerate(values))
        assert snapshot.search(SearchRequest(Term("spelling", "Mixed,Case"))).total == 300


def test_a_snapshot_is_not_current_after_a_commit(new_engine, commit) -> None:  # type: ignore[no-untyped-def]
    engine = new_engine()
    before = engine.snapshot()
    commit(engine, [Document("a", "نص")])
    assert not before.is_current() and before.doc_count() == 0 and engine.snapshot().doc_count() == 1
