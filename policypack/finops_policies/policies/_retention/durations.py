"""Durations as Prometheus, Loki and Tempo write them (`15d`, `744h`, `1y2w`, `720h0m0s`), in days."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Final

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|us|µs|ns|y|w|d|h|m|s)")
_DURATION_DAYS: Final[Mapping[str, float]] = {
    "y": 365.0,
    "w": 7.0,
    "d": 1.0,
    "h": 1 / 24,
    "m": 1 / 1440,
    "s": 1 / 86400,
    "ms": 1 / 86_400_000,
    "us": 1 / 86_400_000_000,
    "µs": 1 / 86_400_000_000,
    "ns": 1 / 86_400_000_000_000,
}


def duration_days(value: object) -> float | None:
    """Days in a Prometheus/Go duration (`15d`, `744h`, `1y2w`, `720h0m0s`); None if not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return None if not math.isfinite(value) else float(value) / 86400.0  # bare numbers are seconds
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text == "0":
        return 0.0
    position, total = 0, 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != position:
            return None
        total += float(match.group(1)) * _DURATION_DAYS[match.group(2)]
        position = match.end()
    return total if position == len(text) and position > 0 else None
