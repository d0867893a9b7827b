"""The names of the report formats, importable before the reports themselves.

`check` forks the child that reads its inputs as early as it can (`inputs/read_ahead.py`); the
command line needs these names before that, and importing the report writers for them would
delay the fork by a thirtieth of a second.
"""

from __future__ import annotations

from typing import Final

#: `preview` and `check` reports (`finops_guard.reports`).
FORMATS: Final = ("text", "json", "sarif", "junit")
#: `cost` reports (`finops_guard.reports.cost`).
COST_FORMATS: Final = ("text", "json", "markdown", "html")

__all__ = ["COST_FORMATS", "FORMATS"]
