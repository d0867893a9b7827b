"""The cost policies' config (`cost-budget`, `cost-review`), written from cost contracts.

Budgets, declared usage and review triggers are owned by the platform team in the contracts, but
the pack reads only its policy config (that is how `pulumi preview --policy-pack` and Pulumi Cloud
hand it data). This module turns contracts (and negotiated prices, and a baseline) into that config:

- `finops-guard contract policy-config CONTRACT.yaml... [--baseline FILE] [--merge FILE]` writes
  it, for the Pulumi CLI (`--policy-pack-config`) and `pulumi policy enable --config`;
- `finops-guard preview` fills it in from the contracts it finds (as `finops-guard cost` finds
  them) and from `--baseline`, under whatever the user's `--policy-pack-config` already sets.

Per service (budgets, usage per service, triggers) and per key (prices, the baseline) the two
sides are merged: with `--merge` the contracts win (they are being written into the file); in a
preview the user's file wins (what someone set on purpose is never silently replaced), except
the baseline given by `--baseline`, the flag being more explicit still.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from finops_policies.pricing import PriceOverrides
from finops_policies.pricing.baseline import reduce_report

from .costing import ContractFacts, Pricer, price_overrides, program_contracts
from .errors import GuardError
from .project import Project, StackConfig

BUDGET_POLICY: Final = "cost-budget"
REVIEW_POLICY: Final = "cost-review"
#: Keys whose values are maps per service (merged service by service).
_PER_SERVICE: Final = ("budgets", "triggers")


def policy_config(
    facts: ContractFacts, prices: PriceOverrides | None = None, baseline: Mapping[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """`{"cost-budget": {...}, "cost-review": {...}}` for the contracts' services."""
    services = {name: {k: v for k, v in declared.items() if v != {}} for name, declared in facts.usage.items()}
    usage: dict[str, Any] = {"services": services} if services else {}
    budget: dict[str, Any] = {"budgets": copy.deepcopy(facts.budgets)}
    review: dict[str, Any] = {"triggers": copy.deepcopy(facts.triggers)}
    for entry in (budget, review):
        if usage:
            entry["usage"] = copy.deepcopy(usage)
        if prices is not None and prices.discount_percent:
            entry["discountPercent"] = prices.discount_percent
        if prices is not None and prices.rates:
            entry["priceOverrides"] = dict(prices.rates)
    if baseline is not None:
        review["baseline"] = reduce_report(baseline)
    return {BUDGET_POLICY: budget, REVIEW_POLICY: review}


def _entry(value: Any) -> dict[str, Any]:
    """A policy's entry of the CLI's config format as an object (`"advisory"` is a level alone)."""
    if isinstance(value, str):
        return {"enforcementLevel": value}
    return copy.deepcopy(dict(value)) if isinstance(value, Mapping) else {}


def _merge_maps(low: Any, high: Any) -> Any:
    """`high` over `low`, key by key, when both are maps; else `high`."""
    if isinstance(low, Mapping) and isinstance(high, Mapping):
        return {**copy.deepcopy(dict(low)), **copy.deepcopy(dict(high))}
    return copy.deepcopy(high)


def _merge_entry(low: Mapping[str, Any], high: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**copy.deepcopy(dict(low)), **copy.deepcopy(dict(high))}
    for key in _PER_SERVICE:
        if key in low and key in high:
            merged[key] = _merge_maps(low[key], high[key])
    if "usage" in low and "usage" in high and isinstance(low["usage"], Mapping) and isinstance(high["usage"], Mapping):
        usage = {**copy.deepcopy(dict(low["usage"])), **copy.deepcopy(dict(high["usage"]))}
        for part in ("services", "resources"):
            if part in low["usage"] and part in high["usage"]:
                usage[part] = _merge_maps(low["usage"][part], high["usage"][part])
        merged["usage"] = usage
    return merged


def merged(
    config: Mapping[str, Any],
    ours: Mapping[str, Mapping[str, Any]],
    *,
    ours_win: bool,
    policies: Iterable[str] | None = None,
    always: Iterable[str] = (),
) -> dict[str, Any]:
    """`config` (the CLI's format) with `ours` merged into the policies it names (those of
    `policies`, when given: a pack without the cost policies gets none of it). Per service and key,
    `ours_win` decides who wins; keys in `always` are ours whatever the config says."""
    out = copy.deepcopy(dict(config))
    wanted = set(policies) if policies is not None else None
    forced = set(always)
    for policy, entry in ours.items():
        if wanted is not None and policy not in wanted:
            continue
        theirs = _entry(out.get(policy))
        combined = _merge_entry(theirs, entry) if ours_win else _merge_entry(entry, theirs)
        for key in forced & set(entry):
            combined[key] = copy.deepcopy(entry[key])
        if combined:
            out[policy] = combined
    return out


@dataclass
class PreviewFeed:
    """What `finops-guard preview` adds to the policy config, and the baseline report it diffs against."""

    config: dict[str, dict[str, Any]] = field(default_factory=dict)
    baseline: dict[str, Any] | None = None
    #: a contract (or price setting) that could not be read: reported once the program has run, so
    #: a program that fails on the same contract shows its own error first
    error: GuardError | None = None

    def needed_by(self, policies: Iterable[str]) -> bool:
        """Whether a pack with these policies reads the feed (ours does; another pack may not)."""
        return bool({BUDGET_POLICY, REVIEW_POLICY} & set(policies))

    def apply(self, given: Mapping[str, Any], policies: Iterable[str]) -> dict[str, Any]:
        """The user's policy config with the feed filled in (their settings win, `--baseline` aside)."""
        if not self.config:
            return dict(given)
        return merged(given, self.config, ours_win=False, policies=policies, always=("baseline",))


def preview_feed(project: Project, stack: StackConfig, baseline: Path | None) -> PreviewFeed:
    """The cost policies' config from the program's contracts, stack config prices and `baseline`."""
    feed = PreviewFeed()
    try:
        facts = program_contracts(project, stack)
        prices = price_overrides(stack.values)
    except GuardError as error:
        if baseline is not None:
            raise  # the baseline is priced with them: nothing to compare without
        feed.error = error
        return feed
    if baseline is not None:
        from .baseline import read_baseline

        feed.baseline = read_baseline(baseline, Pricer(project, stack, facts, prices))
    if facts.files or not prices.empty or feed.baseline is not None:
        feed.config = policy_config(facts, prices, feed.baseline)
    return feed


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def facts_from_config(props: Mapping[str, Any], contracts: ContractFacts) -> tuple[ContractFacts, PriceOverrides]:
    """The usage, budgets and prices `cost-budget` was configured with, for the preview's own cost
    summary (so its figures are the pack's); unit volumes still come from the contracts."""
    usage = _map(props.get("usage"))
    rates = _map(props.get("priceOverrides"))
    discount = props.get("discountPercent")
    facts = ContractFacts(
        files=list(contracts.files),
        usage={str(k): dict(v) for k, v in _map(usage.get("services")).items() if isinstance(v, Mapping)},
        budgets={str(k): dict(v) for k, v in _map(props.get("budgets")).items() if isinstance(v, Mapping)},
        unit_volumes=dict(contracts.unit_volumes),
        triggers=dict(contracts.triggers),
        resource_usage={str(k): dict(v) for k, v in _map(usage.get("resources")).items() if isinstance(v, Mapping)},
    )
    prices = PriceOverrides(
        float(discount) if isinstance(discount, int | float) and not isinstance(discount, bool) else 0.0,
        {str(k): float(v) for k, v in rates.items() if isinstance(v, int | float) and not isinstance(v, bool)},
    )
    return facts, prices


def _standalone(facts: ContractFacts) -> Pricer:
    """A pricer for a stack export outside any program: each resource's region from its provider
    (the export holds the default provider), usage and budgets from the contracts given."""
    here = Path.cwd()
    project = Project(here, "baseline", "python", here, None, "", {}, here / "Pulumi.yaml")
    return Pricer(project, StackConfig("baseline", {}, frozenset(), None), facts, PriceOverrides())


def contract_policy_config(
    contracts: Iterable[Path], *, merge_into: Path | None = None, baseline: Path | None = None
) -> dict[str, Any]:
    """`finops-guard contract policy-config`: the policy config for `contracts` (and a baseline),
    merged into the config at `merge_into` when given (the contracts win per service and key)."""
    from .analyzer.policy_config import read_config_file
    from .baseline import read_baseline
    from .costing import contract_facts

    facts = contract_facts(list(contracts))
    report = read_baseline(baseline, _standalone(facts)) if baseline is not None else None
    ours = policy_config(facts, None, report)
    existing = read_config_file(merge_into) if merge_into is not None else {}
    return merged(existing, ours, ours_win=True)
