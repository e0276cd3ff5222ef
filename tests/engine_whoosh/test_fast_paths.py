"""The speed-ups take other routes to the same result: same terms, same postings, same hits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import whoosh.index
from whoosh.fields import TEXT

from helpers import NEWS_RECORDS
from news_queries import phrase, words

from arsearch.analysis import Analyzer, AnalyzerSettings
from arsearch.documents import Document
from arsearch.engine.candidates import sketch_bytes
from arsearch.engine.api import (DEFAULT_LEAD_WEIGHT, KEYWORD_FIELDS, SCORED_FIELDS, AnyOf, Engine, Layout, Query,
                                 SearchRequest, SearchResponse, StoredDocument)
from arsearch.engine.whoosh import schema as schema_module
from arsearch.engine.whoosh.plan import bag_of_terms
from arsearch.engine.whoosh.queries import to_whoosh
from arsearch.engine.whoosh.writing import INLINE_LIMIT, FastSegmentWriter

TEXTS = [
    *(r["content"] for r in NEWS_RECORDS),
    *(r["title"] for r in NEWS_RECORDS),
    "ﷺ صلى الله عليه وسلم ﷺ",          # a word ligature: one surface, several terms
    "مَبْنًى، الـمـسـؤولون ١٢٣ و 4.5 abc",  # harakat, tatweel, digits, Latin
    "؟؟ ... !!",                          # no word at all
    "",
]


@pytest.mark.parametrize("stemmer", ["light", "none"])
@pytest.mark.parametrize("text", TEXTS)
def test_term_positions_match_iter_terms(text: str, stemmer: str) -> None:
    analyzer = Analyzer(AnalyzerSettings(stemmer=stemmer))  # type: ignore[arg-type]
    expected: dict[str, list[int]] = defaultdict(list)
    for term, _stop, _start, _end, position in analyzer.iter_terms(text):
        expected[term].append(position)
    assert analyzer.term_positions(text) == dict(expected)
    assert analyzer.term_positions(text) == dict(expected)  # again, from the cache


def _postings(path: Path, text_field: type = schema_module.ArabicText, writer: type | None = None,
              copies: int = 1, limitmb: int = 128, lead_weight: float = 0.0) -> list[object]:
    original = schema_module.ArabicText
    schema_module.ArabicText = text_field  # type: ignore[misc]
    try:
        schema = schema_module.build_schema(Layout(AnalyzerSettings(), lead_weight=lead_weight))
    finally:
        schema_module.ArabicText = original  # type: ignore[misc]
    path.mkdir()
    ix = whoosh.index.create_in(str(path), schema)
    with (writer(ix, limitmb=limitmb) if writer else ix.writer()) as w:
        for copy in range(copies):
            for n, text in enumerate(TEXTS):
                keywords = {"word_key": [f"w{n}", "a, b", "x\ud800y"], "dup_key": [f"k{copy % 7}", f"k{n}"]} if n % 3 else {}
                w.add_document(id=f"{copy}-{n}", title=text[:40] * (copy % 3), content=text * (1 + copy % 5),
                               author=text[-20:], source="spa" if n % 2 else "okaz", group=f"g{n}",
                               sketch=sketch_bytes((copy % 256, n)), **keywords)
    out: list[object] = []
    with ix.searcher() as s:
        reader = s.reader()
        for field in ("title", "content", "author"):
            for term in reader.lexicon(field):
                info = reader.term_info(field, term)
                out.append((field, term, info.weight(), info.doc_frequency(), info.min_length(),
                            info.max_length(), info.max_weight(), info.min_id(), info.max_id()))
                m = reader.postings(field, term)
                while m.is_active():
                    out.append((m.id(), m.weight(), m.value(), m.block_min_length(), m.block_max_length(),
                                m.block_max_weight()))
                    m.next()
            out.append([reader.doc_field_length(d, field) for d in range(reader.doc_count_all())])
            out.append(reader.field_length(field))
        for field in ("id", "source", "group", "date", *KEYWORD_FIELDS):
            out.append([(t, _term_info(reader.term_info(field, t)), list(reader.postings(field, t).all_ids()),
                         list(reader.postings(field, t).all_items()))
                        for t in reader.lexicon(field)])
        out.append(list(reader.all_stored_fields()))
        out.append(list(reader.column_reader("sketch")))
    return out


def _term_info(info: object) -> tuple[object, ...]:
    return tuple(getattr(info, name)() for name in ("weight", "doc_frequency", "min_length", "max_length",
                                                     "max_weight", "min_id", "max_id"))


@pytest.mark.parametrize("limitmb", [128, 1])  # 1 MB: postings move to Whoosh's pool part way through
def test_fast_segment_writer_writes_what_whoosh_writes(tmp_path: Path, limitmb: int) -> None:
    # 30 copies: common terms get more than one 128-posting block.
    fast = _postings(tmp_path / "fast", writer=FastSegmentWriter, copies=30, limitmb=limitmb,
                     lead_weight=DEFAULT_LEAD_WEIGHT)
    assert fast == _postings(tmp_path / "stock", writer=None, copies=30, lead_weight=DEFAULT_LEAD_WEIGHT)


def test_short_posting_lists_of_exact_values_are_inlined(tmp_path: Path) -> None:
    ix = whoosh.index.create_in(str(tmp_path), schema_module.build_schema(Layout(AnalyzerSettings())))
    with FastSegmentWriter(ix) as w:
        for n in range(INLINE_LIMIT + 1):
            w.add_document(id=f"d{n}", content="نص", dup_key=[f"k{n}", "shared"])
    with ix.searcher() as s:
        reader = s.reader()
        assert reader.term_info("dup_key", "k0").is_inlined() and reader.term_info("id", "d0").is_inlined()
        assert not reader.term_info("dup_key", "shared").is_inlined()  # held by more than INLINE_LIMIT documents
        assert list(reader.postings("dup_key", "shared").all_ids()) == list(range(INLINE_LIMIT + 1))


def test_a_boosted_document_goes_to_whooshs_pool_with_what_came_before(tmp_path: Path) -> None:
    ix = whoosh.index.create_in(str(tmp_path), schema_module.build_schema(Layout(AnalyzerSettings())))
    with FastSegmentWriter(ix) as w:
        w.add_document(id="a", content="نص", dup_key=["k", "a"])
        w.add_document(id="b", content="نص", dup_key=["k", "b"], _boost=2.0)
        w.add_document(id="c", content="نص", dup_key=["k"])
    with ix.searcher() as s:
        reader = s.reader()
        assert list(reader.postings("dup_key", "k").all_ids()) == [0, 1, 2]
        assert [t.decode() for t in reader.lexicon("dup_key")] == ["a", "b", "k"]


def test_arabic_text_field_writes_the_postings_of_a_plain_text_field(tmp_path: Path) -> None:
    assert _postings(tmp_path / "fast") == _postings(tmp_path / "plain", TEXT)


def test_worker_processes_index_what_one_process_indexes(new_engine, commit) -> None:  # type: ignore[no-untyped-def]
    documents = [StoredDocument(Document(**dict(r, id=f"{r['id']}-{n}", url=f"{r['url']}-{n}")),  # type: ignore[arg-type]
                                group=f"{r['id']}-0", keywords={"dup_key": [f"k{n}"]})
                 for n in range(60) for r in NEWS_RECORDS]
    query = words("وزارة", "الصحة", "المملكة")
    results = {}
    for procs in (1, 2):
        engine = new_engine(f"ix{procs}")
        commit(engine, documents, procs=procs)
        snapshot = engine.snapshot()
        assert sorted(snapshot.states()) == sorted((d.document.id, "", d.document.fingerprint()) for d in documents)
        found = snapshot.search(SearchRequest(query, limit=1000))
        results[procs] = (found.total, sorted((h.id, round(h.score, 9), h.group, len(h.members)) for h in found.hits),
                          snapshot.terms("dup_key"))
    assert results[1] == results[2] and results[1][0] == len(documents)


@pytest.mark.parametrize("text", TEXTS)
def test_matches_are_iter_terms_filtered(text: str) -> None:
    analyzer = Analyzer()
    terms = {term for term, *_ in analyzer.iter_terms(text)}
    for chosen in (terms, set(list(terms)[::2]), set()):
        expected = [(start, end, term) for term, _stop, start, end, _pos in analyzer.iter_terms(text)
                    if term in chosen]
        assert analyzer.matches(text, chosen) == expected


@pytest.fixture(scope="module")
def news_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from arsearch.engine import engine_kind

    path = tmp_path_factory.mktemp("scoring") / "ix"
    path.mkdir()
    engine = engine_kind("whoosh").create(path, Layout(AnalyzerSettings()))
    records = [Document(**dict(r, id=f"{r['id']}-{n}", title=r["title"] if n % 2 else "", date=None))  # type: ignore[arg-type]
               for n in range(3) for r in NEWS_RECORDS]
    for part, deleted in ((records[:10], []), (records[10:], [records[3].id])):  # two segments, a deletion
        writer = engine.writer(durable=False)
        for document in part:
            writer.add(StoredDocument(document))
        for doc_id in deleted:
            writer.delete(doc_id)
        writer.commit()
    yield engine
    engine.close()


def ranked(engine: Engine, query: Query, **options: object) -> SearchResponse:
    return engine.snapshot().search(SearchRequest(query, limit=100, **options))  # type: ignore[arg-type]


ONE_WORD = [words("المملكة"), words("جدة"), words("الصحة"), words("وزارة"), words("مستشفى"),
            phrase("وزارة الصحة"), phrase("مستشفى جديد")]


@pytest.mark.parametrize("query", ONE_WORD, ids=range(len(ONE_WORD)))
def test_one_word_queries_score_exactly_as_whoosh(news_engine: Engine, query: Query) -> None:
    fast = ranked(news_engine, query)
    whoosh = ranked(news_engine, query, scoring="matchers")
    assert [(h.id, h.score) for h in fast.hits] == [(h.id, h.score) for h in whoosh.hits]
    assert fast.total == whoosh.total > 0


@pytest.mark.parametrize("coord", [None, 0.5], ids=["default", "coord"])
@pytest.mark.parametrize("text", ["وزارة الصحة في المملكة", "أمطار جدة", "مستشفى جديد الرياض", "كلمةغائبة جدة"])
def test_word_queries_score_bm25f_with_coordination(news_engine: Engine, text: str, coord: float | None) -> None:
    """Every hit's score recomputed with Whoosh's own scorer objects, term by term, and CoordMatcher's formula."""
    from whoosh.scoring import BM25F

    query = words(*text.split(), coord=coord)
    results = ranked(news_engine, query)
    compiled = to_whoosh(query)
    leaves = [t for sub in compiled.subqueries for t in sub.subqueries]
    searcher = news_engine.snapshot().searcher  # type: ignore[attr-defined]
    weighting = BM25F(B=0.75, K1=1.2)
    present = [t for t in leaves if (t.fieldname, t.text) in searcher.reader()]
    expected = {}
    for docnum in searcher.reader().all_doc_ids():
        total, matching = 0.0, 0
        for t in present:
            m = searcher.postings(t.fieldname, t.text)
            if m.is_active():
                m.skip_to(docnum)
            if m.is_active() and m.id() == docnum:
                scorer = weighting.scorer(searcher, t.fieldname, t.text)
                total += scorer.score(m) * t.boost
                matching += 1
        if matching:
            n = len(present)
            doc_id = searcher.stored_fields(docnum)["id"]
            if coord is None:  # the default: BM25F alone
                expected[doc_id] = total
            else:  # Whoosh's CoordMatcher (SQR)
                expected[doc_id] = (total + (matching - 1) / (n - coord) ** 2) * (n - 1) / n
    assert results.total == len(expected)
    assert {h.id: pytest.approx(h.score, rel=1e-12) for h in results.hits} == expected
    assert [h.score for h in results.hits] == pytest.approx(sorted(expected.values(), reverse=True), rel=1e-12)


PHRASES_AMONG_WORDS = [
    AnyOf((words("حملة"), phrase("وزارة الصحة"), words("المملكة"))),  # حملة "وزارة الصحة" المملكة
    words("يعرض150", "جدة"),  # a word of two terms: their phrase
    AnyOf((phrase("أمطار غزيرة"), words("جدة"))),  # «أمطار غزيرة» جدة
]


@pytest.mark.parametrize("query", PHRASES_AMONG_WORDS, ids=range(len(PHRASES_AMONG_WORDS)))
def test_phrases_among_words_count_and_rank_as_whoosh(news_engine: Engine, query: Query) -> None:
    assert bag_of_terms(query, SCORED_FIELDS) is not None
    fast = ranked(news_engine, query)
    whoosh = ranked(news_engine, query, scoring="matchers")
    assert fast.total == whoosh.total
    assert fast.hits[:1] and [h.id for h in fast.hits[:1]] == [h.id for h in whoosh.hits[:1]]
    assert {h.id for h in fast.hits} == {h.id for h in whoosh.hits}
