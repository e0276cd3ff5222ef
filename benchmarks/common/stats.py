"""Percentiles of latency samples."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def percentile(samples: Sequence[float], share: float) -> float:
    """The ``share`` (0 < share < 1) quantile of ``samples``, interpolated between the nearest ranks."""
    if len(samples) == 1:
        return float(samples[0])
    cuts = statistics.quantiles(samples, n=1000, method="inclusive")
    return cuts[round(share * 1000) - 1]


def p50_p95(samples: Sequence[float]) -> tuple[float, float]:
    return percentile(samples, 0.50), percentile(samples, 0.95)
