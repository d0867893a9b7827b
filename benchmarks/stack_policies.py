"""Each stack policy's `check()` alone, in process: what a stack of n resources costs each rule.

The gRPC benchmark times `AnalyzeStack` as a whole, pulumi-policy's work included; this one
isolates the rules (the cross-region join, the pool-capacity join, the retention joins) so that a
rule that turns quadratic shows at once. The tests count the same rules' work (lines executed,
property reads) instead of timing it. Views are built from the synthetic stack's plain inputs (no
wire round-trip: integers stay integers), before the clock starts. The cycle collector is paused
while a check runs, as the pack pauses it for `AnalyzeStack` (`finops_policies.pack`): otherwise
its full collections, rescanning the whole stack, would be what grows faster than the stack.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass

from finops_policies.registry import all_policies
from finops_policies.resources import ProviderView, ResourceView, StackView

from finops_guard.model import Registration


@dataclass(frozen=True)
class PolicyTime:
    policy: str
    resources: int
    seconds: float
    findings: int


def stack_view(registrations: list[Registration], providers: dict[str, Registration]) -> StackView:
    """The synthetic stack as the views a stack policy reads."""
    provider_views = {
        p.urn: ProviderView(p.type, p.name, p.urn, p.inputs) for p in {id(p): p for p in providers.values()}.values()
    }
    return StackView(
        tuple(
            ResourceView(
                r.type,
                r.name,
                r.urn,
                r.inputs,
                provider_views[providers[r.urn].urn] if r.urn in providers else None,
                r.parent,
                tuple(r.dependencies),
                {k: tuple(v) for k, v in r.property_dependencies.items()},
            )
            for r in registrations
        )
    )


def measure(stack: StackView, repeat: int) -> list[PolicyTime]:
    """Best of `repeat` runs of every stack policy's check over `stack` (and the stack part of resource
    policies that have one), with its default config."""
    times = []
    for spec in all_policies():
        if spec.scope != "stack" and spec.stack_check is None:
            continue
        config = spec.effective_config({})
        best = float("inf")
        findings = 0
        for _ in range(repeat):
            gc.disable()
            try:
                started = time.perf_counter()
                findings = len(spec.check_stack(stack, config))
                best = min(best, time.perf_counter() - started)
            finally:
                gc.enable()
        times.append(PolicyTime(spec.name, len(stack.resources), best, findings))
    return times
