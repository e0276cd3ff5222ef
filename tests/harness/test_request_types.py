"""The request types of the scale benchmark (``benchmarks/request_types.py``) on a tiny synthetic archive: the
runner on arsearch's Whoosh engine and the tantivy peer, and the peer's filters, order and facets against counts
made by hand."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from benchmarks import request_types, scale, synthetic
from benchmarks.evaluation.engines import snowball_analyzer
from benchmarks.evaluation.sample import plain_query
from benchmarks.request_types import REQUESTS, Answer, Workload

pytest.importorskip("tantivy")

from benchmarks import tantivy_peer

ARCHIVE_SIZE = 300
PER_DAY = 50  # six days
TOPICS = [
    ("وزير الصحة يفتتح مستشفى جديدا", "sabq", "افتتح وزير الصحة مستشفى جديدا في الرياض اليوم. يضم المستشفى مئتي سرير "
     "للمرضى. وقال الوزير إن المستشفى يخدم سكان المنطقة كلها."),
    ("أمطار غزيرة على مكة المكرمة", "sabq", "هطلت أمطار غزيرة على مكة المكرمة مساء أمس. حذر الدفاع المدني من السيول "
     "في الأودية. وأغلقت المدارس أبوابها بسبب الأمطار."),
    ("الهلال يفوز على النصر في الدوري", "okaz", "فاز فريق الهلال على النصر بهدفين في مباراة الدوري. سجل المهاجم "
     "الهدف الأول في الشوط الثاني. واحتفل الجمهور بالفوز في الملعب."),
    ("ارتفاع أسعار النفط في الأسواق", "okaz", "ارتفعت أسعار النفط في الأسواق العالمية اليوم. بلغ سعر البرميل سبعين "
     "دولارا للمرة الأولى. ويتوقع المحللون استمرار الارتفاع خلال الشهر."),
    ("جامعة الملك سعود تستقبل الطلاب", "alriyadh", "استقبلت جامعة الملك سعود الطلاب الجدد هذا الأسبوع. بلغ عدد "
     "المقبولين عشرة آلاف طالب. وقدمت الجامعة برامج تعريفية للطلاب."),
    ("مهرجان الجنادرية يفتح أبوابه للزوار", "sabq", "فتح مهرجان الجنادرية أبوابه للزوار بعد حفل الافتتاح. يضم "
     "المهرجان أجنحة للتراث والثقافة الشعبية. ويستمر المهرجان أسبوعين كاملين."),
]


def _corpus(folder: Path) -> Path:
    records = [{"url": f"u{n}", "title": title, "source": source, "date_extracted": "2015-07-21 10:00:00",
                "content": content} for n, (title, source, content) in enumerate(TOPICS)]
    folder.mkdir()
    with zipfile.ZipFile(folder / "2015-07-21.zip", "w") as z:
        z.writestr("2015-07-21.json", json.dumps(records, ensure_ascii=False))
    return folder


def _records(docs: Path) -> list[dict]:
    return [json.loads(line) for f in sorted(docs.glob("*.jsonl"))
            for line in f.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A 300-article archive over six days, indexed by arsearch's Whoosh engine and by the tantivy peer."""
    from arsearch import Index, index_paths

    root = tmp_path_factory.mktemp("requests")
    material = synthetic.load_material(_corpus(root / "corpus"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(synthetic, "ARTICLES_PER_DAY", PER_DAY)
        docs = synthetic.write_archive(material, root / "archive", ARCHIVE_SIZE)
        first, last = synthetic.date_range(ARCHIVE_SIZE)
    ix = Index.create(root / "arsearch-whoosh", engine="whoosh")
    try:
        index_paths(ix, [docs], durable=False)
    finally:
        ix.close()
    tantivy_peer.index(str(root / "tantivy-snowball"), str(docs))
    queries = [plain_query(title) for title, _, _ in TOPICS] * 4  # 20 checked while warming up, 4 measured
    work = request_types.workload(queries, first, last, synthetic.source_counts(root / "archive"))
    return {"root": root, "docs": docs, "workload": work, "first": first, "last": last}


def test_the_archive_spans_six_days_and_counts_its_sources(archive: dict) -> None:
    records = _records(archive["docs"])
    assert (archive["first"], archive["last"]) == (date(2012, 1, 1), date(2012, 1, 6))
    assert {r["date_extracted"][:10] for r in records} == {f"2012-01-0{d}" for d in range(1, 7)}
    counts = Counter(r["source"] for r in records)
    assert synthetic.source_counts(archive["root"] / "archive") == counts
    (archive["root"] / "archive" / synthetic.SOURCE_COUNTS).unlink()  # an archive written before the counts were
    assert synthetic.source_counts(archive["root"] / "archive") == counts
    assert archive["workload"].sources == request_types.largest_sources(counts) == ("sabq", "okaz")


def test_the_runner_measures_every_request_type_on_both_sides_and_finds_no_problem(archive: dict) -> None:
    root = archive["root"]
    systems = {name: root / name for name in ("arsearch-whoosh", "tantivy-snowball")}
    latency, found = scale.query_latency(systems, archive["workload"])
    assert found == {"arsearch-whoosh": [], "tantivy-snowball": []}
    for name in systems:
        keys = {f"p{q}_{scale.latency_key(mode)}_ms" for mode in ("ids", *REQUESTS) for q in (50, 95)}
        assert set(latency[name]) == keys
        assert all(value > 0 for value in latency[name].values())
    rows = [{"system": name, "documents": ARCHIVE_SIZE, **latency[name], "problems": 0} for name in systems]
    table = "\n".join(scale.request_table(rows))
    assert "| 300 | arsearch-whoosh |" in table and table.count("×)") == len(REQUESTS)


def test_every_request_type_finds_documents_on_both_sides(archive: dict) -> None:
    from arsearch import Index

    work: Workload = archive["workload"]
    assert work.plus_minus[0].startswith("+وزير ") and " -" in work.plus_minus[0]
    ix = Index.open(archive["root"] / "arsearch-whoosh")
    try:
        sides = {"arsearch": request_types.arsearch_requests(ix, work),
                 "peer": request_types.peer_requests(tantivy_peer.Searcher(archive["root"] / "tantivy-snowball"), work)}
        for side, requests in sides.items():
            answers = {name: run(work.text(name, 0)) for name, run in requests.items()}
            assert all(a.hits and a.total for a in answers.values()), side
            assert answers["facets"].facets is not None and answers["facets"].facets["day"], side
            assert request_types.problems(answers, work) == [], side
    finally:
        ix.close()


def test_the_peers_window_and_sources_return_every_matching_document_and_no_other(archive: dict) -> None:
    peer = tantivy_peer.Searcher(archive["root"] / "tantivy-snowball")
    work: Workload = archive["workload"]
    for text in work.queries[:len(TOPICS)]:
        everything = peer.search(text, limit=ARCHIVE_SIZE)
        assert len(everything.hits) == everything.total > 0
        in_window = [h.id for h in everything.hits if h.date and work.since <= h.date.date() <= work.until]
        of_sources = [h.id for h in everything.hits if h.source in work.sources]
        window = peer.search(text, limit=ARCHIVE_SIZE, since=work.since, until=work.until)
        assert sorted(h.id for h in window.hits) == sorted(in_window) and window.total == len(in_window)
        chosen = peer.search(text, limit=ARCHIVE_SIZE, sources=work.sources)
        assert sorted(h.id for h in chosen.hits) == sorted(of_sources) and chosen.total == len(of_sources)
        assert 0 < len(in_window) < everything.total


def test_the_peers_order_facets_and_signs(archive: dict) -> None:
    peer = tantivy_peer.Searcher(archive["root"] / "tantivy-snowball")
    text = plain_query(TOPICS[0][0])
    everything = peer.search(text, limit=ARCHIVE_SIZE)
    newest = peer.search(text, sort="date")
    assert [h.date for h in newest.hits] == sorted((h.date for h in everything.hits), reverse=True)[:10]
    faceted = peer.search(text, facets=True).facets
    assert faceted == {
        "source": dict(Counter(h.source for h in everything.hits)),
        "day": dict(Counter(h.date.strftime("%Y-%m-%d") for h in everything.hits)),
        "month": {"2012-01": everything.total},
    }
    recent = peer.search(text, sort="recency")
    assert len(recent.hits) == 10 and recent.total == everything.total
    assert [h.score for h in recent.hits] == sorted((h.score for h in recent.hits), reverse=True)
    analyzer = snowball_analyzer()
    word = analyzer.analyze("مستشفى")[0]
    texts = {r["url"]: set(analyzer.analyze(r["title"] + " " + r["content"])) for r in _records(archive["docs"])}
    required = peer.search("+مستشفى الهلال", limit=ARCHIVE_SIZE)
    assert {h.id for h in required.hits} == {i for i, terms in texts.items() if word in terms}
    excluded = peer.search("الهلال -مستشفى", limit=ARCHIVE_SIZE)
    assert {h.id for h in excluded.hits} == {i for i, terms in texts.items()
                                              if word not in terms and analyzer.analyze("الهلال")[0] in terms}
    assert required.total and excluded.total


def test_plus_minus_requires_the_first_content_word_and_excludes_a_frequent_word_of_the_next_query() -> None:
    queries = ["في وزير الصحة يفتتح مستشفى", "أمطار على مكة الصحة", "الهلال يفوز على مكة", "من في"]
    assert request_types.plus_minus_queries(queries) == [
        "في +وزير الصحة يفتتح مستشفى -مكة",  # "في" is a stopword; "مكة" is in two queries, "أمطار" in one
        "+أمطار على مكة الصحة -الهلال",  # the next query's words not in this one: الهلال, يفوز (each once)
        "+الهلال يفوز على مكة -الصحة",  # "من في" has no content word: the first query's most frequent one
        "من في",
    ]


def test_the_window_is_a_month_in_the_middle_or_the_middle_third_of_a_short_archive() -> None:
    assert request_types.month_window(date(2012, 1, 1), date(2014, 9, 26)) == (date(2013, 4, 30), date(2013, 5, 29))
    assert request_types.month_window(date(2012, 1, 1), date(2012, 1, 6)) == (date(2012, 1, 3), date(2012, 1, 4))
    assert request_types.month_window(date(2012, 1, 1), date(2012, 1, 1)) == (date(2012, 1, 1), date(2012, 1, 1))


def test_problems_name_what_an_answer_breaks() -> None:
    work = Workload(["q"], ["+q"], date(2012, 1, 2), date(2012, 1, 3), ("sabq", "okaz"))
    inside, outside = datetime(2012, 1, 3, 23, 59), datetime(2012, 1, 4, 0, 0)
    fine = {
        "plain": Answer([("a", outside, "x")], 5),
        "window": Answer([("a", inside, "x")], 2),
        "sources": Answer([("a", None, "Sabq")], 3),
        "newest": Answer([("a", outside, "x"), ("b", inside, "x"), ("c", None, "x")], 5),
        "facets": Answer([], 5, {"source": {"x": 4, None: 1}, "month": {}, "day": {"2012-01-03": 5}}),
    }
    assert request_types.problems(fine, work) == []
    broken = {
        "plain": Answer([], 1),
        "window": Answer([("a", outside, "x")], 1),
        "sources": Answer([("a", None, "okaz"), ("b", None, "x")], 2),
        "newest": Answer([("c", None, "x"), ("a", outside, "x")], 1),
        "facets": Answer([], 1, {"source": {"x": 1}, "month": {}, "day": {"2012-01-03": 2}}),
    }
    assert request_types.problems(broken, work) == [
        "window: 1 hits outside 2012-01-02..2012-01-03, e.g. a",
        "sources: hits of x",
        "newest: hits not newest first",
        "facets: day counts sum to 2, the total is 1",
        "sources: total 2 above the plain query's 1",
    ]


def test_the_request_targets_compare_each_type_with_the_peer() -> None:
    mine = {"p50_snippets_ms": 12.0, "p95_snippets_ms": 40.0, "p50_window_ms": 45.0, "p95_window_ms": 150.0}
    peer = {"p50_snippets_ms": 10.0, "p50_window_ms": 5.0}
    assert scale.request_targets(mine, peer, p50_ms=30, p95_ms=100) == [
        "- top 10: p50 12.0 ms, 1.20× tantivy's own (≤ 1.5×): met; p50 ≤ 30 ms: met; p95 40.0 ms (≤ 100 ms): met",
        "- a month: p50 45.0 ms, 9.00× tantivy's own (≤ 1.5×): **not met**; p50 ≤ 30 ms: **not met**; "
        "p95 150.0 ms (≤ 100 ms): **not met**",
    ]


def test_an_earlier_peer_index_of_another_schema_is_built_again(tmp_path: Path) -> None:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True)
    old = tantivy.Index(builder.build(), path=str(tmp_path))
    writer = old.writer(15_000_000, 1)
    writer.add_document(tantivy.Document(id="a"))
    writer.commit()
    assert not scale.opens("tantivy-snowball", tmp_path)
