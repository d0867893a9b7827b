"""How long the pack takes to start: what every `pulumi preview --policy-pack` pays before any check.

    python benchmarks/pack_start.py              # best of 7 runs of each figure
    python benchmarks/pack_start.py --repeat 15

Two figures, each the best of `--repeat` fresh processes (a fresh interpreter each time, so
nothing is cached in memory; the OS file cache is warm after the first run):

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
started = time.perf_counter()
from finops_policies.pack import ListSink, build_policies
policies = build_policies(sink=ListSink())
print(f"{time.perf_counter() - started:.6f} {len(policies)} {len(sys.modules)}")
"""


def pack_start_seconds(pack_dir: Path) -> float:
    """Seconds from spawning the pack until its first stdout line (the port)."""
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
    finally:
        process.kill()
        process.wait()
    if not line.strip().isdigit():
        raise RuntimeError(f"{pack_dir}: the pack printed {line!r} instead of its port")
    return elapsed


def pack_import() -> tuple[float, int, int]:
    """(seconds, policies, modules loaded) for importing the pack and building its policies."""
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE, str(OUR_PACK)],
        check=True,
        capture_output=True,
        text=True,
        cwd=OUR_PACK,
    ).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/pack_start.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="fresh processes per figure, best kept (default 7)")
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ours = min(pack_start_seconds(OUR_PACK) for _ in range(args.repeat))
    empty = min(pack_start_seconds(EMPTY_PACK) for _ in range(args.repeat))
    imports = [pack_import() for _ in range(args.repeat)]
    seconds, policies, modules = min(imports)
    print(f"pack-start   finops-guardrails {ours:.3f} s   empty pack {empty:.3f} s   ratio {ours / empty:.2f}x")
    print(f"pack-import  {seconds:.3f} s ({policies} policies built, {modules} modules loaded)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
