"""The OpenSearch tests: a real cluster, never an imitation.

Every test in this folder is marked ``opensearch``.  Two clusters serve them:

- the cluster named by ``ARSEARCH_TEST_OPENSEARCH_URL`` (``.ci/run`` starts one with ``cluster/opensearch_cluster.py``
  and exports it), through the ``opensearch_indexes`` fixture of tests/conftest.py, which skips, saying why, when
  it is unset or does not answer;
- ``fault_cluster``: a private 3-node cluster these tests start and stop themselves, for the fault tests that kill
  its nodes; skipped, saying why, without Java or Maven (or when the cluster cannot be built or started here).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import OPENSEARCH_TEST_URL

from cluster.opensearch_cluster import Cluster, ClusterError, free_base_port, missing_tools, start_cluster

HERE = Path(__file__).resolve().parent
#: The private fault cluster takes the first free HTTP ports from here (transport ports: HTTP + 100).
FAULT_CLUSTER_FIRST_PORT = 9260


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.opensearch)


@pytest.fixture(scope="session")
def fault_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A private cluster of 3 nodes (each its own JVM) that the fault tests may kill and restart.  A test that
    takes nodes down brings them back before it ends (see ``all_nodes_up``)."""
    missing = missing_tools()
    if missing:
        pytest.skip(f"{' and '.join(missing)} not found on PATH: the fault tests start their own OpenSearch cluster")
    data = tmp_path_factory.mktemp("fault-cluster")
    try:
        cluster = start_cluster(data, nodes=3, base_port=free_base_port(3, first=FAULT_CLUSTER_FIRST_PORT),
                                cluster_name="arsearch-faults")
    except ClusterError as error:
        if os.environ.get(OPENSEARCH_TEST_URL):  # CI started a cluster from the same jars: this one must start too
            raise
        pytest.skip(f"the fault tests' OpenSearch cluster did not start: {error}")
    try:
        yield cluster
    finally:
        cluster.stop()
        _remove_all_but_logs(data)


def _remove_all_but_logs(folder: Path) -> None:
    """The cluster's data, without its nodes' logs: an error of the cluster points at them (a CI run that failed to
    get the cluster green again left no log to read)."""
    for node in folder.iterdir():
        if node.is_dir():
            for item in node.iterdir():
                if item.is_dir():
                    shutil.rmtree(item, ignore_errors=True)
                elif item.suffix != ".log":
                    item.unlink(missing_ok=True)


@pytest.fixture
def all_nodes_up(fault_cluster: Cluster) -> Iterator[Cluster]:
    """The fault cluster with all its nodes up before the test, and again after it (nodes a test killed are
    restarted), so that one test's faults do not leak into the next."""
    fault_cluster.start()
    yield fault_cluster
    fault_cluster.start()
    fault_cluster.wait_for_nodes(fault_cluster.layout.nodes, status="green", timeout=180.0)
