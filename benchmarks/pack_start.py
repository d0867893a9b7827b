"""How long the pack takes to start: what every `pulumi preview --policy-pack` pays before any check.

    python benchmarks/pack_start.py              # best of 7 runs of each figure
    python benchmarks/pack_start.py --repeat 15

Two figures, each the best of `--repeat` fresh processes (a fresh interpreter each time, so
nothing is cached in memory; the OS file cache is warm after the first run), as wall time and as
the process's CPU time, which a loaded machine disturbs less:

1. **pack-start**: from spawning `python -u -m pulumi.policy <engine> <pack dir>` (as the CLI and
   `finops-guard preview` do) until the pack prints the port it serves on.
2. **pack-import**: inside one fresh interpreter that has already imported pulumi-policy,
   importing the pack and building its policies (`finops_policies.pack.build_policies()`, what
   `serve()` does before it starts the server), measured in that process with `time.perf_counter`.

The empty pack (`empty_pack/`: one no-op policy) is started the same way, to show what
pulumi-policy and gRPC cost by themselves. Figures only; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUR_PACK = ROOT / "policypack"
EMPTY_PACK = HERE / "empty_pack"
#: An engine address the pack is given but never calls during start-up.
ENGINE = "127.0.0.1:1"

_IMPORT_PROBE = """
import sys, time
sys.path.insert(0, sys.argv[1])
import pulumi_policy  # the SDK's own import is the empty pack's cost too, not ours
started, cpu = time.perf_counter(), time.process_time()
from finops_policies.pack import ListSink, build_policies
policies = build_policies(sink=ListSink())
print(f"{time.perf_counter() - started:.6f} {time.process_time() - cpu:.6f} {len(policies)} {len(sys.modules)}")
"""
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc), or NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / _TICKS


def pack_start(pack_dir: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) from spawning the pack until its first stdout line (the port)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", ENGINE, str(pack_dir)],
        cwd=pack_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(pack_dir)},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds(process.pid)
    finally:
        process.kill()
        process.wait()
    if not line.strip().isdigit():
        raise RuntimeError(f"{pack_dir}: the pack printed {line!r} instead of its port")
    return elapsed, cpu


def pack_start_seconds(pack_dir: Path) -> float:
    """Wall seconds from spawning the pack until it prints its port."""
    return pack_start(pack_dir)[0]


def pack_import() -> tuple[float, int, int]:
    """(seconds, policies, modules loaded) for importing the pack and building its policies."""
    wall, _, policies, modules = pack_import_figures()
    return wall, policies, modules


def pack_import_figures() -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, policies, modules loaded) for importing the pack and building its policies."""
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE, str(OUR_PACK)],
        check=True,
        capture_output=True,
        text=True,
        cwd=OUR_PACK,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]), int(out[3])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/pack_start.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="fresh processes per figure, best kept (default 7)")
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ours = [pack_start(OUR_PACK) for _ in range(args.repeat)]
    empty = [pack_start(EMPTY_PACK) for _ in range(args.repeat)]
    imports = [pack_import_figures() for _ in range(args.repeat)]
    wall, cpu = min(w for w, _ in ours), min(c for _, c in ours)
    empty_wall, empty_cpu = min(w for w, _ in empty), min(c for _, c in empty)
    import_wall, import_cpu = min(i[0] for i in imports), min(i[1] for i in imports)
    _, _, policies, modules = imports[0]
    print(
        f"pack-start   finops-guardrails {wall:.3f} s (CPU {cpu:.2f} s)   "
        f"empty pack {empty_wall:.3f} s (CPU {empty_cpu:.2f} s)   ratio {wall / empty_wall:.2f}x"
    )
    print(f"pack-import  {import_wall:.3f} s (CPU {import_cpu:.3f} s; {policies} policies, {modules} modules loaded)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
