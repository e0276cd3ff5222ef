"""Replacing a small JSON file so that readers see the old content or the new, never a part of it."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from arsearch.durability import sync_file, sync_folder


def write_json_atomically(path: Path, data: dict[str, Any], *, durable: bool = True) -> None:
    """Write ``data`` to a temporary file beside ``path`` (named per process and thread), then rename it.

    ``durable``: the new content survives a power loss (the file is fsync'ed before the rename, the folder
    after it); without it, a crash of the OS may leave the file empty."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as stream:
            stream.write(json.dumps(data, ensure_ascii=False, indent=2))
            if durable:
                sync_file(stream)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk, say: leave no half-written file behind
        raise
    if durable:
        sync_folder(path.parent)
