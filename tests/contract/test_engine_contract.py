"""What every engine must do (arsearch.engine.api), checked on each engine of arsearch.engine.ENGINES, at the
level of whole requests.

The index facade writes (so documents carry groups, sketches and keyword terms as in real use); everything is read
back through the engine's Snapshot.  Answers are checked against what the contract says, computed here in Python
from the documents and the engine's own relevance scores, so every engine is held to the same definition.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from arsearch.documents import Document
from arsearch.engine.api import (STORED_FIELDS, AllOf, AndMaybe, AndNot, AnyOf, EngineHit, Filters, Phrase, Query,
                                 SearchRequest, Snapshot, Term, date_value)
from arsearch.index import Index

DOCUMENTS = [
    Document("a", "وزارة الصحة تعلن حملة تطعيم في الرياض", title="حملة تطعيم", source="spa",
             date=datetime(2015, 7, 1, 10)),
    Document("b", "أمطار غزيرة في جدة والرياض", title="أمطار جدة", source="okaz", date=datetime(2015, 7, 3)),
    Document("c", "وزارة الصحة تفتتح مستشفى في جدة", title="مستشفى جديد", source="spa", path="x/c.txt"),
    Document("d", "مباراة في الرياض", title="", source="", date=datetime(2016, 1, 2)),
]


@pytest.fixture
def index(tmp_path: Path, engine_name: str) -> Iterator[Index]:
    with Index.create(tmp_path / "ix", engine=engine_name) as index:
        with index.writer() as w:
            for document in DOCUMENTS[:3]:
                w.add(document)
        with index.writer() as w:  # a second commit: engines with segments read across them
            w.add(DOCUMENTS[3])
        yield index


def term(index: Index, word: str) -> str:
    return index.analyzer.query_terms(word)[0]


def ids(hits: tuple[EngineHit, ...]) -> list[str]:
    return [hit.id for hit in hits]


def matching(snapshot: Snapshot, query: Query, filters: Filters = Filters()) -> set[str]:
    return set(ids(snapshot.search(SearchRequest(query, filters, limit=1000, members=False)).hits))


def test_term_statistics(index: Index) -> None:
    snapshot = index.snapshot()
    assert snapshot.doc_count() == 4
    riyadh = term(index, "الرياض")
    assert snapshot.has_term("content", riyadh) and not snapshot.has_term("content", "غيرموجود")
    assert snapshot.doc_frequency("content", riyadh) == 3
    assert snapshot.terms("source") == [("okaz", 1), ("spa", 2)]
    assert [t for t, _ in snapshot.terms("content", prefix=riyadh)][0] == riyadh
    stats = snapshot.stats()
    assert (stats.documents, stats.deleted) == (4, 0) and stats.segments >= 1
    assert snapshot.count_terms() > 10


def test_every_query_shape_matches_the_same_documents(index: Index) -> None:
    snapshot = index.snapshot()
    health, jeddah, riyadh = (term(index, w) for w in ("الصحة", "جدة", "الرياض"))
    assert matching(snapshot, Term("content", health)) == {"a", "c"}
    assert matching(snapshot, AnyOf((Term("content", health), Term("content", jeddah)))) == {"a", "b", "c"}
    assert matching(snapshot, AllOf((Term("content", health), Term("content", jeddah)))) == {"c"}
    assert matching(snapshot, AndNot(Term("content", riyadh), Term("content", health))) == {"b", "d"}
    assert matching(snapshot, AndMaybe(Term("content", jeddah), Term("content", health))) == {"b", "c"}
    assert matching(snapshot, Phrase("content", tuple(index.analyzer.query_terms("وزارة الصحة")))) == {"a", "c"}
    assert matching(snapshot, Phrase("content", tuple(index.analyzer.query_terms("الصحة وزارة")))) == set()
    assert matching(snapshot, Term("source", "spa")) == {"a", "c"}
    assert matching(snapshot, Term("id", "d")) == {"d"}
    both = AllOf((Term("content", health), Term("content", jeddah)))
    assert matching(snapshot, AndNot(both, both)) == set()  # required and excluded at once: nothing


def test_both_scorings_agree(index: Index) -> None:
    snapshot = index.snapshot()
    words = [term(index, w) for w in ("الصحة", "جدة", "الرياض")]
    query = AnyOf(tuple(AnyOf((Term("title", w, 2.0), Term("content", w))) for w in words))
    auto = snapshot.search(SearchRequest(query, limit=10))
    matchers = snapshot.search(SearchRequest(query, limit=10, scoring="matchers"))
    assert auto.total == matchers.total == 4
    assert ids(auto.hits) == ids(matchers.hits)
    assert [h.score for h in auto.hits] == pytest.approx([h.score for h in matchers.hits], rel=1e-6)
    assert [h.score for h in auto.hits] == sorted((h.score for h in auto.hits), reverse=True)


def test_hits_carry_every_stored_field(index: Index) -> None:
    snapshot = index.snapshot()
    found = {hit.id: hit for hit in snapshot.search(SearchRequest(Term("content", term(index, "في")),
                                                                  limit=10)).hits}
    for doc in DOCUMENTS:
        fields = found[doc.id].fields
        assert set(fields) == set(STORED_FIELDS)
        assert (fields["id"], fields["content"], fields["title"], fields["date"], fields["source"], fields["path"],
                fields["fingerprint"]) == (doc.id, doc.content, doc.title, doc.date, doc.source, doc.path,
                                           doc.fingerprint())
        assert fields["group"] == found[doc.id].group != ""
        stored = snapshot.get(doc.id)
        assert stored is not None and {k: stored[k] for k in STORED_FIELDS} == fields
        assert isinstance(stored["sketch"], bytes)
        assert not (snapshot.get(doc.id, content=False) or {}).get("content")
    without = snapshot.search(SearchRequest(Term("id", "a"), content=False)).hits[0].fields
    assert not without.get("content")
    assert snapshot.get("nope") is None
    assert sorted(snapshot.states()) == sorted((d.id, d.path, d.fingerprint()) for d in DOCUMENTS)
    assert snapshot.date_range() == (datetime(2015, 7, 1, 10), datetime(2016, 1, 2))


def test_filters_do_not_change_scores(index: Index) -> None:
    snapshot = index.snapshot()
    query = AnyOf((Term("content", term(index, "الرياض")), Term("content", term(index, "جدة"))))
    plain = {hit.id: hit.score for hit in snapshot.search(SearchRequest(query, limit=10)).hits}
    window = Filters(first=date_value(datetime(2015, 7, 1)), last=date_value(datetime(2015, 7, 31, 23, 59)))
    dated = snapshot.search(SearchRequest(query, window, limit=10))
    assert set(ids(dated.hits)) == {"a", "b"}
    assert dated.total == 2 and all(hit.score == pytest.approx(plain[hit.id]) for hit in dated.hits)
    by_source = snapshot.search(SearchRequest(query, Filters(sources=("okaz", "spa")), limit=10))
    assert set(ids(by_source.hits)) == {"a", "b", "c"}
    assert all(hit.score == pytest.approx(plain[hit.id]) for hit in by_source.hits)
    assert snapshot.search(SearchRequest(query, Filters(sources=("nope",)))).total == 0


def test_facets_count_every_match(index: Index) -> None:
    snapshot = index.snapshot()
    query = Term("content", term(index, "في"))
    counts = snapshot.search(SearchRequest(query, facets=True, limit=1)).facets
    assert counts is not None
    assert counts.sources == {"spa": 2, "okaz": 1, None: 1}
    assert counts.days == {"2015-07-01": 1, "2015-07-03": 1, "2016-01-02": 1, None: 1}
    narrowed = snapshot.search(SearchRequest(query, Filters(sources=("okaz",)), facets=True)).facets
    assert narrowed is not None
    assert narrowed.sources == {"spa": 2, "okaz": 1, None: 1}  # the source facet ignores the source filter
    assert {k: v for k, v in narrowed.days.items() if v} == {"2015-07-03": 1}


def test_deletes_replacements_and_snapshots(index: Index) -> None:
    before = index.snapshot()
    with index.writer() as w:
        w.delete("a")
        w.add(Document("b", "نص جديد عن الدمام", source="sabq"))
    assert not before.is_current() and before.doc_count() == 4  # an old snapshot keeps its commit
    after = index.snapshot()
    assert after.is_current() and after.doc_count() == 3
    assert after.stats().documents == 3
    riyadh = term(index, "الرياض")
    assert matching(after, Term("content", riyadh)) == {"d"}
    assert (after.get("b") or {}).get("source") == "sabq" and after.get("a") is None
    assert {doc_id for doc_id, _, _ in after.states()} == {"b", "c", "d"}


def test_a_cancelled_writer_changes_nothing(index: Index) -> None:
    generation = index.engine.generation()
    with pytest.raises(RuntimeError):
        with index.writer() as w:
            w.add(Document("e", "خبر لن يكتب"))
            w.delete("a")
            w.add(Document("e2", "خبر آخر لن يكتب"))
            raise RuntimeError
    assert index.engine.generation() == generation
    snapshot = index.snapshot()
    assert snapshot.doc_count() == 4 and snapshot.get("e") is None


def test_an_empty_index_answers_every_request(tmp_path: Path, engine_name: str) -> None:
    with Index.create(tmp_path / "ix", engine=engine_name) as index:
        snapshot = index.snapshot()
        assert snapshot.doc_count() == 0 and snapshot.terms("source") == []
        for sort in ("relevance", "date", "recency"):
            response = snapshot.search(SearchRequest(Term("content", "x"), sort=sort, facets=True,  # type: ignore[arg-type]
                                                     collapse=True))
            assert (response.hits, response.total) == ((), 0)
        assert snapshot.date_range() is None and list(snapshot.states()) == []
        assert index.stored_states() == {} and index.get("x") is None


# Generated archives: every request type against its definition ---------------------------------------------------

WORDS = ["خبر", "وزارة", "الصحة", "مدينة", "جدة", "الرياض", "مطر", "ملعب", "طالب", "جامعة", "سوق", "نفط"]
SOURCES = ["okaz", "spa", "sabq", ""]


def _archive(seed: int, size: int = 60) -> list[Document]:
    """Documents of a few words, some copies of others (near-duplicate groups), dates over two years, some
    undated, sources with and without names."""
    rng = random.Random(seed)
    start = datetime(2015, 1, 1)
    documents: list[Document] = []
    for n in range(size):
        if documents and rng.random() < 0.2:
            model = rng.choice(documents)
            content = model.content + " " + rng.choice(WORDS)
        else:
            content = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 60)))
        date = None if rng.random() < 0.15 else start + timedelta(days=rng.randint(0, 700), hours=rng.choice([0, 9]))
        documents.append(Document(f"d{n:03d}", content, title=" ".join(rng.sample(WORDS, 2)),
                                  source=rng.choice(SOURCES), date=date))
    return documents


@pytest.fixture(scope="module", params=[1, 2])
def archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            engine_name: str) -> Iterator[tuple[Index, list[Document]]]:
    documents = _archive(int(request.param))
    with Index.create(tmp_path_factory.mktemp("archive") / "ix", engine=engine_name) as index:
        for start in range(0, len(documents), 25):  # several commits
            with index.writer() as w:
                for document in documents[start:start + 25]:
                    w.add(document)
        yield index, documents


def _query(index: Index) -> Query:
    return AnyOf(tuple(Term(field, term(index, w), boost) for w in ("الصحة", "مطر", "سوق")
                       for field, boost in (("title", 2.0), ("content", 1.0))))


def _all(snapshot: Snapshot, request: SearchRequest) -> list[EngineHit]:
    """Every hit of ``request``, read page by page."""
    found: list[EngineHit] = []
    offset = 0
    while True:
        page = snapshot.search(SearchRequest(**{**request.__dict__, "offset": offset, "limit": 7})).hits
        found.extend(page)
        if len(page) < 7:
            return found
        offset += 7


def test_newest_first_is_by_date_then_score(archive: tuple[Index, list[Document]]) -> None:
    index, documents = archive
    snapshot = index.snapshot()
    dates = {d.id: d.date for d in documents}
    scores = {h.id: h.score for h in snapshot.search(SearchRequest(_query(index), limit=1000)).hits}
    hits = _all(snapshot, SearchRequest(_query(index), sort="date", members=False))
    assert [h.id for h in hits] != [] and {h.id for h in hits} == set(scores)
    for before, after in zip(hits, hits[1:]):
        first, second = dates[before.id], dates[after.id]
        if first is None:
            assert second is None, "undated documents come last"
        elif second is not None:
            assert first >= second
        if first == second:
            assert scores[before.id] >= scores[after.id] - 1e-6


def test_recency_boosts_each_score_by_age(archive: tuple[Index, list[Document]]) -> None:
    index, documents = archive
    snapshot = index.snapshot()
    dated = [d.date for d in documents if d.date is not None]
    oldest, newest = min(dated), max(dated)
    scores = {h.id: h.score for h in snapshot.search(SearchRequest(_query(index), limit=1000)).hits}
    expected = {}
    for d in documents:
        if d.id in scores:
            age = (newest - (d.date or oldest)) / timedelta(days=30)
            expected[d.id] = scores[d.id] * 0.5 ** age
    hits = _all(snapshot, SearchRequest(_query(index), sort="recency", half_life_days=30, members=False))
    assert {h.id: h.score for h in hits} == pytest.approx(expected, rel=1e-4)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize("sort", ["relevance", "date", "recency"])
def test_collapsing_keeps_the_first_of_each_group(archive: tuple[Index, list[Document]], sort: str) -> None:
    index, _ = archive
    snapshot = index.snapshot()
    request = SearchRequest(_query(index), sort=sort, members=True)  # type: ignore[arg-type]
    everything = _all(snapshot, request)
    firsts: dict[str, str] = {}
    for hit in everything:
        firsts.setdefault(hit.group, hit.id)
    collapsed = _all(snapshot, SearchRequest(**{**request.__dict__, "collapse": True}))
    assert [h.id for h in collapsed] == list(firsts.values())
    assert snapshot.search(SearchRequest(**{**request.__dict__, "collapse": True})).total == len(everything)
    stories = len({hit.group or hit.id for hit in everything})
    assert stories == len(collapsed)
    for facets in (False, True):
        response = snapshot.search(SearchRequest(**{**request.__dict__, "collapse": True, "facets": facets}))
        assert response.groups == stories or (response.groups is None and not facets)
    assert snapshot.search(request).groups is None
    sizes = Counter(h.group for h in everything)
    for hit in collapsed:
        members = [m.id for m in hit.members]
        assert hit.id not in members and len(members) >= sizes[hit.group] - 1
        assert all(m.id for m in hit.members)


def test_facets_match_a_count_of_the_hits(archive: tuple[Index, list[Document]]) -> None:
    index, documents = archive
    snapshot = index.snapshot()
    by_id = {d.id: d for d in documents}
    window = Filters(first=date_value(datetime(2015, 3, 1)), last=date_value(datetime(2015, 12, 31, 23, 59)),
                     sources=("okaz",))
    response = snapshot.search(SearchRequest(_query(index), window, facets=True, limit=1000, members=False))
    assert response.facets is not None
    days = Counter(by_id[h.id].date.date().isoformat() for h in response.hits)  # type: ignore[union-attr]
    assert {k: v for k, v in response.facets.days.items() if v} == dict(days)
    assert all(by_id[h.id].source == "okaz" for h in response.hits)
    unfiltered = snapshot.search(SearchRequest(_query(index), Filters(first=window.first, last=window.last),
                                               limit=1000, members=False))
    sources = Counter(by_id[h.id].source or None for h in unfiltered.hits)
    assert {k: v for k, v in response.facets.sources.items() if v} == dict(sources)


# Phrases in the lead ---------------------------------------------------------------------------------------------

def _phrase_documents(seed: int) -> list[Document]:
    rng = random.Random(seed)
    return [Document(f"p{n}", " ".join(rng.choice(WORDS[:6]) for _ in range(rng.randint(3, 50))))
            for n in range(40)]


def test_phrases_match_where_their_words_follow_each_other_also_in_the_lead(tmp_path: Path,
                                                                             engine_name: str) -> None:
    documents = _phrase_documents(7)
    with Index.create(tmp_path / "ix", engine=engine_name) as index:
        with index.writer() as w:
            for document in documents:
                w.add(document)
        snapshot = index.snapshot()
        analyzed = {d.id: [t.term for t in index.analyzer.tokens(d.content) if not t.stopword] for d in documents}
        rng = random.Random(3)
        for _ in range(25):
            source = analyzed[rng.choice(documents).id]
            length = rng.randint(2, 4)
            start = rng.randint(0, max(0, min(len(source), 30) - length))
            words = tuple(source[start:start + length])
            if len(words) < 2:
                continue
            expected = {doc_id for doc_id, terms in analyzed.items()
                        if any(tuple(terms[i:i + len(words)]) == words for i in range(len(terms)))}
            assert matching(snapshot, Phrase("content", words)) == expected, words


def test_sloppy_phrases_match_words_in_order_within_the_slop(tmp_path: Path, engine_name: str) -> None:
    # lead weight 0: tantivy keeps the lead's copies as further values of the field, and a sloppy phrase may
    # match across the seam between two values (queries.py)
    documents = _phrase_documents(11)
    with Index.create(tmp_path / "ix", engine=engine_name, lead_weight=0) as index:
        with index.writer() as w:
            for document in documents:
                w.add(document)
        snapshot = index.snapshot()
        positions: dict[str, dict[str, list[int]]] = {}
        for d in documents:
            for token in index.analyzer.tokens(d.content):
                positions.setdefault(d.id, {}).setdefault(token.term, []).append(token.position)
        terms = sorted({t for found in positions.values() for t in found})
        rng = random.Random(5)
        for _ in range(20):
            first, second = rng.sample(terms, 2)
            for slop in (0, 1, 3):
                in_order, either_order = ({doc_id for doc_id, found in positions.items()
                                           if any(low <= q - p <= slop + 1 for p in found.get(first, ())
                                                  for q in found.get(second, ()))}
                                          for low in (1, -slop - 1))
                matched = matching(snapshot, Phrase("content", (first, second), slop=slop))
                assert in_order <= matched <= either_order, (first, second, slop)
                if slop == 0:
                    assert matched == in_order
