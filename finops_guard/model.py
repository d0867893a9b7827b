"""What a preview produces: the resources the program registered and what the pack said about them.

Reporters (text, JSON, SARIF, JUnit) read only these types.
"""

from __future__ import annotations

import builtins
import json
import operator
from collections.abc import Collection
from dataclasses import dataclass, field, fields
from typing import Any, Literal

Enforcement = Literal["mandatory", "advisory", "disabled", "remediate"]
State = Literal["violation", "unverifiable", "waived"]
#: What the finops-guardrails pack writes in the message of a check that failed (a bug in it), as an
#: unverifiable finding (its policy's `onError: advisory`) or a violation (`onError: mandatory`).
CHECK_ERROR_MARKER = "the check itself failed"
#: What starts the last line of a finops-guardrails message that carries a finding's details (JSON).
DETAILS_MARKER = "finops-guardrails/details"
#: What starts the machine-readable line of a finops-guardrails `Log` message about a waived finding.
WAIVER_MARKER = "finops-guardrails/waived"
#: The same for an advisory finding, where the pack cannot send it at the advisory level (its fallback).
ADVISORY_MARKER = "finops-guardrails/advisory"


def split_details(message: str) -> tuple[str, dict[str, Any] | None]:
    """A pack message without its details line, and the details it carried (None when it had none).

    A policy can send only a message per violation over the analyzer protocol; the
    finops-guardrails pack appends its finding's details (e.g. the tag keys it is about) as a last
    line `finops-guardrails/details {json}`, which this takes off so users read the message alone.
    """
    head, sep, tail = message.rpartition("\n" + DETAILS_MARKER + " ")
    if not sep or "\n" in tail:
        return message, None
    try:
        details = json.loads(tail)
    except ValueError:
        return message, None
    return (head, details) if isinstance(details, dict) else (message, None)


@dataclass(frozen=True)
class SourceLocation:
    """A line of a program file (absolute path) that created a resource."""

    file: str
    line: int


@dataclass(frozen=True)
class CustomTimeouts:
    """A resource's custom timeouts in seconds (0: the provider's default)."""

    create: float = 0.0
    update: float = 0.0
    delete: float = 0.0
    read: float = 0.0


@dataclass(frozen=True)
class ResourceOptions:
    """The resource options the engine hands analyzers (`AnalyzerResourceOptions`), parent aside."""

    protect: bool = False
    ignore_changes: tuple[str, ...] = ()
    #: None: not set by the program (the engine sends `deleteBeforeReplaceDefined: false`)
    delete_before_replace: bool | None = None
    additional_secret_outputs: tuple[str, ...] = ()
    #: alias URNs the engine matched to a resource of the previous deployment; a first deployment has none
    aliases: tuple[str, ...] = ()
    custom_timeouts: CustomTimeouts = field(default_factory=CustomTimeouts)


#: The options of a resource that sets none: one shared instance (it is immutable), since a
#: 100,000-resource plan would otherwise hold 100,000 equal copies (~1 KB each).
DEFAULT_OPTIONS = ResourceOptions()


def _default_options() -> ResourceOptions:
    return DEFAULT_OPTIONS


@dataclass(slots=True)
class Registration:
    """One `RegisterResourceRequest` as the engine would have seen it, after repairs."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    #: provider reference `<provider urn>::<id>`, for custom resources
    provider: str | None
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    #: inputs in wire form: unknowns as the engine's sentinel strings, secrets as secret-signature objects
    inputs: dict[str, Any]
    #: the program line that called the resource's constructor (from the SDK's sourcePosition)
    source: SourceLocation | None = None
    #: the SDK's stack trace for the registration, innermost user frame first
    stack_trace: list[SourceLocation] = field(default_factory=list)
    #: synthesized by the engine (default providers, the root stack), not by the program
    synthesized: bool = False
    options: ResourceOptions = field(default_factory=_default_options)

    def __reduce__(self) -> tuple[builtins.type[Registration], tuple[Any, ...]]:
        # the fields in order: `check` sends 10,000 registrations from the child that read them
        # (inputs/read_ahead.py); this pickles in 60% of the time of the slots default
        return (Registration, _REGISTRATION_FIELDS(self))


_REGISTRATION_FIELDS = operator.attrgetter(*(f.name for f in fields(Registration)))


def provider_registered_before(providers: dict[str, Registration], registration: Registration) -> Registration | None:
    """The provider registration `registration`'s reference names among those registered before it,
    as the engine finds it while a stack registers. Call it on each registration in order:
    `providers` keeps the providers met so far by URN (a later one of the same URN replaces it)."""
    if registration.type.startswith("pulumi:providers:"):
        providers[registration.urn] = registration
    return providers.get((registration.provider or "").rsplit("::", 1)[0])


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    description: str
    enforcement: Enforcement
    #: "resource" or "stack"
    kind: str
    remediation: str = ""
    config_schema: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    policy: str
    enforcement: Enforcement
    state: State
    urn: str
    type: str
    name: str
    message: str
    property: str | None = None
    waiver: dict[str, str] | None = None
    #: where the program created the resource (for a resource inside a component: the line that
    #: created the outermost component); `related` holds the resource's own line in that case
    location: SourceLocation | None = None
    related: tuple[SourceLocation, ...] = ()
    #: machine-readable facts the policy gave, e.g. {"keys": [...], "missing": [...]} (any policy may)
    details: dict[str, Any] | None = None

    @builtins.property  # the field `property` shadows the builtin inside this class body
    def blocking(self) -> bool:
        return self.state == "violation" and self.enforcement in ("mandatory", "remediate")

    @builtins.property
    def errored(self) -> bool:
        """The policy's check failed on this resource (counted besides its state)."""
        return CHECK_ERROR_MARKER in self.message


@dataclass
class Summary:
    mandatory: int = 0
    advisory: int = 0
    waived: int = 0
    unverifiable: int = 0
    #: findings that are a check failing, whatever their state (also counted above)
    errored: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "mandatory": self.mandatory,
            "advisory": self.advisory,
            "waived": self.waived,
            "unverifiable": self.unverifiable,
            "errored": self.errored,
        }

    def count(self, finding: Finding) -> None:
        """Add one finding to the counts: by state, then blocking (mandatory) or not (advisory)."""
        self.errored += finding.errored
        if finding.state == "waived":
            self.waived += 1
        elif finding.state == "unverifiable":
            self.unverifiable += 1
        elif finding.blocking:
            self.mandatory += 1
        else:
            self.advisory += 1


@dataclass
class RunResult:
    project: str
    stack: str
    pack_name: str
    pack_version: str
    policies: list[PolicyInfo]
    resources: list[Registration]
    #: a list, or for `finops-guard check` a `finding_store.FindingStore` (iterated in report order)
    findings: Collection[Finding]
    #: (urn, policy) pairs the pack said were not applicable
    not_applicable: set[tuple[str, str]] = field(default_factory=set)
    #: log lines the pack sent (Log RPC and stderr), secrets redacted
    logs: list[str] = field(default_factory=list)
    #: what the offline run could not check (e.g. remote components it cannot expand)
    warnings: list[str] = field(default_factory=list)
    duration_seconds: float = 0.0
    program_dir: str = ""
    #: the cost estimate's per-service summary (`finops_guard.costing.service_summary`), if priced
    cost: dict[str, Any] | None = None
    #: what was checked: "" for a Pulumi program, else the kinds of `finops-guard check` inputs
    input_kind: str = ""
    #: allocation coverage (`finops_guard.coverage`), when computed
    coverage: Any = None
    #: the policy config the pack ran with, per policy (`finops_guard.analyzer.policy_config.EffectiveConfig`)
    config: dict[str, Any] = field(default_factory=dict)
    #: what `reports._common.secret_values` finds in `resources`, when collected as they were read
    #: (`check` does it while its read-ahead child reads on); None: the reports collect it
    report_secrets: list[str] | None = None

    @property
    def summary(self) -> Summary:
        counted = getattr(self.findings, "summary", None)
        if callable(counted):  # a FindingStore counts as findings are added
            found: Summary = counted()
            return found
        s = Summary()
        for f in self.findings:
            s.count(f)
        return s

    @property
    def passed(self) -> bool:
        blocking = getattr(self.findings, "blocking", None)
        if isinstance(blocking, bool):  # a FindingStore knows without reading its findings back
            return not blocking
        return not any(f.blocking for f in self.findings)
