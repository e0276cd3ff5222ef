"""The speed-ups take other routes to the same result: same terms, same postings, same hits."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import whoosh.index
from whoosh.fields import TEXT

from helpers import NEWS_RECORDS

from arsearch.analysis import Analyzer, AnalyzerSettings
from arsearch.engine.api import Layout
from arsearch.engine.whoosh import schema as schema_module
from arsearch.engine.whoosh.writing import FastSegmentWriter

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
              copies: int = 1, limitmb: int = 128) -> list[object]:
    original = schema_module.ArabicText
    schema_module.ArabicText = text_field  # type: ignore[misc]
    try:
        schema = schema_module.build_schema(Layout(AnalyzerSettings()))
    finally:
        schema_module.ArabicText = original  # type: ignore[misc]
    path.mkdir()
    ix = whoosh.index.create_in(str(path), schema)
    with (writer(ix, limitmb=limitmb) if writer else ix.writer()) as w:
        for copy in range(copies):
            for n, text in enumerate(TEXTS):
                w.add_document(id=f"{copy}-{n}", title=text[:40] * (copy % 3), content=text * (1 + copy % 5),
                               author=text[-20:], source="spa" if n % 2 else "okaz")
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
        for field in ("id", "source"):
            out.append([(t, reader.doc_frequency(field, t)) for t in reader.lexicon(field)])
        out.append(list(reader.all_stored_fields()))
    return out


@pytest.mark.parametrize("limitmb", [128, 1])  # 1 MB: postings move to Whoosh's pool part way through
def test_fast_segment_writer_writes_what_whoosh_writes(tmp_path: Path, limitmb: int) -> None:
    # 30 copies: common terms get more than one 128-posting block.
    fast = _postings(tmp_path / "fast", writer=FastSegmentWriter, copies=30, limitmb=limitmb)
    assert fast == _postings(tmp_path / "stock", writer=None, copies=30)


def test_arabic_text_field_writes_the_postings_of_a_plain_text_field(tmp_path: Path) -> None:
    assert _postings(tmp_path / "fast") == _postings(tmp_path / "plain", TEXT)


def test_worker_processes_index_what_one_process_indexes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from arsearch.ingest import run as ingest
    from arsearch.index import Index
    from arsearch.search import search

    monkeypatch.setattr(ingest, "MIN_DOCS_PER_PROCESS", 1)
    folder = tmp_path / "docs"
    folder.mkdir()
    records = [dict(r, id=f"{r['id']}-{n}", url=f"{r['url']}-{n}") for n in range(6) for r in NEWS_RECORDS]
    (folder / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    results = {}
    for procs in (1, 2):
        index = Index.create(tmp_path / f"ix{procs}")
        report = ingest.index_paths(index, [folder], procs=procs, batch_size=25)
        assert report.added == len(records)
        (folder / "a.jsonl").touch()  # rerun: every document found unchanged, none written twice
        assert ingest.index_paths(index, [folder], procs=procs, batch_size=25).unchanged == len(records)
        assert index.document_count() == len(records)
        hits = search(index, "وزارة الصحة المملكة", limit=100, collapse=False)
        results[procs] = (hits.total, sorted((h.id, round(h.score, 9)) for h in hits.hits))
        index.close()
    assert results[1][0] == results[2][0] == len(records)
    assert {i for i, _ in results[1][1]} == {i for i, _ in results[2][1]}


@pytest.mark.parametrize("text", TEXTS)
def test_matches_are_iter_terms_filtered(text: str) -> None:
    analyzer = Analyzer()
    terms = {term for term, *_ in analyzer.iter_terms(text)}
    for chosen in (terms, set(list(terms)[::2]), set()):
        expected = [(start, end, term) for term, _stop, start, end, _pos in analyzer.iter_terms(text)
                    if term in chosen]
        assert analyzer.matches(text, chosen) == expected


@pytest.fixture(scope="module")
def news_index(tmp_path_factory: pytest.TempPathFactory):
    from arsearch.index import Index

    index = Index.create(tmp_path_factory.mktemp("scoring") / "ix")
    records = [dict(r, id=f"{r['id']}-{n}", title=r["title"] if n % 2 else "", date=None) for n in range(3)
               for r in NEWS_RECORDS]
    index.add(records[:10])  # two segments
    index.add(records[10:])
    index.delete([records[3]["id"]])
    yield index
    index.close()


@pytest.mark.parametrize("query", ["المملكة", "جدة", "الصحة", "وزارة", "مستشفى", '"وزارة الصحة"', "«مستشفى جديد»"])
def test_one_word_queries_score_exactly_as_whoosh(news_index, query: str) -> None:
    from arsearch.search import search

    fast = search(news_index, query, limit=50, collapse=False)
    whoosh = search(news_index, query, limit=50, engine="whoosh", collapse=False)
    assert [(h.id, h.score) for h in fast.hits] == [(h.id, h.score) for h in whoosh.hits]
    assert fast.total == whoosh.total


@pytest.mark.parametrize("coord", [None, 0.5], ids=["default", "coord"])
@pytest.mark.parametrize("query", ["وزارة الصحة في المملكة", "أمطار جدة", "مستشفى جديد الرياض", "كلمةغائبة جدة"])
def test_word_queries_score_bm25f_with_coordination(news_index, query: str, coord: float | None) -> None:
    """Every hit's score recomputed with Whoosh's own scorer objects, term by term, and CoordMatcher's formula."""
    from whoosh.scoring import BM25F

    from arsearch.engine.whoosh.queries import to_whoosh
    from arsearch.search import Ranking, search
    from arsearch.search.compiler import QueryCompiler

    R = Ranking(coord=coord)
    results = search(news_index, query, limit=100, ranking=R, collapse=False)
    compiled = to_whoosh(QueryCompiler(news_index.analyzer, R).compile(query)[0])
    leaves = [t for sub in compiled.subqueries for t in sub.subqueries]
    searcher = news_index.snapshot().searcher
    weighting = BM25F(B=R.b, K1=R.k1)
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
            if R.coord is None:  # the default: BM25F alone
                expected[doc_id] = total
            else:  # Whoosh's CoordMatcher (SQR)
                expected[doc_id] = (total + (matching - 1) / (n - R.coord) ** 2) * (n - 1) / n
    assert results.total == len(expected)
    assert {h.id: pytest.approx(h.score, rel=1e-12) for h in results.hits} == expected
    assert [h.score for h in results.hits] == pytest.approx(sorted(expected.values(), reverse=True), rel=1e-12)


@pytest.mark.parametrize("query", ['حملة "وزارة الصحة" المملكة', "يعرض150 جدة", "«أمطار غزيرة» جدة"])
def test_phrases_among_words_count_and_rank_as_whoosh(news_index, query: str) -> None:
    from arsearch.engine.api import SCORED_FIELDS
    from arsearch.search import search
    from arsearch.search.compiler import QueryCompiler
    from arsearch.search.plan import bag_of_terms

    assert bag_of_terms(QueryCompiler(news_index.analyzer).compile(query)[0], SCORED_FIELDS) is not None
    fast = search(news_index, query, limit=100, collapse=False)
    whoosh = search(news_index, query, limit=100, engine="whoosh", collapse=False)
    assert fast.total == whoosh.total
    assert fast.hits[:1] and [h.id for h in fast.hits[:1]] == [h.id for h in whoosh.hits[:1]]
    assert {h.id for h in fast.hits} == {h.id for h in whoosh.hits}
