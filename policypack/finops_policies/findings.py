"""What a check reports: one finding per resource and property, with everything a reader needs."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from .values import json_encoder

#: Prefix of the machine-readable last line of a violation message that carries a finding's details;
#: `finops_guard.model` strips it from the message and puts the details in the reports.
DETAILS_MARKER: Final = "finops-guardrails/details"


@dataclass(frozen=True)
class Finding:
    """A rule broken (or not verifiable) on one resource.

    The message reads: `<Kind> '<name>': <property> <found>; expected <expected>. Fix: <fix>`.
    An unverifiable finding has `found` like "is unknown until apply" and no fix. An advisory finding
    is reported but never blocks, whatever the policy's enforcement level: for what no setting of the
    resource can satisfy (an audit class on a queue that keeps messages 14 days at most), for missing
    tags on a resource that costs nothing by itself.
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
    #: Why an unverifiable verdict cannot be reached, when it is not a value unknown until apply.
    unverifiable_because: str = ""
    #: True for a finding that informs and never blocks, whatever the policy's enforcement level: it is
    #: reported as advisory (see `pack.emit`).
    advisory: bool = False
    #: Machine-readable facts for the reports, JSON-ready (e.g. {"keys": ["team"], "missing": ["team"]}).
    details: Mapping[str, Sequence[str]] | None = field(default=None, hash=False, compare=False)

    @builtins.property  # the field `property` shadows the builtin for type checkers
    def kind(self) -> str:
        return self.resource_type.rsplit(":", 1)[-1] or self.resource_type

    def message(self) -> str:
        subject = f"{self.kind} '{self.resource_name}'"
        if self.unverifiable:
            because = self.unverifiable_because or "cannot be verified until apply"
            return f"{subject}: {self.property} {self.found}; expected {self.expected} ({because})"
        return f"{subject}: {self.property} {self.found}; expected {self.expected}. Fix: {self.fix}"

    def report_text(self, note: str = "") -> str:
        """The message (with `note` appended) and, on a last line, the details for the reports."""
        text = self.message() + note
        if self.details:
            payload = {k: list(v) for k, v in self.details.items()}
            text += f"\n{DETAILS_MARKER} {_encode_details(payload)}"
        return text


#: `json.dumps(..., sort_keys=True, ensure_ascii=False)`, without building an encoder per finding
_encode_details = json_encoder(sort_keys=True, ensure_ascii=False)
