"""Run a Pulumi Python program under the SDK's plain mocks: the baseline of the preview benchmark.

    python benchmarks/bare_run.py PROGRAM_DIR

This is what a Pulumi unit test does (`pulumi.runtime.set_mocks` with a trivial `Mocks`): the
program registers every resource with an in-process mock monitor, nothing else. It prints the
number of resources the mocks created, so the benchmark can check both runs did the same work.
"""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import stack as runtime_stack
from pulumi.runtime.sync_await import _sync_await


class TrivialMocks(pulumi.runtime.Mocks):
    """Every resource's outputs are its inputs; every invoke returns nothing."""

    def __init__(self) -> None:
        self.created = 0

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.created += 1
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        return {}


def main(program_dir: str) -> int:
    directory = Path(program_dir).resolve()
    os.chdir(directory)
    sys.path.insert(0, str(directory))
    sys.argv = [str(directory / "__main__.py")]
    pulumi.runtime.set_all_config({"aws:region": "us-east-1"})
    mocks = TrivialMocks()
    pulumi.runtime.set_mocks(mocks, project="fleet", stack="bench", preview=True)
    runpy.run_path(str(directory / "__main__.py"), run_name="__main__")
    _sync_await(runtime_stack.wait_for_rpcs())
    print(mocks.created, flush=True)
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1])
    sys.stdout.flush()
    os._exit(code)  # like the recorder: skip the SDK's noise about abandoned outputs at exit
