"""The REST calls of the engine: one ``httpx`` client per cluster URL, credentials from the environment only,
TLS verification on unless the environment turns it off, and the cluster's answers turned into arsearch's errors.

Only what OpenSearch 2.x and Elasticsearch 7.10+/8.x share is used; where they differ (opening a point in time)
both forms are tried."""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from arsearch.errors import ArsearchError, EngineConnectionError, IndexNotFoundError

USER_VARIABLE = "ARSEARCH_OPENSEARCH_USER"
PASSWORD_VARIABLE = "ARSEARCH_OPENSEARCH_PASSWORD"
API_KEY_VARIABLE = "ARSEARCH_OPENSEARCH_API_KEY"
#: A CA bundle to verify the cluster's certificate with; ``ARSEARCH_OPENSEARCH_VERIFY=0`` turns verification off.
CA_VARIABLE = "ARSEARCH_OPENSEARCH_CA_CERTS"
VERIFY_VARIABLE = "ARSEARCH_OPENSEARCH_VERIFY"
TIMEOUT_VARIABLE = "ARSEARCH_OPENSEARCH_TIMEOUT"
#: Seconds a request may take, its tries again included (a bulk request of a few megabytes on a loaded cluster
#: included).
DEFAULT_TIMEOUT = 120.0
#: Tries of a request the cluster refused for load (429) or could not route yet (503), with backoff between, as
#: long as the request's time lasts.
RETRIES = 8
_FIRST_BACKOFF = 0.25
_MOST_BACKOFF = 15.0


class ClusterError(ArsearchError):
    """The cluster refused a request for a reason of its own (its type and reason in the message)."""

    def __init__(self, message: str, *, status: int = 0, kind: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind


class Cluster:
    """Requests to one cluster; safe to share between threads.  ``url`` may name several nodes, separated by
    commas: a request that cannot reach one goes to the next."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._nodes = [part.strip().rstrip("/") for part in url.split(",") if part.strip()]
        self._node = 0
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        auth: httpx.BasicAuth | None = None
        key = os.environ.get(API_KEY_VARIABLE)
        if key:
            headers["Authorization"] = f"ApiKey {key}"
        elif os.environ.get(USER_VARIABLE):
            auth = httpx.BasicAuth(os.environ[USER_VARIABLE], os.environ.get(PASSWORD_VARIABLE, ""))
        verify: bool | str = True
        if os.environ.get(CA_VARIABLE):
            verify = os.environ[CA_VARIABLE]
        elif os.environ.get(VERIFY_VARIABLE, "").strip().lower() in ("0", "false", "no", "off"):
            verify = False
        timeout = self.timeout = float(os.environ.get(TIMEOUT_VARIABLE) or DEFAULT_TIMEOUT)
        self._http = httpx.Client(headers=headers, auth=auth, verify=verify,
                                  timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
                                  limits=httpx.Limits(max_connections=64, max_keepalive_connections=16))
        self._pit_style: str | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, body: Any = None, *, params: Mapping[str, Any] | None = None,
                missing: Iterable[int] = (), content: bytes | None = None, retry: bool = True) -> Any:
        """The decoded answer of a request; None for a status of ``missing`` (404 for a document that is not
        there, say).  429 and 503 are tried again with backoff until :attr:`timeout` seconds have passed since the
        first try (a write to a shard with no copy left waits for a minute in the cluster, and would otherwise
        hold a run for many); other refusals raise."""
        data = content if content is not None else (None if body is None else encode(body))
        headers = {"Content-Type": "application/x-ndjson"} if content is not None else None
        delay = _FIRST_BACKOFF
        unreachable = 0
        attempt = 0
        began = time.monotonic()
        while True:
            node = self._node
            try:
                response = self._http.request(method, self._nodes[node] + path, content=data, params=params,
                                              headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                unreachable += 1
                if unreachable < len(self._nodes):  # the next node
                    self._node = (node + 1) % len(self._nodes)
                    continue
                raise EngineConnectionError(f"cannot reach the OpenSearch cluster at {self.url}: {exc}") from exc
            except httpx.TimeoutException as exc:
                raise EngineConnectionError(f"the OpenSearch cluster at {self.url} did not answer {method} {path} "
                                            f"in time ({type(exc).__name__})") from exc
            except httpx.HTTPError as exc:
                raise EngineConnectionError(f"cannot reach the OpenSearch cluster at {self.url}: {exc}") from exc
            attempt += 1
            status = response.status_code
            pause = delay * (0.5 + random.random())
            if (status in (429, 503) and attempt < (RETRIES if retry else 1)
                    and time.monotonic() - began + pause < self.timeout):
                time.sleep(pause)
                delay = min(delay * 2, _MOST_BACKOFF)
                continue
            if status in missing:
                return None
            if status >= 400:
                raise self._refusal(response, method, path)
            return response.json() if response.content else {}

    def _refusal(self, response: httpx.Response, method: str, path: str) -> ArsearchError:
        status = response.status_code
        try:
            error = response.json().get("error")
        except ValueError:
            error = response.text[:300]
        kind, reason = kind_and_reason(error)
        if status in (401, 403):
            return EngineConnectionError(f"the OpenSearch cluster at {self.url} refused the credentials "
                                         f"({status}{': ' + reason if reason else ''})", auth=True)
        if kind == "index_not_found_exception":
            index = error.get("index", "") if isinstance(error, dict) else ""
            return IndexNotFoundError(f"no index {index or path.split('/')[1]!r} on the OpenSearch cluster at "
                                      f"{self.url}", path=self.url)
        return ClusterError(f"the OpenSearch cluster at {self.url} refused {method} {path.split('?')[0]}: "
                            f"{status} {kind}: {reason}"[:600], status=status, kind=kind)

    def wait_for_copies(self, indexes: Iterable[str], *, seconds: float = 60.0) -> None:
        """Wait until every copy of ``indexes`` the cluster can place has started, or ``seconds`` have passed: a
        new index's replicas are not in sync until they have, and a node lost before then can take the only copy
        of a shard with it (a replica with no node to go to does not hold the wait)."""
        self.request("GET", f"/_cluster/health/{','.join(indexes)}", missing=(408,),
                     params={"wait_for_events": "languid", "wait_for_no_initializing_shards": "true",
                             "timeout": f"{max(1, round(seconds))}s"})

    # points in time ----------------------------------------------------------------------------------------

    def open_pit(self, index: str, keep_alive: str) -> str | None:
        """A point in time of ``index`` (OpenSearch's or Elasticsearch's form), or None when the cluster has
        none."""
        styles = [self._pit_style] if self._pit_style else ["opensearch", "elasticsearch"]
        for style in styles:
            path = f"/{index}/_search/point_in_time" if style == "opensearch" else f"/{index}/_pit"
            try:
                found = self.request("POST", path, params={"keep_alive": keep_alive}, missing=(404, 405))
            except ClusterError as exc:
                if exc.status in (400, 405):
                    continue
                raise
            if found is not None and (found.get("pit_id") or found.get("id")):
                self._pit_style = style
                return str(found.get("pit_id") or found.get("id"))
        return None

    def close_pits(self, ids: list[str]) -> None:
        if not ids or self._pit_style is None:
            return
        try:
            if self._pit_style == "opensearch":
                self.request("DELETE", "/_search/point_in_time", {"pit_id": ids}, missing=(404,), retry=False)
            else:
                for pit in ids:
                    self.request("DELETE", "/_pit", {"id": pit}, missing=(404,), retry=False)
        except ArsearchError:
            pass  # they expire by themselves


def kind_and_reason(error: Any) -> tuple[str, str]:
    """The type and reason of the cluster's ``error`` (its first root cause's)."""
    if not isinstance(error, dict):
        return "", str(error)
    root = (error.get("root_cause") or [error])[0]
    return str(root.get("type") or error.get("type") or ""), str(root.get("reason") or error.get("reason") or "")


def encode(body: Any) -> bytes:
    """``body`` as the cluster reads JSON (one line)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_CLUSTERS: dict[tuple[str, str], Cluster] = {}
_CLUSTERS_LOCK = threading.Lock()


def cluster(url: str) -> Cluster:
    """The client of ``url`` for this process and these credentials (one connection pool per cluster)."""
    key = (url, os.environ.get(USER_VARIABLE, "") + "\0" + os.environ.get(API_KEY_VARIABLE, ""))
    with _CLUSTERS_LOCK:
        found = _CLUSTERS.get(key)
        if found is None:
            found = _CLUSTERS[key] = Cluster(url)
        return found
