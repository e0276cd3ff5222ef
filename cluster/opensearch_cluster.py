#!/usr/bin/env python3
"""A local OpenSearch cluster for the tests: N nodes, each its own JVM on 127.0.0.1 with its own data folder and ports,
built from Maven Central artifacts (cluster/pom.xml resolves them and compiles ClusterNode, the one-class launcher).

    python3 cluster/opensearch_cluster.py start --nodes 3 --base-port 9250 --data /tmp/cluster-shared
    python3 cluster/opensearch_cluster.py status --data /tmp/cluster-shared
    python3 cluster/opensearch_cluster.py stop --data /tmp/cluster-shared

Node i listens for HTTP on base-port + i and for its peers on transport-port + i (base-port + 100 by default); its data,
log (node.log) and pid file are in <data>/node-i.  The layout is written to <data>/cluster.json, so that `stop`,
`status`, `kill-node` and `start-node` need only the data folder.  Standard library only: the test suite imports it.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

Json = dict[str, Any]
HERE = Path(__file__).resolve().parent
LAUNCHER_JAR = HERE / "target" / "arsearch-test-cluster-1.jar"
LIBRARIES = HERE / "target" / "lib"
SOURCES = (HERE / "pom.xml", HERE / "src")
MAIN_CLASS = "arsearch.cluster.ClusterNode"
LAYOUT_FILE = "cluster.json"
DEFAULT_HEAP = "512m"
# As a stock distribution's jvm.options (Netty without Unsafe tricks, the JDK 8 locale data for date formats).
JVM_OPTIONS = (
    "-XX:+UseG1GC",
    "-Dfile.encoding=UTF-8",
    "-Djava.locale.providers=SPI,COMPAT",
    "-Djna.nosys=true",
    "-Dio.netty.noUnsafe=true",
    "-Dio.netty.noKeySetOptimization=true",
    "-Dio.netty.recycler.maxCapacityPerThread=0",
    "-Dlog4j2.formatMsgNoLookups=true",
    "-XX:+ExitOnOutOfMemoryError",
)


class ClusterError(RuntimeError):
    """The cluster could not be built, started or reached; the message says which and where the log is."""


def missing_tools() -> list[str]:
    """The tools a cluster start needs that are not on PATH (java to run the nodes, mvn to fetch and build)."""
    return [tool for tool in ("java", "mvn") if shutil.which(tool) is None]


def build(*, quiet: bool = True) -> None:
    """Resolve the OpenSearch jars into ~/.m2 and compile the launcher, unless target/ is newer than the sources.
    A file lock keeps two concurrent starts from building at once."""
    HERE.joinpath("target").mkdir(exist_ok=True)
    with open(HERE / "target" / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _built():
            return
        if missing_tools():
            raise ClusterError(f"cannot build the test cluster: {', '.join(missing_tools())} not found on PATH")
        command = ["mvn", "-B", "-f", str(HERE / "pom.xml"), "package"] + (["-q"] if quiet else [])
        done = subprocess.run(command, capture_output=quiet, text=True, check=False)
        if done.returncode != 0:
            tail = (done.stdout or "").strip().splitlines()[-5:] if quiet else []
            raise ClusterError("maven could not build the test cluster: " + " | ".join(tail))


def _built() -> bool:
    if not LAUNCHER_JAR.is_file() or not LIBRARIES.is_dir():
        return False
    newest_source = max(path.stat().st_mtime for root in SOURCES for path in [root, *root.rglob("*")])
    return LAUNCHER_JAR.stat().st_mtime >= newest_source


@dataclass(frozen=True)
class Layout:
    """Where the nodes of one cluster live: written once by `start`, read by every other command."""

    data: str
    cluster_name: str
    nodes: int
    http_base_port: int
    transport_base_port: int
    heap: str

    def node_name(self, node: int) -> str:
        return f"{self.cluster_name}-{node}"

    def node_dir(self, node: int) -> Path:
        return Path(self.data) / f"node-{node}"

    def http_port(self, node: int) -> int:
        return self.http_base_port + node

    def node_url(self, node: int) -> str:
        return f"http://127.0.0.1:{self.http_port(node)}"

    @property
    def url(self) -> str:
        """The first node's URL (every node answers for the whole cluster)."""
        return self.node_url(0)

    @property
    def urls(self) -> list[str]:
        return [self.node_url(node) for node in range(self.nodes)]

    def save(self) -> None:
        Path(self.data).mkdir(parents=True, exist_ok=True)
        Path(self.data, LAYOUT_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, data: str | Path) -> Layout:
        path = Path(data, LAYOUT_FILE)
        if not path.is_file():
            raise ClusterError(f"no cluster in {data} ({LAYOUT_FILE} not found)")
        return cls(**json.loads(path.read_text()))


class Cluster:
    """A cluster of `Layout`: start, stop, kill and restart its nodes, and wait for its health."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        #: The nodes this object started, by pid: waited for through their Popen, so that none is left unreaped.
        self._children: dict[int, subprocess.Popen[bytes]] = {}

    @property
    def url(self) -> str:
        return self.layout.url

    @property
    def urls(self) -> list[str]:
        return self.layout.urls

    # -- nodes ---------------------------------------------------------------------------------------------------
    def node_settings(self, node: int) -> list[str]:
        layout = self.layout
        home = layout.node_dir(node)
        peers = ",".join(f"127.0.0.1:{layout.transport_base_port + other}" for other in range(layout.nodes))
        managers = ",".join(layout.node_name(other) for other in range(layout.nodes))
        settings = {
            "path.home": str(home),
            "path.data": str(home / "data"),
            "path.logs": str(home),
            "node.name": layout.node_name(node),
            "cluster.name": layout.cluster_name,
            "network.host": "127.0.0.1",
            "http.port": str(layout.http_port(node)),
            "transport.port": str(layout.transport_base_port + node),
            "discovery.seed_hosts": peers,
            "cluster.initial_cluster_manager_nodes": managers,
            # The test machine's disk fill level must not stop shard allocation.
            "cluster.routing.allocation.disk.threshold_enabled": "false",
        }
        if layout.nodes == 1:
            settings["discovery.type"] = "single-node"
            del settings["discovery.seed_hosts"], settings["cluster.initial_cluster_manager_nodes"]
        return [f"{key}={value}" for key, value in settings.items()]

    def pid_file(self, node: int) -> Path:
        return self.layout.node_dir(node) / "node.pid"

    def log_file(self, node: int) -> Path:
        return self.layout.node_dir(node) / "node.log"

    def pid(self, node: int) -> int | None:
        """The node's process id if that process is alive and is this node (a reused pid is not)."""
        try:
            pid = int(self.pid_file(node).read_text())
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            return None
        marker = f"path.home={self.layout.node_dir(node)}".encode()
        return pid if marker in command else None

    def start_node(self, node: int) -> int:
        """Start node `node` (its data is kept from any earlier run); return its pid without waiting."""
        if (running := self.pid(node)) is not None:
            return running
        home = self.layout.node_dir(node)
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        classpath = f"{LAUNCHER_JAR}:{LIBRARIES}/*"
        heap = self.layout.heap
        command = ["java", f"-Xms{heap}", f"-Xmx{heap}", *JVM_OPTIONS, f"-Djava.io.tmpdir={home / 'tmp'}",
                   "-cp", classpath, MAIN_CLASS, *self.node_settings(node)]
        with open(self.log_file(node), "ab") as log:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True, close_fds=True)
        self._children[process.pid] = process
        self.pid_file(node).write_text(f"{process.pid}\n")
        return process.pid

    def kill_node(self, node: int, sig: int = signal.SIGKILL, *, timeout: float = 30.0) -> None:
        """Send `sig` to the node and wait until its process is gone (SIGKILL: the fault tests' crash)."""
        pid = self.pid(node)
        if pid is None:
            return
        os.kill(pid, sig)
        if not self._wait_gone(pid, timeout) and sig != signal.SIGKILL:
            os.kill(pid, signal.SIGKILL)
            self._wait_gone(pid, 10.0)

    def running(self) -> list[int]:
        return [node for node in range(self.layout.nodes) if self.pid(node) is not None]

    # -- the whole cluster ---------------------------------------------------------------------------------------
    def start(self, *, timeout: float = 180.0) -> None:
        began = time.monotonic()
        for node in range(self.layout.nodes):
            self.start_node(node)
        self.wait_for_nodes(self.layout.nodes, timeout=timeout)
        self.wait_for_voting_configuration(timeout=max(10.0, timeout - (time.monotonic() - began)))

    def wait_for_voting_configuration(self, *, timeout: float = 60.0) -> None:
        """Wait until every node votes in the committed voting configuration.  A fresh cluster elects its first
        manager with a placeholder for a node not yet seen and swaps in the real node a moment later: a node killed
        inside that moment leaves the other two without a quorum until it comes back."""
        deadline = time.monotonic() + timeout
        query = "/_cluster/state/metadata?filter_path=metadata.cluster_coordination"
        while True:
            coordination = (self.request(query) or {}).get("metadata", {}).get("cluster_coordination", {})
            committed = coordination.get("last_committed_config", [])
            if (len(committed) == self.layout.nodes and committed == coordination.get("last_accepted_config")
                    and not any(voter.startswith("{bootstrap-placeholder}") for voter in committed)):
                return
            if time.monotonic() > deadline:
                raise ClusterError(f"the voting configuration did not settle in {timeout:.0f} s: {coordination}")
            time.sleep(0.5)

    def request(self, path: str, *, timeout: float = 5.0) -> Json | None:
        """GET `path` from the first live node that answers with JSON (an error's JSON too: a health call whose
        wait_for_* condition is not met yet answers 408 with the health); None when none does."""
        for node in self.running() or list(range(self.layout.nodes)):
            try:
                with urllib.request.urlopen(f"{self.layout.node_url(node)}{path}", timeout=timeout) as response:
                    answer = json.load(response)
            except urllib.error.HTTPError as error:
                try:
                    answer = json.load(error)
                except ValueError:
                    continue
            except (OSError, ValueError):
                continue
            if isinstance(answer, dict):
                return answer
        return None


    def stop(self, *, timeout: float = 30.0) -> None:
        """SIGTERM every node (a clean close), SIGKILL any still alive after `timeout` seconds."""
        pids = [pid for node in range(self.layout.nodes) if (pid := self.pid(node)) is not None]
        for pid in pids:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for pid in pids:
            if not self._wait_gone(pid, max(0.0, deadline - time.monotonic())):
                _signal(pid, signal.SIGKILL)
                self._wait_gone(pid, 10.0)
        for node in range(self.layout.nodes):
            self.pid_file(node).unlink(missing_ok=True)

    def _wait_gone(self, pid: int, timeout: float) -> bool:
        child = self._children.get(pid)
        if child is None:
            return _wait_gone(pid, timeout)
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        del self._children[pid]
        return True

    def health(self, query: str = "") -> Json | None:
        """The cluster health as any live node reports it; None when no node answers."""
        return self.request(f"/_cluster/health{query}")

    def wait_for_nodes(self, count: int, *, status: str = "yellow", timeout: float = 180.0) -> Json:
        """Wait until the cluster has exactly `count` nodes and at least `status`; raise ClusterError after
        `timeout` seconds, or as soon as a node process expected up has died (with the end of its log)."""
        deadline = time.monotonic() + timeout
        expected = set(self.running())
        while True:
            health = self.health(f"?wait_for_nodes={count}&wait_for_status={status}&timeout=2s")
            if health and health.get("number_of_nodes") == count and not health.get("timed_out"):
                return health
            dead = [node for node in expected if self.pid(node) is None]
            if dead:
                raise ClusterError(f"node {dead[0]} exited while the cluster started; "
                                   f"see {self.log_file(dead[0])}: {_log_tail(self.log_file(dead[0]))}")
            if time.monotonic() > deadline:
                raise ClusterError(f"the cluster did not reach {count} nodes and {status} in {timeout:.0f} s "
                                   f"(last health: {health}); see the logs in {self.layout.data}")
            time.sleep(0.5)


def free_base_port(nodes: int = 3, *, first: int = 9200, last: int = 9290, step: int = 10) -> int:
    """The first HTTP base port from `first` up to `last` (by `step`) whose HTTP and transport ports (base + 100)
    for `nodes` nodes are all free on 127.0.0.1."""
    for base in range(first, last + 1, step):
        if all(_port_free(port) for node in range(nodes) for port in (base + node, base + 100 + node)):
            return base
    raise ClusterError(f"no free ports for {nodes} nodes between {first} and {last + 100 + nodes}")


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the nodes bind: TIME_WAIT is no obstacle
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start_cluster(data: str | Path, *, nodes: int = 3, base_port: int = 0, transport_base_port: int | None = None,
                  heap: str = DEFAULT_HEAP, cluster_name: str | None = None, fresh: bool = False,
                  timeout: float = 180.0) -> Cluster:
    """Build if needed, then start a cluster whose data lives in `data` and wait until all its nodes have joined.
    `base_port` 0 keeps the ports of the cluster already in `data`, or takes the first free range of
    :func:`free_base_port`; `fresh` wipes the data folder first (a running cluster there is stopped)."""
    data = Path(data).resolve()
    existing = Layout.load(data) if (data / LAYOUT_FILE).is_file() else None
    if fresh and data.exists():
        if existing is not None:
            Cluster(existing).stop()
        shutil.rmtree(data)
        existing = None
    if existing is not None and Cluster(existing).running():
        if base_port not in (0, existing.http_base_port) or nodes != existing.nodes:
            raise ClusterError(f"another cluster runs from {data} ({existing.url}); stop it first")
        cluster = Cluster(existing)  # already up, or partly: start the nodes that are not running
        cluster.start(timeout=timeout)
        return cluster
    build()
    if not base_port and existing is not None and existing.nodes == nodes:
        base_port, transport_base_port = existing.http_base_port, existing.transport_base_port
    base_port = base_port or free_base_port(nodes)
    layout = Layout(data=str(data), cluster_name=cluster_name or (existing.cluster_name if existing else
                                                                  f"arsearch-{base_port}"),
                    nodes=nodes, http_base_port=base_port,
                    transport_base_port=transport_base_port or base_port + 100, heap=heap)
    layout.save()
    cluster = Cluster(layout)
    try:
        cluster.start(timeout=timeout)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _wait_gone(pid: int, timeout: float) -> bool:
    """Wait for `pid` to exit (reaped if it is a child of this process); True once it is gone."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)
            if finished == pid:
                return True
        except ChildProcessError:
            pass
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "Z":
                return True
        except OSError:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def _log_tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return "(no log)"
    return " | ".join(text[-lines:])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="resolve the jars and compile the launcher (start does it when needed)")
    start = commands.add_parser("start", help="start a cluster and wait until all its nodes have joined")
    start.add_argument("--nodes", type=int, default=3)
    start.add_argument("--base-port", type=int, default=0,
                       help="HTTP port of node 0; node i gets base + i (default: the first free of 9200, 9210, ...)")
    start.add_argument("--transport-base-port", type=int, help="transport port of node 0 (default: base-port + 100)")
    start.add_argument("--data", required=True, help="the cluster's folder: node data, logs, pid files")
    start.add_argument("--heap", default=DEFAULT_HEAP, help=f"each node's Java heap (default {DEFAULT_HEAP})")
    start.add_argument("--cluster-name")
    start.add_argument("--fresh", action="store_true", help="wipe the data folder first")
    start.add_argument("--timeout", type=float, default=180.0)
    for name, text in (("stop", "stop every node (SIGTERM, then SIGKILL)"), ("status", "nodes and cluster health")):
        commands.add_parser(name, help=text).add_argument("--data", required=True)
    for name, text in (("kill-node", "kill -9 one node"), ("start-node", "start one node again, keeping its data")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--data", required=True)
        command.add_argument("--node", type=int, required=True)
    arguments = parser.parse_args(argv)
    try:
        return _run(arguments)
    except ClusterError as error:
        print(f"opensearch_cluster: {error}", file=sys.stderr)
        return 1


def _run(arguments: argparse.Namespace) -> int:
    if arguments.command == "build":
        build(quiet=False)
        return 0
    if arguments.command == "start":
        began = time.monotonic()
        cluster = start_cluster(arguments.data, nodes=arguments.nodes, base_port=arguments.base_port,
                                transport_base_port=arguments.transport_base_port, heap=arguments.heap,
                                cluster_name=arguments.cluster_name, fresh=arguments.fresh,
                                timeout=arguments.timeout)
        print(cluster.url)
        print(f"opensearch_cluster: {arguments.nodes} nodes up in {time.monotonic() - began:.1f} s, data in "
              f"{cluster.layout.data}", file=sys.stderr)
        return 0
    cluster = Cluster(Layout.load(arguments.data))
    if arguments.command == "stop":
        cluster.stop()
        return 0
    if arguments.command == "kill-node":
        cluster.kill_node(arguments.node)
        return 0
    if arguments.command == "start-node":
        cluster.start_node(arguments.node)
        cluster.wait_for_nodes(cluster.layout.nodes)
        return 0
    running = cluster.running()
    for node in range(cluster.layout.nodes):
        state = f"pid {cluster.pid(node)}" if node in running else "not running"
        print(f"node {node}: {cluster.layout.node_url(node)} {state}")
    health = cluster.health()
    print(f"health: {json.dumps(health) if health else 'no node answers'}")
    return 0 if health else 1


if __name__ == "__main__":
    sys.exit(main())
