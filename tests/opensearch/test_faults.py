"""Faults on a real 3-node OpenSearch cluster with one replica (issue 22, point 6): nodes killed with SIGKILL while
arsearch writes and searches, then restarted (they rejoin and hold copies again), and the arsearch writer itself
killed.  The cluster is the private ``fault_cluster`` of conftest.py; arsearch talks to its node 0, so the nodes
killed under arsearch are 1 and 2 (the death of the one node a URL names is "cluster unreachable", a one-line error
like any other)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from helpers import assert_one_line_error, build_index, cli_command, cli_env, write_corpus

from arsearch import Index
from arsearch.search import search
from cluster.opensearch_cluster import Cluster

#: A word of tests/helpers.py's generated news that about half of the documents hold.
COMMON_WORD = "الرياض"


def rest(url: str, method: str, path: str, body: Any = None, *, timeout: float = 60.0) -> Any:
    """One call to the cluster's REST API; the JSON answer (an error's too, with its status under "status")."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json"} if data is not None else {}
    request = urllib.request.Request(f"{url}{path}", data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        return json.load(error)


@dataclass
class Place:
    """An arsearch index folder whose documents live in the fault cluster, 3 shards with one replica each."""

    cluster: Cluster
    folder: Path
    name: str

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of an ``arsearch`` run that writes this index."""
        return {**cli_env(), "ARSEARCH_OPENSEARCH_URL": self.cluster.url, "ARSEARCH_OPENSEARCH_INDEX": self.name,
                "ARSEARCH_OPENSEARCH_SHARDS": "3", "ARSEARCH_OPENSEARCH_REPLICAS": "1", **extra}

    def index_command(self, corpus: Path, batch_size: int) -> list[str]:
        return cli_command("index", corpus, "--index", self.folder, "--engine", "opensearch",
                           "--batch-size", str(batch_size), "--procs", "1")

    def indexed(self) -> int:
        """Documents written to the primaries so far (before any refresh makes them visible); 0 before the index
        exists."""
        found = rest(self.cluster.url, "GET", f"/{self.name}/_stats/indexing")
        return int(found.get("_all", {}).get("primaries", {}).get("indexing", {}).get("index_total", 0))

    def ids(self) -> list[str]:
        """The ids of every document the cluster holds for this index (after a refresh), duplicates kept."""
        rest(self.cluster.url, "POST", f"/{self.name}/_refresh")
        found = rest(self.cluster.url, "POST", f"/{self.name}/_search",
                     {"size": 10_000, "_source": False, "query": {"match_all": {}}})
        assert found["_shards"]["failed"] == 0, found["_shards"]
        assert found["hits"]["total"]["value"] == len(found["hits"]["hits"]), "more than one page of ids"
        return [hit["_id"] for hit in found["hits"]["hits"]]


@pytest.fixture
def place(all_nodes_up: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Place]:
    """An index folder for the test, its cluster index deleted after it.  The Python API finds the cluster in the
    environment, as the CLI does."""
    name = f"faults-{uuid.uuid4().hex[:10]}"
    found = Place(all_nodes_up, tmp_path / "index", name)
    for key, value in found.env().items():
        if key.startswith("ARSEARCH_OPENSEARCH_"):
            monkeypatch.setenv(key, value)
    try:
        yield found
    finally:
        all_nodes_up.start()
        rest(all_nodes_up.url, "DELETE", f"/{name}*")


def wait_until(condition: Any, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {timeout:.0f} s"
        time.sleep(0.2)


def finish(process: subprocess.Popen[str], *, timeout: float = 900.0) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def test_a_node_killed_during_a_bulk_index_loses_and_duplicates_nothing(place: Place, tmp_path: Path) -> None:
    ids = write_corpus(tmp_path / "corpus", 150, 15)
    run = subprocess.Popen(place.index_command(tmp_path / "corpus", 15), env=place.env(), text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_until(lambda: place.indexed() > 0 or run.poll() is not None, timeout=600, what="the first bulk request")
    assert run.poll() is None, "the run finished before a node could be killed: give it more to write"
    # The lost copies wait for the node instead of being rebuilt on the other two, so it gets them back.
    rest(place.cluster.url, "PUT", f"/{place.name}/_settings", {"index.unassigned.node_left.delayed_timeout": "10m"})
    place.cluster.kill_node(1)
    code, _, err = finish(run)
    if code != 0:  # stopping is allowed, with one line that says why
        assert_one_line_error(err)

    rerun = subprocess.run(place.index_command(tmp_path / "corpus", 15), env=place.env(), text=True,
                           capture_output=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    kept = place.ids()
    assert len(kept) == len(set(kept)) and sorted(kept) == sorted(ids)

    place.cluster.start_node(1)  # back with its stale copies: the cluster recovers them from the primaries
    place.cluster.wait_for_nodes(3, status="green", timeout=300)
    holders = {shard["node"] for shard in rest(place.cluster.url, "GET", f"/_cat/shards/{place.name}?format=json")}
    assert place.cluster.layout.node_name(1) in holders  # it rejoined and holds copies again
    kept = place.ids()
    assert len(kept) == len(set(kept)) and sorted(kept) == sorted(ids)
    with Index.open(place.folder) as ix:
        assert ix.stats().documents == len(ids)
        assert [hit.id for hit in search(ix, "marker17").hits] == ["doc-17"]


@dataclass(frozen=True)
class Answer:
    total: int = -1
    partial: bool = False
    error: str = ""


def keep_searching(ix: Index, answers: list[Answer], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            results = search(ix, COMMON_WORD, limit=10)
        except Exception as error:  # any failure is what the test reports
            answers.append(Answer(error=f"{type(error).__name__}: {error}"))
        else:
            answers.append(Answer(results.total, results.partial))
        time.sleep(0.05)


def searching_while(ix: Index, action: Any) -> list[Answer]:
    """The answers of searches run without pause before, during and after ``action()``."""
    answers: list[Answer] = []
    stop = threading.Event()
    searcher = threading.Thread(target=keep_searching, args=(ix, answers, stop), daemon=True)
    searcher.start()
    try:
        wait_until(lambda: len(answers) >= 3, timeout=120, what="three searches")
        action()
        count = len(answers)
        wait_until(lambda: len(answers) >= count + 5, timeout=120, what="five searches after the kill")
    finally:
        stop.set()
        searcher.join(timeout=120)
    return answers


def test_searches_keep_answering_when_nodes_die_and_say_when_shards_are_lost(place: Place, tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 200, 50)
    build_index(place.folder, tmp_path / "corpus", engine="opensearch")
    # The cluster must not rebuild the lost copies elsewhere while the test looks at what is missing.
    rest(place.cluster.url, "PUT", f"/{place.name}/_settings",
         {"index.unassigned.node_left.delayed_timeout": "10m"})
    assert rest(place.cluster.url, "GET", f"/_cluster/health/{place.name}?wait_for_status=green&timeout=120s")[
        "status"] == "green"
    with Index.open(place.folder) as ix:
        whole = search(ix, COMMON_WORD).total
        assert 0 < whole < 200

        # One node of three dies: every shard still has a copy, so every answer is whole or says it is not.
        answers = searching_while(ix, lambda: place.cluster.kill_node(1))
        assert [a for a in answers if a.error] == []
        assert [a for a in answers if a.total != whole and not a.partial] == []
        place.cluster.wait_for_nodes(2, timeout=120)
    with Index.open(place.folder) as ix:
        after = search(ix, COMMON_WORD)
        assert (after.total, after.partial) == (whole, False)

        # A second node dies: some shard has no copy left.  Searches still answer, and say they are partial.
        answers = searching_while(ix, lambda: place.cluster.kill_node(2))
        assert [a for a in answers if a.error] == []
        assert [a for a in answers if a.total != whole and not a.partial] == []
    with Index.open(place.folder) as ix:
        lost = search(ix, COMMON_WORD)
        assert lost.partial and lost.total < whole

    # Both nodes restart and rejoin; the index is whole again.
    place.cluster.start_node(1)
    place.cluster.start_node(2)
    place.cluster.wait_for_nodes(3, status="green", timeout=300)
    with Index.open(place.folder) as ix:
        again = search(ix, COMMON_WORD)
        assert (again.total, again.partial) == (whole, False)


def test_a_killed_writer_leaves_a_lease_that_runs_out_and_a_rerun_completes(place: Place, tmp_path: Path) -> None:
    ids = write_corpus(tmp_path / "corpus", 150, 15)
    env = place.env(ARSEARCH_OPENSEARCH_LEASE_SECONDS="6")
    writer = subprocess.Popen(place.index_command(tmp_path / "corpus", 15), env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_until(lambda: place.indexed() > 0 or writer.poll() is not None, timeout=600, what="the first bulk request")
    assert writer.poll() is None, "the writer finished before it could be killed: give it more to write"
    os.kill(writer.pid, signal.SIGKILL)
    writer.communicate(timeout=60)
    killed_at = time.monotonic()

    at_once = subprocess.run(place.index_command(tmp_path / "corpus", 15), env=env, text=True, capture_output=True,
                             timeout=900)
    if at_once.returncode != 0:  # the dead writer's lease still held: one line naming it, and exit code 5
        assert at_once.returncode == 5, at_once.stderr
        assert_one_line_error(at_once.stderr, str(writer.pid))
        time.sleep(max(0.0, killed_at + 7 - time.monotonic()))  # the lease has run out by now
        rerun = subprocess.run(place.index_command(tmp_path / "corpus", 15), env=env, text=True,
                               capture_output=True, timeout=900)
        assert rerun.returncode == 0, rerun.stderr
    kept = place.ids()
    assert len(kept) == len(set(kept)) and sorted(kept) == sorted(ids)

