"""The benchmark inputs are what they claim to be; no timing is asserted here (see benchmarks/run.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import synthetic  # noqa: E402 - the benchmark folder is not a package


@pytest.mark.parametrize("n", [1, 57, 1_000])
def test_synthetic_stack_has_exactly_n_resources_and_a_closed_graph(n):
    registrations, providers = synthetic.stack(n)
    assert len(registrations) == n
    urns = [r.urn for r in registrations]
    assert len(set(urns)) == n
    known = set(urns)
    for r in registrations:
        assert set(r.dependencies) <= known, r.urn
        for deps in r.property_dependencies.values():
            assert set(deps) <= known, r.urn
        if r.parent is not None:
            assert r.parent in known, r.urn
    assert set(providers) <= known


def test_synthetic_stack_is_a_realistic_mix_with_cross_region_edges():
    registrations, providers = synthetic.stack(1_000)
    packages = {r.type.split(":", 1)[0] for r in registrations}
    assert {"aws", "kubernetes", "pulumi"} <= packages
    regions = {p.inputs.get("region") for p in providers.values() if p.type == "pulumi:providers:aws"}
    assert regions == {synthetic.HOME, synthetic.AWAY}
    assert sum(len(r.dependencies) for r in registrations) > 100


def test_synthetic_stack_is_deterministic():
    first, _ = synthetic.stack(300, seed=3)
    again, _ = synthetic.stack(300, seed=3)
    other, _ = synthetic.stack(300, seed=4)
    assert [(r.urn, r.inputs) for r in first] == [(r.urn, r.inputs) for r in again]
    assert [(r.urn, r.inputs) for r in first] != [(r.urn, r.inputs) for r in other]


def test_generated_program_does_the_same_work_under_both_runs(tmp_path):
    program = synthetic.program(tmp_path / "fleet", 60)
    bare = subprocess.run(
        [sys.executable, str(BENCH / "bare_run.py"), str(program)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bare.returncode == 0, bare.stderr
    created = int(bare.stdout.strip().splitlines()[-1])
    assert created >= 60
    report = tmp_path / "report.json"
    preview = subprocess.run(
        [sys.executable, "-m", "finops_guard", "preview", str(program), "--format", "json", "--output", str(report)],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert preview.returncode in (0, 1), preview.stderr
    # The preview also sees the root stack and the default AWS and Kubernetes providers.
    assert json.loads(report.read_text())["resources"] == created + 3


def test_stack_policy_benchmark_measures_every_stack_policy_on_the_whole_stack():
    import stack_policies
    from finops_policies.registry import all_policies

    registrations, providers = synthetic.stack(500)
    view = stack_policies.stack_view(registrations, providers)
    assert [r.urn for r in view.resources] == [r.urn for r in registrations]
    attached = {r.urn: r.provider.urn for r in view.resources if r.provider is not None}
    assert attached == {urn: p.urn for urn, p in providers.items()}
    measured = stack_policies.measure(view, repeat=1)
    judged_with_the_stack = [s.name for s in all_policies() if s.scope == "stack" or s.stack_check is not None]
    assert [m.policy for m in measured] == judged_with_the_stack
    assert {m.resources for m in measured} == {500}
    assert sum(m.findings for m in measured) > 0  # the fleet crosses regions and keeps logs too long


def test_pack_start_measures_the_pack_it_names():
    import pack_start

    # the import probe builds every policy of the pack (the figure is about the real pack, not a stub)
    from finops_policies.registry import all_policies

    _, policies, modules = pack_start.pack_import()
    assert policies == len(all_policies()) and modules > 0
    # our pack starts and prints its port (the function raises when it prints anything else)
    assert isinstance(pack_start.pack_start_seconds(pack_start.OUR_PACK), float)


def test_the_cost_benchmark_prices_in_the_real_pack_and_not_in_the_unpriced_one():
    """benchmarks/cost.py compares the real pack, its cost policies configured to price and judge
    every service, with the same pack without them: the first must do that work, the second none."""
    import cost
    import run

    config = cost.cost_config(300)
    assert config["cost-budget"]["budgets"] and config["cost-review"]["baseline"]["services"]
    stream = run.Stream.of(300)
    priced = run.drive(run.OUR_PACK, stream, config)
    unpriced = run.drive(cost.UNPRICED_PACK, stream)
    # every budgeted service is over its soft limit (half its max cost) and grew against the baseline
    assert priced.diagnostics >= unpriced.diagnostics + 2 * len(config["cost-budget"]["budgets"])
