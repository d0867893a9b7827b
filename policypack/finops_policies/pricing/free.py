"""Resource types that cost nothing by themselves, as data with its sources (`data/prices/free_types.json`).

Shared by the cost estimate (a free type is neither priced nor unpriced) and by anything that
asks which resource types cost money.
"""

from __future__ import annotations

import fnmatch
import json
from functools import cache
from importlib import resources
from typing import Final

from .catalog import PACKAGE

FREE_TYPES_FILE: Final = ("data", "prices", "free_types.json")


@cache
def _groups() -> tuple[tuple[tuple[str, ...], str], ...]:
    text = resources.files(PACKAGE).joinpath(*FREE_TYPES_FILE).read_text(encoding="utf-8")
    return tuple((tuple(g["types"]), str(g["source"])) for g in json.loads(text)["groups"])


@cache
def free_reason(type_token: str) -> str | None:
    """Why `type_token` costs nothing (its source), or None if it is not known to be free."""
    for patterns, source in _groups():
        for pattern in patterns:
            if type_token == pattern or ("*" in pattern and fnmatch.fnmatchcase(type_token, pattern)):
                return source
    return None


def is_free(type_token: str) -> bool:
    return free_reason(type_token) is not None


def free_type_patterns() -> list[str]:
    """Every free type token or glob, for reports and tag scoping."""
    return [p for patterns, _ in _groups() for p in patterns]
