"""Helpers shared by the engine tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from finops_guard.model import Registration
from finops_guard.project import choose_stack, load_project, load_stack_config
from finops_guard.recording.runner import record_program

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
PROGRAMS = TESTS / "programs"
TEST_PACK = TESTS / "packs" / "testpack"
PROTOCOL_PACK = TESTS / "packs" / "protocol_pack"


def record(program: str | Path, overrides: tuple[str, ...] = ()) -> dict[str, Registration]:
    project = load_project(PROGRAMS / program if isinstance(program, str) else program)
    stack = load_stack_config(project, choose_stack(project, None), overrides)
    return {r.name: r for r in record_program(project, stack)}


def cli(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `finops-guard` as a user would, in a fresh process."""
    import os

    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env.setdefault("NO_COLOR", "1")
    return subprocess.run(
        [sys.executable, "-m", "finops_guard", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
