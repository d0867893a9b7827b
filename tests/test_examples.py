"""Each example's verdict, pinned through the offline engine (`finops-guard preview`), as CI runs it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from finops_policies.registry import all_policies

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
VIOLATIONS = EXAMPLES / "violations"
#: What the violations example's services cost before the change: cost-review compares against it.
VIOLATIONS_BASELINE = VIOLATIONS / "baseline-cost.json"
SECRETS = ("orders-SECRET-TAG-7731", "SECRET-ENV-hunter2-5520")  # as written in examples/violations
#: The multi-region review is time-boxed (it expires 2027-12-31); pin "today" so the verdict is stable.
REVIEW_STILL_VALID_ON = "2027-06-30"


def preview(program: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "finops_guard", "preview", str(program), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=False,
    )


def report(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_reference_service_passes_the_whole_pack() -> None:
    result = preview(EXAMPLES / "reference-service", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    data = report(result)
    assert data["project"] == "case-decision-service"
    assert data["summary"] == {"mandatory": 0, "advisory": 0, "waived": 0, "unverifiable": 0, "errored": 0}
    assert data["violations"] == []
    # database (parameter group, instance), service (Deployment, Service, HPA), telemetry (4 log
    # groups, audit bucket + 4 companions), 4 components, and the default providers
    assert data["resources"] >= 17


def test_the_repository_root_is_the_reference_project() -> None:
    result = preview(ROOT, "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert report(result)["project"] == "case-decision-service"


@pytest.fixture(scope="module")
def violations() -> dict[str, subprocess.CompletedProcess[str]]:
    return {
        fmt: preview(VIOLATIONS, "--baseline", str(VIOLATIONS_BASELINE), "--format", fmt)
        for fmt in ("text", "json", "sarif", "junit")
    }


def test_violations_trip_every_policy(violations: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = violations["json"]
    assert result.returncode == 1, result.stderr
    found = {v["policy"] for v in report(result)["violations"]}
    assert found == {spec.name for spec in all_policies()}
    assert len(found) == 9


def test_without_its_baseline_the_violations_example_trips_all_but_cost_review() -> None:
    result = preview(VIOLATIONS, "--format", "json")
    assert result.returncode == 1, result.stderr
    found = {v["policy"] for v in report(result)["violations"]}
    assert found == {spec.name for spec in all_policies()} - {"cost-review"}


@pytest.mark.parametrize(
    ("policy", "resource"),
    [
        ("cost-allocation-tags", "untagged-queue"),
        ("cost-allocation-tags", "placeholder-topic"),
        ("cost-allocation-tags", "secret-tagged-table"),
        ("no-infinite-retention", "forever-logs"),
        ("no-infinite-retention", "app-log-archive"),
        ("no-infinite-retention", "legacy-audit-trail"),
        ("no-infinite-retention", "orders-notifier"),
        ("retention-tier", "debug-logs"),
        ("retention-tier", "audit-evidence"),
        ("cross-region-review", "orders-eu"),
        ("bounded-db-pool", "orders-db"),
        ("bounded-db-pool", "orders-worker"),
        ("runtime-envelope", "orders-api"),
        ("runtime-envelope", "orders-worker"),
        ("debug-telemetry-expiry", "orders-api"),
        ("cost-budget", "search"),
        ("cost-review", "search"),
    ],
)
def test_each_planted_violation_is_reported(
    violations: dict[str, subprocess.CompletedProcess[str]], policy: str, resource: str
) -> None:
    findings = report(violations["json"])["violations"]
    assert any(v["policy"] == policy and v["name"] == resource for v in findings), (policy, resource)


def test_the_implicit_log_group_is_named_with_its_fix(violations: dict[str, subprocess.CompletedProcess[str]]) -> None:
    (finding,) = [
        v
        for v in report(violations["json"])["violations"]
        if v["policy"] == "no-infinite-retention" and v["name"] == "orders-notifier"
    ]
    assert "log group '/aws/lambda/orders-notifier' is created by Lambda" in finding["message"]
    assert 'name="/aws/lambda/orders-notifier", retention_in_days=14' in finding["message"]


def test_the_hpa_without_a_sane_max_and_the_heap_equal_to_the_limit(
    violations: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    messages = [v["message"] for v in report(violations["json"])["violations"] if v["policy"] == "runtime-envelope"]
    assert any("maxReplicas" in m and "500" in m for m in messages), messages
    assert any("Xmx" in m or "heap" in m for m in messages), messages


def test_the_over_budget_service_is_held_to_its_contract(
    violations: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    """`search` (search-cost-contract.yaml, found next to Pulumi.yaml) is over its hard review
    threshold at max scale: a mandatory finding with the figures of the cost summary."""
    data = report(violations["json"])
    (budget,) = [v for v in data["violations"] if v["policy"] == "cost-budget"]
    search = next(s for s in data["cost"]["services"] if s["service"] == "search")
    assert budget["enforcement"] == "mandatory"
    assert search["budgetStatus"] == "over-hard-review-threshold"
    assert f"is ${search['monthlyCostHigh']:,.2f} a month at max scale" in budget["message"]
    assert "above the hard review threshold $4,000.00" in budget["message"]
    reviews = [v["message"] for v in data["violations"] if v["policy"] == "cost-review"]
    triggers = {message.split("review trigger ")[1].split()[0] for message in reviews}
    assert triggers == {"monthly_cost_growth_gt_20_percent", "replica_count_doubles"}
    diff = {s["service"]: s for s in data["cost"]["diff"]["services"]}
    assert diff["search"]["monthlyCostHigh"] == {
        "old": 1417.92,  # baseline-cost.json
        "new": search["monthlyCostHigh"],
        "delta": round(search["monthlyCostHigh"] - 1417.92, 2),
        "percent": round(100 * (search["monthlyCostHigh"] - 1417.92) / 1417.92, 1),
    }


def test_secrets_never_appear_in_any_report(violations: dict[str, subprocess.CompletedProcess[str]]) -> None:
    for fmt, result in violations.items():
        for secret in SECRETS:
            assert secret not in result.stdout, fmt
            assert secret not in result.stderr, fmt


def test_a_resource_inside_a_component_is_located_in_the_program(
    violations: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    source = (VIOLATIONS / "__main__.py").read_text().splitlines()
    created = next(i for i, line in enumerate(source, 1) if "self.log_group = aws.cloudwatch.LogGroup(" in line)
    used = next(i for i, line in enumerate(source, 1) if line.startswith('LegacyAuditTrail("legacy-audit")'))
    text = violations["text"].stdout
    block = text[text.index("LogGroup: legacy-audit-trail") :]
    match = re.search(
        r"at examples/violations/__main__\.py:(\d+)(?: \(via examples/violations/__main__\.py:(\d+)\))?", block
    )
    assert match is not None, block[:500]
    assert {int(n) for n in match.groups() if n} == {created, used}


def test_multi_region_passes_only_with_its_review() -> None:
    program = EXAMPLES / "multi-region"
    pinned = {"FINOPS_GUARDRAILS_TODAY": REVIEW_STILL_VALID_ON}
    reviewed = preview(
        program, "--policy-pack-config", str(program / "policy-config.json"), "--format", "json", env=pinned
    )
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    assert report(reviewed)["summary"]["mandatory"] == 0

    unreviewed = preview(program, "--format", "json", env=pinned)
    assert unreviewed.returncode == 1, unreviewed.stderr
    findings = report(unreviewed)["violations"]
    assert [(v["policy"], v["name"]) for v in findings] == [("cross-region-review", "evidence-replication")]


def test_multi_region_review_expires() -> None:
    program = EXAMPLES / "multi-region"
    config = json.loads((program / "policy-config.json").read_text())
    (review,) = config["cross-region-review"]["reviews"]
    assert review["expires"] > REVIEW_STILL_VALID_ON
    expired = preview(
        program,
        "--policy-pack-config",
        str(program / "policy-config.json"),
        "--format",
        "json",
        env={"FINOPS_GUARDRAILS_TODAY": "2028-01-01"},
    )
    assert expired.returncode == 1


def test_a_contract_missing_its_owner_exits_2_and_names_the_field(tmp_path: Path) -> None:
    program = tmp_path / "reference-service"
    shutil.copytree(EXAMPLES / "reference-service", program)
    contract = program / "cost-contract.yaml"
    contract.write_text(contract.read_text().replace("  owner: enforcement-platform-team\n", ""))
    result = preview(program)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{contract}:4: metadata.owner is missing; expected the owning team" in result.stderr
    # A RunError is a message for the user, as the CLI prints it: no stack trace unless --debug.
    assert "Traceback" not in result.stderr
    assert "ServiceCostContract.load" not in result.stderr
    debug = preview(program, "--debug")
    assert debug.returncode == 2
    assert "ServiceCostContract.load" in debug.stderr  # the program's own frame, for whoever debugs it


def test_the_sarif_of_the_violations_example_is_valid_and_points_at_program_lines(
    violations: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    from test_reports_sarif import assert_valid_sarif, resolve

    log = json.loads(violations["sarif"].stdout)
    assert_valid_sarif(log)
    run = log["runs"][0]
    program = VIOLATIONS / "__main__.py"
    source = program.read_text().splitlines()

    def line_of(text: str) -> int:
        return next(i for i, line in enumerate(source, 1) if text in line)

    def located(policy: str, name: str) -> dict[str, Any]:
        return next(
            r
            for r in run["results"]
            if r["ruleId"] == policy and r["locations"][0]["logicalLocations"][0]["name"] == name
        )

    # (policy, resource, text on the line that begins the creating call, offset from that line)
    for policy, name, created_by, offset in [
        ("cost-allocation-tags", "untagged-queue", 'aws.sqs.Queue("untagged-queue"', 0),
        ("no-infinite-retention", "forever-logs", 'aws.cloudwatch.LogGroup("forever-logs"', 0),
        ("cross-region-review", "orders-eu", '    "orders-eu",', -1),  # a call spanning lines: its first line
    ]:
        path, line = resolve(run, located(policy, name)["locations"][0]["physicalLocation"])
        assert (path.resolve(), line) == (program.resolve(), line_of(created_by) + offset), (policy, name)

    # A log group created inside a component: the user's call, and the component's own line.
    nested = located("no-infinite-retention", "legacy-audit-trail")
    path, line = resolve(run, nested["locations"][0]["physicalLocation"])
    assert (path.resolve(), line) == (program.resolve(), line_of('LegacyAuditTrail("legacy-audit")'))
    (related,) = nested["relatedLocations"]
    path, line = resolve(run, related["physicalLocation"])
    assert (path.resolve(), line) == (program.resolve(), line_of("self.log_group = aws.cloudwatch.LogGroup("))
