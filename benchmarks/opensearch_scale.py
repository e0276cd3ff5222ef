"""The opensearch engine on a local cluster against the tantivy engine, on the same documents (issue 22): build
time, index size, and p50/p95 of ids-only queries and of each request type of ``benchmarks/request_types.py``.

    ARSEARCH_OPENSEARCH_URL=http://127.0.0.1:9250 python -m benchmarks.opensearch_scale --size corpus
        [--size 300000] [--shards 3] [--replicas 1] [--queries 200] [--peers tantivy-snowball]
        [--workdir /tmp/arsearch-cluster-bench] [--archives /tmp/arsearch-scale] [--resume] [--json FILE]

``--size corpus``: the SaudiNewsNet corpus, one record per url (``benchmarks/common/corpus.py``); a number: the
synthetic archive of that many articles (``benchmarks/synthetic.py``, kept in ``--archives``, shared with
``benchmarks/scale.py``).  Each system builds from scratch in a subprocess (``benchmarks/scale.py``'s ``build``:
``arsearch index … --engine NAME``; the peer with tantivy's own Snowball analyzer), the cluster's index with
``--shards`` and ``--replicas``.  The cluster's CPU is read from its nodes' statistics around the build (its JVMs
are not in the build's process tree), its size from ``_cat/shards``.  Queries: real headlines of the corpus,
the systems taking turns query by query (``benchmarks/scale.py``'s ``query_latency``).  Around the queries, the
index's shard-level search statistics give each node's mean time per shard for the query and fetch phases: what
a node spends on one shard of the request, the figure the estimate for larger clusters starts from.

On one machine the three nodes share its cores: this measures the cluster's overhead and correctness, not how it
scales out.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

from arsearch.engine.opensearch.location import (
    REPLICAS_VARIABLE, SHARDS_VARIABLE, URL_VARIABLE, read_location)
from benchmarks import request_types, scale, synthetic
from benchmarks.common.corpus import DEFAULT_CORPUS, prepare
from benchmarks.common.machine import describe, loadavg
from benchmarks.evaluation.sample import plain_query

DEFAULT_WORKDIR = Path("/tmp/arsearch-cluster-bench")
SYSTEMS = ("arsearch-tantivy", "arsearch-opensearch")


def cluster_get(url: str, path: str) -> Any:
    answer = httpx.get(url.split(",")[0] + path, timeout=60)
    answer.raise_for_status()
    return answer.json()


def cluster_cpu_s(url: str) -> float:
    nodes = cluster_get(url, "/_nodes/stats/process")["nodes"]
    return float(sum(node["process"]["cpu"]["total_in_millis"] for node in nodes.values())) / 1000


def drop_cluster_index(folder: Path) -> None:
    """Delete the cluster index (and its control index) a folder of an earlier run points to."""
    location = read_location(folder) if folder.is_dir() else None
    if location is None:
        return
    for name in (location.index, location.control):
        httpx.delete(f"{location.url.split(',')[0]}/{name}", timeout=120)


def shard_table(url: str, index: str) -> list[dict[str, Any]]:
    """Each shard copy's documents, bytes on disk (after a flush) and node."""
    httpx.post(f"{url.split(',')[0]}/{index}/_flush", timeout=600).raise_for_status()
    rows = cluster_get(url, f"/_cat/shards/{index}?format=json&bytes=b")
    return [{"shard": int(r["shard"]), "primary": r["prirep"] == "p", "docs": int(r["docs"] or 0),
             "bytes": int(r["store"] or 0), "node": r["node"]} for r in rows]


def shard_search_stats(url: str, index: str) -> dict[str, dict[str, float]]:
    """Per node, the index's shard-level query and fetch counts and milliseconds so far."""
    found = cluster_get(url, f"/{index}/_stats/search?level=shards")["indices"][index]["shards"]
    nodes = {n: v["name"] for n, v in cluster_get(url, "/_nodes/_all/none")["nodes"].items()}
    per_node: dict[str, dict[str, float]] = {}
    for copies in found.values():
        for copy in copies:
            search = copy["search"]
            mine = per_node.setdefault(nodes.get(copy["routing"]["node"], copy["routing"]["node"]),
                                       {"query_total": 0, "query_ms": 0, "fetch_total": 0, "fetch_ms": 0})
            mine["query_total"] += search["query_total"]
            mine["query_ms"] += search["query_time_in_millis"]
            mine["fetch_total"] += search["fetch_total"]
            mine["fetch_ms"] += search["fetch_time_in_millis"]
    return per_node


def per_shard_times(before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for node, stats in sorted(after.items()):
        was = before.get(node, {})
        delta = {k: stats[k] - was.get(k, 0) for k in stats}
        out[node] = {
            "shard_queries": int(delta["query_total"]),
            "query_ms_per_shard": round(delta["query_ms"] / delta["query_total"], 2) if delta["query_total"] else None,
            "fetch_ms_per_shard": round(delta["fetch_ms"] / delta["fetch_total"], 2) if delta["fetch_total"] else None,
        }
    return out


def documents(size: str, workdir: Path, archives: Path, material: synthetic.Material) -> tuple[Path, int, Any]:
    """The documents' folder, their count, and the workload's dates and sources."""
    if size == "corpus":
        corpus = prepare(DEFAULT_CORPUS, workdir / "corpus", held_out=0)
        days = sorted(corpus.days)
        sources = Counter(record.get("source", "") for record in corpus.indexed)
        first = datetime.strptime(days[0][:10], "%Y-%m-%d").date()
        last = datetime.strptime(days[-1][:10], "%Y-%m-%d").date()
        return corpus.docs_dir, len(corpus.indexed), (first, last, sources)
    count = int(size)
    folder = archives / "archives" / str(count)
    docs = synthetic.write_archive(material, folder, count)
    return docs, count, (*synthetic.date_range(count), synthetic.source_counts(folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", action="append", required=True, help="'corpus' or a number of synthetic articles")
    parser.add_argument("--shards", type=int, default=3)
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--queries", type=int, default=200, help="headlines queried (the first 20 warm up)")
    parser.add_argument("--peers", default="tantivy-snowball", help="'none' for none")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--archives", type=Path, default=scale.DEFAULT_WORKDIR)
    parser.add_argument("--resume", action="store_true", help="keep builds an earlier run finished")
    parser.add_argument("--json", type=Path, help="merge the rows into this file")
    args = parser.parse_args()
    url = os.environ.get(URL_VARIABLE)
    if not url:
        raise SystemExit(f"set {URL_VARIABLE} to the cluster's URL")
    os.environ[SHARDS_VARIABLE] = str(args.shards)
    os.environ[REPLICAS_VARIABLE] = str(args.replicas)
    systems = [*SYSTEMS, *(p for p in args.peers.split(",") if p and p != "none")]
    material = synthetic.load_material(DEFAULT_CORPUS)
    queries = [plain_query(q) for q in synthetic.headlines(material, args.queries)]
    results: dict[str, Any] = json.loads(args.json.read_text()) if args.json and args.json.is_file() else {}
    results["machine"] = describe()
    nodes = cluster_get(url, "/")
    for size in args.size:
        docs, count, (first, last, sources) = documents(size, args.workdir, args.archives, material)
        work = request_types.workload(queries, first, last, sources)
        builds: dict[str, dict[str, Any]] = {}
        for system in systems:
            target = args.workdir / "indexes" / size / system
            record = target.with_name(target.name + ".build.json")
            kept = args.resume and record.is_file() and scale.opens(system, target)
            if system == "arsearch-opensearch" and not kept:  # a rebuild starts from no cluster index
                drop_cluster_index(target)
                shutil.rmtree(target, ignore_errors=True)
            cpu_before = cluster_cpu_s(url)
            started = datetime.now(timezone.utc).isoformat(timespec="seconds")
            builds[system] = dict(scale.build(system, docs, target, count, args.resume))
            if system == "arsearch-opensearch":
                location = read_location(target)
                assert location is not None
                shards = shard_table(url, location.index)
                builds[system].update({
                    "index_bytes": sum(s["bytes"] for s in shards if s["primary"]),
                    "index_bytes_with_replicas": sum(s["bytes"] for s in shards), "shards": shards,
                    "shard_count": args.shards, "replica_count": args.replicas})
                if builds[system]["date"] >= started:  # built now: a kept build says nothing of the cluster's CPU
                    builds[system]["cluster_cpu_s"] = round(cluster_cpu_s(url) - cpu_before, 1)
        targets = {s: args.workdir / "indexes" / size / s for s in systems}
        location = read_location(targets["arsearch-opensearch"])
        assert location is not None
        stats_before = shard_search_stats(url, location.index)
        load = loadavg()
        latency, found = scale.query_latency(targets, work)
        per_node = per_shard_times(stats_before, shard_search_stats(url, location.index))
        run = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        rows = {s: {"documents": count, "run": run, "load_queries": f"{load} -> {loadavg()}",
                    "queries": len(queries) - scale.WARMUP_QUERIES, **{k: v for k, v in builds[s].items()
                                                                      if k not in ("memory_curve", "committed_curve")},
                    **latency[s], **scale.checked(s, found[s])} for s in systems}
        rows["arsearch-opensearch"]["per_node_shard_ms"] = per_node
        rows["arsearch-opensearch"]["cluster"] = nodes.get("version", {}).get("number")
        results.setdefault("sizes", {})[size] = rows
        print(report(size, rows))
        if args.json:
            args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def report(size: str, rows: dict[str, dict[str, Any]]) -> str:
    names = list(rows)
    lines = [f"### {size} ({rows[names[0]]['documents']:,} articles), run {rows[names[0]]['run']}", "",
             "| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]

    def cells(label: str, value: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(value(rows[n]) for n in names) + " |")

    cells("build, wall s", lambda r: f"{r['build_s']}")
    cells("build, client CPU s", lambda r: f"{r['build_cpu_s']}")
    cells("build, cluster CPU s", lambda r: f"{r.get('cluster_cpu_s', '')}")
    cells("index MB (primaries)", lambda r: f"{r['index_bytes'] / 1e6:.0f}")
    cells("index MB (with replicas)", lambda r: f"{r.get('index_bytes_with_replicas', r['index_bytes']) / 1e6:.0f}")
    cells("build load", lambda r: f"{r['load_before']} → {r['load_after']}")
    for mode in ("ids", *request_types.REQUESTS):
        key = scale.latency_key(mode)
        title = "ids only" if mode == "ids" else request_types.TITLES[mode]
        cells(f"{title}, p50 / p95 ms", lambda r, k=key: (
            f"{r[f'p50_{k}_ms']:.1f} / {r[f'p95_{k}_ms']:.1f}" if f"p50_{k}_ms" in r else "–"))
    cells("answers' problems", lambda r: str(r["problems"]))
    lines += ["", f"query load {rows[names[0]]['load_queries']}; per node, mean ms per shard (query / fetch phase):"]
    for node, figures in rows["arsearch-opensearch"]["per_node_shard_ms"].items():
        lines.append(f"- {node}: {figures['query_ms_per_shard']} / {figures['fetch_ms_per_shard']} "
                     f"over {figures['shard_queries']} shard queries")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
