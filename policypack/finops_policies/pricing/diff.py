"""The change between two estimates (JSON reports): per service and per resource, old → new.

Works on the report documents, so a baseline can be any earlier `finops-guard cost --format json`
output, read back from a file or carried in policy config. A compact baseline (`baseline.compact`)
holds no resources: its diff is per service only (`resourcesCompared` is false).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .baseline import BASELINE_KIND


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _change(old: float, new: float) -> dict[str, Any]:
    delta = new - old
    return {
        "old": round(old, 2),
        "new": round(new, 2),
        "delta": round(delta, 2),
        "percent": round(100 * delta / old, 1) if old else None,
    }


def _from_compact(compact: Mapping[str, Any]) -> dict[str, Any]:
    services = compact.get("services")
    rows = [
        {"service": name, **dict(figures)}
        for name, figures in (services.items() if isinstance(services, Mapping) else ())
        if isinstance(figures, Mapping)
    ]
    return {
        "priceCatalog": compact.get("priceCatalog"),
        "totalMonthlyCost": sum(_num(r.get("monthlyCost")) for r in rows),
        "totalMonthlyCostHigh": sum(_num(r.get("monthlyCostHigh")) for r in rows),
        "services": rows,
    }


def diff_reports(baseline: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """`{"totalMonthlyCost": change, "services": [...], "resources": [...]}` with added/removed marked."""
    if baseline.get("kind") == BASELINE_KIND:
        baseline = _from_compact(baseline)
    compare_resources = isinstance(baseline.get("resources"), list)

    def by(doc: Mapping[str, Any], list_key: str, id_key: str) -> dict[str, Mapping[str, Any]]:
        items = doc.get(list_key)
        return {str(i.get(id_key)): i for i in items if isinstance(i, Mapping)} if isinstance(items, list) else {}

    services = []
    old_s, new_s = by(baseline, "services", "service"), by(current, "services", "service")
    for name in sorted(set(old_s) | set(new_s)):
        old, new = old_s.get(name, {}), new_s.get(name, {})
        entry: dict[str, Any] = {"service": name, "status": "added" if not old else "removed" if not new else "changed"}
        entry["monthlyCost"] = _change(_num(old.get("monthlyCost")), _num(new.get("monthlyCost")))
        entry["monthlyCostHigh"] = _change(_num(old.get("monthlyCostHigh")), _num(new.get("monthlyCostHigh")))
        services.append(entry)
    resources: list[dict[str, Any]] = []
    old_r, new_r = by(baseline, "resources", "urn"), by(current, "resources", "urn")
    for urn in sorted(set(old_r) | set(new_r)) if compare_resources else ():
        old, new = old_r.get(urn, {}), new_r.get(urn, {})
        change = _change(_num(old.get("monthlyCost")), _num(new.get("monthlyCost")))
        high = _change(_num(old.get("monthlyCostHigh")), _num(new.get("monthlyCostHigh")))
        if change["delta"] == 0 and high["delta"] == 0 and old and new:
            continue
        resources.append(
            {
                "urn": urn,
                "name": (new or old).get("name"),
                "type": (new or old).get("type"),
                "service": (new or old).get("service"),
                "status": "added" if not old else "removed" if not new else "changed",
                "monthlyCost": change,
                "monthlyCostHigh": high,
            }
        )
    resources.sort(key=lambda r: -abs(r["monthlyCostHigh"]["delta"]))
    return {
        "baselinePriceCatalog": baseline.get("priceCatalog"),
        "totalMonthlyCost": _change(_num(baseline.get("totalMonthlyCost")), _num(current.get("totalMonthlyCost"))),
        "totalMonthlyCostHigh": _change(
            _num(baseline.get("totalMonthlyCostHigh")), _num(current.get("totalMonthlyCostHigh"))
        ),
        "services": [
            s
            for s in services
            # a service that costs nothing on either side (e.g. only free resources) is no change
            if s["monthlyCostHigh"]["delta"]
            or s["monthlyCost"]["delta"]
            or (s["status"] != "changed" and (s["monthlyCostHigh"]["old"] or s["monthlyCostHigh"]["new"]))
        ],
        "resources": resources,
        "resourcesCompared": compare_resources,
    }
