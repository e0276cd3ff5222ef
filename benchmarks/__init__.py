"""arsearch's benchmarks, run from the checkout's root as ``python -m benchmarks…`` (this folder is not shipped).

- ``python -m benchmarks`` (:mod:`benchmarks.headline`): every figure of the README in one run, one report.
- ``common/``: what every benchmark shares: the corpus, query samples and their one seed, the machine and its
  load, percentiles, running a command while measuring its process tree.
- ``peers/``: the systems arsearch is measured against (SQLite FTS5, tantivy's Snowball analyzer; the tantivy
  peer's index and searcher are ``tantivy_peer.py``).
- ``evaluation/``: known-item relevance: the sample, the TREC files, the metrics and each system's row.
- One script per question still asked of every change, each with its report (``*.md``): ``relevance``,
  ``questions``, ``entities`` (quality); ``engines``, ``scale``, ``synthetic``, ``request_types``,
  ``duplicates`` (speed and size); ``server_load``, ``status_calls``, ``hostile_queries`` (the server).
- ``experiments/``: benchmarks that settled one issue's question, kept with their reports as they were run and
  not maintained (see its README).
"""
