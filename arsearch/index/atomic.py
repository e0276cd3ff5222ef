"""Replacing a small JSON file so that readers see the old content or the new, never a part of it."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any


def write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to a temporary file beside ``path`` (named per process and thread), then rename it."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
