"""The fuzz entry point, in a small bounded run.

`python -m finops_guard.fuzz --cases 10000 --seed S` is the long run (see benchmarks/README.md);
here a few hundred requests prove the machinery: the real pack answers every random request, and
a pack that raises is counted as failing.
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from pathlib import Path

from finops_guard.fuzz import Vocabulary, WireGen, run_fuzz
from finops_guard.preview import default_pack_dir

ROOT = Path(__file__).resolve().parents[1]


def test_a_bounded_run_against_the_real_pack_has_no_failure() -> None:
    report = run_fuzz(default_pack_dir(), cases=400, seed=20240607, stack_share=0.1, reconfigure_every=100)
    assert report.rpc_failures == [] and report.crashes == [], "\n".join(report.lines())
    assert report.cases == 400
    assert report.analyze > 300 and report.analyze_stack > 10
    assert report.config_changes >= 1  # random (schema-valid) policy configs were sent too
    # The requests get past the scope guards: the policies do find things in them.
    assert report.violations > 0 and report.unverifiable > 0


def test_the_entry_point_prints_the_figures() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "finops_guard.fuzz", "--cases", "60", "--seed", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "60 random requests" in done.stdout and "RPC failures: 0" in done.stdout


def test_a_pack_that_raises_is_counted(tmp_path: Path) -> None:
    pack = tmp_path / "raising"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nname: raising\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text(
        textwrap.dedent("""
        from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

        def fragile(args, report_violation):
            if "tags" in args.props:
                raise ValueError("tags confuse me")

        PolicyPack(name="raising", enforcement_level=EnforcementLevel.MANDATORY,
                   policies=[ResourceValidationPolicy(name="fragile", description="Fragile.", validate=fragile)])
    """)
    )
    report = run_fuzz(pack, cases=40, seed=1, stack_share=0.0)
    assert report.rpc_failures, "\n".join(report.lines())
    assert all(f.method == "Analyze" for f in report.rpc_failures)
    assert not report.ok


def test_the_same_seed_sends_the_same_requests() -> None:
    vocab = Vocabulary.scan(default_pack_dir())
    first, again = WireGen(random.Random(9), vocab), WireGen(random.Random(9), vocab)
    assert [first.resource() for _ in range(20)] == [again.resource() for _ in range(20)]
    assert first.stack(10) == again.stack(10)
