"""tools/sweep_examples.py: the field-trial sweep maintainers run over public example programs."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType

from enginetools import PROGRAMS, ROOT


def _sweep() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sweep_examples", ROOT / "tools" / "sweep_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses resolve their annotations through it
    spec.loader.exec_module(module)
    return module


def test_the_sweep_previews_copies_and_names_why_a_program_stopped(tmp_path: Path) -> None:
    examples = tmp_path / "examples"
    for ours, theirs in (
        ("fidelity_typed_invoke", "aws-py-typed"),
        ("raises", "aws-py-raises"),
        ("needs_config", "kubernetes-py-config"),
    ):
        shutil.copytree(PROGRAMS / ours, examples / theirs)
    shutil.copytree(PROGRAMS / "basic", examples / "gcp-py-ignored")
    before = sorted(str(p.relative_to(examples)) for p in examples.rglob("*"))
    out = tmp_path / "outcomes.json"
    reports = tmp_path / "reports"

    code = _sweep().main(
        [
            str(examples),
            "--python",
            sys.executable,
            "--region",
            "eu-west-1",
            "--json",
            str(out),
            "--reports",
            str(reports),
        ]
    )

    outcomes = {o["program"]: o for o in json.loads(out.read_text())}
    assert sorted(outcomes) == ["aws-py-raises", "aws-py-typed", "kubernetes-py-config"]
    assert outcomes["aws-py-typed"]["exit_code"] in (0, 1) and outcomes["aws-py-typed"]["resources"] == 5
    assert outcomes["aws-py-raises"]["exit_code"] == 2
    assert "KeyError" in outcomes["aws-py-raises"]["cause"]
    # a required config key is given a placeholder, as a user would set one
    assert outcomes["kubernetes-py-config"]["config"] == ["needs-config:bucketPrefix"]
    assert outcomes["kubernetes-py-config"]["exit_code"] in (0, 1)
    # the findings of each program that previewed, per policy and state, as its kept report lists them
    kept = json.loads((reports / "aws-py-typed.json").read_text())
    assert kept["violations"]
    assert sum(sum(by_state.values()) for by_state in outcomes["aws-py-typed"]["findings"].values()) == len(
        kept["violations"]
    )
    assert not (reports / "aws-py-raises.json").exists()
    assert code == 1  # one program stopped
    assert sorted(str(p.relative_to(examples)) for p in examples.rglob("*")) == before  # sources untouched
