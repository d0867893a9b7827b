"""How large an input may be to be read whole in memory (a module of its own: `check` reads the
limit before it forks the child that imports the readers, `inputs/read_ahead.py`)."""

from __future__ import annotations

#: Plans up to this size are read in one pass (sections built in C, ~5x the file in memory at
#: most); larger ones are streamed in two, holding little beyond the registrations.
WHOLE_PLAN_LIMIT = 32 * 1024 * 1024

__all__ = ["WHOLE_PLAN_LIMIT"]
