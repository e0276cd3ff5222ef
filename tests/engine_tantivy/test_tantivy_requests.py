"""The tantivy engine's answers to whole requests against brute force in Python on the same documents: matching
(terms, phrases in and out of the lead, ``+a -b``), filters, each order, collapsing with offset paging, facets,
members, and the term statistics and stored documents beside them.

The brute force takes tantivy's relevance scores of the unfiltered query (a filter must not change them) and
its relevance order for ties of equal scores (the engine's document order); everything else it computes from
the documents: which match, their dates, sources and groups."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from arsearch.analysis import Analyzer, AnalyzerSettings
from arsearch.documents import Document
from arsearch.engine import engine_kind
from arsearch.engine.candidates import sketch_bytes
from arsearch.engine.api import (DAY_MICROSECONDS, KEYWORD_FIELDS, LEAD_WORDS, AllOf, AndMaybe, AndNot, AnyOf, Filters,
                                 Layout, Phrase, Query, SearchRequest, SearchResponse, Snapshot, StoredDocument, Term,
                                 date_value, get_documents)

pytest.importorskip("arsearch.engine.tantivy", reason="the fast extra (tantivy) is not installed")

WORDS = ("وزارة", "الصحة", "تعلن", "حملة", "تطعيم", "الرياض", "جدة", "مكة", "مجلس", "الوزراء", "خادم", "الحرمين",
         "الشريفين", "ولي", "العهد", "نائب", "رئيس", "الملك", "سلمان", "مطر", "سيول", "طريق", "مدرسة", "طالب", "جامعة")
SOURCES = ("سبق", "Okaz, Sabq", "okaz", "", "Riyadh")
BASE = datetime(2021, 3, 1)
ANALYZER = Analyzer(AnalyzerSettings())
TERM = {word: ANALYZER.query_terms(word)[0] for word in WORDS}


@dataclass
class Model:
    """The live documents as written, and what the brute force needs of each."""

    documents: dict[str, StoredDocument]

    def terms(self, doc_id: str, field: str) -> list[str]:
        document = self.documents[doc_id].document
        return ANALYZER.index_terms(getattr(document, field))

    def matches(self, query: Query, doc_id: str) -> bool:
        stored = self.documents[doc_id]
        if isinstance(query, Term):
            if query.field in ("title", "content", "author"):
                return query.text in self.terms(doc_id, query.field)
            if query.field == "source":
                return query.text in _names(stored.document.source)
            if query.field == "group":
                return bool(stored.group) and query.text == stored.group
            if query.field in KEYWORD_FIELDS:
                return query.text in stored.keywords.get(query.field, ())
            return bool(query.field == "id" and query.text == doc_id)
        if isinstance(query, Phrase):
            terms, words = self.terms(doc_id, query.field), list(query.words)
            return any(terms[at:at + len(words)] == words for at in range(len(terms)))
        if isinstance(query, AnyOf):
            return any(self.matches(part, doc_id) for part in query.parts)
        if isinstance(query, AllOf):
            return all(self.matches(part, doc_id) for part in query.parts)
        if isinstance(query, AndMaybe):
            return self.matches(query.required, doc_id)
        assert isinstance(query, AndNot)
        return self.matches(query.positive, doc_id) and not self.matches(query.negative, doc_id)

    def date(self, doc_id: str) -> datetime | None:
        return self.documents[doc_id].document.date

    def group(self, doc_id: str) -> str:
        return self.documents[doc_id].group or f"\0{doc_id}"  # no label: a group of its own


def _names(source: str) -> list[str]:
    return list(dict.fromkeys(part.strip().lower() for part in source.split(",") if part.strip()))


def _document(rng: random.Random, number: int) -> StoredDocument:
    content = " ".join(rng.choices(WORDS, k=rng.randint(3, 70)))
    date = None if rng.random() < 0.12 else BASE + timedelta(days=rng.randint(0, 60), hours=rng.choice((0, 12)))
    document = Document(f"d{number:03d}", content, title=" ".join(rng.choices(WORDS, k=rng.randint(0, 4))),
                        source=rng.choice(SOURCES), date=date, url=f"https://example.com/{number}",
                        author=rng.choice(("", "محمد")))
    group = "" if rng.random() < 0.2 else f"g{rng.randint(0, 40)}"
    keywords = {"word_key": sorted({w[:2] for w in content.split()}), "spelling": content.split()[:3],
                "dup_key": [f"k{rng.randint(0, 12)}" for _ in range(4)]}
    return StoredDocument(document, group=group, sketch=sketch_bytes((number % 256, 7)), keywords=keywords)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Snapshot, Model]]:
    rng = random.Random(21)
    engine = engine_kind("tantivy").create(tmp_path_factory.mktemp("requests") / "ix",
                                           _layout())
    live: dict[str, StoredDocument] = {}
    number = 0
    for _ in range(3):  # three commits: three segments
        writer = engine.writer()
        for _ in range(110):
            stored = _document(rng, number)
            writer.add(stored)
            live[stored.document.id] = stored
            number += 1
        for doc_id in rng.sample(sorted(live), 6):  # deleted, some written again with other text
            if rng.random() < 0.5:
                writer.delete(doc_id)
                del live[doc_id]
            else:
                again = _document(rng, int(doc_id[1:]))
                writer.add(again)
                live[doc_id] = again
        writer.commit()
    yield engine.snapshot(), Model(live)
    engine.close()


def _layout() -> Layout:
    return Layout(AnalyzerSettings())


def words(*names: str) -> Query:
    """What the query compiler makes of words: each in the title (boosted) or the content, any of them."""
    parts = tuple(AnyOf((Term("title", TERM[w], 2.0), Term("content", TERM[w]))) for w in names)
    return parts[0] if len(parts) == 1 else AnyOf(parts)


QUERIES: dict[str, Query] = {
    "one word": words("الصحة"),
    "words": words("الصحة", "الرياض", "مطر"),
    "+a b": AndMaybe(words("الرياض"), words("مطر", "طالب")),
    "a -b": AndNot(words("الصحة", "جدة"), words("مكة")),
    "+a +b -c": AndNot(AllOf((words("وزارة"), words("تعلن"))), words("سيول")),
    "phrase": AnyOf((Phrase("title", (TERM["خادم"], TERM["الحرمين"]), 2.0),
                     Phrase("content", (TERM["خادم"], TERM["الحرمين"], TERM["الشريفين"])))),
    "source": AndNot(words("الصحة"), Term("source", "okaz")),
    "keyword": AllOf((Term("dup_key", "k3"), words("الرياض"))),
}


def everything(snapshot: Snapshot, query: Query) -> SearchResponse:
    return snapshot.search(SearchRequest(query, limit=10_000, members=False, content=False))


def brute(snapshot: Snapshot, model: Model, query: Query) -> tuple[dict[str, float], dict[str, int]]:
    """Scores of the unfiltered query and the rank of each match in the relevance order (ties: document
    order); checks that the matches are those brute force finds."""
    response = everything(snapshot, query)
    scores = {hit.id: hit.score for hit in response.hits}
    assert set(scores) == {doc_id for doc_id in model.documents if model.matches(query, doc_id)}
    assert response.total == len(scores)
    ordered = [hit.score for hit in response.hits]
    assert ordered == sorted(ordered, reverse=True)
    return scores, {hit.id: rank for rank, hit in enumerate(response.hits)}


def allowed(model: Model, filters: Filters, doc_id: str, *, sources: bool = True) -> bool:
    date = model.date(doc_id)
    if filters.has_dates:
        value = None if date is None else date_value(date)
        if value is None or (filters.first is not None and value < filters.first) \
                or (filters.last is not None and value > filters.last):
            return False
    names = _names(model.documents[doc_id].document.source)
    return not (sources and filters.sources is not None and not set(names) & set(filters.sources))


def expected_order(model: Model, scores: dict[str, float], rank: dict[str, int], ids: list[str], sort: str,
                   half_life: float, extremes: tuple[int, int] | None) -> list[tuple[str, float]]:
    if sort == "date":
        def by_date(doc_id: str) -> tuple[bool, int, float, int]:
            date = model.date(doc_id)
            return date is None, -date_value(date) if date else 0, -scores[doc_id], rank[doc_id]
        return [(doc_id, scores[doc_id]) for doc_id in sorted(ids, key=by_date)]
    if sort == "recency" and extremes is not None:
        oldest, newest = extremes
        per_microsecond = 1 / (half_life * DAY_MICROSECONDS)

        def boosted(doc_id: str) -> float:
            date = model.date(doc_id)
            value = oldest if date is None else date_value(date)
            factor: float = 0.5 ** ((newest - value) * per_microsecond)
            return scores[doc_id] * factor
        return sorted(((doc_id, boosted(doc_id)) for doc_id in ids), key=lambda hit: (-hit[1], rank[hit[0]]))
    return sorted(((doc_id, scores[doc_id]) for doc_id in ids), key=lambda hit: (-hit[1], rank[hit[0]]))


def extremes_of(model: Model) -> tuple[int, int] | None:
    dated = [date_value(d) for d in (model.date(i) for i in model.documents) if d is not None]
    return (min(dated), max(dated)) if dated else None


FILTERS = {
    "none": Filters(),
    "window": Filters(first=date_value(BASE + timedelta(days=10)),
                      last=date_value(BASE + timedelta(days=35, hours=12))),
    "since": Filters(first=date_value(BASE + timedelta(days=50))),
    "sources": Filters(sources=("okaz", "سبق")),
    "both": Filters(last=date_value(BASE + timedelta(days=30)), sources=("sabq",)),
    "unknown source": Filters(sources=("nowhere",)),
}


@pytest.mark.parametrize("query_name", sorted(QUERIES))
@pytest.mark.parametrize("filter_name", sorted(FILTERS))
@pytest.mark.parametrize("sort,half_life", [("relevance", 90.0), ("date", 90.0), ("recency", 90.0),
                                            ("recency", 0.4), ("recency", 4000.0)])
def test_each_order_with_each_filter_pages_as_brute_force(built: tuple[Snapshot, Model], query_name: str,
                                                         filter_name: str, sort: str, half_life: float) -> None:
    snapshot, model = built
    query, filters = QUERIES[query_name], FILTERS[filter_name]
    scores, rank = brute(snapshot, model, query)
    ids = [doc_id for doc_id in scores if allowed(model, filters, doc_id)]
    expected = expected_order(model, scores, rank, ids, sort, half_life, extremes_of(model))
    for offset, limit in ((0, 10), (0, 3), (7, 5), (len(expected) - 2, 10), (0, 1000)):
        response = snapshot.search(SearchRequest(query, filters=filters, sort=sort,  # type: ignore[arg-type]
                                                 half_life_days=half_life, offset=max(0, offset), limit=limit,
                                                 members=False))
        assert response.total == len(ids)
        assert [(hit.id, hit.score) for hit in response.hits] == expected[max(0, offset):max(0, offset) + limit]


@pytest.mark.parametrize("query_name", ["words", "+a b", "a -b", "one word"])
@pytest.mark.parametrize("sort", ["relevance", "date", "recency"])
@pytest.mark.parametrize("filter_name", ["none", "window", "sources"])
def test_collapsing_keeps_each_groups_first_hit_and_pages_by_groups(built: tuple[Snapshot, Model], query_name: str,
                                                                    sort: str, filter_name: str) -> None:
    snapshot, model = built
    query, filters = QUERIES[query_name], FILTERS[filter_name]
    scores, rank = brute(snapshot, model, query)
    ids = [doc_id for doc_id in scores if allowed(model, filters, doc_id)]
    ordered = expected_order(model, scores, rank, ids, sort, 30.0, extremes_of(model))
    seen: set[str] = set()
    collapsed = []
    for doc_id, score in ordered:
        if model.group(doc_id) not in seen:
            seen.add(model.group(doc_id))
            collapsed.append((doc_id, score))
    assert len(collapsed) < len(ordered)  # the data has copies to collapse
    for offset in range(0, len(collapsed) + 3, 4):
        response = snapshot.search(SearchRequest(query, filters=filters, sort=sort,  # type: ignore[arg-type]
                                                 half_life_days=30.0, collapse=True, offset=offset, limit=4))
        assert [(hit.id, hit.score) for hit in response.hits] == collapsed[offset:offset + 4]
        assert response.total == len(ids)  # copies included


@pytest.mark.parametrize("query_name", sorted(QUERIES))
@pytest.mark.parametrize("filter_name", sorted(FILTERS))
def test_facets_count_sources_without_their_filter_and_days_with_every_filter(
        built: tuple[Snapshot, Model], query_name: str, filter_name: str) -> None:
    snapshot, model = built
    query, filters = QUERIES[query_name], FILTERS[filter_name]
    matching = [doc_id for doc_id in model.documents if model.matches(query, doc_id)]
    sources: Counter[str | None] = Counter()
    for doc_id in matching:
        if allowed(model, filters, doc_id, sources=False):
            names: list[str | None] = [*_names(model.documents[doc_id].document.source)]
            sources.update(names or [None])
    days: Counter[str | None] = Counter()
    for doc_id in matching:
        if allowed(model, filters, doc_id):
            date = model.date(doc_id)
            days[None if date is None else date.date().isoformat()] += 1
    response = snapshot.search(SearchRequest(query, filters=filters, facets=True, limit=0))
    assert response.facets is not None
    assert response.facets.sources == dict(sources)
    assert response.facets.days == dict(days)
    assert response.hits == () and response.total == sum(days.values())


def test_members_are_the_groups_other_live_documents_oldest_first(built: tuple[Snapshot, Model]) -> None:
    snapshot, model = built
    for collapse in (False, True):
        response = snapshot.search(SearchRequest(words("الصحة", "الرياض"), limit=40, collapse=collapse))
        assert any(hit.members for hit in response.hits)
        for hit in response.hits:
            group = model.documents[hit.id].group
            assert hit.group == hit.fields["group"] == group
            others = [doc_id for doc_id, stored in model.documents.items()
                      if group and stored.group == group and doc_id != hit.id]
            expected = sorted(others, key=lambda i: (model.date(i) or datetime.max, i))
            assert [member.id for member in hit.members] == expected
            for member in hit.members:
                document = model.documents[member.id].document
                assert (member.source, member.date) == (document.source, document.date)
    quiet = snapshot.search(SearchRequest(words("الصحة"), limit=40, members=False))
    assert all(hit.members == () for hit in quiet.hits)


def test_filters_add_nothing_to_the_scores(built: tuple[Snapshot, Model]) -> None:
    snapshot, _ = built
    query = QUERIES["words"]
    plain = {hit.id: hit.score for hit in everything(snapshot, query).hits}
    for filters in FILTERS.values():
        found = snapshot.search(SearchRequest(query, filters=filters, limit=10_000, members=False)).hits
        assert all(hit.score == plain[hit.id] for hit in found)


def test_a_phrase_matches_in_the_lead_as_in_the_rest_of_the_text(tmp_path: Path) -> None:
    rng = random.Random(5)
    engine = engine_kind("tantivy").create(tmp_path / "ix", _layout())
    writer = engine.writer()
    texts: dict[str, list[str]] = {}
    for number in range(150):
        # few words, so that phrases of two to four words occur by chance, in the lead and after it
        chosen = rng.choices(WORDS[:5], k=rng.randint(2, LEAD_WORDS + 20))
        doc_id = f"p{number}"
        writer.add(StoredDocument(Document(doc_id, " ".join(chosen))))
        texts[doc_id] = ANALYZER.index_terms(" ".join(chosen))
    writer.commit()
    snapshot = engine.snapshot()
    phrases = {tuple(rng.choices([TERM[w] for w in WORDS[:5]], k=rng.randint(2, 4))) for _ in range(60)}
    phrases |= {(TERM[w],) * 2 for w in WORDS[:5]}  # a word twice: only where the text has it twice
    leading = 0
    for phrase in sorted(phrases):
        expected = {doc_id for doc_id, terms in texts.items()
                    if any(tuple(terms[at:at + len(phrase)]) == phrase for at in range(len(terms)))}
        leading += sum(1 for doc_id, terms in texts.items()
                       if len(phrase) >= 3 and tuple(terms[:len(phrase)]) == phrase)
        response = snapshot.search(SearchRequest(Phrase("content", phrase), limit=1000, members=False))
        assert {hit.id for hit in response.hits} == expected, phrase
    assert leading > 5  # phrases of three words and more that open a text were among them
    engine.close()


def test_a_lead_term_counts_one_more_time_per_lead_weight_and_phrases_stay_within_one_value() -> None:
    import json

    from arsearch.engine.tantivy.schema import DocumentEncoder

    text = ["كلمة"] + ["حشو"] * (LEAD_WORDS + 5) + ["كلمة"]
    record = json.loads(DocumentEncoder(_layout()).encode(StoredDocument(Document("a", " ".join(text)))))
    term, filler = ANALYZER.query_terms("كلمة")[0], ANALYZER.query_terms("حشو")[0]
    whole, *copies = record["content"]
    assert whole.split() == [term] + [filler] * (LEAD_WORDS + 5) + [term]
    assert copies == [" ".join([term] + [filler] * (LEAD_WORDS - 1))] * 4
    # the frequency the Whoosh engine gives: its count plus lead_weight times its count in the lead
    assert sum(value.split().count(term) for value in record["content"]) == 2 + 4 * 1


def test_get_gives_every_stored_field_and_the_sketch(built: tuple[Snapshot, Model]) -> None:
    snapshot, model = built
    for doc_id, stored in list(model.documents.items())[:40]:
        document = stored.document
        found = snapshot.get(doc_id)
        assert found is not None
        assert found == {"id": doc_id, "title": document.title, "content": document.content,
                         "author": document.author, "date": document.date, "source": document.source,
                         "url": document.url, "path": document.path, "fingerprint": document.fingerprint(),
                         "group": stored.group, "sketch": stored.sketch}
        assert snapshot.get(doc_id, content=False) == {**found, "content": ""}
    assert snapshot.get("d999") is None
    deleted = {f"d{n:03d}" for n in range(330)} - set(model.documents)
    assert deleted and all(snapshot.get(doc_id) is None for doc_id in deleted)


def test_hits_carry_the_stored_fields(built: tuple[Snapshot, Model]) -> None:
    snapshot, _ = built
    for content in (True, False):
        for hit in snapshot.search(SearchRequest(words("الصحة"), limit=5, content=content)).hits:
            found = snapshot.get(hit.id, content=content)
            assert found is not None
            del found["sketch"]
            assert hit.fields == found


def test_states_dates_and_counts(built: tuple[Snapshot, Model]) -> None:
    snapshot, model = built
    assert sorted(snapshot.states()) == sorted(
        (doc_id, stored.document.path, stored.document.fingerprint()) for doc_id, stored in model.documents.items())
    dates = [d for d in (model.date(i) for i in model.documents) if d is not None]
    assert snapshot.date_range() == (min(dates), max(dates))
    assert snapshot.doc_count() == len(model.documents)
    stats = snapshot.stats()
    assert stats.documents == len(model.documents) and stats.segments >= 1
    assert stats.deleted >= 0
    assert snapshot.count_terms() > len(WORDS)
    assert snapshot.is_current()


def test_term_statistics(built: tuple[Snapshot, Model]) -> None:
    snapshot, model = built
    for field in ("word_key", "spelling", "dup_key"):
        held: Counter[str] = Counter()
        for stored in model.documents.values():
            held.update(set(stored.keywords[field]))
        listed = dict(snapshot.terms(field))
        assert set(listed) == set(held)  # no deleted document here held a term no live one holds
        assert all(listed[term] >= count for term, count in held.items())  # deleted documents may count
        assert [term for term, _ in snapshot.terms(field)] == sorted(held)
        prefix = sorted(held)[1][:1]
        assert snapshot.terms(field, prefix, 3) == [(t, listed[t]) for t in sorted(held) if t.startswith(prefix)][:3]
        term = sorted(held)[0]
        assert snapshot.has_term(field, term) and snapshot.doc_frequency(field, term) >= held[term]
        assert not snapshot.has_term(field, "nothing-like-it")
    assert snapshot.doc_frequency("source", "okaz") >= sum(
        1 for stored in model.documents.values() if "okaz" in _names(stored.document.source))
    assert [name for name, _ in snapshot.terms("source")] == sorted(
        {name for stored in model.documents.values() for name in _names(stored.document.source)})
    assert snapshot.terms("no_such_field") == [] and snapshot.doc_frequency("no_such_field", "x") == 0


@pytest.mark.parametrize("at_least,limit", [(1, 5), (2, 10), (3, 1000), (1, 1000), (4, 3), (2, 3), (3, 2), (1, 150)])
def test_sharing_counts_the_terms_each_document_holds(built: tuple[Snapshot, Model], at_least: int,
                                                      limit: int) -> None:
    """Ties at the last count by id, whether many documents are tied (ordered by the id column) or few (loaded);
    then the stored fields of what it found are the documents' (read from what sharing loaded, where the id has
    one document; several here when a document was written again)."""
    snapshot, model = built
    texts = ["k1", "k2", "k3", "k5", "k3"]
    wanted = set(texts)
    counts = {doc_id: len(wanted & set(stored.keywords["dup_key"])) for doc_id, stored in model.documents.items()}
    expected = sorted(((doc_id, n) for doc_id, n in counts.items() if n >= at_least),
                      key=lambda hit: (-hit[1], hit[0]))[:limit]
    assert snapshot.sharing("dup_key", texts, at_least=at_least, limit=limit) == expected
    ids = [doc_id for doc_id, _ in expected]
    for doc_id, found in zip(ids, get_documents(snapshot, ids, content=False)):
        stored = model.documents[doc_id]
        assert found is not None
        assert (found["id"], found["title"], found["content"], found["group"], found["sketch"]) == (
            doc_id, stored.document.title, "", stored.group, stored.sketch)


def test_keyword_and_group_fields_are_queried_by_term(built: tuple[Snapshot, Model]) -> None:
    snapshot, model = built
    for query in (Term("word_key", "وز"), Term("spelling", "الصحة"),
                  Term("group", "g3"), Term("id", "d005"), AnyOf((Term("dup_key", "k0"), Term("source", "riyadh")))):
        found = {hit.id for hit in everything(snapshot, query).hits}
        assert found == {doc_id for doc_id in model.documents if model.matches(query, doc_id)}, query


def test_newest_first_orders_many_documents_of_one_date_by_score(tmp_path: Path) -> None:
    """More documents share the page's last date than the page asks for: the best of them by score fill it."""
    rng = random.Random(8)
    engine = engine_kind("tantivy").create(tmp_path / "ix", _layout())
    writer = engine.writer()
    same = BASE + timedelta(days=3)
    dates: dict[str, datetime | None] = {}
    for number in range(120):
        date = same if number % 3 else rng.choice((None, BASE, BASE + timedelta(days=5)))
        doc_id = f"m{number:03d}"
        writer.add(StoredDocument(Document(doc_id, " ".join(rng.choices(WORDS[:6], k=rng.randint(3, 40))),
                                           date=date)))
        dates[doc_id] = date
    writer.commit()
    snapshot = engine.snapshot()
    query = words("الصحة", "تعلن")
    response = everything(snapshot, query)
    rank = {hit.id: n for n, hit in enumerate(response.hits)}
    scores = {hit.id: hit.score for hit in response.hits}

    def key(doc_id: str) -> tuple[bool, int, float, int]:
        date = dates[doc_id]
        return date is None, -date_value(date) if date else 0, -scores[doc_id], rank[doc_id]
    expected = [(doc_id, scores[doc_id]) for doc_id in sorted(scores, key=key)]
    for offset, limit in ((0, 3), (0, 10), (5, 7), (50, 30), (len(expected) - 4, 10)):
        found = snapshot.search(SearchRequest(query, sort="date", offset=offset, limit=limit, members=False)).hits
        assert [(hit.id, hit.score) for hit in found] == expected[offset:offset + limit]
    engine.close()


@pytest.mark.parametrize("days", [3 * 365, 60])
def test_recency_over_a_long_archive_equals_its_definition(tmp_path: Path, days: int) -> None:
    """Many matches over years (or crowded in two months), of close scores: the hits come from several date
    bands, a band may hold more matches than first asked for, and the bands that cannot hold a hit are skipped;
    every page equals the boosted scores sorted."""
    rng = random.Random(13)
    engine = engine_kind("tantivy").create(tmp_path / "ix", _layout())
    dates: dict[str, datetime | None] = {}
    for commit in range(2):
        writer = engine.writer()
        for number in range(commit * 700, commit * 700 + 700):
            date = None if rng.random() < 0.05 else BASE + timedelta(minutes=rng.randint(0, days * 1440))
            doc_id = f"r{number:04d}"
            text = " ".join(rng.choices(WORDS[:3], k=rng.randint(1, 6)) + rng.choices(WORDS[3:], k=rng.randint(5, 60)))
            writer.add(StoredDocument(Document(doc_id, text, date=date)))
            dates[doc_id] = date
        writer.commit()
    snapshot = engine.snapshot()
    dated = [date_value(d) for d in dates.values() if d is not None]
    model = Model({doc_id: StoredDocument(Document(doc_id, "", date=date)) for doc_id, date in dates.items()})
    for query in (words("الصحة"), words("الصحة", "وزارة"), AndNot(words("تعلن"), words("مطر"))):
        response = everything(snapshot, query)
        scores = {hit.id: hit.score for hit in response.hits}
        rank = {hit.id: n for n, hit in enumerate(response.hits)}
        for half_life in (0.5, 3.0, 30.0, 200.0):
            expected = expected_order(model, scores, rank, list(scores), "recency", half_life,
                                      (min(dated), max(dated)))
            for offset, limit in ((0, 1), (1, 1), (0, 2), (0, 10), (3, 20), (40, 10)):
                found = snapshot.search(SearchRequest(query, sort="recency", half_life_days=half_life,
                                                      offset=offset, limit=limit, members=False)).hits
                assert [(hit.id, hit.score) for hit in found] == expected[offset:offset + limit]
    engine.close()


def test_a_document_sharing_found_is_read_as_get_reads_it_when_its_id_has_several(tmp_path: Path) -> None:
    """Two live documents of one id (written without replacing): after sharing found one of them, get gives the
    document a get before any sharing gave."""
    engine = engine_kind("tantivy").create(tmp_path / "ix", _layout())
    writer = engine.writer()
    for number, keys in enumerate((["a", "b"], ["a", "b", "c"], ["c"])):
        document = Document("same" if number < 2 else "other", f"نص {number}", title=f"t{number}")
        stored = StoredDocument(document, group=f"g{number}", sketch=sketch_bytes((number,)), keywords={"dup_key": keys})
        writer.add(stored, replace=False)
    writer.commit()
    before = engine_kind("tantivy").open(tmp_path / "ix", _layout()).snapshot().get("same")
    snapshot = engine.snapshot()
    for keys in (["c"], ["a", "b"], ["a", "b", "c"]):
        found = [doc_id for doc_id, _ in snapshot.sharing("dup_key", keys, at_least=1, limit=5)]
        assert "same" in found
        assert snapshot.get("same") == before
    engine.close()
