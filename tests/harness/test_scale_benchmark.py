"""The scale benchmark's synthetic archives and report, on a tiny hand-made corpus (no corpus needed)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from benchmarks import scale, synthetic


def _corpus(folder: Path) -> Path:
    records = [{"url": f"u{n}", "title": f"عنوان الخبر رقم {n}", "source": ["sabq", "okaz"][n % 2],
                "date_extracted": "2015-07-21 10:00:00",
                "content": f"الجملة الأولى من الخبر {n} هنا. الجملة الثانية أطول قليلا {n} هنا!\n"
                           f"فقرة ثانية فيها جملة ثالثة {n} هنا"} for n in range(6)]
    folder.mkdir()
    with zipfile.ZipFile(folder / "2015-07-21.zip", "w") as z:
        z.writestr("2015-07-21.json", json.dumps(records, ensure_ascii=False))
    return folder


def _lines(docs: Path) -> list[dict]:
    return [json.loads(line) for f in sorted(docs.glob("*.jsonl")) for line in f.read_text(encoding="utf-8").splitlines()]


def test_archives_are_seeded_prefixes_of_each_other_made_of_corpus_sentences(tmp_path: Path) -> None:
    material = synthetic.load_material(_corpus(tmp_path / "corpus"))
    assert len(material.models) == 6 and len(material.sentences) == 18
    small = _lines(synthetic.write_archive(material, tmp_path / "small", 1500))
    large = _lines(synthetic.write_archive(material, tmp_path / "large", 2500))
    assert len(small) == 1500 and large[:1500] == small
    assert len({r["url"] for r in large}) == 2500
    titles = {m.title for m in material.models}
    assert all(r["title"] in titles and r["source"] in ("sabq", "okaz") for r in large)
    for record in large[:50]:
        for paragraph in record["content"].split("\n\n"):
            assert paragraph and all(s in material.sentences for s in _sentences(paragraph, material))
    days = [r["date_extracted"][:10] for r in large]
    assert days == sorted(days) and days[0] == "2012-01-01" and days[-1] == "2012-01-03"  # 1,000 a day
    assert sorted(f.name for f in (tmp_path / "large" / "docs").glob("*.jsonl")) == [
        "2012-01-01.jsonl", "2012-01-02.jsonl", "2012-01-03.jsonl"]  # one file per day


def _sentences(paragraph: str, material: synthetic.Material) -> list[str]:
    """The pool's sentences a paragraph is made of, greedily from its start."""
    found, rest = [], paragraph
    while rest:
        match = next(s for s in material.sentences if rest.startswith(s))
        found.append(match)
        rest = rest[len(match):].lstrip(" ")
    return found


def test_a_finished_archive_is_reused_and_a_partial_one_made_again(tmp_path: Path) -> None:
    material = synthetic.load_material(_corpus(tmp_path / "corpus"))
    docs = synthetic.write_archive(material, tmp_path / "a", 100)
    (docs / "2012-01-01.jsonl").write_text("", encoding="utf-8")
    synthetic.write_archive(material, tmp_path / "a", 100)
    assert _lines(docs) == []  # complete.json says it is finished: kept
    (tmp_path / "a" / synthetic.COMPLETE_MARKER).unlink()
    assert len(_lines(synthetic.write_archive(material, tmp_path / "a", 100))) == 100


def _row(system: str, documents: int, p50: float, run: str = "r1") -> dict:
    return {"system": system, "documents": documents, "run": run, "build_s": 10.0, "peak_rss": 2**30,
            "peak_process_rss": 2**29, "index_bytes": 2**20, "p50_snippets_ms": p50, "p95_snippets_ms": p50 * 2,
            "p50_ids_ms": p50 / 2, "p95_ids_ms": p50, "load_before": "1", "load_after": "1"}


def test_rows_of_later_runs_replace_those_of_the_same_system_and_size(tmp_path: Path) -> None:
    results = {"machine": "m", "rows": [_row("fts5", 100, 5.0), _row("arsearch-whoosh", 100, 50.0)]}
    scale.merge_rows(results, [_row("arsearch-whoosh", 100, 40.0, "r2"), _row("arsearch-whoosh", 300, 80.0, "r2")])
    assert [(r["system"], r["documents"], r["p50_snippets_ms"]) for r in results["rows"]] == [
        ("arsearch-whoosh", 100, 40.0), ("fts5", 100, 5.0), ("arsearch-whoosh", 300, 80.0)]
    scale.save_results(results, tmp_path / "r.json")
    assert scale.load_results(tmp_path / "r.json") == results
    assert len((tmp_path / "r.json").read_text(encoding="utf-8").splitlines()) == 2 + 3 + 1  # a row a line


def test_targets_are_checked_against_the_peer_and_its_growth() -> None:
    rows = [_row("arsearch-tantivy", 100_000, 5.0), _row("tantivy-snowball", 100_000, 4.0),
            _row("arsearch-tantivy", 1_000_000, 12.0), _row("tantivy-snowball", 1_000_000, 8.0)]
    lines = "\n".join(scale.targets(rows))
    assert "query p50 with snippets 12.0 ms (≤ 20 ms): met" in lines
    assert "index 1.00× tantivy-snowball's (≤ 1.5×): met" in lines
    assert "×2.40 against tantivy-snowball's ×2.00: **not met**" in lines
    assert scale.targets(rows[:2]) == ["- not checked: no arsearch-tantivy row at 1,000,000 articles yet"]


def test_the_report_replaces_only_its_own_part_of_the_markdown() -> None:
    document = f"# Scale\n\nprose\n\n{scale.BEGIN}\nold table\n{scale.END}\n\nmore prose\n"
    assert scale.splice(document, "new table\n") == f"# Scale\n\nprose\n\n{scale.BEGIN}\nnew table\n{scale.END}\n\nmore prose\n"
    assert scale.splice("# Scale\n", "t\n") == f"# Scale\n\n{scale.BEGIN}\nt\n{scale.END}\n"
