"""A one-line progress indicator on stderr for long previews.

It draws only on a terminal: in CI logs, pipes and files it writes nothing, so reports and logs
stay clean. It appears only once a run has lasted `delay` seconds (short runs never flicker), and
redraws at most every `interval` seconds. It uses a carriage return and spaces, no escape codes, so
it also works on terminals without ANSI support (TERM=dumb).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

_SPINNER = "|/-\\"


class Progress:
    """`Progress(total, label)`; call `advance()` per unit of work and `finish()` at the end.

    `total` None means an unknown amount: a count and a spinner instead of a percentage.
    Usable as a context manager, which finishes on exit (also on errors).
    """

    def __init__(
        self,
        total: int | None,
        label: str,
        *,
        stream: TextIO | None = None,
        interval: float = 0.1,
        delay: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        enabled: bool | None = None,
    ) -> None:
        self.total = total if total is None or total >= 0 else 0
        self.label = label
        self.done = 0
        self._stream = stream if stream is not None else sys.stderr
        self._interval = interval
        self._clock = clock
        self._started = clock()
        self._show_from = self._started + delay
        self._last_draw: float | None = None
        self._width = 0
        self._finished = False
        if enabled is None:
            enabled = _is_terminal(self._stream)
        self.enabled = enabled

    def advance(self, n: int = 1) -> None:
        if self._finished:
            return
        self.done += n
        if not self.enabled:
            return
        now = self._clock()
        if now < self._show_from:
            return
        if self._last_draw is not None and now - self._last_draw < self._interval:
            return
        self._draw(now)

    def finish(self) -> None:
        """Erase the line (if one was drawn); later calls to `advance` do nothing."""
        if self._finished:
            return
        self._finished = True
        if self.enabled and self._width:
            self._write("\r" + " " * self._width + "\r")
            self._width = 0

    def line(self, now: float | None = None) -> str:
        """The text the indicator shows (without the carriage return)."""
        elapsed = (self._clock() if now is None else now) - self._started
        if self.total:
            done = min(self.done, self.total)
            return f"{self.label}: {done}/{self.total} ({100 * done // self.total}%) {elapsed:.0f} s"
        spin = _SPINNER[self.done % len(_SPINNER)]
        return f"{self.label}: {self.done} {spin} {elapsed:.0f} s"

    def _draw(self, now: float) -> None:
        text = self.line(now)
        # pad over the previous, longer line instead of using an erase-line escape code
        padding = " " * max(0, self._width - len(text))
        self._write("\r" + text + padding)
        self._width = len(text)
        self._last_draw = now

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # a closed or broken stderr must never fail the preview
            self.enabled = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.finish()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False
