"""The bad and good examples in each policy's docs are real programs: run them through the engine.

The bad one must trip its policy and the good one must not, so `finops-guard explain` can never
show an example that lies.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from finops_policies.registry import all_policies

from finops_guard.preview import PreviewOptions, run_preview

SPECS = all_policies()


def run_example(tmp_path: Path, source: str):
    (tmp_path / "Pulumi.yaml").write_text("name: example\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(source)
    return run_preview(PreviewOptions(program_dir=tmp_path))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_bad_example_trips_its_policy(spec, tmp_path):
    result = run_example(tmp_path, spec.bad_example)
    mine = [f for f in result.findings if f.policy == spec.name and f.state == "violation"]
    assert mine, f"the bad example of {spec.name} produced no violation of it"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_good_example_passes_its_policy(spec, tmp_path):
    result = run_example(tmp_path, spec.good_example)
    mine = [f for f in result.findings if f.policy == spec.name and f.state != "waived"]
    assert mine == [], [f.message for f in mine]
