"""Where an ``opensearch`` index lives: the cluster's URL and the index's name (with the shards and replicas it is
created with), kept in the index folder's ``opensearch.json``.  Credentials never reach the folder: they are read
from the environment when the cluster is contacted (:mod:`arsearch.engine.opensearch.cluster`).

This module imports no HTTP client, so the engine registry can place an index before the engine is loaded."""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from arsearch.errors import EngineConnectionError, IndexFormatError

LOCATION_FILE = "opensearch.json"
URL_VARIABLE = "ARSEARCH_OPENSEARCH_URL"
INDEX_VARIABLE = "ARSEARCH_OPENSEARCH_INDEX"
SHARDS_VARIABLE = "ARSEARCH_OPENSEARCH_SHARDS"
REPLICAS_VARIABLE = "ARSEARCH_OPENSEARCH_REPLICAS"
#: The start of an index name made from the folder when none is given.
PREFIX_VARIABLE = "ARSEARCH_OPENSEARCH_PREFIX"
DEFAULT_PREFIX = "arsearch-"
#: What OpenSearch and Elasticsearch refuse in an index name.
_BAD_NAME = re.compile(r'[\\/*?"<>| ,#:A-Z]|^[-_+.]')
_MOST_NAME_BYTES = 200


@dataclass(frozen=True)
class Location:
    """``shards``/``replicas``: None leaves them to the cluster's defaults.  ``creator``: a token of this folder's,
    recorded in the mapping of the index it creates (a rebuild replaces that index; an index this folder did not
    create is never replaced)."""

    url: str
    index: str
    shards: int | None = None
    replicas: int | None = None
    creator: str = ""

    @property
    def control(self) -> str:
        """The small index beside the documents that holds the commit generation and the writer's lease."""
        return f"{self.index}-arsearch-control"


def check_name(name: str) -> str:
    if not name or _BAD_NAME.search(name) or name in (".", "..") or len(name.encode()) > _MOST_NAME_BYTES:
        raise EngineConnectionError(f"{name!r} cannot name an OpenSearch index (lowercase letters, digits, - and _, "
                                    f"at most {_MOST_NAME_BYTES} bytes, not starting with - _ + or .)",
                                    setting="index")
    return name


def check_url(url: str) -> str:
    """The cluster's URL, or several nodes' separated by commas, checked."""
    nodes = [part.strip().rstrip("/") for part in url.split(",") if part.strip()]
    for node in nodes or [url]:
        if not re.match(r"^https?://[^/\s]+", node):
            raise EngineConnectionError(f"{node!r} is no cluster URL (http://host:port or https://host:port)",
                                        setting="url")
        if re.match(r"^https?://[^/]*@", node):
            raise EngineConnectionError("the cluster URL must not hold credentials: give them in the environment "
                                        "(ARSEARCH_OPENSEARCH_USER and ARSEARCH_OPENSEARCH_PASSWORD, or "
                                        "ARSEARCH_OPENSEARCH_API_KEY)", setting="url")
    return ",".join(nodes)


def derived_name(path: Path) -> str:
    """An index name for a folder given none: the prefix, the folder's name and a hash of its absolute path."""
    prefix = os.environ.get(PREFIX_VARIABLE) or DEFAULT_PREFIX
    folder = re.sub(r"[^a-z0-9_-]+", "-", path.resolve().name.lower()).strip("-_") or "index"
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return check_name(f"{prefix}{folder[:40]}-{digest}")


def read_location(path: Path) -> Location | None:
    """The folder's location, or None when it has none."""
    try:
        found: dict[str, Any] = json.loads((path / LOCATION_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise IndexFormatError(f"{path / LOCATION_FILE} is damaged: {exc}", rebuild=True) from exc
    try:
        return Location(url=check_url(str(found["url"])), index=check_name(str(found["index"])),
                        shards=_count(found.get("shards")), replicas=_count(found.get("replicas"), least=0),
                        creator=str(found.get("creator") or ""))
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexFormatError(f"{path / LOCATION_FILE} is damaged: {exc}", rebuild=True) from exc


def write_location(path: Path, location: Location, *, replacing: bool = True) -> bool:
    """Write the folder's location; with ``replacing=False`` only if the folder has none yet (two first runs at
    once: the first one's stays).  False when one was there and was kept."""
    path.mkdir(parents=True, exist_ok=True)
    temporary = path / f".{LOCATION_FILE}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    temporary.write_text(json.dumps(asdict(location), indent=2) + "\n", encoding="utf-8")
    try:
        if replacing:
            os.replace(temporary, path / LOCATION_FILE)
            return True
        try:
            os.link(temporary, path / LOCATION_FILE)
        except FileExistsError:
            return False
        return True
    finally:
        temporary.unlink(missing_ok=True)


def place(path: Path, *, url: str | None = None, index: str | None = None, shards: int | None = None,
          replicas: int | None = None) -> Location:
    """Say where the index of the folder ``path`` lives, before it is created: what is not given comes from the
    folder's location if it has one, then the environment (:data:`URL_VARIABLE`, :data:`INDEX_VARIABLE`,
    :data:`SHARDS_VARIABLE`, :data:`REPLICAS_VARIABLE`), the index name last from the folder
    (:func:`derived_name`).  A folder keeps its creator token while its URL and index name stay."""
    known = read_location(path)
    url = url or (known.url if known else None) or os.environ.get(URL_VARIABLE)
    if not url:
        raise EngineConnectionError(f"no OpenSearch cluster is given for the index at {path} (its URL, or "
                                    f"{URL_VARIABLE} in the environment)", setting="url")
    name = index or (known.index if known else None) or os.environ.get(INDEX_VARIABLE) or derived_name(path)
    location = Location(
        url=check_url(url), index=check_name(name),
        shards=shards if shards is not None else (known.shards if known else _count(os.environ.get(SHARDS_VARIABLE))),
        replicas=replicas if replicas is not None else (known.replicas if known else
                                                        _count(os.environ.get(REPLICAS_VARIABLE), least=0)))
    same = known is not None and (known.url, known.index) == (location.url, location.index) and known.creator
    location = replace(location, creator=known.creator if same and known else uuid.uuid4().hex)
    if write_location(path, location, replacing=known is not None):
        return location
    return place(path, url=url, index=index, shards=shards, replicas=replicas)  # another run placed it first


def _count(value: object, least: int = 1) -> int | None:
    if value is None or value == "":
        return None
    number = int(str(value))
    if number < least:
        raise ValueError(f"{value!r} is below {least}")
    return number
