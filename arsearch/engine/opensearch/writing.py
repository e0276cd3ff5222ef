"""Writing an OpenSearch index: documents analyzed by arsearch in the pipeline's worker processes, their bulk
actions kept in order in a spool file until the commit, then sent in bulk requests (429s tried again with backoff),
the index refreshed (the commit point) and the commit generation raised.

Nothing reaches the cluster before the commit, so a cancelled writer changes nothing there.  A commit is not
atomic on a cluster: if the writer dies while sending, the cluster holds part of the batch, which the next commit
(or refresh) makes visible; incremental indexing then finds those documents already there, and writes the rest."""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from arsearch.engine.api import Layout, LayoutEncoding, StoredDocument
from arsearch.engine.opensearch.cluster import RETRIES, ClusterError
from arsearch.engine.opensearch.schema import DocumentEncoder, document_key, with_group

if TYPE_CHECKING:
    from arsearch.engine.opensearch.engine import OpenSearchEngine

#: The bytes and actions of one bulk request.
BULK_BYTES = 4_000_000
BULK_ACTIONS = 2_000
_FIRST_BACKOFF = 0.5
_MOST_BACKOFF = 30.0


class OpenSearchWriter:
    """One commit's changes, as bulk actions in order (a delete applies to the documents added before it)."""

    def __init__(self, engine: OpenSearchEngine, layout: Layout, *, procs: int, memory_mb: int) -> None:
        self._engine = engine
        self._layout = layout
        self._encoder = DocumentEncoder(layout)
        self._lease = engine.lease()
        self._spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115  (closed at the commit or cancel)
            max_size=max(memory_mb, 16) * 1_000_000, mode="w+b", prefix="arsearch-bulk-")
        self._open = True

    def encoding(self) -> LayoutEncoding:
        return LayoutEncoding(DocumentEncoder, self._layout)

    def add(self, stored: StoredDocument, *, replace: bool = True) -> None:
        self.add_encoded(stored, self._encoder.encode_ungrouped(stored), replace=replace)

    def add_encoded(self, stored: StoredDocument, encoded: object, *, replace: bool = True) -> None:
        document = with_group(encoded, stored.document.id, stored.group)  # type: ignore[arg-type]
        self._spool.write(_action("index", stored.document.id) + document.encode("utf-8") + b"\n")

    def delete(self, doc_id: str) -> None:
        self._spool.write(_action("delete", doc_id))

    def commit(self) -> None:
        self._lease.check()
        engine = self._engine
        self._send()
        generation = engine.generation()
        engine.start_commit(generation)
        try:
            engine.cluster.request("POST", f"/{engine.location.index}/_refresh")
        finally:  # a refresh that failed may have refreshed some shards: the next snapshot is another commit
            engine.end_commit(generation + 1)
        self._close()

    def cancel(self) -> None:
        self._close()

    def _close(self) -> None:
        if self._open:
            self._open = False
            self._spool.close()

    # sending -------------------------------------------------------------------------------------------------

    def _send(self) -> None:
        self._spool.seek(0)
        for chunk in _chunks(self._spool):
            self._bulk(chunk)

    def _bulk(self, actions: list[bytes]) -> None:
        """Send ``actions`` (each its lines), the ones refused for load or for a shard not yet placed again with
        backoff until none is left, or until the cluster's request time has passed since the first try."""
        delay = _FIRST_BACKOFF
        cluster = self._engine.cluster
        path = f"/{self._engine.location.index}/_bulk"
        began = time.monotonic()
        refused, refused_status = "", 429
        for _ in range(RETRIES * 2):
            found = cluster.request("POST", path, content=b"".join(actions))
            if not found.get("errors"):
                return
            again: list[bytes] = []
            for action, item in zip(actions, found.get("items", [])):
                result = next(iter(item.values()))
                status = int(result.get("status", 200))
                error = result.get("error") or {}
                if status in (429, 503):
                    again.append(action)
                    refused, refused_status = f"{status} {error.get('type')}: {error.get('reason')}", status
                elif status >= 300 and not (status == 404 and "delete" in item):
                    raise ClusterError(f"the OpenSearch cluster refused document {result.get('_id')!r}: "
                                       f"{error.get('type')}: {error.get('reason')}"[:600], status=status,
                                       kind=str(error.get("type", "")))
            if not again:
                return
            actions = again
            self._lease.check()
            pause = delay * (0.5 + random.random())
            if time.monotonic() - began + pause >= cluster.timeout:
                break
            time.sleep(pause)
            delay = min(delay * 2, _MOST_BACKOFF)
        raise ClusterError(f"the OpenSearch cluster kept refusing {len(actions)} documents for "
                           f"{time.monotonic() - began:.0f} s ({refused})"[:600], status=refused_status)


def _action(kind: str, doc_id: str) -> bytes:
    return json.dumps({kind: {"_id": document_key(doc_id)}}, separators=(",", ":")).encode("utf-8") + b"\n"


def _chunks(spool: object) -> Iterator[list[bytes]]:
    """The spool's actions (an action line, and the document's line for an index action) in bulk-sized lists."""
    lines = iter(spool)  # type: ignore[call-overload]
    chunk: list[bytes] = []
    size = 0
    for line in lines:
        action = line if line.startswith(b'{"delete"') else line + next(lines)
        chunk.append(action)
        size += len(action)
        if size >= BULK_BYTES or len(chunk) >= BULK_ACTIONS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk
