"""The OpenSearch engine (the ``opensearch`` extra): an arsearch index on an OpenSearch cluster (2.x; the REST
calls are those Elasticsearch 7.10+ and 8.x share), reached over its REST API with ``httpx``, the only package
here that imports it.  arsearch's analyzer still makes every term: documents reach the cluster as pre-analyzed
text split again by a whitespace tokenizer, so the terms and positions are those of the local engines.  The index
folder keeps only where the index lives (``opensearch.json``: the URL and the index name)."""

from __future__ import annotations

try:
    import httpx  # noqa: F401
except ImportError as exc:  # the optional extra is not installed
    raise ImportError("arsearch's opensearch engine needs the httpx package: pip install 'arsearch[opensearch]'") \
        from exc

from arsearch.engine.opensearch.engine import OpenSearchKind
from arsearch.engine.opensearch.location import place

KIND = OpenSearchKind()

__all__ = ["KIND", "place"]
