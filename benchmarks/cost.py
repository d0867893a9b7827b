"""Benchmarks of the cost estimate: figures and ratios, not pass/fail tests.

    python benchmarks/cost.py            # 10,000 resources through the pack; a 3,000-resource program
    python benchmarks/cost.py --quick    # 1,000 resources; a 500-resource program

1. Pricing inside the pack. The synthetic stack of `run.py` is streamed to the finops pack and to
   the same pack plus one stack policy that prices the stack in `AnalyzeStack`
   (`priced_pack/`, as the budget and review policies will). Target: pricing adds <= 10 %.
   Also shown: `estimate_stack` alone, in-process, on the same resources.
2. `finops-guard cost` of a generated program (`synthetic.program`) against `finops-guard
   preview` of it, both as subprocesses. Target: cost <= 1.1x preview.

Wall times are the best of `--repeat` runs. The exit code is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import run  # noqa: E402 - the pack driver and process timers of the main benchmarks
import synthetic  # noqa: E402
from finops_policies.pricing import EstimateOptions, estimate_stack  # noqa: E402

from finops_guard.costing import stack_view  # noqa: E402

PRICED_PACK = HERE / "priced_pack"
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
    plain = run.best([run.drive(run.OUR_PACK, stream) for _ in range(args.repeat)])
    with_cost = run.best([run.drive(PRICED_PACK, stream) for _ in range(args.repeat)])
    ratio = with_cost.total / plain.total
    ok &= ratio <= PACK_TARGET
    print(f"\n1. the pack on {n:,} resources (stream + AnalyzeStack, best of {args.repeat})")
    print(f"   finops pack:               {plain.total:7.2f} s (AnalyzeStack {plain.stack:.2f} s)")
    print(f"   finops pack + pricing:     {with_cost.total:7.2f} s (AnalyzeStack {with_cost.stack:.2f} s)")
    print(f"   ratio {ratio:.3f}x (target <= {PACK_TARGET}x): {run.verdict(ratio <= PACK_TARGET)}")

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
