"""When debug telemetry is allowed: the rule the `Service` component enforces at program time and
the `debug-telemetry-expiry` policy enforces on everything else.

Debug-level logging or 100 % trace sampling is fine in a development environment. Elsewhere it
needs an end date (`finops.dev/debug-until: YYYY-MM-DD`) that lies between today and
`conventions.DEFAULT_MAX_DEBUG_DAYS` (or the policy's configured maximum) days ahead; the date
itself still counts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Final, Literal

from . import conventions as conv

_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Days ahead of today a suggested fix sets the end date to (never past the configured maximum).
SUGGESTED_DEBUG_DAYS: Final = 7

WindowState = Literal["ok", "expired", "too-far"]


def is_debug_level(value: str) -> bool:
    """`debug`, `TRACE`, `all`, or a directive list with one of them (`info,orders=debug`, RUST_LOG)."""
    for directive in value.split(","):
        level = directive.rsplit("=", 1)[-1].strip().lower()
        if level in conv.DEBUG_LOG_LEVELS:
            return True
    return False


def is_full_sampling(ratio: float) -> bool:
    """A trace sampling ratio that keeps every trace."""
    return ratio >= 1


def is_dev_environment(name: str, dev_environments: Iterable[str] = conv.DEV_ENVIRONMENTS) -> bool:
    """An environment where debug telemetry needs no end date (compared case-insensitively)."""
    return name.strip().lower() in {env.lower() for env in dev_environments}


def parse_debug_until(text: object) -> dt.date | None:
    """The date of a `YYYY-MM-DD` value (surrounding spaces allowed), or None when it is not one."""
    if not isinstance(text, str) or not _DATE.fullmatch(text.strip()):
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def debug_window_state(until: dt.date, on: dt.date, max_days: int = conv.DEFAULT_MAX_DEBUG_DAYS) -> WindowState:
    """Whether a debug window ending on `until` is acceptable on day `on`."""
    ahead = (until - on).days
    if ahead < 0:
        return "expired"
    if ahead > max_days:
        return "too-far"
    return "ok"


def suggested_debug_until(on: dt.date, max_days: int = conv.DEFAULT_MAX_DEBUG_DAYS) -> dt.date:
    """An end date a fix can propose: a week ahead, or the maximum when that is shorter."""
    return on + dt.timedelta(days=min(SUGGESTED_DEBUG_DAYS, max_days))
