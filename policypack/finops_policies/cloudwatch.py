"""The retention a CloudWatch log group gets for a requested number of days, inside a class's bounds.

CloudWatch Logs accepts only the values in `conventions.CLOUDWATCH_RETENTION_DAYS`, so a wanted
retention must be snapped to one of them. The components (building a log group from a contract)
and the pack (suggesting the fix for one) both snap here, so the fix the pack prints is exactly
the value the component would set.

The rule rounds *up*: a requested retention is the minimum the team needs (a contract's
`logRetentionDays`, a class's suggested days), and deleting data sooner than asked would break
that; a few more days cost little. It never goes past the class's maximum (that bound is the cost
promise a policy enforces): when no accepted value lies between the request and the maximum, it
is the largest accepted value inside the class. It never goes below the class's minimum.
"""

from __future__ import annotations

from . import conventions as conv


def cloudwatch_retention_days(requested: float, bounds: conv.RetentionBounds | None = None) -> int | None:
    """The accepted retention (days) for `requested` days inside `bounds`, or None when there is none.

    None when no accepted value lies inside the bounds, or when `requested` is above every accepted
    value and the class has no maximum or has a minimum (shortening it would break a promise).
    """
    accepted = [days for days in conv.CLOUDWATCH_RETENTION_DAYS if bounds is None or bounds.admits(days)]
    at_least = [days for days in accepted if days >= requested]
    if at_least:
        return min(at_least)
    if not accepted or bounds is None or bounds.max_days is None or bounds.min_days is not None:
        return None
    return max(accepted)
