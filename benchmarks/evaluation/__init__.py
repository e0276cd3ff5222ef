"""Known-item relevance evaluation on SaudiNewsNet: corpus loading, the fixed sample, TREC files and metrics.

Nothing here imports an engine: the engines live in :mod:`benchmarks.evaluation.engines`, so the metric
functions can be tested without the corpus or any index.
"""
