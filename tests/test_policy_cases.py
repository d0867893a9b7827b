"""Every case of every policy, run through the objects the pack serves."""

from __future__ import annotations

import pytest
from finops_policies.harness import check_case
from finops_policies.registry import all_policies

CASES = [(spec, case) for spec in all_policies() for case in spec.cases]


@pytest.mark.parametrize(("spec", "case"), CASES, ids=[f"{s.name}:{c.name}" for s, c in CASES])
def test_case(spec, case):
    assert check_case(spec, case) == []
