"""Reading `--baseline FILE`: what the stack cost before the change.

Three kinds of file are accepted:
- a `finops-guard cost --format json` report (has `totalMonthlyCost`), used as it is;
- its compact form (`kind: finops-guardrails/cost-baseline`, per service figures, workload scale
  and cross-region dependencies: what cost-review reads), whose diff is per service only;
- a `pulumi stack export` file (or a self-managed backend's checkpoint), read by the same reader as
  `finops-guard check` reads it (`finops_guard.inputs.pulumi_state`: each resource's outputs over
  its inputs, resources pending deletion left out) and priced here exactly as the program is priced
  (same catalog, contracts, usage and negotiated prices), so the two sides differ only in what the
  stack holds. A secret shown with `--show-secrets` is priced by its value; an encrypted one is
  unknown, so what depends on it is listed as unpriced.

A baseline's report is large (every resource and cost line); what policy config carries is its
compact form (`finops_policies.pricing.baseline.reduce_report`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from finops_policies.pricing.baseline import BaselineError, facts_of_report

from .errors import GuardError
from .inputs.jsonfile import InputError, load_json
from .inputs.pulumi_state import deployment_of, read_state
from .model import Registration

_KINDS = "a `finops-guard cost --format json` report, its compact form, or a `pulumi stack export` file"


class Pricing(Protocol):
    def report(self, registrations: Sequence[Registration]) -> dict[str, Any]: ...


def read_baseline(path: Path, pricing: Pricing) -> dict[str, Any]:
    """The baseline's cost report: the file itself, or the priced stack export."""
    where = f"--baseline {path}"
    try:
        document = load_json(path)
        if isinstance(document, dict) and "totalMonthlyCost" not in document and deployment_of(document) is not None:
            report = pricing.report(read_state(document, path).registrations)
            report["baselineSource"] = "pulumi stack export"
            return report
    except InputError as error:  # its message starts with the path
        raise GuardError(f"--baseline {error.message} (the file should be {_KINDS})") from None
    try:
        facts_of_report(document)  # what cost-review will read of it, checked now rather than in the pack
    except BaselineError as error:
        raise GuardError(f"{where}: {error} (the file should be {_KINDS})") from None
    return dict(document)
