"""What a check reports: one finding per resource and property, with everything a reader needs."""

from __future__ import annotations

import builtins
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """A rule broken (or not verifiable) on one resource.

    The message reads: `<Kind> '<name>': <property> <found>; expected <expected>. Fix: <fix>`.
    An unverifiable finding has `found` like "is unknown until apply" and no fix.
    """

    urn: str
    resource_type: str
    resource_name: str
    property: str
    found: str
    expected: str
    fix: str
    #: True when the verdict depends on a value that is unknown until apply.
    unverifiable: bool = False
    #: True for a finding that is advice by nature (a soft limit), whatever the policy's level: it is
    #: reported as advisory even when its policy is mandatory (see `pack.emit`).
    advisory: bool = False
    #: Why an unverifiable finding cannot be judged, when it is not a value unknown until apply.
    unverifiable_because: str = ""

    @builtins.property  # the field `property` shadows the builtin for type checkers
    def kind(self) -> str:
        return self.resource_type.rsplit(":", 1)[-1] or self.resource_type

    def message(self) -> str:
        subject = f"{self.kind} '{self.resource_name}'"
        if self.unverifiable:
            because = self.unverifiable_because or "cannot be verified until apply"
            return f"{subject}: {self.property} {self.found}; expected {self.expected} ({because})"
        return f"{subject}: {self.property} {self.found}; expected {self.expected}. Fix: {self.fix}"
