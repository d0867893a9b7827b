"""Runs a policy on a `Case` in-process, through the very objects the pack serves.

Props travel through a protobuf `Struct` and pulumi-policy's own deserializer and unknown-checking
proxy, as in the analyzer servicer, so ints become floats and unknowns raise exactly as in a
preview. Used by the tests and by `finops-guard explain`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from .cases import Case, CaseProvider, CaseResource
from .pack import LevelledReport, ListSink, to_policy
from .spec import PolicySpec


def _wire(props: Mapping[str, Any]) -> Any:
    struct = struct_pb2.Struct()
    struct.update(dict(props))
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))


def _provider(p: CaseProvider | None) -> PolicyProviderResource | None:
    return None if p is None else PolicyProviderResource(p.type, _wire(p.props), p.urn, p.name)


def _opts(parent: str | None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


@dataclass
class Outcome:
    violations: list[tuple[str, str]] = field(default_factory=list)
    #: violations reported at the advisory level whatever the policy's level (`Finding.advisory`)
    advisory: list[tuple[str, str]] = field(default_factory=list)
    unverifiable: list[str] = field(default_factory=list)
    waived: list[tuple[str, str]] = field(default_factory=list)

    def messages(self) -> list[str]:
        return (
            [m for _, m in self.violations]
            + [m for _, m in self.advisory]
            + self.unverifiable
            + [m for _, m in self.waived]
        )


def run_case(spec: PolicySpec, case: Case) -> Outcome:
    sink = ListSink()
    policy = to_policy(spec, sink)
    outcome = Outcome()
    config = dict(case.config) if case.config else None
    by_urn = {r.urn: r for r in case.resources}
    by_name = {r.name: r for r in case.resources}

    def name_of(urn: str | None) -> str:
        return by_urn[urn].name if urn in by_urn else (urn or "")

    def violation(message: str, urn: str | None = None) -> None:
        outcome.violations.append((name_of(urn), message))

    def advisory(message: str, urn: str | None = None) -> None:
        outcome.advisory.append((name_of(urn), message))

    # what the pack's servicer hands policies: a report that can also set the advisory level
    report = LevelledReport(violation, advisory)

    def resolve(ref: str) -> str:
        return by_name[ref].urn if ref in by_name else ref

    if spec.scope == "resource":
        for r in case.resources:
            parent = resolve(r.parent) if r.parent else None
            args = ResourceValidationArgs(
                r.type, _wire(r.props), r.urn, r.name, _opts(parent), _provider(r.provider), config, {}
            )
            try:
                policy.validate(args, report)  # type: ignore[attr-defined]
            except UnknownValueError as e:
                outcome.unverifiable.append(f"'{r.name}': {e.message}")
    if spec.scope == "stack" or spec.stack_check is not None:
        resources: dict[str, PolicyResource] = {}
        for r in case.resources:
            resources[r.urn] = PolicyResource(
                r.type, _wire(r.props), r.urn, r.name, _opts(None), _provider(r.provider), None, [], {}
            )
        for r in case.resources:
            pr = resources[r.urn]
            if r.parent and resolve(r.parent) in resources:
                pr.parent = resources[resolve(r.parent)]
            pr.dependencies.extend(resources[resolve(d)] for d in r.depends_on if resolve(d) in resources)
            for prop, refs in r.property_dependencies.items():
                pr.property_dependencies[prop] = [resources[resolve(d)] for d in refs if resolve(d) in resources]
        try:
            policy.validate(StackValidationArgs(list(resources.values()), config, {}), report)  # type: ignore[attr-defined]
        except UnknownValueError as e:
            outcome.unverifiable.append(e.message)
    outcome.waived = [(f.resource_name, f.message()) for _, f, _ in sink.items]
    return outcome


#: The subject of a service-level finding (the cost policies'): `service 'orders': ...`.
_SERVICE_SUBJECT = re.compile(r"(?:^|; )service '([^']+)'")


def unverifiable_names(case: Case, outcome: Outcome) -> set[str]:
    """Resources (and services, for service-level findings) named by the unverifiable findings."""
    text = " ".join(outcome.unverifiable)
    named = {r.name for r in case.resources if f"'{r.name}'" in text}
    return named | {m for message in outcome.unverifiable for m in _SERVICE_SUBJECT.findall(message)}


def check_case(spec: PolicySpec, case: Case) -> list[str]:
    """Problems with `case` under `spec`; empty when the policy behaves as the case says."""
    outcome = run_case(spec, case)
    problems: list[str] = []
    for expected in case.violations:
        if not any(n == expected.name and expected.text in m for n, m in outcome.violations):
            problems.append(f"missing violation on '{expected.name}' containing {expected.text!r}")
    for name, message in outcome.violations:
        if not any(e.name == name for e in case.violations):
            problems.append(f"unexpected violation on '{name}': {message}")
    for expected in case.advisory:
        if not any(n == expected.name and expected.text in m for n, m in outcome.advisory):
            problems.append(f"missing advisory finding on '{expected.name}' containing {expected.text!r}")
    for name, message in outcome.advisory:
        if not any(e.name == name and e.text in message for e in case.advisory):
            problems.append(f"unexpected advisory finding on '{name}': {message}")
    got_unverifiable = unverifiable_names(case, outcome)
    if set(case.unverifiable) != got_unverifiable:
        problems.append(
            f"unverifiable: expected {sorted(case.unverifiable)}, got {sorted(got_unverifiable)}"
            f" ({outcome.unverifiable})"
        )
    got_waived = {n for n, _ in outcome.waived}
    if set(case.waived) != got_waived:
        problems.append(f"waived: expected {sorted(case.waived)}, got {sorted(got_waived)}")
    for secret in case.never_shown:
        if any(secret in m for m in outcome.messages()):
            problems.append(f"a message shows {secret!r}")
    return problems


__all__ = ["CaseResource", "Outcome", "check_case", "run_case"]
