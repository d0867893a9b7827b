"""Reading `--baseline FILE`: what the stack cost before the change.

Three kinds of file are accepted:
- a `finops-guard cost --format json` report (has `totalMonthlyCost`), used as it is;
- its compact form (`kind: finops-guardrails/cost-baseline`, per service figures, workload scale
  and cross-region dependencies: what cost-review reads), whose diff is per service only;
- a `pulumi stack export` file (`{"version": 3, "deployment": {"resources": [...]}}`), priced here
  exactly as the program is priced (same catalog, contracts, usage and negotiated prices), so the
  two sides differ only in what the stack holds. Each resource is priced from its `outputs` (what
  the stack has, as `AnalyzeStack` sees it on an existing stack), else its `inputs`; encrypted
  secrets cannot be read and count as absent.

A baseline's report is large (every resource and cost line); what policy config carries is its
compact form (`finops_policies.pricing.baseline.reduce_report`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from finops_policies.pricing.baseline import BaselineError, facts_of_report

from .errors import GuardError
from .model import Registration

SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
_KINDS = "a `finops-guard cost --format json` report, its compact form, or a `pulumi stack export` file"


class Pricing(Protocol):
    def report(self, registrations: list[Registration]) -> dict[str, Any]: ...


def _plain(value: Any) -> Any:
    """State values as the pack reads them: secrets unwrapped where `--show-secrets` left them
    readable (`plaintext`), else absent (ciphertext cannot be read offline)."""
    if isinstance(value, dict):
        if SECRET_SIG_KEY in value:
            if "plaintext" in value and isinstance(value["plaintext"], str):
                try:
                    return _plain(json.loads(value["plaintext"]))
                except ValueError:
                    return None
            return _plain(value["value"]) if "value" in value else None
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def registrations_of_export(document: Mapping[str, Any], where: str) -> list[Registration]:
    """The resources of a `pulumi stack export` document as registrations (outputs as inputs)."""
    deployment = document.get("deployment")
    resources = deployment.get("resources") if isinstance(deployment, Mapping) else None
    if not isinstance(resources, list):
        raise GuardError(f"{where}: a stack export without deployment.resources; expected {_KINDS}")
    out = []
    for i, item in enumerate(resources):
        if not isinstance(item, Mapping) or not all(isinstance(item.get(k), str) for k in ("urn", "type")):
            raise GuardError(f"{where}: deployment.resources[{i}] has no urn and type; expected {_KINDS}")
        urn = item["urn"]
        props = item.get("outputs") if isinstance(item.get("outputs"), Mapping) and item.get("outputs") else None
        props = props if props is not None else item.get("inputs")
        deps = item.get("propertyDependencies")
        out.append(
            Registration(
                urn=urn,
                type=item["type"],
                name=urn.rsplit("::", 1)[-1],
                custom=bool(item.get("custom")),
                parent=item.get("parent") if isinstance(item.get("parent"), str) else None,
                provider=item.get("provider") if isinstance(item.get("provider"), str) else None,
                dependencies=[d for d in item.get("dependencies") or () if isinstance(d, str)],
                property_dependencies={
                    str(k): [d for d in v if isinstance(d, str)]
                    for k, v in (deps.items() if isinstance(deps, Mapping) else ())
                    if isinstance(v, list)
                },
                inputs=_plain(dict(props)) if isinstance(props, Mapping) else {},
            )
        )
    return out


def read_baseline(path: Path, pricing: Pricing) -> dict[str, Any]:
    """The baseline's cost report: the file itself, or the priced stack export."""
    where = f"--baseline {path}"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise GuardError(f"{where}: cannot read it ({error.strerror or error})") from None
    except ValueError as error:
        raise GuardError(f"{where}: not JSON ({error}); expected {_KINDS}") from None
    if isinstance(document, dict) and "deployment" in document and "totalMonthlyCost" not in document:
        report = pricing.report(registrations_of_export(document, where))
        report["baselineSource"] = "pulumi stack export"
        return report
    try:
        facts_of_report(document)  # what cost-review will read of it, checked now rather than in the pack
    except BaselineError as error:
        raise GuardError(f"{where}: {error} (the file should be {_KINDS})") from None
    return dict(document)
