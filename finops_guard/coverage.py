"""Allocation coverage: the share of taggable resources whose cost can be attributed to a team.

A resource counts as *taggable* when the `cost-allocation-tags` policy judges it by default (AWS
types whose tags can reach a bill, Kubernetes objects whose labels cost tools read: its
`judges_type`), and as *allocated* when that policy found nothing wrong with
it: every required key present with a valid value. Unverifiable resources (tags unknown until
apply) are counted apart; waived ones are not allocated (a waiver accepts the gap, it does not fill
it). Coverage is given in total and per team (the `team` tag or label; "(no team)" without one).

The share of estimated monthly cost that is allocated needs a price per resource: pass
`monthly_cost` (a function from a registration to USD per month, or None when unpriced) and the
same figures are computed by cost. Without it the cost fields stay None.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .model import Registration, RunResult

POLICY = "cost-allocation-tags"
TEAM_KEY = "team"
NO_TEAM = "(no team)"
_SIG_KEY = "4dabf18193072939515e22adb298388d"


@dataclass
class Share:
    taggable: int = 0
    allocated: int = 0
    unverifiable: int = 0
    #: USD per month of the taggable resources, and of the allocated ones (None: no prices given)
    cost: float | None = None
    allocated_cost: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.allocated / self.taggable if self.taggable else None

    @property
    def cost_ratio(self) -> float | None:
        if self.cost is None or self.allocated_cost is None or not self.cost:
            return None
        return self.allocated_cost / self.cost

    def as_dict(self) -> dict[str, Any]:
        ratio, cost_ratio = self.ratio, self.cost_ratio
        return {
            "taggable": self.taggable,
            "allocated": self.allocated,
            "unverifiable": self.unverifiable,
            "share": round(ratio, 4) if ratio is not None else None,
            "monthlyCost": self.cost,
            "allocatedMonthlyCost": self.allocated_cost,
            "costShare": round(cost_ratio, 4) if cost_ratio is not None else None,
        }


@dataclass
class Coverage:
    total: Share = field(default_factory=Share)
    teams: dict[str, Share] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total.as_dict(), "teams": {t: s.as_dict() for t, s in sorted(self.teams.items())}}

    def line(self) -> str:
        """`Allocation coverage: 75% of 8 taggable resources (team-a 100% of 4, (no team) 0% of 2)`."""
        ratio = self.total.ratio
        if ratio is None:
            return "Allocation coverage: no taggable resources."
        teams = ", ".join(
            f"{team} {100 * (share.ratio or 0):.0f}% of {share.taggable}" for team, share in sorted(self.teams.items())
        )
        text = f"Allocation coverage: {100 * ratio:.0f}% of {self.total.taggable} taggable resources"
        if self.total.unverifiable:
            text += f" ({self.total.unverifiable} unverifiable)"
        if self.total.cost_ratio is not None:
            text += f", {100 * self.total.cost_ratio:.0f}% of their estimated monthly cost"
        return text + (f"; by team: {teams}" if teams else "") + "."


def _policy_module() -> Any | None:
    try:
        return importlib.import_module("finops_policies.policies.cost_allocation_tags")
    except ImportError:
        return None


def _is_taggable(type_: str, module: Any) -> bool:
    return bool(module.judges_type(type_))


def _plain(value: Any) -> Any:
    if isinstance(value, dict) and _SIG_KEY in value:
        return _plain(value.get("value"))
    return value


def _tag_map(value: Any) -> dict[str, Any]:
    value = _plain(value)
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):  # the Auto Scaling group's [{key, value, propagateAtLaunch}]
        return {str(t.get("key")): _plain(t.get("value")) for t in value if isinstance(t, dict)}
    return {}


def _tag_value(value: Any, key: str) -> Any:
    """`_tag_map(value).get(key)`, without building the map (this runs on every resource)."""
    value = _plain(value)
    if type(value) is dict:
        return _plain(value[key]) if key in value else None
    if isinstance(value, list):  # the last tag of that key wins, as in the map
        for tag in reversed(value):
            if isinstance(tag, dict) and str(tag.get("key")) == key:
                return _plain(tag.get("value"))
        return None
    return _tag_map(value).get(key)


#: Stands for the provider's default tags among the maps `team_of` reads in order.
_PROVIDER_DEFAULTS = object()


def team_of(
    registration: Registration, providers: dict[str, Registration], defaults: dict[str, dict[str, Any]] | None = None
) -> str:
    """The `team` tag or label of a resource (own tags over tagsAll over the provider's defaultTags).

    `defaults` caches each provider's decoded default tags across calls.
    """
    inputs = registration.inputs
    if registration.type.startswith("kubernetes:"):
        labels = _tag_map((_plain(inputs.get("metadata")) or {}).get("labels"))
        found = labels.get(TEAM_KEY)
    else:
        provider_urn = (registration.provider or "").rsplit("::", 1)[0]
        cache = {} if defaults is None else defaults
        if provider_urn not in cache:
            provider = providers.get(provider_urn)
            raw = _tag_map(provider.inputs.get("defaultTags")).get("tags") if provider is not None else None
            cache[provider_urn] = _tag_map(raw)
        found = None
        for raw in (inputs.get("tags"), inputs.get("tagsAll"), _PROVIDER_DEFAULTS):
            # tagsAll and the provider's default tags are read only when the maps before lack the key
            value = cache[provider_urn].get(TEAM_KEY) if raw is _PROVIDER_DEFAULTS else _tag_value(raw, TEAM_KEY)
            if isinstance(value, str) and value.strip():
                found = value
                break
    return found.strip() if isinstance(found, str) and found.strip() else NO_TEAM


def allocation_coverage(
    result: RunResult, monthly_cost: Callable[[Registration], float | None] | None = None
) -> Coverage | None:
    """Coverage of `result`, or None when its pack has no cost-allocation-tags policy of ours."""
    module = _policy_module()
    if module is None or not any(p.name == POLICY and p.enforcement != "disabled" for p in result.policies):
        return None
    failing: dict[str, str] = {}
    for finding in result.findings:
        if finding.policy != POLICY:
            continue
        state = "unverifiable" if finding.state == "unverifiable" else "failing"
        if failing.get(finding.urn) != "failing":
            failing[finding.urn] = state
    providers = {r.urn: r for r in result.resources if r.type.startswith("pulumi:providers:")}
    coverage = Coverage()
    defaults: dict[str, dict[str, Any]] = {}
    if monthly_cost is not None:
        coverage.total.cost = coverage.total.allocated_cost = 0.0
    for registration in result.resources:
        if registration.synthesized or (registration.urn, POLICY) in result.not_applicable:
            continue
        if not _is_taggable(registration.type, module):
            continue
        team = team_of(registration, providers, defaults)
        share = coverage.teams.setdefault(team, Share())
        if monthly_cost is not None and share.cost is None:
            share.cost = share.allocated_cost = 0.0
        verdict = failing.get(registration.urn)
        cost = monthly_cost(registration) if monthly_cost is not None else None
        for target in (coverage.total, share):
            target.taggable += 1
            if verdict is None:
                target.allocated += 1
            elif verdict == "unverifiable":
                target.unverifiable += 1
            if cost is not None and target.cost is not None and target.allocated_cost is not None:
                target.cost += cost
                if verdict is None:
                    target.allocated_cost += cost
    return coverage
