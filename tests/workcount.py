"""Counting work instead of timing it: a count does not flake on a loaded machine."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")


def lines_executed(work: Callable[[], T]) -> tuple[T, int]:
    """Run `work` and count the Python lines it executes: deterministic for a given input.

    A nested-loop join shows as lines run n² times, whatever the loop is written with; code in C
    (sorting, dict lookups) counts once per call, as it should for a complexity bound.
    """
    count = 0

    def on_line(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return on_line

    previous = sys.gettrace()
    sys.settrace(lambda frame, event, arg: on_line)
    try:
        result = work()
    finally:
        sys.settrace(previous)
    return result, count
