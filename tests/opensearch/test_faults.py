"""Faults on a real 3-node OpenSearch cluster with one replica (issue 22, point 6): nodes killed with SIGKILL while
arsearch writes and searches, and restarted.  The cluster is the private ``fault_cluster`` of conftest.py."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

from cluster.opensearch_cluster import Cluster


def rest(url: str, method: str, path: str, body: Any = None, *, timeout: float = 30.0) -> Any:
    """One call to the cluster's REST API; the JSON answer (an error's too, with its status under "status")."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json"} if data is not None else {}
    request = urllib.request.Request(f"{url}{path}", data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        return json.load(error)


def test_a_killed_node_restarts_and_rejoins_with_no_document_lost(all_nodes_up: Cluster) -> None:
    cluster = all_nodes_up
    index = f"faults-rejoin-{uuid.uuid4().hex[:8]}"
    created = rest(cluster.url, "PUT", f"/{index}",
                   {"settings": {"number_of_shards": 3, "number_of_replicas": 1}})
    assert created.get("acknowledged"), created
    try:
        lines = "".join(json.dumps({"index": {"_id": str(n)}}) + "\n" + json.dumps({"n": n}) + "\n"
                        for n in range(300))
        request = urllib.request.Request(f"{cluster.url}/{index}/_bulk?refresh=true", data=lines.encode(),
                                         method="POST", headers={"content-type": "application/x-ndjson"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert not json.load(response)["errors"]
        assert rest(cluster.url, "GET", f"/_cluster/health/{index}?wait_for_status=green&timeout=60s")["status"] \
            == "green"
        victim = 1
        held = {shard["shard"] for shard in rest(cluster.url, "GET", f"/_cat/shards/{index}?format=json")
                if shard["node"] == cluster.layout.node_name(victim)}
        assert held, "every node holds a copy of some shard with 3 shards × 2 copies on 3 nodes"

        cluster.kill_node(victim)
        survivor = cluster.layout.node_url(0)
        health = cluster.wait_for_nodes(2, timeout=60)
        assert health["status"] in ("yellow", "green"), health  # the replicas of the lost primaries took over
        count = rest(survivor, "GET", f"/{index}/_count")
        assert count["count"] == 300 and count["_shards"]["failed"] == 0, count

        cluster.start_node(victim)
        cluster.wait_for_nodes(3, status="green", timeout=180)
        nodes = {shard["node"] for shard in rest(cluster.url, "GET", f"/_cat/shards/{index}?format=json")}
        assert cluster.layout.node_name(victim) in nodes  # the node rejoined and holds shards again
        assert rest(cluster.layout.node_url(victim), "GET", f"/{index}/_count")["count"] == 300
    finally:
        rest(cluster.url, "DELETE", f"/{index}")

