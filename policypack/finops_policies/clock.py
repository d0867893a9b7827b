"""Today's date: the one clock every date rule reads (waiver and review expiry, debug-until dates).

Policies, components and test cases all ask `today()`, so pinning `FINOPS_GUARDRAILS_TODAY`
(YYYY-MM-DD) makes a whole run, a CI job or a test see one fixed day. Unset in normal use.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Final

TODAY_ENV: Final = "FINOPS_GUARDRAILS_TODAY"


def today() -> dt.date:
    """`FINOPS_GUARDRAILS_TODAY` when it holds a YYYY-MM-DD date, else the local date."""
    pinned = os.environ.get(TODAY_ENV, "").strip()
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            pass  # a malformed pin must not stop a preview: the real date applies
    return dt.date.today()


def days_from_today(days: int) -> dt.date:
    """The date `days` from today (negative: in the past)."""
    return today() + dt.timedelta(days=days)
