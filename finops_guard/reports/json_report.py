"""The JSON report, the interface scripts build on (its keys are promised in the README).

```
{"stack", "project", "policyPack": {"name", "version"}, "resources": N,
 "summary": {"mandatory", "advisory", "waived", "unverifiable", "errored"},
 "violations": [{"policy", "enforcement", "urn", "type", "name", "property", "message", "waiver",
                 "state", "location": {"file", "line"} | null, "related": [{"file", "line"}],
                 "details": {...} | null}],
 "warnings": [str], "passed", "durationSeconds", "inputKind",
 "coverage": {"total": Share, "teams": {team: Share}} | null, "cost"?}
```
`Share` is `{"taggable", "allocated", "unverifiable", "share", "monthlyCost", "allocatedMonthlyCost",
"costShare"}` (see `finops_guard.coverage`); `inputKind` is `pulumi-program` for `preview`, else
the kinds of the `check` inputs.
`cost` (present when the stack could be priced) is the estimate's summary per service:
`{"currency", "priceCatalog", "totalMonthlyCost", "totalMonthlyCostHigh", "unallocatedMonthlyCost",
"unpriced", "services": [{"service", "team", "monthlyCost", "monthlyCostHigh", "budgetStatus"}],
"diff"?}` (`diff`: against `--baseline`, per service and resource, old -> new).
`warnings` names what the offline run could not check (remote components, Helm charts).
Every finding is listed, waived and unverifiable ones too, with its `state`. `details` holds what the
policy gave in machine-readable form, e.g. for `cost-allocation-tags` the tag keys the finding is
about: `{"keys": [...], "missing": [...], "invalid": [...], "unknown": [...]}` (empty lists left out). File paths are
relative to the working directory when under it, absolute otherwise (as in the text report).
"""

from __future__ import annotations

import io
from typing import Any, TextIO

from finops_guard.model import Finding, RunResult, SourceLocation

from . import json_writer
from ._common import PathStyle, Scrubber, ordered_findings, sanitize, secret_values
from .json_writer import Lazy


def _location(location: SourceLocation, paths: PathStyle) -> dict[str, Any]:
    return {"file": paths.shown(location.file), "line": location.line}


def _violation(finding: Finding, paths: PathStyle, scrub: Scrubber) -> dict[str, Any]:
    return {
        "policy": finding.policy,
        "enforcement": finding.enforcement,
        "urn": sanitize(finding.urn),
        "type": finding.type,
        "name": sanitize(finding.name),
        "property": finding.property,
        "message": scrub(finding.message),
        "waiver": {key: scrub(value) for key, value in finding.waiver.items()} if finding.waiver else None,
        "state": finding.state,
        "location": _location(finding.location, paths) if finding.location else None,
        "related": [_location(loc, paths) for loc in finding.related],
        "details": scrub.details(finding.details) if finding.details else None,
    }


def _report(result: RunResult, base_dir: str | None, lazy: bool) -> dict[str, Any]:
    paths = PathStyle.from_base(base_dir)
    scrub = Scrubber(secret_values(result))
    violations = (_violation(finding, paths, scrub) for finding in ordered_findings(result))
    report = {
        "stack": result.stack,
        "project": result.project,
        "policyPack": {"name": result.pack_name, "version": result.pack_version},
        "resources": len(result.resources),
        "summary": result.summary.as_dict(),
        "violations": Lazy(violations) if lazy else list(violations),
        "warnings": [scrub(warning) for warning in result.warnings],
        "passed": result.passed,
        "durationSeconds": round(result.duration_seconds, 3),
        "inputKind": result.input_kind or "pulumi-program",
        "coverage": result.coverage.as_dict() if result.coverage is not None else None,
    }
    if result.cost is not None:
        report["cost"] = result.cost
    return report


def report_dict(result: RunResult, *, base_dir: str | None = None) -> dict[str, Any]:
    """The report as plain data (what `render(result, "json")` serialises)."""
    return _report(result, base_dir, lazy=False)


def write_json(result: RunResult, out: TextIO, *, base_dir: str | None = None) -> None:
    """The report to `out`, one finding at a time (what `render_json` returns, byte for byte)."""
    json_writer.write(_report(result, base_dir, lazy=True), out)
    out.write("\n")


def render_json(result: RunResult, *, base_dir: str | None = None) -> str:
    out = io.StringIO()
    write_json(result, out, base_dir=base_dir)
    return out.getvalue()
