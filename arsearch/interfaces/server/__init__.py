"""The HTTP service (``arsearch serve``): a JSON API over the library and a search page, on FastAPI and uvicorn.

Needs the ``server`` extra (``pip install 'arsearch[server]'``); ``import arsearch`` never loads it.
"""

from arsearch.interfaces.server.app import create_app, serve

__all__ = ["create_app", "serve"]
