"""Near-duplicate groups and related stories on the whole SaudiNewsNet corpus (issue 6).

    PYTHONPATH=. .venv/bin/python -m benchmarks.duplicates build [--rounds 2] [--baseline REV]
    PYTHONPATH=. .venv/bin/python -m benchmarks.duplicates groups [--sample 40] [--compare LABELS.json]
    PYTHONPATH=. .venv/bin/python -m benchmarks.duplicates similar [--docs 300]
    PYTHONPATH=. .venv/bin/python -m benchmarks.duplicates lookups --index DIR --archive DIR [--docs 3000]

``build``: the cost of grouping at index time, A/B in the same run.  ``git archive REV`` (default: the commit
before grouping, ``9d0f7ba``) is unpacked into WORKDIR/baseline; then, alternating, ``python -m arsearch index
CORPUS --index WORKDIR/{baseline,grouped} --rebuild`` with PYTHONPATH set to each tree; wall and CPU time (user +
system of the process and its workers, from ``os.wait4``) of each round.  The grouped index is kept for the
other two parts.

``groups``: groups in the grouped index (count, size distribution, documents in groups), the peer in the same run
(exact duplicates: documents whose normalized content — analyzer normalization, whitespace collapsed — is
identical), how many grouped pairs have an estimated similarity below the threshold (chaining), and a sample of
groups drawn with a fixed seed, written to ``benchmarks/duplicates_sample.md`` with ids, sources, titles and the
first 300 characters of each member.  The judgments of that sample are in ``benchmarks/duplicates_judgments.tsv``
(written by hand, one line per group); precision is computed from that file.  Each document's label is written to
WORKDIR/labels.json; ``--compare`` another such file (of another build of the same corpus) counts the documents
whose group has other members there, and the groups that are the same documents under another label.

``similar``: ``arsearch.similar`` on documents drawn with a fixed seed: latency p50/p95 (snippets included), how
many of a document's near-duplicates appear in its top 10 with ``include_duplicates=True, collapse=False``, the
same for Whoosh's ``Searcher.more_like`` (25 terms) as the peer, the latency of ``search`` on the titles of the
same documents with and without collapsing and on the baseline build's index, which has no groups (rotating the
order query by query), and the top 3 of 10 documents written to
``benchmarks/similar_sample.md`` for the judgments in ``benchmarks/similar_judgments.tsv``.

``lookups``: what grouping costs the indexing process per document against an index of a given size (issue 23),
without building one: the last ``--docs`` documents of the JSONL files of ``--archive`` (documents the index does
not hold, such as the end of a larger synthetic archive than the index's) are sketched, then grouped against the
index at ``--index`` (opened, never written) as a fresh build groups them (``replace=False``).  CPU time per
document, how many joined a group, and a digest of their labels, the same for any two versions of the code
that group alike.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from benchmarks.common.machine import REPO_ROOT, loadavg

from arsearch import Index, normalize
from arsearch.index.near_duplicates import DEFAULT_THRESHOLD, from_bytes, similarity

from benchmarks.common.corpus import DEFAULT_CORPUS
DEFAULT_WORKDIR = Path("/tmp/arsearch-duplicates")
BASELINE_REV = "9d0f7ba"
HERE = Path(__file__).resolve().parent
SAMPLE_FILE = HERE / "duplicates_sample.md"
JUDGMENTS_FILE = HERE / "duplicates_judgments.tsv"
SIMILAR_SAMPLE_FILE = HERE / "similar_sample.md"
SIMILAR_JUDGMENTS_FILE = HERE / "similar_judgments.tsv"
SEED = 6


def run_build(tree: Path, corpus: Path, index: Path) -> tuple[float, float, float]:
    """Wall and CPU seconds (process and workers) and the largest resident set of one process (MB) of one full
    build with the code in ``tree``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARSEARCH_")}
    env["PYTHONPATH"] = str(tree)
    cmd = [sys.executable, "-m", "arsearch", "index", str(corpus.resolve()), "--index", str(index.resolve()),
           "--rebuild", "--json"]
    started = time.perf_counter()
    # run from the tree: ``python -m`` puts the working folder before PYTHONPATH
    proc = subprocess.Popen(cmd, env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def build(args: argparse.Namespace) -> None:
    baseline = args.workdir / "baseline"
    if not baseline.exists():
        archive = subprocess.run(["git", "-C", str(REPO_ROOT), "archive", args.baseline], check=True,
                                 capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as unpacked:
            unpacked.extractall(baseline)
    rows: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for round_ in range(args.rounds):
        order = [("baseline", baseline), ("grouped", REPO_ROOT)]
        for name, tree in order if round_ % 2 == 0 else order[::-1]:
            rows[name].append(run_build(tree, args.corpus, args.workdir / name))
            wall, cpu, rss = rows[name][-1]
            print(f"round {round_ + 1} {name}: {wall:.1f} s wall, {cpu:.1f} s CPU, {rss:.0f} MB", flush=True)
    print(f"\n| build ({args.rounds} rounds, alternating) | wall, median | CPU, median | largest process |"
          "\n|---|---:|---:|---:|")
    medians = {name: tuple(statistics.median(row[k] for row in r) for k in range(3)) for name, r in rows.items()}
    for name, (wall, cpu, rss) in medians.items():
        print(f"| {name} ({args.baseline if name == 'baseline' else 'this tree'}) | {wall:.1f} s | {cpu:.1f} s "
              f"| {rss:.0f} MB |")
    (bw, bc, br), (gw, gc, gr) = medians["baseline"], medians["grouped"]
    print(f"| grouped / baseline | {gw / bw:.3f}× | {gc / bc:.3f}× | {gr / br:.3f}× |")


def _normal_content(text: str) -> str:
    return " ".join(normalize(word) for word in text.split())


def live_documents(ix: Index) -> dict[str, dict[str, object]]:
    """Every live document's stored fields and sketch, by id (in id order)."""
    snapshot = ix.snapshot()
    return {doc_id: snapshot.get(doc_id) or {} for doc_id in sorted(ix.stored_states())}


def groups(args: argparse.Namespace) -> None:
    with Index.open(args.workdir / "grouped") as ix:
        stored = live_documents(ix)
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, fields in stored.items():
        members[str(fields["group"])].append(doc_id)
    labels = {doc_id: str(fields["group"]) for doc_id, fields in stored.items()}
    (args.workdir / "labels.json").write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")
    documents = len(stored)
    sizes = Counter(len(m) for m in members.values())
    multi = {label: m for label, m in members.items() if len(m) > 1}
    grouped_docs = sum(len(m) for m in multi.values())
    print(f"documents {documents}, groups of 2+ {len(multi)}, documents in them {grouped_docs} "
          f"({grouped_docs / documents:.1%}), copies hidden by collapsing {grouped_docs - len(multi)}")
    print("size distribution: " + ", ".join(f"{size}: {count}" for size, count in sorted(sizes.items()) if size > 1))
    if args.compare:
        compare(labels, json.loads(args.compare.read_text(encoding="utf-8")))

    # peer: exact duplicates of the normalized content
    exact: dict[str, list[str]] = defaultdict(list)
    for doc_id, fields in stored.items():
        exact[_normal_content(str(fields.get("content", "")))].append(doc_id)
    exact_multi = [m for m in exact.values() if len(m) > 1]
    exact_docs = sum(len(m) for m in exact_multi)
    print(f"peer, exact normalized-content duplicates: groups {len(exact_multi)}, documents {exact_docs}, copies "
          f"hidden {exact_docs - len(exact_multi)}; near-duplicate groups hide "
          f"{(grouped_docs - len(multi)) / max(1, exact_docs - len(exact_multi)):.2f}× as many copies")
    label_of = {n: label for label, m in members.items() for n in m}
    split_exact = sum(1 for m in exact_multi if len({label_of[n] for n in m}) > 1)
    print(f"exact-duplicate sets split over several near-duplicate groups: {split_exact}")

    # chaining: members below the threshold against the group's first member (the one that started it)
    sketches = {doc_id: from_bytes(bytes(fields.get("sketch") or b"")) for doc_id, fields in stored.items()}
    for label, group in multi.items():
        group.sort(key=lambda doc_id: doc_id != label.partition("#")[0])
    below = sum(1 for m in multi.values() for n in m[1:] if similarity(sketches[m[0]], sketches[n]) < DEFAULT_THRESHOLD)
    print(f"members below the threshold against their group's first member (joined through another member): "
          f"{below} of {grouped_docs - len(multi)}")

    rng = random.Random(SEED)
    sample = sorted(rng.sample(sorted(multi), args.sample))
    lines = [f"# Sample of {args.sample} near-duplicate groups (seed {SEED}, `benchmarks/duplicates.py groups`)", ""]
    for number, label in enumerate(sample, start=1):
        group = multi[label]
        lines.append(f"## {number}. group `{label}` ({len(group)} documents)")
        lines.append("")
        for doc_id in group:
            fields = stored[doc_id]
            text = " ".join(str(fields.get("content", "")).split())[:300]
            sim = similarity(sketches[group[0]], sketches[doc_id])
            lines.append(f"- `{fields['id']}` · {fields.get('source', '')} · similarity to the first {sim:.2f} · "
                         f"**{' '.join(str(fields.get('title', '')).split())}**")
            lines.append(f"  > {text}")
        lines.append("")
    SAMPLE_FILE.write_text("\n".join(lines), encoding="utf-8")
    print(f"sample written to {SAMPLE_FILE.relative_to(REPO_ROOT)}")
    if JUDGMENTS_FILE.exists():
        precision(sample)


def compare(labels: dict[str, str], other: dict[str, str]) -> None:
    """How the groups of ``labels`` differ from those of ``other`` (another build of the same corpus)."""
    def groups_of(found: dict[str, str]) -> dict[str, frozenset[str]]:
        members: dict[str, set[str]] = defaultdict(set)
        for doc_id, label in found.items():
            members[label].add(doc_id)
        return {doc_id: frozenset(members[label]) for doc_id, label in found.items()}

    mine, theirs = groups_of(labels), groups_of(other)
    common = mine.keys() & theirs.keys()
    moved = [doc_id for doc_id in common if mine[doc_id] != theirs[doc_id]]
    relabelled = {mine[doc_id] for doc_id in common if mine[doc_id] == theirs[doc_id] and len(mine[doc_id]) > 1
                  and labels[doc_id] != other[doc_id]}
    shared = {group for doc_id, group in mine.items() if len(group) > 1}
    same = shared & {group for group in theirs.values() if len(group) > 1}
    print(f"compared with {len(other)} labels of another build ({len(common)} documents in both): documents whose "
          f"group has other members {len(moved)}; groups of 2+ the same documents {len(same)} of {len(shared)}, "
          f"{len(relabelled)} of them under another label")
    # pairs of documents grouped together, the other build's pairs taken as the reference
    mine_pairs, their_pairs = pairs_of(labels, common), pairs_of(other, common)
    both = len(mine_pairs & their_pairs)
    print(f"grouped pairs: {len(mine_pairs)} here, {len(their_pairs)} there, {both} in both: precision "
          f"{both / max(1, len(mine_pairs)):.4f}, recall {both / max(1, len(their_pairs)):.4f} against the other "
          f"build; labels that differ {sum(1 for d in common if labels[d] != other[d])}")


def pairs_of(labels: dict[str, str], ids: set[str]) -> set[tuple[str, str]]:
    """Every pair of documents of ``ids`` that share a group label."""
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id in sorted(ids):
        members[labels[doc_id]].append(doc_id)
    return {(a, b) for group in members.values() for i, a in enumerate(group) for b in group[i + 1:]}


def precision(sample: list[str]) -> None:
    verdicts: dict[str, str] = {}
    for line in JUDGMENTS_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        label, verdict, _reason = line.split("\t", 2)
        verdicts[label] = verdict
    judged = [verdicts[label] for label in sample if label in verdicts]
    if not judged:  # another index than the one judged: its labels differ
        print(f"precision: none of the {len(sample)} sampled groups is judged in {JUDGMENTS_FILE.name}")
        return
    yes = judged.count("yes")
    print(f"precision on the hand-checked sample: {yes}/{len(judged)} = {yes / len(judged):.3f} "
          f"({len(sample) - len(judged)} sampled groups not judged)")


def related(args: argparse.Namespace) -> None:
    from arsearch import similar

    with Index.open(args.workdir / "grouped") as ix:
        snapshot = ix.snapshot()
        members: dict[str, list[str]] = defaultdict(list)
        for doc_id in sorted(ix.stored_states()):
            members[str((snapshot.get(doc_id, content=False) or {})["group"])].append(doc_id)
        doc_ids = sorted(ix.stored_states())
        rng = random.Random(SEED)
        chosen = rng.sample(doc_ids, args.docs)
        for doc_id in chosen[:5]:  # warm-up
            similar(ix, doc_id)
        times = []
        for doc_id in chosen:
            started = time.perf_counter()
            similar(ix, doc_id)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"similar(): {len(times)} documents, p50 {statistics.median(times):.1f} ms, "
              f"p95 {times[int(len(times) * 0.95)]:.1f} ms")
        label_of = {i: label for label, m in members.items() for i in m}
        with_dups = [i for i in doc_ids if len(members[label_of[i]]) > 1]
        probe = rng.sample(with_dups, min(args.docs, len(with_dups)))
        found = wanted = 0
        for doc_id in probe:
            dups = set(members[label_of[doc_id]]) - {doc_id}
            top = {h.id for h in similar(ix, doc_id, include_duplicates=True, collapse=False).hits}
            found += len(dups & top)
            wanted += min(len(dups), 10)
        print(f"near-duplicates in the top 10 (include_duplicates, no collapsing), {len(probe)} grouped documents: "
              f"{found}/{wanted} = {found / wanted:.3f}")
        # peer in the same run: Whoosh's own more-like-this (Bo1 term selection, 25 terms, content field), on the
        # raw Whoosh searcher of the snapshot (WhooshSnapshot.searcher)
        searcher = ix.snapshot().searcher  # type: ignore[attr-defined]
        peer_times, peer_found = [], 0
        for doc_id in chosen:
            started = time.perf_counter()
            _whoosh_more_like(searcher, doc_id)
            peer_times.append((time.perf_counter() - started) * 1000)
        for doc_id in probe:
            dups = set(members[label_of[doc_id]]) - {doc_id}
            peer_found += len(dups & _whoosh_more_like(searcher, doc_id))
        peer_times.sort()
        print(f"peer, Whoosh Searcher.more_like(numterms=25): p50 {statistics.median(peer_times):.1f} ms, "
              f"p95 {peer_times[int(len(peer_times) * 0.95)]:.1f} ms, near-duplicates in the top 10 "
              f"{peer_found}/{wanted} = {peer_found / wanted:.3f}")
        # what collapsing costs a search: the same title queries with and without it, alternating
        from arsearch import search
        titles = [str((ix.get(i) or {}).get("title") or "") for i in chosen]
        titles = [t for t in titles if t.strip()]
        # the baseline build's index (format 2, no groups) answers the same queries without any group work
        arms = {"collapse=True": (ix, True), "collapse=False": (ix, False)}
        baseline = Index.open(args.workdir / "baseline") if (args.workdir / "baseline" / "arsearch.json").exists() \
            else None
        if baseline is not None:
            arms["index without groups (format 2)"] = (baseline, True)
        for index, collapse in arms.values():  # warm-up: open readers, read norms
            for title in titles[:20]:
                search(index, title, collapse=collapse)
        costs: dict[str, list[float]] = {name: [] for name in arms}
        for n, title in enumerate(titles):
            names = list(arms)
            for name in names[n % len(names):] + names[:n % len(names)]:
                index, collapse = arms[name]
                started = time.perf_counter()
                search(index, title, collapse=collapse)
                costs[name].append((time.perf_counter() - started) * 1000)
        for name, values in costs.items():
            values.sort()
            print(f"search, {name}, {len(values)} title queries: p50 {statistics.median(values):.1f} ms, "
                  f"p95 {values[int(len(values) * 0.95)]:.1f} ms")
        if baseline is not None:
            baseline.close()
        lines = [f"# Related stories: top 3 of `arsearch similar` for 10 documents (seed {SEED})", ""]
        for number, doc_id in enumerate(rng.sample(doc_ids, 10), start=1):
            doc = ix.get(doc_id) or {}
            lines += [f"## {number}. `{doc_id}` · {doc.get('source', '')} · **{doc.get('title', '')}**",
                      f"> {' '.join(str(doc.get('content', '')).split())[:300]}", ""]
            for hit in similar(ix, doc_id, limit=3).hits:
                lines.append(f"- {hit.rank}. `{hit.id}` · {hit.source} · **{hit.title.text}** — "
                             f"{' '.join(hit.snippet.text.split())[:200]}")
            lines.append("")
        SIMILAR_SAMPLE_FILE.write_text("\n".join(lines), encoding="utf-8")
        print(f"sample written to {SIMILAR_SAMPLE_FILE.relative_to(REPO_ROOT)}")
        if SIMILAR_JUDGMENTS_FILE.exists():
            marks = [line.split("\t")[2] for line in SIMILAR_JUDGMENTS_FILE.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#")]
            print(f"same topic among the judged top 3s: {marks.count('yes')}/{len(marks)}")


def _whoosh_more_like(searcher: object, doc_id: str) -> set[str]:
    docnum = searcher.document_number(id=doc_id)  # type: ignore[attr-defined]
    content = searcher.stored_fields(docnum)["content"]  # type: ignore[attr-defined]
    return {hit["id"] for hit in searcher.more_like(docnum, "content", text=content, top=10,  # type: ignore[attr-defined]
                                                     numterms=25)}


def lookups(args: argparse.Namespace) -> None:
    from arsearch.documents import document_from_record
    from arsearch.index.grouping import GroupTracker
    from arsearch.index.near_duplicates import sketch

    documents = []
    for path in sorted(args.archive.glob("*.jsonl"), reverse=True):
        with open(path, encoding="utf-8") as lines:
            documents[:0] = [document_from_record(json.loads(line)) for line in lines if line.strip()]
        if len(documents) >= args.docs:
            break
    sketches = [(document.id, sketch(document.content)) for document in documents[-args.docs:]]
    index = Index.open(args.index)
    tracker = GroupTracker(index.engine.snapshot())
    started, load = time.process_time(), loadavg()
    labels = [tracker.assign(doc_id, values, replace=False) for doc_id, values in sketches]
    seconds = time.process_time() - started
    print(json.dumps({"index": str(args.index), "documents": index.engine.snapshot().doc_count(),
                      "grouped": len(labels), "us_per_document": round(seconds / len(labels) * 1e6),
                      "joined": sum(1 for (doc_id, _), label in zip(sketches, labels) if label != doc_id),
                      "labels": hashlib.sha1("\n".join(labels).encode("utf-8", "surrogatepass")).hexdigest()[:12],
                      "load_before": load, "load_after": loadavg()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=["build", "groups", "similar", "lookups"])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline", default=BASELINE_REV)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--compare", type=Path, help="labels.json of another build (groups)")
    parser.add_argument("--index", type=Path, help="a built index (lookups)")
    parser.add_argument("--archive", type=Path, help="a folder of JSONL files the index does not hold (lookups)")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    {"build": build, "groups": groups, "similar": related, "lookups": lookups}[args.part](args)


if __name__ == "__main__":
    main()
