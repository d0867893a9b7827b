"""Waivers and reviews: recorded, time-boxed approvals that a platform team keeps in policy config.

A waiver lets a finding through (it stays visible, marked waived); a cross-region review allows a
dependency between two regions. Both are data, checked the same way: a ticket matching the
configured pattern, an approver, and an expiry date that has not passed. An approval failing any
of these does not count, and the finding it would have covered says why.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import conventions as conv
from .clock import today

#: The key of a review that names services rather than resources (budget and cost reviews).
APPROVAL_SUBJECTS_SERVICES = "services"


@dataclass(frozen=True)
class Approval:
    resources: tuple[str, ...]
    ticket: str
    approved_by: str
    expires: str
    reason: str
    #: Why this approval does not count; empty when it is valid.
    problems: tuple[str, ...]
    extra: Mapping[str, Any]

    @property
    def valid(self) -> bool:
        return not self.problems

    def matches(self, urn: str, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(urn, p) for p in self.resources)

    def label(self) -> str:
        return f"'{self.ticket}'" if self.ticket else "without a ticket"

    def as_report(self) -> dict[str, str]:
        return {"ticket": self.ticket, "approvedBy": self.approved_by, "expires": self.expires, "reason": self.reason}


def _text(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    return value.strip() if isinstance(value, str) else ""


def parse_approval(entry: object, ticket_pattern: str, on: dt.date, *, subjects: str = "resources") -> Approval:
    """One approval; `subjects` is the key listing what it covers (globs): `resources` for waivers and
    cross-region reviews, `services` for budget and cost reviews."""
    if not isinstance(entry, Mapping):
        return Approval((), "", "", "", "", ("is not an object",), {})
    problems: list[str] = []
    raw_resources = entry.get(subjects)
    resources: tuple[str, ...] = ()
    if isinstance(raw_resources, str):
        resources = (raw_resources,)
    elif isinstance(raw_resources, Sequence):
        resources = tuple(r for r in raw_resources if isinstance(r, str) and r)
    if not resources:
        problems.append(f"names no {subjects}")
    ticket = _text(entry, "ticket")
    try:
        pattern_ok = bool(re.fullmatch(ticket_pattern, ticket))
    except re.error:
        pattern_ok = bool(re.fullmatch(conv.DEFAULT_TICKET_PATTERN, ticket))
    if not ticket:
        problems.append("has no ticket")
    elif not pattern_ok:
        problems.append(f"ticket {ticket!r} does not match {ticket_pattern!r}")
    approved_by = _text(entry, "approvedBy")
    if not approved_by:
        problems.append("has no approvedBy")
    expires = _text(entry, "expires")
    if not expires:
        problems.append("has no expires date")
    else:
        try:
            expiry = dt.date.fromisoformat(expires)
        except ValueError:
            problems.append(f"expires {expires!r} is not a YYYY-MM-DD date")
        else:
            if expiry < on:
                problems.append(f"expired on {expires}")
    known = {subjects, "ticket", "approvedBy", "expires", "reason"}
    extra = {k: v for k, v in entry.items() if k not in known}
    return Approval(resources, ticket, approved_by, expires, _text(entry, "reason"), tuple(problems), extra)


def parse_approvals(
    entries: object, ticket_pattern: str, on: dt.date | None = None, *, subjects: str = "resources"
) -> list[Approval]:
    if not isinstance(entries, Sequence) or isinstance(entries, str) or not entries:
        return []  # no waivers (the common case): no clock to read
    day = on or today()
    return [parse_approval(e, ticket_pattern, day, subjects=subjects) for e in entries]


def why_not(approvals: Sequence[Approval]) -> str:
    """A clause explaining why approvals that matched a finding did not count."""
    parts = [f"{a.label()} {', '.join(a.problems)}" for a in approvals]
    return "; ".join(parts)
