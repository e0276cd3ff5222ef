"""Holding Ctrl-C back while a commit finishes, so that an interrupt lands before or after it, never inside."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Inside the block SIGINT is only recorded; after the block it goes to the handler that was there before
    (normally raising ``KeyboardInterrupt``).  Blocks nest.  Outside the main thread, where Python cannot set
    signal handlers, the block runs unchanged."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[tuple[int, FrameType | None]] = []

    def record(signum: int, frame: FrameType | None) -> None:
        received.append((signum, frame))

    previous = signal.signal(signal.SIGINT, record)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received and previous is not signal.SIG_IGN:
        if callable(previous):
            previous(*received[0])
        else:
            raise KeyboardInterrupt
