"""The opensearch engine on a real cluster (``ARSEARCH_TEST_OPENSEARCH_URL``; skipped without one): what the
contract tests of ``tests/contract`` cannot see, because it is the engine's own.  Where the index lives and no
secret in its folder, the errors of a cluster that cannot be used, one writer at a time by the lease, a rebuild
that replaces only the index its folder created, shards and replicas, near-duplicates across shards, the HTTP
service on a cluster index.

The fixture ``opensearch_indexes`` (tests/conftest.py) points the engine at the cluster with index names of this
session's and deletes them after it."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from helpers import ROOT, WORDS, cli_command

from arsearch.documents import Document
from arsearch.engine import place_index
from arsearch.engine.api import SearchRequest, Term, get_documents
from arsearch.engine.opensearch.cluster import Cluster, ClusterError
from arsearch.errors import EngineConnectionError, IndexFormatError, IndexLockedError, IndexNotFoundError
from arsearch.index import Index

pytestmark = pytest.mark.usefixtures("opensearch_indexes")

STORY = ("أعلنت وزارة الصحة اليوم عن إطلاق حملة وطنية للتطعيم ضد الإنفلونزا الموسمية تشمل جميع مناطق المملكة "
         "وتستمر ثلاثة أسابيع ويستفيد منها المواطنون والمقيمون في المراكز الصحية والمستشفيات الحكومية")


def url() -> str:
    return os.environ["ARSEARCH_OPENSEARCH_URL"]


def name(tmp_path: Path, suffix: str) -> str:
    return f"{os.environ['ARSEARCH_OPENSEARCH_PREFIX']}{tmp_path.name[-20:].lower().replace('_', '-')}-{suffix}"


def location(folder: Path) -> dict:
    found: dict = json.loads((folder / "opensearch.json").read_text(encoding="utf-8"))
    return found


def run_cli(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("ARSEARCH_") or
            k.startswith("ARSEARCH_OPENSEARCH_")}
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run(cli_command(*args), env={**base, **(env or {})}, capture_output=True, text=True,
                          timeout=300)


def test_the_folder_says_where_the_index_is_and_keeps_no_secret(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARSEARCH_OPENSEARCH_USER", "reader")
    monkeypatch.setenv("ARSEARCH_OPENSEARCH_PASSWORD", "s3cret-passw0rd")
    folder = tmp_path / "ix"
    place_index(folder, "opensearch", index=name(tmp_path, "where"))
    with Index.create(folder, engine="opensearch") as index:
        index.add([Document("a", STORY, title="حملة تطعيم", source="spa", date=datetime(2015, 7, 1))])
    written = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    assert all(b"s3cret" not in content and b"reader" not in content for content in written.values())
    assert location(folder)["url"] == url() and location(folder)["index"] == name(tmp_path, "where")
    with Index.open(folder) as index:
        assert index.engine_name == "opensearch" and index.document_count() == 1
        assert [hit.id for hit in index.snapshot().search(SearchRequest(Term("source", "spa"))).hits] == ["a"]


def test_a_cluster_that_does_not_answer_is_one_line_exit_1(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    with pytest.raises(EngineConnectionError, match="cannot reach"):
        place_index(folder, "opensearch", url="http://127.0.0.1:9", index="nowhere")
        Index.create(folder, engine="opensearch")
    corpus = tmp_path / "a.txt"
    corpus.write_text(STORY, encoding="utf-8")
    found = run_cli("index", corpus, "--index", tmp_path / "cli", "--engine", "opensearch", "--opensearch-url",
                    "http://127.0.0.1:9", "--opensearch-index", "nowhere")
    assert found.returncode == 1, found.stderr
    assert len(found.stderr.strip().splitlines()) == 1 and "cannot reach" in found.stderr


def test_a_url_of_several_nodes_goes_on_to_the_next_when_one_does_not_answer(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    place_index(folder, "opensearch", url=f"http://127.0.0.1:9,{url()}", index=name(tmp_path, "nodes"))
    with Index.create(folder, engine="opensearch") as index:
        index.add([Document("a", STORY)])
        assert index.document_count() == 1
    assert location(folder)["url"] == f"http://127.0.0.1:9,{url()}"


def test_a_url_with_credentials_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EngineConnectionError, match="must not hold credentials"):
        place_index(tmp_path / "ix", "opensearch", url="http://user:secret@127.0.0.1:9200", index="x")
    assert not (tmp_path / "ix" / "opensearch.json").exists()


def test_a_missing_index_is_not_found_exit_3(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    place_index(folder, "opensearch", index=name(tmp_path, "gone"))
    Index.create(folder, engine="opensearch").close()
    httpx.delete(f"{url()}/{name(tmp_path, 'gone')}", timeout=60).raise_for_status()
    with pytest.raises(IndexNotFoundError, match="no index"):
        Index.open(folder)
    found = run_cli("query", "الصحة", "--index", folder)
    assert found.returncode == 3 and "no index" in found.stderr


def test_a_mapping_of_another_analyzer_version_must_be_rebuilt_exit_4(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    index_name = name(tmp_path, "older")
    place_index(folder, "opensearch", index=index_name)
    Index.create(folder, engine="opensearch").close()
    mapping = httpx.get(f"{url()}/{index_name}/_mapping", timeout=60).json()[index_name]["mappings"]["_meta"]
    mapping["arsearch"]["analyzer"]["version"] -= 1
    httpx.put(f"{url()}/{index_name}/_mapping", json={"_meta": mapping}, timeout=60).raise_for_status()
    with pytest.raises(IndexFormatError, match="another version of arsearch") as raised:
        Index.open(folder)
    assert raised.value.rebuild
    found = run_cli("query", "الصحة", "--index", folder)
    assert found.returncode == 4 and "--rebuild" in found.stderr


def test_an_index_this_folder_did_not_create_is_never_replaced(tmp_path: Path) -> None:
    index_name = name(tmp_path, "mine")
    first, second = tmp_path / "first", tmp_path / "second"
    place_index(first, "opensearch", index=index_name)
    with Index.create(first, engine="opensearch") as index:
        index.add([Document("a", STORY)])
    place_index(second, "opensearch", index=index_name)
    with pytest.raises(IndexFormatError, match="was not created by the index folder"):
        Index.create(second, engine="opensearch")
    with Index.open(first) as index:
        assert index.document_count() == 1
    with Index.create(first, overwrite=True, engine="opensearch") as rebuilt:  # its own: a rebuild replaces it
        assert rebuilt.document_count() == 0


def test_one_writer_at_a_time_and_a_dead_writer_s_lease_runs_out(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARSEARCH_OPENSEARCH_LEASE_SECONDS", "4")
    folder = tmp_path / "ix"
    place_index(folder, "opensearch", index=name(tmp_path, "lease"))
    Index.create(folder, engine="opensearch").close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom arsearch.index import Index\n"
         "index = Index.open(sys.argv[1])\nwriter = index.engine.writer()\nprint('held', flush=True)\n"
         "time.sleep(600)\n", str(folder)],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with Index.open(folder) as index:  # another process: the local lock does not see it, the lease does
            with pytest.raises(IndexLockedError, match=f"process {holder.pid}"):
                index.engine.writer()
            held = time.monotonic()
            time.sleep(5)  # renewed while its process lives
            with pytest.raises(IndexLockedError):
                index.engine.writer()
            holder.send_signal(signal.SIGKILL)
            holder.wait()
            while True:
                try:
                    writer = index.engine.writer()
                    break
                except IndexLockedError:
                    assert time.monotonic() - held < 60, "the dead writer's lease never ran out"
                    time.sleep(0.5)
            writer.cancel()
            index.engine.settle()
            index.add([Document("b", STORY)])
            assert index.document_count() == 1
    finally:
        holder.kill()


def test_shards_and_replicas_of_a_new_index_from_the_cli(tmp_path: Path) -> None:
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"n{i}", "content": f"{STORY} {i}"}, ensure_ascii=False) + "\n"
                              for i in range(5)), encoding="utf-8")
    index_name = name(tmp_path, "cli")
    found = run_cli("index", corpus, "--index", tmp_path / "ix", "--engine", "opensearch", "--opensearch-index",
                    index_name, "--shards", "2", "--replicas", "0")
    assert found.returncode == 0, found.stderr
    settings = httpx.get(f"{url()}/{index_name}/_settings", timeout=60).json()[index_name]["settings"]["index"]
    assert (settings["number_of_shards"], settings["number_of_replicas"]) == ("2", "0")
    query = run_cli("query", "الإنفلونزا", "--index", tmp_path / "ix", "--json", "--all")
    assert query.returncode == 0, query.stderr and len(json.loads(query.stdout)) == 5


def test_a_new_index_has_every_copy_started_before_anything_is_written(tmp_path: Path) -> None:
    """A replica is not in sync until it has started: a node lost before then could take a shard's only copy
    (the control index's too) and leave writes waiting for it."""
    folder = tmp_path / "ix"
    index_name = name(tmp_path, "copies-up")
    place_index(folder, "opensearch", index=index_name, shards=3, replicas=1)
    with Index.create(folder, engine="opensearch"):
        health = httpx.get(f"{url()}/_cluster/health/{index_name},{index_name}-arsearch-control",
                           timeout=60).json()
    assert (health["status"], health["initializing_shards"], health["unassigned_shards"]) == ("green", 0, 0)
    assert health["active_shards"] == 3 * 2 + len(httpx.get(f"{url()}/_cat/nodes?format=json", timeout=60).json())


def test_a_write_the_cluster_cannot_place_stops_within_the_request_time(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A shard with no copy on any node: the cluster answers 503 to each try, and the tries stop when the
    request's time (ARSEARCH_OPENSEARCH_TIMEOUT) has passed, with the cluster's reason."""
    index_name = name(tmp_path, "nowhere")
    Cluster(url()).request("PUT", f"/{index_name}", {"settings": {"index": {
        "number_of_shards": 1, "number_of_replicas": 0, "routing.allocation.require._name": "no-such-node"}}},
        params={"wait_for_active_shards": "0"})
    monkeypatch.setenv("ARSEARCH_OPENSEARCH_TIMEOUT", "5")
    began = time.monotonic()
    with pytest.raises(ClusterError) as refused:
        Cluster(url()).request("PUT", f"/{index_name}/_doc/1", {"n": 1}, params={"timeout": "1s"})
    took = time.monotonic() - began
    assert refused.value.status == 503 and "primary shard is not active" in str(refused.value)
    assert 3 < took < 12, took  # tried again, and stopped
    assert "\n" not in str(refused.value)


def test_copies_on_different_shards_are_one_group(tmp_path: Path) -> None:
    """Each copy in a commit of its own: its candidates come from the cluster's terms, wherever they are."""
    folder = tmp_path / "ix"
    index_name = name(tmp_path, "copies")
    place_index(folder, "opensearch", index=index_name, shards=3)
    with Index.create(folder, engine="opensearch") as index:
        for n in range(8):
            with index.writer() as w:
                w.add(Document(f"copy{n}", STORY + (" " + "المنطقة" * (n % 2)), source=f"s{n}"))
        groups = {hit.group for hit in index.snapshot().search(SearchRequest(Term("source", "s0"))).hits}
        hits = index.snapshot().search(SearchRequest(Term("content", index.analyzer.query_terms("الإنفلونزا")[0]),
                                                     collapse=True, limit=10))
    assert hits.total == 8 and len(hits.hits) == 1 and len(hits.hits[0].members) == 7
    assert {hits.hits[0].group} == groups
    shards = httpx.post(f"{url()}/{index_name}/_search", json={"size": 20, "explain": True, "_source": False},
                        timeout=60).json()["hits"]["hits"]
    assert len({hit["_shard"] for hit in shards}) > 1, "the copies all landed on one shard"


def test_a_batch_of_new_documents_is_grouped_in_a_few_requests(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The grouping of a batch of 128 documents against a committed index reads its look-ups in a few requests
    (the keys' frequencies, the documents sharing them, the candidates), where one at a time was four a document."""
    folder = tmp_path / "ix"
    place_index(folder, "opensearch", index=name(tmp_path, "batch"), shards=3)
    stories = [" ".join(random.Random(n).choices(WORDS, k=60)) for n in range(4)]
    with Index.create(folder, engine="opensearch") as index:
        index.add([Document(f"old{n}", story) for n, story in enumerate(stories)])
        asked: list[str] = []
        request = Cluster.request

        def counted(self: Cluster, method: str, path: str, *args: object, **kwargs: object) -> object:
            asked.append(path)
            return request(self, method, path, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Cluster, "request", counted)
        index.add([Document(f"new{n}", f"{stories[n % 4]} {n}") for n in range(128)])
        monkeypatch.undo()
        ids = [f"old{n}" for n in range(4)] + [f"new{n}" for n in range(128)]
        groups = {doc_id: (found or {}).get("group") for doc_id, found in
                  zip(ids, get_documents(index.snapshot(), ids, content=False))}
    searches = [path for path in asked if "_search" in path or "_msearch" in path]
    assert len(searches) <= 12, (len(searches), searches)
    assert {doc_id: groups[doc_id] for doc_id in groups if doc_id.startswith("old")} == {
        f"old{n}": f"old{n}" for n in range(4)}
    assert all(groups[f"new{n}"] == f"old{n % 4}" for n in range(128)), groups


def test_term_statistics_in_one_request_are_those_of_one_look_up_each(tmp_path: Path) -> None:
    """``doc_frequencies`` (one search for many terms, as the budget and did-you-mean ask) against
    ``doc_frequency``, and ``terms`` with a prefix paged from just before it."""
    folder = tmp_path / "ix"
    place_index(folder, "opensearch", index=name(tmp_path, "stats"), shards=3)
    with Index.create(folder, engine="opensearch") as index:
        with index.writer() as w:
            for n, word in enumerate(["الصحة", "الصحف", "الصحراء", "التعليم", "الصحة"]):
                w.add(Document(f"d{n}", f"{STORY} {word}", title=word))
        asked = [("content", t) for t in index.analyzer.query_terms("الصحة الصحف الصحراء التعليم مجهول")]
        asked += [("title", asked[0][1]), ("no_such_field", "x"), ("content", asked[0][1])]
        one_by_one = [index.snapshot().doc_frequency(field, text) for field, text in asked]
        batched = index.snapshot().doc_frequencies(asked)  # type: ignore[attr-defined]
        prefix = asked[0][1][:2]
        listed = index.snapshot().terms("content", prefix=prefix)
        everything = index.snapshot().terms("content")
    assert batched == one_by_one and one_by_one[0] == 5 and one_by_one[5] == 2 and one_by_one[4] == one_by_one[-2] == 0
    assert listed == [(term, count) for term, count in everything if term.startswith(prefix)] and len(listed) >= 3


def test_the_http_service_searches_a_cluster_index(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from arsearch.interfaces.server import create_app

    folder = tmp_path / "ix"
    place_index(folder, "opensearch", index=name(tmp_path, "serve"))
    with Index.create(folder, engine="opensearch") as index:
        index.add([Document("a", STORY, title="حملة تطعيم", source="spa", date=datetime(2015, 7, 1))])
        client = TestClient(create_app(index))
        found = client.get("/api/search", params={"q": "حملة التطعيم"}).json()
        stats = client.get("/api/stats").json()
    assert [hit["id"] for hit in found["hits"]] == ["a"]
    assert (stats["engine"], stats["documents"]) == ("opensearch", 1)
