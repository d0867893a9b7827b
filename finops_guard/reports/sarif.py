"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF viewer).

- one `reportingDescriptor` per policy of the pack (id = policy name), with the policy's
  description, its documented why/fix as help, and its enforcement as the default level;
- one result per finding: `error` for mandatory (and remediate), `warning` for advisory and for
  unverifiable findings (reported as advisory, never as failures), the redacted message, the
  resource URN as a logical location, and a physical location at the program line that created
  the resource; for a resource created inside a component, that is the user's line that created
  the component, and the component's own line is a related location;
- waived findings carry a `suppressions` entry with the ticket, approver and expiry;
- paths under the working directory are relative to `%SRCROOT%` (code scanning needs paths
  relative to the repository root), other paths are absolute `file://` URIs;
- a `partialFingerprints` entry from policy, URN and property, so an alert keeps its identity when
  lines move and two resources created on the same line (a loop) stay two alerts;
- the finding's machine-readable details (e.g. the tag keys a `cost-allocation-tags` finding is
  about) as the result's `properties.details`.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import urllib.parse
from pathlib import Path
from typing import Any, TextIO

from finops_guard import __version__
from finops_guard.model import Finding, PolicyInfo, RunResult, SourceLocation

from . import json_writer
from ._common import (
    PathStyle,
    Scrubber,
    ordered_findings,
    policy_docs,
    policy_table,
    sanitize,
    secret_values,
    waiver_text,
)
from .json_writer import Lazy

SARIF_VERSION = "2.1.0"
#: The OASIS standard's schema (2.1.0 with errata 01), which the tests validate against.
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
TOOL_NAME = "finops-guard"
FINGERPRINT_KEY = "finopsGuardFinding/v1"

_LEVEL = {"mandatory": "error", "remediate": "error", "advisory": "warning", "disabled": "none"}


def result_level(finding: Finding) -> str:
    if finding.state == "unverifiable":
        return "warning"
    return _LEVEL.get(finding.enforcement, "warning")


def _friendly_name(policy: str) -> str:
    """`cost-allocation-tags` -> `CostAllocationTags` (SARIF's readable rule name)."""
    return "".join(part.capitalize() for part in re.split(r"[^0-9A-Za-z]+", policy) if part) or policy


class _Locator:
    def __init__(self, paths: PathStyle) -> None:
        self.paths = paths

    def artifact(self, file: str) -> dict[str, Any]:
        relative = self.paths.relative(file)
        if relative is not None:
            return {"uri": urllib.parse.quote(relative), "uriBaseId": SRCROOT}
        return {"uri": Path(self.paths.absolute(file)).as_uri()}

    def physical(self, location: SourceLocation) -> dict[str, Any]:
        physical: dict[str, Any] = {"artifactLocation": self.artifact(location.file)}
        if location.line >= 1:  # the schema's minimum; an unknown line leaves the region out
            physical["region"] = {"startLine": location.line}
        return physical


def _rule(result: RunResult, info: PolicyInfo) -> dict[str, Any]:
    why, fix = policy_docs(result, info)
    description = info.description or info.name
    fix = fix or info.remediation
    explain = f"`finops-guard explain {info.name}` shows its config keys and a bad and a good example."
    text_parts = [description]
    markdown_parts = [f"**{description}**"]
    if why:
        text_parts.append(f"Why: {why}")
        markdown_parts.append(f"### Why\n{why}")
    if fix:
        text_parts.append(f"Fix: {fix}")
        markdown_parts.append(f"### Fix\n{fix}")
    text_parts.append(f"Enforcement: {info.enforcement}. {explain}")
    markdown_parts.append(f"Enforcement: **{info.enforcement}**. {explain}")
    configuration: dict[str, Any] = {"level": _LEVEL.get(info.enforcement, "warning")}
    if info.enforcement == "disabled":
        configuration["enabled"] = False
    return {
        "id": info.name,
        "name": _friendly_name(info.name),
        "shortDescription": {"text": description},
        "fullDescription": {"text": why or description},
        "help": {"text": "\n\n".join(text_parts), "markdown": "\n\n".join(markdown_parts)},
        "defaultConfiguration": configuration,
        "properties": {"tags": ["finops", "cost", info.kind], "enforcement": info.enforcement},
    }


def _fingerprint(finding: Finding) -> str:
    key = "\x1f".join((finding.policy, finding.urn, finding.property or ""))
    return hashlib.sha256(key.encode()).hexdigest()


def _fallback(result: RunResult) -> tuple[SourceLocation, str] | None:
    """Where a finding without a known line points (code scanning shows only results with a file)."""
    if not result.program_dir:
        return None
    if not result.input_kind:
        where = SourceLocation(os.path.join(result.program_dir, "Pulumi.yaml"), 1)
        return where, "The program line that created this resource is not known."
    # `finops-guard check`: the input file itself, or the first .tf file of a source directory
    target = Path(result.program_dir)
    if target.is_dir():
        target = next(iter(sorted(target.glob("*.tf"))), target)
    return SourceLocation(
        str(target), 1
    ), "Where this resource is declared is not known; this is the input it came from."


def _result(
    finding: Finding, rule_index: int, locator: _Locator, scrub: Scrubber, fallback: tuple[SourceLocation, str] | None
) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if finding.location is not None:
        location["physicalLocation"] = locator.physical(finding.location)
    elif fallback is not None:
        location["physicalLocation"] = locator.physical(fallback[0])
        location["message"] = {"text": fallback[1]}
    location["logicalLocations"] = [
        {"name": sanitize(finding.name), "fullyQualifiedName": sanitize(finding.urn), "kind": "resource"}
    ]
    sarif: dict[str, Any] = {
        "ruleId": finding.policy,
        "ruleIndex": rule_index,
        "level": result_level(finding),
        "message": {"text": scrub(finding.message) or finding.policy},
        "locations": [location],
    }
    if finding.related:
        sarif["relatedLocations"] = [
            {
                "id": index,
                "physicalLocation": locator.physical(related),
                "message": {"text": "The resource is created here, inside a component."},
            }
            for index, related in enumerate(finding.related, start=1)
        ]
    sarif["partialFingerprints"] = {FINGERPRINT_KEY: _fingerprint(finding)}
    if finding.state == "waived":
        waiver = {key: scrub(value) for key, value in (finding.waiver or {}).items()}
        suppression: dict[str, Any] = {
            "kind": "external",
            "status": "accepted",
            "justification": waiver_text(waiver) or "Waived by policy config.",
        }
        if waiver:
            suppression["properties"] = waiver
        sarif["suppressions"] = [suppression]
    properties: dict[str, Any] = {
        "state": finding.state,
        "enforcement": finding.enforcement,
        "resourceType": finding.type,
    }
    if finding.property:
        properties["property"] = finding.property
    if finding.details:
        properties["details"] = scrub.details(finding.details)
    sarif["properties"] = properties
    return sarif


def sarif_log(result: RunResult, *, base_dir: str | None = None) -> dict[str, Any]:
    """The SARIF log as plain data (what `render(result, "sarif")` serialises)."""
    return _log(result, base_dir, lazy=False)


def _log(result: RunResult, base_dir: str | None, lazy: bool) -> dict[str, Any]:
    paths = PathStyle.from_base(base_dir)
    locator = _Locator(paths)
    scrub = Scrubber(secret_values(result))
    policies = policy_table(result)
    names = sorted(policies)
    index = {name: position for position, name in enumerate(names)}
    fallback = _fallback(result)
    results = (
        _result(finding, index[finding.policy], locator, scrub, fallback) for finding in ordered_findings(result)
    )
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(result, policies[name]) for name in names],
                "properties": {"policyPack": {"name": result.pack_name, "version": result.pack_version}},
            }
        },
        # code scanning keeps one analysis per category: one per project and stack
        "automationDetails": {"id": f"{TOOL_NAME}/{result.project}/{result.stack}/"},
        "originalUriBaseIds": {SRCROOT: {"uri": Path(paths.base).as_uri().rstrip("/") + "/"}},
        "invocations": [
            {
                "executionSuccessful": True,
                # what the run could not check, shown by viewers beside the results
                "toolExecutionNotifications": [
                    {"level": "warning", "message": {"text": scrub(warning)}} for warning in result.warnings
                ],
            }
        ],
        "results": Lazy(results) if lazy else list(results),
        "properties": {
            "project": result.project,
            "stack": result.stack,
            "resources": len(result.resources),
            "summary": result.summary.as_dict(),
            "durationSeconds": round(result.duration_seconds, 3),
            "inputKind": result.input_kind or "pulumi-program",
            "coverage": result.coverage.as_dict() if result.coverage is not None else None,
        },
    }
    if result.cost is not None:
        # the estimate per service, and against a baseline its diff per service and resource
        run["properties"]["cost"] = result.cost  # secrets already scrubbed by the estimate (costing.scrubbed)
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def write_sarif(result: RunResult, out: TextIO, *, base_dir: str | None = None) -> None:
    """The log to `out`, one result at a time (what `render_sarif` returns, byte for byte)."""
    json_writer.write(_log(result, base_dir, lazy=True), out)
    out.write("\n")


def render_sarif(result: RunResult, *, base_dir: str | None = None) -> str:
    out = io.StringIO()
    write_sarif(result, out, base_dir=base_dir)
    return out.getvalue()
