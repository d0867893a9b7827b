"""Every policy is documented, configurable, and covered by passing and failing cases."""

from __future__ import annotations

import re

import pytest
from finops_policies.registry import all_policies

EXPECTED = {
    "cost-allocation-tags",
    "no-infinite-retention",
    "retention-tier",
    "cross-region-review",
    "bounded-db-pool",
    "runtime-envelope",
    "debug-telemetry-expiry",
    "cost-budget",
    "cost-review",
}
SPECS = all_policies()


def test_registry_has_the_stable_names():
    assert {s.name for s in SPECS} == EXPECTED


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_policy_is_documented(spec):
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", spec.name)
    for text in (spec.description, spec.blocks, spec.why, spec.fix):
        assert text.strip(), spec.name
    assert "\n" not in spec.description
    assert spec.bad_example.strip() and spec.good_example.strip()
    for key, config in spec.all_config.items():
        assert config.doc.strip(), key
        assert "default" in config.schema, key


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_policy_has_passing_failing_unknown_and_waiver_cases(spec):
    assert any(c.passes for c in spec.cases)
    assert any(not c.passes for c in spec.cases)
    assert any(c.unverifiable for c in spec.cases)
    assert any(c.waived for c in spec.cases)
    names = [c.name for c in spec.cases]
    assert len(names) == len(set(names))


def test_the_pack_builds_its_policies_without_cases_or_examples():
    """Cases and examples are for tests and `explain`: starting the pack builds none of them."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from finops_policies.pack import ListSink, build_policies\n"
        "assert len(build_policies(sink=ListSink())) == 9\n"
        "print(sorted(m for m in sys.modules if m.startswith(('finops_policies.cases', 'finops_policies.examples'))))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


#: Internal document references that mean nothing to a user ("seed 002 §8.2", "reference §3", "section 13").
INTERNAL_REFERENCE = re.compile(r"\bseed\s*0\d\d|\bseed article|§|\bsection \d", re.IGNORECASE)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_user_facing_text_states_facts_not_internal_references(spec):
    from finops_guard.docs import explain

    texts = {"explain": explain(spec.name), **{f"config {k}": c.doc for k, c in spec.all_config.items()}}
    for case in spec.cases:
        texts.update({f"case {case.name}": " ".join(e.text for e in case.violations) + " " + case.note})
    found = {where: INTERNAL_REFERENCE.findall(text) for where, text in texts.items()}
    assert {where: refs for where, refs in found.items() if refs} == {}


def test_the_readme_states_facts_not_internal_references():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines() if INTERNAL_REFERENCE.search(line)]
    assert lines == []
