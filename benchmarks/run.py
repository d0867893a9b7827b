"""Benchmarks: what checking costs, side by side with what it must not cost much more than.

    python benchmarks/run.py            # 1,000 and 10,000 resources, and the 3,000-resource preview
    python benchmarks/run.py --quick    # 1,000 resources and a 500-resource preview: a smoke run
    python benchmarks/run.py --full     # also 100,000 resources (minutes, ~1-2 GB of memory)

1. The pack over gRPC. A synthetic stack (AWS and Kubernetes types, tags, dependencies,
   cross-region edges; `synthetic.stack`) is streamed to the pack as `finops-guard preview`
   streams it: `Remediate` + `Analyze` per resource, then one `AnalyzeStack`. The same stream goes
   to an empty pack (one no-op resource policy, `empty_pack/`), which prices the protocol itself.
   Requests are built before the clock starts; building them is reported on its own line.
   Targets: our pack <= 1.5x the empty pack; `AnalyzeStack` linear (10x resources <= 11x time).
2. `finops-guard preview` of a generated program (`synthetic.program`) against a bare run of the
   same program under the SDK's plain mocks (`bare_run.py`), both as subprocesses. Target <= 1.5x.
3. Each stack policy's `check()` alone, in process, on the same synthetic stacks
   (`stack_policies.py`): seconds per policy and size. Target: linear (10x resources <= 11x time).

Wall times are the best of `--repeat` runs (a single run from 50,000 resources); the pack's CPU
time is shown beside them, being less sensitive to other load. Peak memory: the pack process's
VmHWM (read from /proc before it stops); for the subprocess runs, the sum over the process tree of
each process's peak RSS (sampled every 20 ms). Figures are only comparable on a quiet machine: the
load average is printed before and after. The exit code is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:  # `python benchmarks/run.py` from anywhere
    sys.path.insert(0, str(HERE))

import stack_policies  # noqa: E402 - after the path fix above
import synthetic  # noqa: E402

from finops_guard.analyzer.engine_server import EngineServer  # noqa: E402
from finops_guard.analyzer.pack_process import PackProcess, load_pack, pack_environment  # noqa: E402
from finops_guard.analyzer.policy_config import merge  # noqa: E402
from finops_guard.analyzer.session import AnalyzerSession, to_struct, without_internal_keys  # noqa: E402
from finops_guard.fuzz import initial_levels  # noqa: E402
from finops_guard.model import Registration  # noqa: E402

OUR_PACK = ROOT / "policypack"
EMPTY_PACK = HERE / "empty_pack"
PACK_TARGET = 1.5
LINEAR_TARGET = 11.0
PREVIEW_TARGET = 1.5
MIB = 1024 * 1024
#: From this many resources a measurement takes minutes: run it once.
LARGE = 50_000


# --- machine ---------------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "?"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine() -> str:
    from google.protobuf.internal import api_implementation

    return (
        f"{_cpu_model()}, {os.cpu_count()} cores, {_memory_total()}; Linux {platform.release()}; "
        f"Python {platform.python_version()}, pulumi {_version('pulumi')}, pulumi-policy "
        f"{_version('pulumi-policy')}, grpcio {_version('grpcio')}, protobuf {_version('protobuf')} "
        f"({api_implementation.Type()})"
    )


# --- memory ----------------------------------------------------------------------------------------


def _status(pid: int, field_name: str) -> int:
    """A `/proc/<pid>/status` figure in bytes (0 once the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a live process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            out.extend(int(c) for c in text)
    except OSError:
        pass
    return out


class TreePeak:
    """Samples a process tree: each process's peak RSS (VmHWM), summed over the tree at the end."""

    def __init__(self, root: int, interval: float = 0.02) -> None:
        self.root = root
        self.interval = interval
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pending = [self.root]
            while pending:
                pid = pending.pop()
                hwm = _status(pid, "VmHWM")
                if hwm:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), hwm)
                pending.extend(_children(pid))
            self._stop.wait(self.interval)

    @property
    def total(self) -> int:
        return sum(self.peaks.values())


# --- 1. the pack over gRPC ---------------------------------------------------------------------------


@dataclass
class PackRun:
    pack: str
    resources: int
    stream: float  # Remediate + Analyze for every resource
    stack: float  # AnalyzeStack
    peak: int  # bytes, the pack process's VmHWM
    diagnostics: int
    cpu: float  # seconds of CPU the pack process spent on the stream and the stack

    @property
    def total(self) -> float:
        return self.stream + self.stack


class _Capture(AnalyzerSession):
    """Builds requests with the session's own code, without sending them."""

    def __init__(self) -> None:  # no channel: nothing is sent
        pass

    def _call(self, method: str, request: Any) -> Any:
        return request


@dataclass
class Stream:
    registrations: list[Registration]
    providers: dict[str, Registration]
    requests: list[Any] = field(default_factory=list)
    stack_request: Any = None
    build_seconds: float = 0.0

    @classmethod
    def of(cls, n: int) -> Stream:
        registrations, providers = synthetic.stack(n)
        stream = cls(registrations, providers)
        capture = _Capture()
        started = time.perf_counter()
        stream.requests = [
            capture._request(r, providers.get(r.urn), to_struct(without_internal_keys(r.inputs))) for r in registrations
        ]
        stream.stack_request = capture.analyze_stack(registrations, providers)
        stream.build_seconds = time.perf_counter() - started
        return stream


def drive(pack_dir: Path, stream: Stream, config: dict[str, Any] | None = None) -> PackRun:
    """One pack process, configured like a preview (with `config`, the `--policy-pack-config`), fed
    the whole stream."""
    pack = load_pack(pack_dir)
    env = pack_environment(synthetic.PROJECT, synthetic.STACK, "organization", {"aws:region": synthetic.HOME})
    with EngineServer() as engine:
        process = PackProcess(pack, engine.address, env)
        session = AnalyzerSession(process.start(), timeout=3600)
        try:
            session.configure_stack(
                project=synthetic.PROJECT,
                stack=synthetic.STACK,
                organization="organization",
                config={"aws:region": synthetic.HOME},
                secret_keys=[],
                tags={},
            )
            session.plugin_info()
            info, policies = session.analyzer_info()
            session.configure(merge(policies, initial_levels(info), config or {}, "benchmark"))
            diagnostics = 0
            assert process.proc is not None
            cpu_before = _cpu(process.proc.pid)
            started = time.perf_counter()
            for request in stream.requests:
                session._call("Remediate", request)
                diagnostics += len(session._call("Analyze", request).diagnostics)
            streamed = time.perf_counter() - started
            started = time.perf_counter()
            diagnostics += len(session._call("AnalyzeStack", stream.stack_request).diagnostics)
            stacked = time.perf_counter() - started
            cpu = _cpu(process.proc.pid) - cpu_before
            peak = _status(process.proc.pid, "VmHWM")
        finally:
            session.close()
            process.stop()
    return PackRun(pack.name, len(stream.requests), streamed, stacked, peak, diagnostics, cpu)


def best(runs: Sequence[PackRun]) -> PackRun:
    return min(runs, key=lambda r: r.total)


# --- 2. the preview against a bare run ---------------------------------------------------------------


@dataclass
class ProcessRun:
    seconds: float
    peak: int
    output: str


def timed(command: Sequence[str], cwd: Path) -> ProcessRun:
    env = dict(os.environ, NO_COLOR="1", PYTHONUNBUFFERED="1")
    started = time.perf_counter()
    proc = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreePeak(proc.pid) as tree:
        out, err = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{err[-3000:]}")
    return ProcessRun(seconds, tree.total, out)


def preview_runs(n: int, repeat: int, workdir: Path) -> tuple[ProcessRun, ProcessRun, int, dict[str, Any]]:
    program = synthetic.program(workdir / f"program-{n}", n)
    report = workdir / "report.json"
    bare: list[ProcessRun] = []
    guarded: list[ProcessRun] = []
    for _ in range(repeat):
        bare.append(timed([sys.executable, str(HERE / "bare_run.py"), str(program)], program))
        guarded.append(
            timed(
                [
                    sys.executable,
                    "-m",
                    "finops_guard",
                    "preview",
                    str(program),
                    "--format",
                    "json",
                    "--output",
                    str(report),
                ],
                ROOT,
            )
        )
    created = int(bare[-1].output.strip().splitlines()[-1])
    summary = json.loads(report.read_text(encoding="utf-8"))
    return min(bare, key=lambda r: r.seconds), min(guarded, key=lambda r: r.seconds), created, summary


# --- the report -----------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/run.py", description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="1,000 resources and a 500-resource preview")
    mode.add_argument("--full", action="store_true", help="also 100,000 resources")
    parser.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.split(",")],
        default=None,
        help="comma-separated stack sizes (overrides the mode)",
    )
    parser.add_argument("--program-size", type=int, default=None, help="resources in the preview program")
    parser.add_argument("--repeat", type=int, default=None, help="runs per measurement, best kept (default 3; 1 quick)")
    parser.add_argument(
        "--pack",
        type=Path,
        default=OUR_PACK,
        metavar="DIR",
        help="the pack to measure against the empty one (default: policypack/)",
    )
    parser.add_argument("--skip-pack", action="store_true", help="skip the gRPC benchmark")
    parser.add_argument("--skip-preview", action="store_true", help="skip the preview benchmark")
    parser.add_argument("--skip-policies", action="store_true", help="skip the in-process stack policy benchmark")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([1_000] if args.quick else [1_000, 10_000, 100_000] if args.full else [1_000, 10_000])
    program_size = args.program_size or (500 if args.quick else 3_000)
    repeat = args.repeat or (1 if args.quick else 3)
    say: Callable[[str], None] = lambda line: print(line, flush=True)  # noqa: E731 - a local alias
    figures: dict[str, Any] = {
        "machine": machine(),
        "loadBefore": _load(),
        "pack": [],
        "preview": None,
        "stackPolicies": [],
    }
    say(f"machine: {figures['machine']}")
    say(f"load average before: {figures['loadBefore']}")
    ok = True

    if not args.skip_pack:
        say("")
        say(
            f"== the pack over gRPC: Remediate + Analyze per resource, then AnalyzeStack (best of {repeat}; "
            f"of 1 from {LARGE:,} resources)"
        )
        say(
            f"{'resources':>10}  {'pack':<18}{'stream s':>9}{'stack s':>9}{'total s':>9}{'ms/res':>8}"
            f"{'pack CPU s':>11}{'peak MiB':>10}{'findings':>10}"
        )
        stack_times: list[tuple[int, float]] = []
        for n in sizes:
            stream = Stream.of(n)
            runs: dict[str, list[PackRun]] = {"empty": [], "ours": []}
            for _ in range(repeat if n < LARGE else 1):  # alternate, so drift in the load hits both alike
                runs["empty"].append(drive(EMPTY_PACK, stream))
                runs["ours"].append(drive(args.pack, stream))
            empty, ours = best(runs["empty"]), best(runs["ours"])
            for run in (empty, ours):
                say(
                    f"{n:>10,}  {run.pack:<18}{run.stream:>9.2f}{run.stack:>9.2f}{run.total:>9.2f}"
                    f"{1000 * run.total / n:>8.3f}{run.cpu:>11.2f}{run.peak / MIB:>10.0f}{run.diagnostics:>10,}"
                )
            ratio = ours.total / empty.total
            ok &= ratio <= PACK_TARGET
            say(
                f"{'':>10}  ratio ours/empty {ratio:.2f}x (stream {ours.stream / empty.stream:.2f}x, "
                f"pack CPU {ours.cpu / max(empty.cpu, 1e-9):.2f}x) "
                f"target <= {PACK_TARGET}x: {verdict(ratio <= PACK_TARGET)}; "
                f"stack: {synthetic.describe(stream.registrations)}; "
                f"building the requests (client, not timed above): {stream.build_seconds:.2f} s"
            )
            stack_times.append((n, ours.stack))
            figures["pack"].append(
                {
                    "resources": n,
                    "empty": vars(empty),
                    "ours": vars(ours),
                    "ratio": ratio,
                    "clientBuildSeconds": stream.build_seconds,
                }
            )
        for (n1, t1), (n2, t2) in itertools.pairwise(stack_times):
            growth = (t2 / t1) / (n2 / n1) * 10 if t1 > 0 else float("inf")
            ok &= growth <= LINEAR_TARGET
            say(
                f"AnalyzeStack {n1:,} -> {n2:,}: {t1:.2f} s -> {t2:.2f} s, {t2 / t1:.1f}x for {n2 / n1:.0f}x "
                f"resources ({growth:.1f}x per 10x; target <= {LINEAR_TARGET}x): {verdict(growth <= LINEAR_TARGET)}"
            )

    if not args.skip_preview:
        say("")
        say(
            f"== finops-guard preview of a generated {program_size:,}-resource program vs a bare run under plain "
            f"mocks (best of {repeat})"
        )
        with tempfile.TemporaryDirectory(prefix="finops-bench-") as tmp:
            bare, guarded, created, report = preview_runs(program_size, repeat, Path(tmp))
        ratio = guarded.seconds / bare.seconds
        ok &= ratio <= PREVIEW_TARGET
        say(
            f"bare run (plain mocks):   {bare.seconds:7.2f} s  peak {bare.peak / MIB:6.0f} MiB  "
            f"({created:,} resources created)"
        )
        say(
            f"finops-guard preview:     {guarded.seconds:7.2f} s  peak {guarded.peak / MIB:6.0f} MiB  "
            f"(sum over program, pack and CLI; {report['resources']:,} resources analyzed, "
            f"summary {report['summary']})"
        )
        say(f"ratio preview/bare {ratio:.2f}x, target <= {PREVIEW_TARGET}x: {verdict(ratio <= PREVIEW_TARGET)}")
        figures["preview"] = {
            "resources": program_size,
            "bare": vars(bare) | {"output": ""},
            "preview": vars(guarded) | {"output": ""},
            "ratio": ratio,
        }
    if not args.skip_policies:
        say("")
        say(f"== each stack policy's check() alone, in process (best of {repeat}; of 1 from {LARGE:,} resources)")
        say(f"{'resources':>10}  {'policy':<24}{'seconds':>9}{'µs/res':>11}{'findings':>10}")
        by_policy: dict[str, list[stack_policies.PolicyTime]] = {}
        for n in sizes:
            view = stack_policies.stack_view(*synthetic.stack(n))
            for measured in stack_policies.measure(view, repeat if n < LARGE else 1):
                by_policy.setdefault(measured.policy, []).append(measured)
                figures["stackPolicies"].append(vars(measured))
                say(
                    f"{n:>10,}  {measured.policy:<24}{measured.seconds:>9.3f}"
                    f"{1e6 * measured.seconds / n:>11.3f}{measured.findings:>10,}"
                )
        for name, series in by_policy.items():
            for small, large in itertools.pairwise(series):
                growth = (large.seconds / small.seconds) / (large.resources / small.resources) * 10
                ok &= growth <= LINEAR_TARGET
                say(
                    f"{name} {small.resources:,} -> {large.resources:,}: {small.seconds:.3f} s -> "
                    f"{large.seconds:.3f} s ({growth:.1f}x per 10x; target <= {LINEAR_TARGET}x): "
                    f"{verdict(growth <= LINEAR_TARGET)}"
                )

    figures["loadAfter"] = _load()
    say("")
    say(f"load average after: {figures['loadAfter']}")
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
