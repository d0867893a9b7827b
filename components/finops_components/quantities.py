"""Kubernetes resource quantities (`500m`, `1280Mi`, `1.5Gi`) as numbers.

Contracts state CPU and memory the way Kubernetes does; the components need numbers to check a
limit against a request and to size a JVM heap inside a memory limit. Only the suffixes that make
sense for CPU and memory are accepted, so a typo such as `1280MB` is an error, not a guess.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

_BINARY: Final = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL: Final = {"k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}
_QUANTITY: Final = re.compile(r"^(?P<number>[0-9]+(?:\.[0-9]+)?)(?P<suffix>[A-Za-z]*)$")

MEMORY_EXPECTED: Final = "a Kubernetes memory quantity such as '1280Mi' or '2Gi'"
CPU_EXPECTED: Final = "a Kubernetes CPU quantity such as '500m' or '2'"


def _split(text: str) -> tuple[Decimal, str] | None:
    match = _QUANTITY.match(text.strip())
    if match is None:
        return None
    try:
        return Decimal(match["number"]), match["suffix"]
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return None


def memory_bytes(text: str) -> int:
    """Bytes in a memory quantity; `ValueError` (saying what is expected) when it is not one."""
    parts = _split(text)
    if parts is not None:
        number, suffix = parts
        if suffix == "":
            multiplier = 1
        elif suffix in _BINARY:
            multiplier = _BINARY[suffix]
        elif suffix in _DECIMAL:
            multiplier = _DECIMAL[suffix]
        else:
            multiplier = 0
        value = int(number * multiplier)
        if multiplier and value > 0:
            return value
    raise ValueError(MEMORY_EXPECTED)


def cpu_millicores(text: str) -> int:
    """Millicores in a CPU quantity (`500m` → 500, `2` → 2000); `ValueError` when it is not one."""
    parts = _split(text)
    if parts is not None:
        number, suffix = parts
        if suffix in ("", "m"):
            value = int(number if suffix == "m" else number * 1000)
            if value > 0:
                return value
    raise ValueError(CPU_EXPECTED)


def mebibytes(num_bytes: int) -> int:
    """Whole MiB, rounded down: a heap size must never round up past the limit it was cut from."""
    return num_bytes // 2**20
