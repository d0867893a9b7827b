"""JUnit XML: one test suite per policy, one test case per resource the policy evaluated.

How findings map onto JUnit, chosen for what CI test-report views show:

- a mandatory (or remediate) violation is a `<failure>`: it fails the run, as it fails the
  preview; when it is a check that failed (its policy's `onError: mandatory`) it is an `<error>`,
  JUnit's word for a test that could not run, counted in `errors`;
- an advisory violation, an unverifiable finding and a waived finding are `<skipped>` with the
  message as the element's text. GitLab's test report shows a skipped case's text as its details
  and counts skipped cases apart from failures; the GitHub test-report actions
  (dorny/test-reporter, mikepenz/action-junit-report, EnricoMi/publish-unit-test-result-action)
  list skipped cases and count them apart. `<properties>` would be silently dropped by all of
  them, and a passed case with `<system-out>` hides the finding among hundreds of passes;
- a resource without findings for a policy is a passed case, so the count of evaluated pairs is
  visible; the synthesized resources (root stack, default providers) only get cases for their
  findings, and pairs the pack declared not applicable and disabled policies get none;
- when one policy reports several findings on one resource (several properties), each is its own
  case, named after the property, so that failures and skips count findings and match the summary
  of the text and JSON reports.

Test cases carry `file` (relative to the working directory, as GitLab links it) and `line` (used by
the GitHub annotation actions) of the program line that created the resource.

Against a baseline (`--baseline`), the `cost-review` suite's `<system-out>` holds the cost diff, per
service and resource, old -> new (its findings quote the figures they are about).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from finops_guard.model import Finding, PolicyInfo, RunResult

from ._common import (
    PathStyle,
    Scrubber,
    label,
    ordered_findings,
    policy_table,
    sanitize,
    secret_values,
    waiver_text,
)

#: The policy whose suite carries the cost diff against a baseline.
COST_REVIEW: Final = "cost-review"


@dataclass
class _Counts:
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0

    def attributes(self) -> dict[str, str]:
        return {
            "tests": str(self.tests),
            "failures": str(self.failures),
            "errors": str(self.errors),
            "skipped": str(self.skipped),
        }


def _case_name(resource_type: str, name: str, prop: str | None = None) -> str:
    text = f"{resource_type}: {name}"
    return sanitize(f"{text} [{prop}]" if prop else text)


class _Builder:
    def __init__(self, result: RunResult, base_dir: str | None) -> None:
        self.result = result
        self.paths = PathStyle.from_base(base_dir)
        self.scrub = Scrubber(secret_values(result))

    def detail(self, finding: Finding) -> str:
        lines = [self.scrub(finding.message)]
        if finding.state == "waived":
            lines.append("Waived: " + self.scrub(waiver_text(finding.waiver) or "by policy config"))
        if finding.location is not None:
            where = f"at {self.paths.at(finding.location)}"
            if finding.related:
                where += " (via " + ", ".join(self.paths.at(loc) for loc in finding.related) + ")"
            lines.append(sanitize(where))
        lines.append(sanitize(finding.urn))
        return "\n".join(lines)

    def suite(self, root: ET.Element, info: PolicyInfo, by_urn: dict[str, list[Finding]]) -> _Counts:
        policy = info.name
        suite = ET.SubElement(root, "testsuite", name=sanitize(policy))
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="enforcement", value=info.enforcement)
        if info.description:
            ET.SubElement(props, "property", name="description", value=self.scrub(info.description))
        counts = _Counts()
        names: set[str] = set()

        def case(name: str, finding: Finding | None) -> None:
            # GitLab merges cases of the same name: keep every name unique
            unique, number = name, 1
            while unique in names:
                number += 1
                unique = f"{name} #{number}"
            names.add(unique)
            self.case(suite, policy, unique, finding, counts)

        for registration in self.result.resources:
            findings = by_urn.pop(registration.urn, [])
            if findings:
                for finding in findings:
                    prop = finding.property if len(findings) > 1 else None
                    case(_case_name(finding.type, finding.name, prop), finding)
            elif not (
                registration.synthesized
                or info.enforcement == "disabled"
                or (registration.urn, policy) in self.result.not_applicable
            ):
                case(_case_name(registration.type, registration.name), None)
        # findings on URNs the run did not record (should not happen; never drop a finding)
        for findings in by_urn.values():
            for finding in findings:
                case(_case_name(finding.type, finding.name, finding.property), finding)
        suite.attrib.update(counts.attributes())
        diff = (self.result.cost or {}).get("diff")
        if policy == COST_REVIEW and diff:
            from .cost import diff_lines

            ET.SubElement(suite, "system-out").text = self.scrub("\n".join(diff_lines(diff)))
        return counts

    def case(self, suite: ET.Element, policy: str, name: str, finding: Finding | None, counts: _Counts) -> None:
        case = ET.SubElement(suite, "testcase", classname=sanitize(policy), name=name)
        counts.tests += 1
        if finding is None:
            return
        if finding.location is not None:
            case.set("file", self.paths.shown(finding.location.file))
            case.set("line", str(finding.location.line))
        first_line = self.scrub(finding.message).splitlines()[0] if finding.message else policy
        kind = ("error" if finding.errored else "failure") if finding.blocking else "skipped"
        element = ET.SubElement(case, kind, message=f"[{label(finding)}] {first_line}")
        if finding.blocking:
            element.set("type", finding.enforcement)
        if kind == "error":
            counts.errors += 1
        elif kind == "failure":
            counts.failures += 1
        else:
            counts.skipped += 1
        element.text = self.detail(finding)


def junit_root(result: RunResult, *, base_dir: str | None = None) -> ET.Element:
    """The report as an XML element (what `render(result, "junit")` serialises)."""
    builder = _Builder(result, base_dir)
    policies = policy_table(result)
    by_policy: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in ordered_findings(result):
        by_policy[finding.policy][finding.urn].append(finding)

    total = _Counts()
    command = "check" if result.input_kind else "preview"
    root = ET.Element("testsuites", name=sanitize(f"finops-guard {command} {result.project}/{result.stack}"))
    for policy in sorted(policies):
        info = policies[policy]
        by_urn = by_policy.get(policy, {})
        if info.enforcement == "disabled" and not by_urn:
            continue
        counts = builder.suite(root, info, dict(by_urn))
        total.tests += counts.tests
        total.failures += counts.failures
        total.errors += counts.errors
        total.skipped += counts.skipped
    root.attrib.update(total.attributes())
    root.set("time", f"{result.duration_seconds:.3f}")
    ET.indent(root)
    return root


def render_junit(result: RunResult, *, base_dir: str | None = None) -> str:
    body = ET.tostring(junit_root(result, base_dir=base_dir), encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
