"""Benchmarks of the cost estimate: figures and ratios, not pass/fail tests.

    python benchmarks/cost.py            # 10,000 resources through the pack; a 3,000-resource program
    python benchmarks/cost.py --quick    # 1,000 resources; a 500-resource program

1. Pricing inside the pack. The synthetic stack of `run.py` is streamed to the finops pack, whose
   cost-budget and cost-review policies price the stack in `AnalyzeStack` (configured with a budget
   for every service of the stack and a baseline of it, so both price and judge everything), and
   to the same pack without those two policies (`unpriced_pack/`). Target: pricing adds <= 10 %.
   Also shown: `estimate_stack` alone, in-process, on the same resources.
2. `finops-guard cost` of a generated program (`synthetic.program`) against `finops-guard
   preview` of it, both as subprocesses. Target: cost <= 1.1x preview.

Wall times are the best of `--repeat` runs. The exit code is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import run  # noqa: E402 - the pack driver and process timers of the main benchmarks
import synthetic  # noqa: E402
from finops_policies.policies.cost_review import TRIGGER_PATTERN  # noqa: E402
from finops_policies.policies.cross_region_review import cross_region_dependencies  # noqa: E402
from finops_policies.pricing import EstimateOptions, estimate_dict, estimate_stack  # noqa: E402
from finops_policies.pricing.baseline import attribute, reduce_report  # noqa: E402

from finops_guard.costing import stack_view  # noqa: E402

UNPRICED_PACK = HERE / "unpriced_pack"
TRIGGERS = [
    "monthly_cost_growth_gt_20_percent",
    "observability_cost_gt_30_percent",
    "replica_count_doubles",
    "new_cross_region_dependency",
]
PACK_TARGET = 1.10
COST_TARGET = 1.10


def in_process(n: int, repeat: int) -> tuple[float, int, int]:
    registrations, _ = synthetic.stack(n)
    view = stack_view(registrations)
    custom = [r.urn for r in registrations if r.custom and not r.type.startswith("pulumi:")]
    times = []
    estimate = None
    for _ in range(repeat):
        started = time.perf_counter()
        estimate = estimate_stack(view, options=EstimateOptions(default_region=synthetic.HOME), custom=custom)
        times.append(time.perf_counter() - started)
    assert estimate is not None
    return min(times), len(estimate.resources), len(estimate.unpriced)


def cost_config(n: int) -> dict[str, Any]:
    """Policy config that makes both cost policies price and judge every service of the stack: a
    budget each (soft limit at half its max cost, so each service gets a finding), and a baseline
    of the same stack at two thirds of its cost (so growth is computed for every service)."""
    import re

    assert all(re.fullmatch(TRIGGER_PATTERN, t) for t in TRIGGERS)
    registrations, _ = synthetic.stack(n)
    view = stack_view(registrations)
    estimate = estimate_stack(view, options=EstimateOptions(default_region=synthetic.HOME))
    report = estimate_dict(estimate, cross_region=attribute(cross_region_dependencies(view)))
    for service in report["services"]:
        service["monthlyCost"] *= 2 / 3
        service["monthlyCostHigh"] *= 2 / 3
    budgets = {
        s.service: {"monthlySoftLimit": s.monthly_cost_high / 2, "monthlyHardReviewThreshold": s.monthly_cost_high * 2}
        for s in estimate.services
    }
    return {
        "cost-budget": {"budgets": budgets},
        "cost-review": {"baseline": reduce_report(report), "defaultTriggers": TRIGGERS},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/cost.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    n, program_n = (1_000, 500) if args.quick else (10_000, 3_000)
    print(run.machine())
    ok = True

    seconds, priced, unpriced = in_process(n, args.repeat)
    print(
        f"\nestimate_stack in-process, {n:,} resources: {seconds:.2f} s ({priced:,} priced, {unpriced:,} unpriced)"
    )

    stream = run.Stream.of(n)
    config = cost_config(n)
    size = len(json.dumps(config))
    plain, with_cost = [], []
    for _ in range(args.repeat):  # alternated, so a change in the machine's load hits both alike
        plain.append(run.drive(UNPRICED_PACK, stream))
        with_cost.append(run.drive(run.OUR_PACK, stream, config))
    best_plain, best_cost = run.best(plain), run.best(with_cost)
    ratio = best_cost.total / best_plain.total
    cpu_ratio = min(r.cpu for r in with_cost) / min(r.cpu for r in plain)
    ok &= ratio <= PACK_TARGET
    print(f"\n1. the pack on {n:,} resources (stream + AnalyzeStack, best of {args.repeat})")
    budgets = len(config["cost-budget"]["budgets"])
    print(f"   cost policies' config: {size / 1024:,.0f} KiB ({budgets} budgets, a baseline)")
    print(
        f"   without cost policies:     {best_plain.total:7.2f} s (AnalyzeStack {best_plain.stack:.2f} s, "
        f"CPU {min(r.cpu for r in plain):.2f} s)"
    )
    print(
        f"   with cost-budget, -review: {best_cost.total:7.2f} s (AnalyzeStack {best_cost.stack:.2f} s, "
        f"CPU {min(r.cpu for r in with_cost):.2f} s; "
        f"{best_cost.diagnostics:,} diagnostics vs {best_plain.diagnostics:,})"
    )
    verdict = run.verdict(ratio <= PACK_TARGET)
    print(f"   ratio {ratio:.3f}x wall, {cpu_ratio:.3f}x CPU (target <= {PACK_TARGET}x): {verdict}")

    with tempfile.TemporaryDirectory(prefix="finops-cost-bench-") as work:
        program = synthetic.program(Path(work) / f"program-{program_n}", program_n)
        preview, cost = [], []
        for _ in range(args.repeat):
            preview.append(
                run.timed(
                    [
                        sys.executable,
                        "-m",
                        "finops_guard",
                        "preview",
                        str(program),
                        "--format",
                        "json",
                        "--output",
                        str(Path(work) / "p.json"),
                    ],
                    run.ROOT,
                )
            )
            cost.append(
                run.timed(
                    [
                        sys.executable,
                        "-m",
                        "finops_guard",
                        "cost",
                        str(program),
                        "--format",
                        "json",
                        "--output",
                        str(Path(work) / "c.json"),
                    ],
                    run.ROOT,
                )
            )
        best_preview = min(preview, key=lambda r: r.seconds)
        best_cost = min(cost, key=lambda r: r.seconds)
    ratio = best_cost.seconds / best_preview.seconds
    ok &= ratio <= COST_TARGET
    print(f"\n2. a {program_n:,}-resource program (best of {args.repeat})")
    print(f"   finops-guard preview:      {best_preview.seconds:7.2f} s, {best_preview.peak / run.MIB:,.0f} MiB")
    print(f"   finops-guard cost:         {best_cost.seconds:7.2f} s, {best_cost.peak / run.MIB:,.0f} MiB")
    print(f"   ratio {ratio:.3f}x (target <= {COST_TARGET}x): {run.verdict(ratio <= COST_TARGET)}")
    print(f"\nload after: {run._load()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
