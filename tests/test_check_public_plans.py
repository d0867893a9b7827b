"""Plans from public projects that scan Terraform plans: read and checked, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from finops_guard.cli import main

PLANS = sorted((Path(__file__).parent / "data" / "public-plans").glob("*.json"))


def test_the_public_plans_are_here():
    assert len(PLANS) == 5


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_a_public_plan_is_checked(plan, capsys):
    code = main(["check", str(plan), "--format", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert '"inputKind": "terraform-plan"' in out
    assert "Traceback" not in err
