"""`Kept`: how long data governed by one setting is kept, and the fix that changes it."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Any

from finops_policies import conventions as conv
from finops_policies.cloudwatch import cloudwatch_retention_days
from finops_policies.provider_limits import DocumentedRange, documented_range

#: AWS Backup API Reference, Lifecycle: DeleteAfterDays "must be at least 90 days after the number of days
#: specified in MoveToColdStorageAfterDays".
COLD_STORAGE_MINIMUM_DAYS = 90
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
    #: The values the provider accepts for this setting, when AWS documents them.
    limit: DocumentedRange | None = None
    #: A Backup rule's `coldStorageAfter`: its `deleteAfter` must be at least 90 days more.
    cold_storage_after: float | None = None

    @builtins.property  # the field `property` shadows the builtin in this class body
    def accepted(self) -> DocumentedRange | None:
        """The values the provider accepts for this setting (CloudWatch's list for log groups), if documented."""
        if self.limit is None and self.cloudwatch:
            return documented_range(conv.LOG_GROUP, "retentionInDays")
        return self.limit

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
        if self.limit is not None:
            value = self.limit.nearest(value)  # never a value the provider rejects
        cold = self.cold_storage_after
        if cold is not None and cold > 0 and value < cold + COLD_STORAGE_MINIMUM_DAYS:
            return (
                f"set {self.setter}={value:.0f} and remove cold_storage_after: a recovery point moved to cold storage "
                f"stays there at least {COLD_STORAGE_MINIMUM_DAYS} days, so delete_after must be at least "
                f"cold_storage_after + {COLD_STORAGE_MINIMUM_DAYS}"
            )
        return f"set {self.setter}={value:.0f}"
