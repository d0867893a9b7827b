"""The shipped taggable-types data is what pulumi-aws says, and the pack reads it.

The data describes one pulumi-aws release: the one `constraints.txt` pins, which is what CI
installs. Where another release in pyproject's range is installed, the comparison with a fresh
generation is skipped (saying so), not failed: a new upstream release must not break a fresh run.
`python tools/refresh_constraints.py` moves the pin and the data together; `python
tools/gen_aws_taggable.py` regenerates the data for whatever pulumi-aws is installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import requires, version
from pathlib import Path

import pytest
from finops_policies.taggable import taggable_types
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "policypack" / "finops_policies" / "data" / "aws_taggable.json"
TOOL = ROOT / "tools" / "gen_aws_taggable.py"
CONSTRAINTS = ROOT / "constraints.txt"


@pytest.fixture(scope="module")
def shipped() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def constraint_pins() -> dict[str, str]:
    """constraints.txt as {canonical name: pinned version}."""
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line.strip())
        if match:
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def test_shipped_data_matches_a_fresh_generation(tmp_path, shipped):
    installed = version("pulumi-aws")
    if installed != shipped["pulumiAws"]:
        pytest.skip(
            f"the shipped data describes pulumi-aws {shipped['pulumiAws']} (the constraints' pin); {installed} is "
            "installed. Install with -c constraints.txt to compare, or regenerate: python tools/gen_aws_taggable.py"
        )
    # The generator imports all of pulumi-aws (≈270 MB): keep that out of the test process.
    fresh = tmp_path / "aws_taggable.json"
    run = subprocess.run(
        [sys.executable, str(TOOL), "--output", str(fresh)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert fresh.read_text(encoding="utf-8") == DATA.read_text(encoding="utf-8"), (
        "policypack/finops_policies/data/aws_taggable.json is stale: run python tools/gen_aws_taggable.py"
    )


def test_data_is_for_the_pulumi_aws_ci_installs(shipped):
    assert constraint_pins()["pulumi-aws"] == shipped["pulumiAws"], (
        "constraints.txt and aws_taggable.json describe different pulumi-aws releases: "
        "python tools/refresh_constraints.py moves both"
    )


def _dev_requirements() -> set[str]:
    """Every distribution `finops-guardrails[dev]` needs, transitively, read from installed metadata."""
    seen: set[str] = set()
    pending = [("finops-guardrails", ("dev",))]
    while pending:
        name, extras = pending.pop()
        for text in requires(name) or ():
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is not None and not any(marker.evaluate({"extra": extra}) for extra in (*extras, "")):
                continue
            key = canonicalize_name(requirement.name)
            if key not in seen:
                seen.add(key)
                pending.append((requirement.name, tuple(requirement.extras)))
    return seen


def test_constraints_pin_every_package_the_dev_install_needs():
    missing = _dev_requirements() - set(constraint_pins())
    assert not missing, f"constraints.txt does not pin {sorted(missing)}: python tools/refresh_constraints.py"


def test_lists_are_sorted_unique_and_disjoint(shipped):
    groups = [shipped["mapTags"], shipped["listTags"], shipped["selectorTags"]]
    for tokens in groups:
        assert tokens == sorted(set(tokens))
        assert all(t.startswith("aws:") and t.count(":") == 2 for t in tokens)
    assert sum(len(g) for g in groups) == len(set().union(*groups))


def test_known_facts(shipped):
    mapped = set(shipped["mapTags"])
    for token in (
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:ecs/service:Service",
        "aws:lambda/function:Function",
        "aws:iam/role:Role",
    ):
        assert token in mapped, token
    for token in (
        "aws:iam/rolePolicy:RolePolicy",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:ec2/tag:Tag",
        "aws:autoscaling/group:Group",
    ):
        assert token not in mapped, token
    assert shipped["listTags"] == ["aws:autoscaling/group:Group"]
    # These take `tags` to select other resources, not as their own cost tags.
    assert shipped["selectorTags"] == [
        "aws:devopsguru/resourceCollection:ResourceCollection",
        "aws:inspector/resourceGroup:ResourceGroup",
    ]


def test_counts_measured_for_7_51_1(shipped):
    if shipped["pulumiAws"] != "7.51.1":
        pytest.skip("counts were measured on pulumi-aws 7.51.1")
    assert shipped["resourceTypes"] == 1748
    assert len(shipped["mapTags"]) == 862


def test_policy_loads_the_shipped_sets(shipped):
    loaded = taggable_types()
    assert loaded is taggable_types()  # read once
    assert loaded.pulumi_aws == shipped["pulumiAws"]
    assert loaded.map_tags == frozenset(shipped["mapTags"])
    assert loaded.list_tags == frozenset(shipped["listTags"])


def test_the_pack_never_imports_pulumi_aws():
    probe = (
        "import sys\n"
        "from finops_policies.registry import get\n"
        "from finops_policies.harness import run_case\n"
        "spec = get('cost-allocation-tags')\n"
        "outcome = [run_case(spec, c) for c in spec.cases]\n"
        "assert any(o.violations for o in outcome)\n"
        "print('pulumi_aws' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "policypack")}
    run = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
        cwd=ROOT / "policypack",
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
