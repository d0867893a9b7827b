"""`Kept`: how long data governed by one setting is kept, and the fix that changes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from finops_policies import conventions as conv
from finops_policies.cloudwatch import cloudwatch_retention_days

#: A verdict that may not be known until apply: True, False or UNKNOWN.
Tri = bool | Any


def fmt(number: float) -> str:
    """A number as people write it: 1209600, 0.5, 2.25 (never 1.2096e+06)."""
    text = f"{round(number, 4):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def days_text(days: float) -> str:
    """`1 day`, `2.5 days`."""
    return f"{fmt(days)} day" + ("" if days == 1 else "s")


@dataclass(frozen=True)
class Kept:
    """How long data governed by one property is kept.

    `days` None means forever. `unknown` means the value (or a part that could shorten it) is
    unknown until apply. `setter` and `per_day` turn a number of days into the fix for this property.
    """

    property: str
    found: str
    days: float | None
    unknown: bool = False
    setter: str = ""
    per_day: float = 1.0
    cloudwatch: bool = False
    #: The setter takes a duration string ('7d'), as Prometheus, Loki and Tempo do.
    duration: bool = False
    #: A fix that does not fit "set <setter>=<n>" (kept verbatim).
    fix_text: str = ""

    def fix(self, days: float, bounds: conv.RetentionBounds | None = None) -> str:
        """How to make this setting keep data `days` days (inside `bounds`)."""
        if self.fix_text:
            return self.fix_text
        if self.duration:
            return f"set {self.setter} to '{fmt(max(round(days), 1))}d'"
        if self.cloudwatch:
            snapped = cloudwatch_retention_days(days, bounds)
            if snapped is None:
                longest = max(conv.CLOUDWATCH_RETENTION_DAYS)
                return (
                    f"CloudWatch Logs keeps data at most {longest} days, less than this class needs: "
                    "export the logs to an S3 bucket of this class instead"
                )
            return f"set {self.setter}={snapped} or use finops_components.TelemetryRetention"
        value = days * self.per_day
        return f"set {self.setter}={value:.0f}"
