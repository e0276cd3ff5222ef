"""``arsearch.server.create_app``, as the README promises: the HTTP service lives in
:mod:`arsearch.interfaces.server` (needs the ``server`` extra)."""

from arsearch.interfaces.server import create_app, serve

__all__ = ["create_app", "serve"]
