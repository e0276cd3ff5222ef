"""A real ``arsearch serve`` in a subprocess on a free loopback port, for the HTTP and browser tests."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import SEEDS, write_news_corpus
from helpers import start_cli, write_corpus

from arsearch.index import Index
from arsearch.ingest import index_paths

#: Documents with a character outside the BMP before the match, and with markup in their text.
ODD_DOCUMENTS = [
    {"id": "emoji", "title": "رموز 🙂 قبل الكلمة", "content": "🙂🙂 خبر عن حقل كونيكو للغاز", "source": "web",
     "date": "2019-05-01"},
    {"id": "markup", "title": '<img src="x" onerror="window.injected=1">', "content":
     '<b>كونيكو</b> <script>window.injected=1</script> نص', "url": "javascript:window.injected=1"},
]


def build_server_index(base: Path, engine: str | None = None) -> Path:
    """The seed articles, the synthetic news, 30 generated articles and :data:`ODD_DOCUMENTS`."""
    path = base / "index"
    write_corpus(base / "generated", 30, 10)
    with Index.create(path, engine=engine) as ix:
        index_paths(ix, [SEEDS, write_news_corpus(base / "news"), base / "generated"])
        ix.add(ODD_DOCUMENTS)
    return path


@contextmanager
def running_server(index: Path, *args: str) -> Iterator[str]:
    """Start ``arsearch serve --index INDEX --port 0 ARGS``; yields its base URL; stops it afterwards."""
    process = start_cli("serve", "--index", index, "--port", "0", *args)
    try:
        line = process.stderr.readline() if process.stderr else ""
        found = re.search(r"http://[\w.:\[\]]+/", line)
        assert found, line + (process.stderr.read() if process.poll() is not None and process.stderr else "")
        url = found.group(0).rstrip("/")
        wait_until_up(url)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(url: str, seconds: float = 40) -> None:
    """Until the server says it is ready (``/health``: 503 while it warms up); worker processes (``--workers``)
    accept connections only once they have started."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=5) as response:
                json.load(response)
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
