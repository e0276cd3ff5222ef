"""The engine contract (:mod:`arsearch.engine.api`) on an OpenSearch index: creating and opening it from the
folder's location (:mod:`~arsearch.engine.opensearch.location`), the commit generation, one snapshot per thread,
and the writer with its lease.

Beside the documents' index sits a small control index (one shard, a copy on every node) with two documents:
``commit`` and the writer's ``lease``.  A commit marks ``commit`` as committing, refreshes the index (its shards one
by one) and raises the ``generation``; a snapshot opens its point in time between two reads of ``commit`` that
agree and say no commit was under way, so it never sees part of a commit."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arsearch.engine.api import Layout
from arsearch.engine.opensearch.cluster import Cluster, ClusterError, cluster
from arsearch.engine.opensearch.lease import Lease
from arsearch.engine.opensearch.location import LOCATION_FILE, Location, place, read_location
from arsearch.engine.opensearch.schema import index_body, layout_meta
from arsearch.engine.opensearch.snapshot import KEEP_ALIVE, OpenSearchSnapshot
from arsearch.errors import IndexFormatError, IndexLockedError, IndexNotFoundError

if TYPE_CHECKING:
    from arsearch.engine.opensearch.writing import OpenSearchWriter

COMMIT_DOCUMENT = "commit"
#: Seconds a snapshot waits for a commit under way to finish; a mark older than this is left by a writer that
#: died during its refresh.
COMMIT_WAIT = 60.0
#: Seconds a new index waits for its replicas to start before anything is written to it (they may never, on a
#: cluster with fewer nodes than copies).
COPIES_WAIT = 60.0
_POLL = 0.05
_CONTROL_BODY = {
    "settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": "0-all"}},
    "mappings": {"dynamic": False, "properties": {"generation": {"type": "long"}}},
}


class OpenSearchKind:
    name = "opensearch"
    #: The folder's location survives a rebuild: the rebuilt index goes where the old one was.
    kept_on_rebuild = frozenset({LOCATION_FILE})

    def exists(self, path: Path) -> bool:
        return (path / LOCATION_FILE).is_file()

    def create(self, path: Path, layout: Layout) -> OpenSearchEngine:
        """A new index where the folder's location says (or the environment, see
        :func:`~arsearch.engine.opensearch.location.place`).  An index already there is replaced only if this
        folder created it (a rebuild) and no other writer holds its lease."""
        location = place(path)
        client = cluster(location.url)
        existing = client.request("GET", f"/{location.index}/_mapping", missing=(404,))
        if existing is not None:
            meta = _first(existing, location.index).get("mappings", {}).get("_meta") or {}
            if meta.get("creator") != location.creator:
                raise IndexFormatError(
                    f"the OpenSearch index {location.index} on {location.url} already exists and was not created "
                    f"by the index folder {path}: name another index, or delete that one first")
            lease = Lease(client, location.control, location.index)
            lease.take()  # no other writer is using it
            try:
                client.request("DELETE", f"/{location.index}", missing=(404,))
            finally:
                lease.release()
        client.request("DELETE", f"/{location.control}", missing=(404,))
        # the control index first: its copies on every node recover while the index is created
        client.request("PUT", f"/{location.control}", _CONTROL_BODY, params={"wait_for_active_shards": "1"})
        client.request("PUT", f"/{location.index}",
                       index_body(layout, location.shards, location.replicas, location.creator),
                       params={"wait_for_active_shards": "1"})
        client.wait_for_copies([location.index, location.control], seconds=min(client.timeout, COPIES_WAIT))
        client.request("PUT", f"/{location.control}/_doc/{COMMIT_DOCUMENT}", {"generation": 1},
                       params={"refresh": "true"})
        return OpenSearchEngine(path, location, layout)

    def open(self, path: Path, layout: Layout) -> OpenSearchEngine:
        location = read_location(path)
        if location is None:
            raise IndexNotFoundError(f"{path} does not say where its OpenSearch index is (no {LOCATION_FILE})",
                                     path=str(path))
        engine = OpenSearchEngine(path, location, layout)
        engine.check()
        return engine


class OpenSearchEngine:
    def __init__(self, path: Path, location: Location, layout: Layout) -> None:
        self.path = path
        self.location = location
        self.layout = layout
        self.cluster: Cluster = cluster(location.url)
        self._local = threading.local()
        self._pits: list[str] = []
        self._pits_lock = threading.Lock()
        self._lease: Lease | None = None
        self._lease_lock = threading.Lock()
        self._shards: int | None = None

    def check(self) -> None:
        """IndexNotFoundError when the index is not on the cluster; IndexFormatError when its mapping was written
        by another arsearch (another analyzer, lead weight or layout)."""
        found: dict[str, Any] = self._index_state("_mapping")
        mapping = _first(found, self.location.index).get("mappings", {})
        meta = (mapping.get("_meta") or {}).get("arsearch")
        expected = layout_meta(self.layout)
        if meta != expected:
            raise IndexFormatError(
                f"the OpenSearch index {self.location.index} on {self.location.url} was written "
                f"{'by another version of arsearch' if meta else 'by another program'} (its mapping records "
                f"{meta}, this arsearch writes {expected})", rebuild=True)

    def _index_state(self, part: str) -> dict[str, Any]:
        """The index's ``_mapping`` or ``_settings`` from the node's own cluster state, so that an index can be
        opened for searching while the cluster has no elected manager; without ``local`` where a cluster does not
        take it (Elasticsearch 8)."""
        path = f"/{self.location.index}/{part}"
        try:
            found: dict[str, Any] = self.cluster.request("GET", path, params={"local": "true"})
        except ClusterError as exc:
            if exc.status != 400:
                raise
            found = self.cluster.request("GET", path)
        return found

    def shard_count(self) -> int:
        """The index's primary shards (a search that reached fewer did not search every document)."""
        if self._shards is None:
            found: dict[str, Any] = self._index_state("_settings")
            settings = _first(found, self.location.index).get("settings", {}).get("index", {})
            self._shards = int(settings.get("number_of_shards", 1))
        return self._shards

    # commits -------------------------------------------------------------------------------------------------

    def generation(self) -> int:
        return self._commit_state()[0]

    def _commit_state(self) -> tuple[int, float]:
        """The generation, and since when (``time.time()``) a commit has been under way, 0.0 when none is."""
        found = self.cluster.request("GET", f"/{self.location.control}/_doc/{COMMIT_DOCUMENT}", missing=(404,))
        if found is None:
            raise IndexNotFoundError(f"the OpenSearch index {self.location.index} on {self.location.url} has no "
                                     f"control index ({self.location.control})", path=str(self.path))
        source = found.get("_source") or {}
        return int(source.get("generation", 0)), float(source.get("committing") or 0.0)

    def start_commit(self, generation: int) -> None:
        self.cluster.request("PUT", f"/{self.location.control}/_doc/{COMMIT_DOCUMENT}",
                             {"generation": generation, "committing": time.time()})

    def end_commit(self, generation: int) -> None:
        self.cluster.request("PUT", f"/{self.location.control}/_doc/{COMMIT_DOCUMENT}", {"generation": generation})

    # snapshots -----------------------------------------------------------------------------------------------

    def snapshot(self) -> OpenSearchSnapshot:
        current: OpenSearchSnapshot | None = getattr(self._local, "snapshot", None)
        state = self._commit_state()
        if current is not None and current.generation == state[0]:
            return current
        deadline = time.monotonic() + COMMIT_WAIT
        while True:
            if state[1] and time.time() - state[1] < COMMIT_WAIT and time.monotonic() < deadline:
                time.sleep(_POLL)  # a commit is being refreshed, shard by shard
                state = self._commit_state()
                continue
            pit = self.open_pit()
            after = self._commit_state()
            if after == state or time.monotonic() >= deadline:
                break
            self._forget_pit(pit)
            state = after
        fresh = OpenSearchSnapshot(self, state[0], pit)
        self._local.snapshot = fresh
        return fresh

    def _forget_pit(self, pit: str | None) -> None:
        if pit is not None:
            with self._pits_lock:
                self._pits.remove(pit)
            self.cluster.close_pits([pit])

    def open_pit(self) -> str | None:
        pit = self.cluster.open_pit(self.location.index, KEEP_ALIVE)
        if pit is not None:
            with self._pits_lock:
                self._pits.append(pit)
        return pit

    # writing -------------------------------------------------------------------------------------------------

    def writer(self, *, procs: int = 1, memory_mb: int = 256, durable: bool = True) -> OpenSearchWriter:
        """``durable`` is the cluster's: a bulk request returns once the translog of every copy has the change
        (``index.translog.durability: request``, the default)."""
        from arsearch.engine.opensearch.writing import OpenSearchWriter

        return OpenSearchWriter(self, self.layout, procs=procs, memory_mb=memory_mb)

    def lease(self) -> Lease:
        """The writers' lease, taken by the first writer and kept until :meth:`settle`."""
        with self._lease_lock:
            if self._lease is None:
                lease = Lease(self.cluster, self.location.control, self.location.index)
                lease.take()
                self._lease = lease
            return self._lease

    def settle(self) -> None:
        with self._lease_lock:
            lease, self._lease = self._lease, None
        if lease is not None:
            lease.release()

    def close(self) -> None:
        self.settle()
        with self._pits_lock:
            pits, self._pits = self._pits, []
        self.cluster.close_pits(pits)
        self._local = threading.local()


def _first(answer: dict[str, Any], index: str) -> dict[str, Any]:
    """The part of an answer about ``index`` (the only one, whatever name the cluster gives it)."""
    found: dict[str, Any] = answer.get(index) or next(iter(answer.values()), {})
    return found



__all__ = ["IndexLockedError", "OpenSearchEngine", "OpenSearchKind"]
