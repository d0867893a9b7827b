"""Pricing what a program registers: contracts and usage files in, an estimate (and its report) out.

`finops-guard cost` records the program as `preview` does (without starting the pack) and prices
its custom resources with the pack's own pricing functions (`finops_policies.pricing`), so the CLI
and a policy inside `pulumi preview --policy-pack` compute the same figures.

Where the declared usage comes from:
- cost contracts: the files named by the stack config key `finops:contracts` (comma-separated,
  relative to the program directory), else every `*.yaml` / `*.yml` next to `Pulumi.yaml`, and next
  to the program when `main:` points elsewhere, whose `kind` is `ServiceCostContract`. Each contract
  gives its service's `spec.usage` (quantity source `contract`), budgets and expected unit volumes;
- `--usage FILE` (quantity source `usage-file`), which wins over a contract for the same service.
Prices: `finops:discountPercent` (a number, 0..100) and `finops:priceOverrides` (a JSON object of
`"service/key[@region]": USD`) in stack config override the catalog's list prices.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from finops_policies.policies.cross_region_review import cross_region_dependencies
from finops_policies.pricing import (
    Estimate,
    EstimateOptions,
    PriceCatalog,
    PriceOverrides,
    UsageBook,
    diff_reports,
    estimate_dict,
    estimate_stack,
)
from finops_policies.pricing.baseline import attribute
from finops_policies.resources import ProviderView, ResourceView, StackView

from .errors import GuardError
from .model import Registration
from .project import Project, StackConfig, choose_stack, load_project, load_stack_config
from .recording.runner import record_program

SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
REDACTED = "[secret]"
CONTRACTS_KEY = "finops:contracts"
DISCOUNT_KEY = "finops:discountPercent"
OVERRIDES_KEY = "finops:priceOverrides"


@dataclass
class ContractFacts:
    """What the estimate takes from the cost contracts of a program."""

    files: list[str] = field(default_factory=list)
    usage: dict[str, Any] = field(default_factory=dict)
    budgets: dict[str, dict[str, Any]] = field(default_factory=dict)
    unit_volumes: dict[str, dict[str, float]] = field(default_factory=dict)
    #: per service, the review triggers of its contract (`spec.review.requiredWhen`)
    triggers: dict[str, list[str]] = field(default_factory=dict)
    #: per-resource quantities declared outside any contract (a usage section of policy config)
    resource_usage: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class CostResult:
    project: str
    stack: str
    estimate: Estimate
    report: dict[str, Any]
    duration_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


@dataclass
class CostOptions:
    program_dir: Path = Path()
    stack: str | None = None
    config: Sequence[str] = ()
    usage_file: Path | None = None
    baseline: Path | None = None
    organization: str = "organization"


def plain_inputs(value: Any) -> Any:
    """Wire-form inputs with secrets unwrapped (pricing needs the value; reports never show inputs)."""
    if isinstance(value, dict):
        if SECRET_SIG_KEY in value and "value" in value:
            return plain_inputs(value["value"])
        return {k: plain_inputs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_inputs(v) for v in value]
    return value


def secret_values(registrations: Iterable[Registration]) -> list[str]:
    """Plain values of every secret input (longest first), to keep them out of every report."""
    found: set[str] = set()

    def walk(value: Any, inside: bool) -> None:
        if isinstance(value, dict):
            secret = SECRET_SIG_KEY in value and "value" in value
            for item in value.values():
                walk(item, inside or secret)
        elif isinstance(value, list):
            for item in value:
                walk(item, inside)
        elif inside and isinstance(value, str | int | float) and not isinstance(value, bool) and len(str(value)) >= 4:
            found.add(str(value))

    for registration in registrations:
        walk(registration.inputs, False)
    return sorted(found, key=len, reverse=True)


def scrubbed(document: Any, secrets: Sequence[str]) -> Any:
    """`document` with every secret value inside its strings replaced by `[secret]`."""
    if not secrets:
        return document
    if isinstance(document, dict):
        return {scrubbed(k, secrets): scrubbed(v, secrets) for k, v in document.items()}
    if isinstance(document, list):
        return [scrubbed(v, secrets) for v in document]
    if isinstance(document, str):
        for secret in secrets:
            if secret in document:
                document = document.replace(secret, REDACTED)
    return document


def stack_view(registrations: Sequence[Registration]) -> StackView:
    by_urn = {r.urn: r for r in registrations}
    providers: dict[str, ProviderView] = {}
    views = []
    for r in registrations:
        provider = None
        if r.provider:
            ref = r.provider.rsplit("::", 1)[0]
            provider = providers.get(ref)
            if provider is None and ref in by_urn:
                p = by_urn[ref]
                provider = ProviderView(p.type, p.name, p.urn, plain_inputs(p.inputs))
                providers[ref] = provider
        views.append(
            ResourceView(
                r.type,
                r.name,
                r.urn,
                plain_inputs(r.inputs),
                provider,
                r.parent,
                tuple(r.dependencies),
                {k: tuple(v) for k, v in r.property_dependencies.items()},
            )
        )
    return StackView(tuple(views))


def _contract_dirs(project: Project) -> list[Path]:
    """Where contracts are looked for: beside Pulumi.yaml, and beside the program when `main:` moves it."""
    program_dir = project.main if project.main.is_dir() else project.main.parent
    return [project.dir] if program_dir.resolve() == project.dir.resolve() else [project.dir, program_dir]


def program_contracts(project: Project, stack: StackConfig) -> ContractFacts:
    """The program's contracts: `finops:contracts`, else those beside Pulumi.yaml and the program."""
    return load_contracts(project.dir, stack.values, _contract_dirs(project))


def _contract_paths(project_dir: Path, config: Mapping[str, str], search: Sequence[Path] = ()) -> list[Path]:
    named = config.get(CONTRACTS_KEY)
    if named:
        paths = [project_dir / part.strip() for part in named.split(",") if part.strip()]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise GuardError(f"{CONTRACTS_KEY}: no such contract file: {', '.join(missing)}")
        return paths
    found = []
    candidates = [p for d in (search or [project_dir]) for p in sorted([*d.glob("*.yaml"), *d.glob("*.yml")])]
    for path in candidates:
        if path.name.startswith("Pulumi."):
            continue
        try:
            head = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(head, dict) and head.get("kind") == "ServiceCostContract":
            found.append(path)
    return found


def load_contracts(project_dir: Path, config: Mapping[str, str], search: Sequence[Path] = ()) -> ContractFacts:
    """The facts of the program's contracts (`finops:contracts`, else those in `search`, by default
    next to Pulumi.yaml)."""
    return contract_facts(_contract_paths(project_dir, config, search))


def contract_facts(paths: Sequence[Path]) -> ContractFacts:
    """Usage, budgets, unit volumes and review triggers of the contracts at `paths`, per service
    (the `service` cost-allocation tag each names); `GuardError` names a contract's problem."""
    facts = ContractFacts()
    if not paths:
        return facts  # importing the components (pulumi-kubernetes among them) takes seconds
    from finops_components.contract import ContractError, ServiceCostContract

    for path in paths:
        try:
            contract = ServiceCostContract.load(path)
        except ContractError as error:
            raise GuardError(str(error)) from None
        service = contract.service
        tag = contract.tags.get("service", service)
        facts.files.append(str(path))
        facts.usage[tag] = {**contract.usage.as_dict(), "source": "contract"}
        facts.budgets[tag] = contract.spec.budgets.model_dump(by_alias=True)
        facts.unit_volumes[tag] = dict(contract.spec.unit_economics.expected_monthly_volume)
        facts.triggers[tag] = list(contract.spec.review.required_when)
    return facts


def load_usage(path: Path) -> dict[str, Any]:
    from finops_components.contract import ContractError, load_usage_file

    try:
        return load_usage_file(path).as_dict()
    except ContractError as error:
        raise GuardError(str(error)) from None


def price_overrides(config: Mapping[str, str]) -> PriceOverrides:
    discount = 0.0
    raw = config.get(DISCOUNT_KEY)
    if raw is not None:
        try:
            discount = float(raw)
        except ValueError:
            discount = math.nan
        if not 0 <= discount < 100:
            raise GuardError(f"{DISCOUNT_KEY} must be a number from 0 to below 100: {raw!r}")
    rates: dict[str, float] = {}
    raw = config.get(OVERRIDES_KEY)
    if raw:
        try:
            decoded = json.loads(raw)
        except ValueError:
            decoded = None
        if not isinstance(decoded, dict) or not all(
            isinstance(k, str) and "/" in k and isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
            for k, v in decoded.items()
        ):
            raise GuardError(
                f'{OVERRIDES_KEY} must be a JSON object of "service/key[@region]": USD (a number >= 0), '
                'e.g. {"ec2/instance/m6i.large@us-east-1": 0.08}'
            )
        rates = {k: float(v) for k, v in decoded.items()}
    return PriceOverrides(discount, rates)


def estimate_program(
    registrations: Sequence[Registration],
    project: Project,
    stack: StackConfig,
    *,
    usage_file: Path | None = None,
    baseline: Mapping[str, Any] | None = None,
    contracts: ContractFacts | None = None,
    prices: PriceOverrides | None = None,
) -> tuple[Estimate, dict[str, Any]]:
    """Price recorded registrations; the estimate and its JSON report (with `diff` if a baseline).

    `prices` (default: the stack config's `finops:discountPercent` and `finops:priceOverrides`)
    replace list prices; `contracts` (default: the program's) give usage, budgets and volumes.
    """
    facts = contracts if contracts is not None else program_contracts(project, stack)
    book = UsageBook.from_dict(
        {"services": facts.usage, "resources": facts.resource_usage, "unitVolumes": facts.unit_volumes}
    )
    volumes = dict(facts.unit_volumes)
    if usage_file is not None:
        declared = load_usage(usage_file)
        book = book.merged(UsageBook.from_dict(declared))
        for service, units in (declared.get("unitVolumes") or {}).items():
            volumes[service] = {**volumes.get(service, {}), **units}
    catalog = PriceCatalog.shipped().with_overrides(prices if prices is not None else price_overrides(stack.values))
    custom = [r.urn for r in registrations if r.custom and not r.type.startswith("pulumi:")]
    view = stack_view(registrations)
    estimate = estimate_stack(
        view,
        catalog=catalog,
        usage=book,
        options=EstimateOptions(default_region=stack.values.get("aws:region")),
        custom=custom,
    )
    extra: dict[str, Any] = {"project": project.name, "stack": stack.name, "contracts": facts.files}
    report = estimate_dict(
        estimate,
        budgets=facts.budgets,
        unit_volumes=volumes,
        cross_region=attribute(cross_region_dependencies(view)),
        extra=extra,
    )
    if baseline is not None:
        report["diff"] = diff_reports(baseline, report)
    # Pricing reads secret inputs in the clear (a secret tag may name a service); reports never show them.
    secrets = secret_values(registrations) + sorted(stack.secret_values, key=len, reverse=True)
    return estimate, scrubbed(report, secrets)


@dataclass(frozen=True)
class Pricer:
    """Prices other registrations (a baseline's) exactly as the program's are priced."""

    project: Project
    stack: StackConfig
    contracts: ContractFacts
    prices: PriceOverrides
    usage_file: Path | None = None

    def report(self, registrations: Sequence[Registration]) -> dict[str, Any]:
        _, report = estimate_program(
            registrations,
            self.project,
            self.stack,
            usage_file=self.usage_file,
            contracts=self.contracts,
            prices=self.prices,
        )
        return report


def run_cost(options: CostOptions) -> CostResult:
    started = time.monotonic()
    project = load_project(options.program_dir)
    stack = load_stack_config(project, choose_stack(project, options.stack), options.config)
    contracts = program_contracts(project, stack)
    if options.usage_file is not None:
        load_usage(options.usage_file)  # a bad usage file fails before the program runs
    prices = price_overrides(stack.values)
    baseline = None
    if options.baseline is not None:
        from .baseline import read_baseline

        baseline = read_baseline(options.baseline, Pricer(project, stack, contracts, prices, options.usage_file))
    warnings: list[str] = []
    registrations = record_program(project, stack, organization=options.organization, warnings=warnings)
    estimate, report = estimate_program(
        registrations,
        project,
        stack,
        usage_file=options.usage_file,
        baseline=baseline,
        contracts=contracts,
        prices=prices,
    )
    report["warnings"] = warnings
    return CostResult(project.name, stack.name, estimate, report, time.monotonic() - started, warnings)


def service_summary(report: Mapping[str, Any]) -> dict[str, Any]:
    """The short form `finops-guard preview` adds to its JSON report and text summary (with the
    diff against the baseline, per service and resource, when there is one)."""
    summary = {
        "currency": "USD",
        "priceCatalog": report.get("priceCatalog"),
        "totalMonthlyCost": report.get("totalMonthlyCost"),
        "totalMonthlyCostHigh": report.get("totalMonthlyCostHigh"),
        "unallocatedMonthlyCost": report.get("unallocatedMonthlyCost"),
        "unpriced": len(report.get("unpriced") or ()),
        "services": [
            {k: s.get(k) for k in ("service", "team", "monthlyCost", "monthlyCostHigh")}
            | {"budgetStatus": (s.get("budget") or {}).get("status")}
            for s in report.get("services") or ()
        ],
    }
    if report.get("diff"):
        summary["diff"] = report["diff"]
    return summary


def unpriced_types(report: Mapping[str, Any]) -> Iterable[str]:
    return sorted({u["type"] for u in report.get("unpriced") or ()})
