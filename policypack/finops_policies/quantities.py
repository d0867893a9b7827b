"""Kubernetes resource quantities (`500m`, `1280Mi`, `1.5Gi`, `1e3`) as numbers.

One grammar for the whole project: the one the API server accepts (k8s.io/apimachinery
`resource.Quantity`: a signed decimal number, then a binary suffix Ki..Ei, a decimal suffix
n u m "" k M G T P E, or a decimal exponent e3/E-2). Contracts, components and policies all read
quantities through `quantity`, so a value one of them accepts the others accept too; a typo such
as `1280MB` is an error everywhere, never a guess.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

_QUANTITY: Final = re.compile(
    r"(?P<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?"
)
_BINARY: Final = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL: Final = {"n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
#: Exponents far beyond any real quantity are refused rather than expanded into huge numbers.
_MAX_EXPONENT: Final = 40
#: Bytes in a mebibyte.
MI: Final = 2**20

MEMORY_EXPECTED: Final = "a Kubernetes memory quantity such as '1280Mi' or '2Gi'"
CPU_EXPECTED: Final = "a Kubernetes CPU quantity such as '500m' or '2'"


def quantity(value: object) -> Decimal | None:
    """A quantity in base units (CPU in cores, memory in bytes), or None for what the API server rejects.

    Numbers (the engine sends floats) are plain quantities.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    if not isinstance(value, str):
        return None
    match = _QUANTITY.fullmatch(value)
    if match is None:
        return None
    number = Decimal(match.group("number"))
    suffix = match.group("suffix") or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number.scaleb(_DECIMAL[suffix])
    if suffix:
        exponent = int(suffix[1:])
        if abs(exponent) > _MAX_EXPONENT:
            return None
        return number.scaleb(exponent)
    return number


def memory_bytes(text: str) -> int:
    """Whole bytes in a positive memory quantity; `ValueError` (saying what is expected) otherwise."""
    amount = quantity(text.strip())
    if amount is not None and int(amount) > 0:
        return int(amount)
    raise ValueError(MEMORY_EXPECTED)


def cpu_millicores(text: str) -> int:
    """Millicores in a positive CPU quantity (`500m` -> 500, `2` -> 2000); `ValueError` otherwise."""
    amount = quantity(text.strip())
    if amount is not None and int(amount * 1000) > 0:
        return int(amount * 1000)
    raise ValueError(CPU_EXPECTED)


def mebibytes(num_bytes: int | Decimal) -> int:
    """Whole MiB, rounded down: a heap cut from a limit must never round up past it."""
    return int(Decimal(num_bytes) // MI)


def memory_text(num_bytes: Decimal) -> str:
    """Bytes as a memory quantity for messages, in MiB: `1536Mi`, `953.7Mi`."""
    mib = num_bytes / MI
    if mib == mib.to_integral_value():
        return f"{int(mib)}Mi"
    return f"{mib.quantize(Decimal('0.1'))}Mi"
