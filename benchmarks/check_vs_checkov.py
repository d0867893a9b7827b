"""`finops-guard check` on synthetic Terraform plans, side by side with checkov on the same files.

    python benchmarks/check_vs_checkov.py --checkov /tmp/checkov-venv/bin/checkov
    python benchmarks/check_vs_checkov.py --sizes 1000,10000,100000 --checkov-max 10000 --pack-process-max 10000

Plans come from the shared generator (`gen_tf_plan.py N OUT.json`: N/2 CloudWatch log groups and
N/2 S3 buckets, a third fully tagged, retention cycling through never/0/7/30/90/400 days, provider
default_tags; `terraform show -json` format 1.2). For each size the tools run as subprocesses on
the same file, one after the other: wall time, and peak memory summed over each tool's process tree
(each process's VmHWM, sampled every 20 ms; `run.TreePeak`). checkov runs offline
(`--skip-download`), framework `terraform_plan`, JSON output to a file, as a CI job would.

finops-guard runs as users run it: `check PLAN --format json --output FILE`, which runs our pack
in-process (the default), with its modules' bytecode compiled (one unmeasured run first writes it,
as `pip install` does for an installed package). A run of finops-guard takes about a second, where a
hiccup of the machine is a tenth of the figure: it runs `--runs` times (default 5) and its median
is compared (min and max printed too); checkov, a hundred times longer, runs once. With
`--pack-process-max N` it also runs `check --pack-process` (the pack in its own processes, as for
any other pack) on plans up to N resources, and says whether the two JSON reports are the same
(they must be; durations aside). finops-guard shares its work with forked children on a second
core (`finops_guard/forking.py`); `FINOPS_GUARD_SERIAL=1` keeps it to one process.

Targets (issue 11): at 10,000 resources at least 100x faster than checkov; at 100,000 under 300 MB.
checkov is not part of this project: install it into a throwaway virtualenv outside the repository
(`python -m venv /tmp/checkov-venv && /tmp/checkov-venv/bin/pip install checkov`) and pass its path;
without it the checkov columns say so. Figures only compare on a quiet machine (load printed).
Exit code 1 when a target that was measured is missed, or when the two paths' reports differ.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from run import MIB, TreePeak, machine  # noqa: E402 - after the path fix above

DEFAULT_GENERATOR = Path("/work/shared/tools/gen_tf_plan.py")
SPEED_TARGET = 100.0  # x faster than checkov at 10,000 resources
MEMORY_TARGET = 300 * MIB  # at 100,000 resources


@dataclass
class Run:
    seconds: float
    peak: int
    exit_code: int


def measure(command: list[str], cwd: Path, accept: tuple[int, ...]) -> Run:
    import time

    env = dict(os.environ, NO_COLOR="1", PYTHONUNBUFFERED="1")
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with TreePeak(proc.pid) as tree:
        _, err = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode not in accept:
        raise SystemExit(f"{' '.join(command)} exited {proc.returncode}:\n{err[-3000:]}")
    return Run(seconds, tree.total, proc.returncode)


def finops_guard(plan: Path, workdir: Path, *, pack_process: bool = False) -> tuple[Run, Path]:
    """One `finops-guard check` of `plan`: its run and its JSON report."""
    report = workdir / f"{plan.stem}.{'pack-process' if pack_process else 'finops'}.json"
    command = [sys.executable, "-m", "finops_guard", "check", str(plan), "--format", "json", "--output", str(report)]
    if pack_process:
        command.append("--pack-process")
    return measure(command, workdir, (0, 1)), report


def compile_bytecode(plan: Path, workdir: Path) -> None:
    """One unmeasured `check`, allowed to write its modules' bytecode: what `pip install` does for
    an installed package (and did for checkov's). From a source checkout, with
    PYTHONDONTWRITEBYTECODE set (as on CI), every measured run would otherwise recompile ~100
    modules first (~0.25 s)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, "-m", "finops_guard", "check", str(plan), "--format", "json", "--output",
               str(workdir / "warm-up.json")]  # fmt: skip
    subprocess.run(command, cwd=workdir, env=env, capture_output=True, check=False)


def _report_without_duration(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("durationSeconds", None)
    return data


def checkov(binary: str, plan: Path, workdir: Path) -> tuple[Run, int]:
    out = workdir / f"{plan.stem}.checkov"
    command = [binary, "-f", str(plan), "--framework", "terraform_plan", "--skip-download", "--quiet", "--compact",
               "-o", "json", "--output-file-path", str(out)]  # fmt: skip
    run = measure(command, workdir, (0, 1))
    failed = 0
    for path in out.glob("*.json") if out.is_dir() else []:
        data = json.loads(path.read_text())
        for report in data if isinstance(data, list) else [data]:
            failed += int(report.get("summary", {}).get("failed", 0))
    return run, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000,100000", help="plan sizes (resources), comma-separated")
    parser.add_argument("--checkov", default=shutil.which("checkov"), help="the checkov executable (default: on PATH)")
    parser.add_argument(
        "--checkov-max", type=int, default=10_000, help="largest size checkov runs on (it needs ~1 GB per 5,000)"
    )
    parser.add_argument(
        "--pack-process-max",
        type=int,
        default=0,
        help="also run `check --pack-process` on plans up to this size and compare the reports (default: 0, off)",
    )
    parser.add_argument("--runs", type=int, default=5, help="finops-guard runs per size; the median is compared")
    parser.add_argument("--generator", type=Path, default=DEFAULT_GENERATOR, help="gen_tf_plan.py")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    options = parser.parse_args(argv)
    sizes = [int(s) for s in options.sizes.split(",") if s.strip()]
    if not options.generator.exists():
        raise SystemExit(f"{options.generator}: the plan generator is missing (pass --generator)")
    print(machine())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not options.checkov:
        print("checkov: not found; pass --checkov PATH (install it into a throwaway virtualenv) to compare.")
    rows = []
    ok = True
    with tempfile.TemporaryDirectory(prefix="finops-check-bench-") as tmp:
        workdir = Path(tmp)
        for size in sizes:
            plan = workdir / f"plan-{size}.json"
            subprocess.run([sys.executable, str(options.generator), str(size), str(plan)], check=True)
            if not rows:
                compile_bytecode(plan, workdir)
            runs = []
            for _ in range(max(1, options.runs)):
                ours, report = finops_guard(plan, workdir)
                runs.append(ours)
            ours = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]  # the median run
            data = _report_without_duration(report)
            row: dict = {"resources": size, "finopsGuardSeconds": round(ours.seconds, 2),
                         "finopsGuardRuns": [round(r.seconds, 2) for r in runs],
                         "finopsGuardPeakMiB": round(max(r.peak for r in runs) / MIB),
                         "findings": sum(v for k, v in data["summary"].items() if k != "errored")}  # fmt: skip
            del data
            if size <= options.pack_process_max:
                slow, slow_report = finops_guard(plan, workdir, pack_process=True)
                same = _report_without_duration(slow_report) == _report_without_duration(report)
                ok &= same
                row |= {"packProcessSeconds": round(slow.seconds, 2), "packProcessPeakMiB": round(slow.peak / MIB),
                        "sameReport": same}  # fmt: skip
                slow_report.unlink()
            report.unlink()
            if options.checkov and size <= options.checkov_max:
                theirs, failed = checkov(options.checkov, plan, workdir)
                row |= {"checkovSeconds": round(theirs.seconds, 2), "checkovPeakMiB": round(theirs.peak / MIB),
                        "checkovFailedChecks": failed, "speedup": round(theirs.seconds / ours.seconds, 1)}  # fmt: skip
            rows.append(row)
            print(json.dumps(row))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print(
        "| resources | finops-guard, median (s) | peak (MiB) | --pack-process (s) | peak (MiB) | same report "
        "| checkov (s) | peak (MiB) | checkov / finops-guard |"
    )
    print("|---:|---:|---:|---:|---:|:---:|---:|---:|---:|")
    for row in rows:
        slow = (
            f"{row['packProcessSeconds']} | {row['packProcessPeakMiB']:,} | {'yes' if row['sameReport'] else 'NO'}"
            if "packProcessSeconds" in row
            else "not run | - | -"
        )
        theirs = (
            f"{row['checkovSeconds']} | {row['checkovPeakMiB']:,} | {row['speedup']}x"
            if "checkovSeconds" in row
            else "not run | - | -"
        )
        spread = row["finopsGuardRuns"]
        ours = f"{row['finopsGuardSeconds']} ({min(spread)}-{max(spread)}) | {row['finopsGuardPeakMiB']:,}"
        print(f"| {row['resources']:,} | {ours} | {slow} | {theirs} |")
    for row in rows:
        if row.get("sameReport") is False:
            print(f"{row['resources']:,} resources: the in-process and pack-process reports DIFFER")
        if row["resources"] == 10_000 and "speedup" in row:
            met = row["speedup"] >= SPEED_TARGET
            ok &= met
            verdict = "met" if met else "MISSED"
            print(f"10,000 resources: {row['speedup']}x checkov (target >= {SPEED_TARGET:.0f}x): {verdict}")
        if row["resources"] == 100_000:
            met = row["finopsGuardPeakMiB"] * MIB < MEMORY_TARGET
            ok &= met
            print(f"100,000 resources: {row['finopsGuardPeakMiB']} MiB (target < 300): {'met' if met else 'MISSED'}")
    if options.json:
        options.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
