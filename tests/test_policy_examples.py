"""Each policy's bad and good example is a real program: run it through the engine, as pylint runs its
message docs.

The bad example marks every line that creates a resource which must trip the policy
(`# [<policy-name>]`); exactly those resources trip it, found by the program line each finding
points at. The good example creates resources of the types that trip in the bad one, and none of its
resources trips the policy. So `finops-guard explain` can never show an example that lies, and a bad
resource that stopped tripping is noticed. A policy that judges nothing without config (budgets, a
baseline) keeps the config both examples run with beside them (`policy-config.json`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from finops_policies.registry import all_policies
from finops_policies.spec import PolicySpec

from finops_guard.model import RunResult
from finops_guard.preview import PreviewOptions, run_preview

SPECS = all_policies()
MARKER = re.compile(r"#\s*\[([a-z]+(?:-[a-z]+)*)\]")


def marked_lines(source: str, policy: str) -> set[int]:
    """Line numbers (1-based) carrying the marker of `policy`."""
    return {number for number, line in enumerate(source.splitlines(), 1) if policy in MARKER.findall(line)}


@pytest.fixture(scope="module")
def run_example(tmp_path_factory: pytest.TempPathFactory):
    @cache
    def run(policy: str, which: str) -> tuple[RunResult, Path]:
        spec = next(s for s in SPECS if s.name == policy)
        program = tmp_path_factory.mktemp(f"{spec.module}-{which}")
        (program / "Pulumi.yaml").write_text("name: example\nruntime: python\n")
        (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
        main = program / "__main__.py"
        main.write_text(spec.bad_example if which == "bad" else spec.good_example)
        config = None
        if spec.example_config is not None:
            config = program / "policy-config.json"
            config.write_text(json.dumps(spec.example_config))
        return run_preview(PreviewOptions(program_dir=program, policy_pack_config=config)), main

    return run


def _violations(result: RunResult, spec: PolicySpec):
    return [f for f in result.findings if f.policy == spec.name and f.state == "violation"]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_exactly_the_marked_resources_of_the_bad_example_trip_its_policy(spec, run_example):
    result, main = run_example(spec.name, "bad")
    marked = marked_lines(spec.bad_example, spec.name)
    assert marked, f"the bad example of {spec.name} marks no resource"
    violations = _violations(result, spec)
    unplaced = [f.message for f in violations if f.location is None or Path(f.location.file) != main]
    assert unplaced == [], "violations not traced to a line of the example"
    tripped = {f.location.line for f in violations if f.location is not None}
    missed, unmarked = sorted(marked - tripped), sorted(tripped - marked)
    assert tripped == marked, f"marked lines that do not trip: {missed}; tripping lines not marked: {unmarked}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_the_good_example_has_resources_in_scope_and_trips_nothing(spec, run_example):
    bad, _ = run_example(spec.name, "bad")
    good, _ = run_example(spec.name, "good")
    assert not MARKER.search(spec.good_example), "a good example marks nothing"
    mine = [f.message for f in good.findings if f.policy == spec.name and f.state != "waived"]
    assert mine == []
    # In scope: every type that trips in the bad example is created in the good one too.
    tripping_types = {f.type for f in _violations(bad, spec)}
    good_types = {r.type for r in good.resources}
    assert tripping_types and tripping_types <= good_types, sorted(tripping_types - good_types)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_examples_ship_with_the_package_and_are_what_explain_shows(spec):
    from finops_guard.docs import explain

    shown = explain(spec.name)
    for which in ("bad", "good"):
        path = spec.example_path(which)
        assert path.is_file(), path
        first_code_line = next(line for line in path.read_text().splitlines() if line.startswith(("import", "from")))
        assert first_code_line in shown
