"""One writer at a time per index, across machines: a lease document in the index's control index.

A writer takes the lease by creating the document (``op_type=create``), or by replacing one whose expiry has
passed, conditionally on the version it read (``if_seq_no``/``if_primary_term``), so of two writers taking an
expired lease at once one wins.  It renews the lease from a thread while it holds it, each renewal conditional on
its own last write (a writer whose lease was taken over learns it there), and deletes it when it lets go.  When
its process dies, the lease runs out after :data:`LEASE_SECONDS` and the next writer takes it over, at once when
the dead holder ran on the same host (its process id is gone).  Expiry is by the writers' clocks: machines that
write to one index must agree on the time within a fraction of the lease."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any

from arsearch.engine.opensearch.cluster import Cluster, ClusterError
from arsearch.errors import ArsearchError, IndexLockedError

LEASE_DOCUMENT = "lease"
LEASE_VARIABLE = "ARSEARCH_OPENSEARCH_LEASE_SECONDS"
LEASE_SECONDS = 30.0


def lease_seconds() -> float:
    return float(os.environ.get(LEASE_VARIABLE) or LEASE_SECONDS)


class Lease:
    def __init__(self, cluster: Cluster, control: str, index: str) -> None:
        self._cluster = cluster
        self._path = f"/{control}/_doc/{LEASE_DOCUMENT}"
        self._create = f"/{control}/_create/{LEASE_DOCUMENT}"
        self._index = index
        self._seconds = lease_seconds()
        self._token = uuid.uuid4().hex
        self._version: tuple[int, int] | None = None
        self._lost: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._mutex = threading.Lock()

    def _body(self) -> dict[str, Any]:
        return {"token": self._token, "pid": os.getpid(), "host": socket.gethostname(),
                "since": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "expires": time.time() + self._seconds}

    def take(self) -> None:
        """Hold the lease, or :class:`IndexLockedError` saying who holds it."""
        created = self._cluster.request("PUT", self._create, self._body(), missing=(409,))
        if created is None:
            held = self._cluster.request("GET", self._path, missing=(404,))
            if held is None or not held.get("found"):
                created = self._cluster.request("PUT", self._create, self._body(), missing=(409,))
            else:
                holder = held.get("_source") or {}
                if float(holder.get("expires", 0)) > time.time() and _alive(holder):
                    raise IndexLockedError(
                        f"the OpenSearch index {self._index} is being updated by process {holder.get('pid')} on "
                        f"{holder.get('host')} (since {holder.get('since')}; its lease runs out in "
                        f"{float(holder['expires']) - time.time():.0f} s unless renewed)")
                created = self._cluster.request(
                    "PUT", self._path, self._body(), missing=(409,),
                    params={"if_seq_no": held["_seq_no"], "if_primary_term": held["_primary_term"]})
            if created is None:
                raise IndexLockedError(f"the OpenSearch index {self._index} is being updated by another process "
                                       f"(it took the lease first)")
        self._version = (int(created["_seq_no"]), int(created["_primary_term"]))
        self._thread = threading.Thread(target=self._renewing, name="arsearch-opensearch-lease", daemon=True)
        self._thread.start()

    def _renewing(self) -> None:
        while not self._stop.wait(self._seconds / 3):
            try:
                self.renew()
            except ArsearchError as exc:  # the cluster unreachable for a while: the next renewal may pass
                if self._lost is None and isinstance(exc, IndexLockedError):
                    self._lost = str(exc)

    def renew(self) -> None:
        with self._mutex:
            if self._version is None or self._lost is not None:
                return
            seq_no, term = self._version
            found = self._cluster.request("PUT", self._path, self._body(), missing=(409, 404),
                                          params={"if_seq_no": seq_no, "if_primary_term": term})
            if found is None:
                self._lost = (f"this writer's lease of the OpenSearch index {self._index} ran out and another "
                              f"process took it over")
                raise IndexLockedError(self._lost)
            self._version = (int(found["_seq_no"]), int(found["_primary_term"]))

    def check(self) -> None:
        """IndexLockedError when the lease was lost; else renewed now, so that it outlasts the commit's start."""
        if self._lost is not None:
            raise IndexLockedError(self._lost)
        self.renew()

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._mutex:
            version, self._version = self._version, None
            if version is None or self._lost is not None:
                return
            try:
                self._cluster.request("DELETE", self._path, missing=(404, 409), retry=False,
                                      params={"if_seq_no": version[0], "if_primary_term": version[1]})
            except (ArsearchError, ClusterError):
                pass  # it runs out by itself


def _alive(holder: dict[str, Any]) -> bool:
    """Whether the holder of a lease may still be running: always for another host's."""
    if holder.get("host") != socket.gethostname():
        return True
    try:
        os.kill(int(holder.get("pid") or 0), 0)
    except ProcessLookupError:
        return False
    except (OSError, ValueError):
        return True
    return True
