"""`cost-budget` and `cost-review` end to end: `finops-guard preview` of a real program whose contract,
scale, telemetry and regions each test sets, the policies in the real pack over gRPC.

Every threshold and trigger is tripped and not, with and without a recorded review. Figures are
read from `finops-guard cost` of the same program (the CLI prices with the pack's functions), and
the pack's messages must quote them: the two can never disagree unnoticed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from enginetools import PROGRAMS, cli, write_json
from finops_policies.clock import days_from_today
from finops_policies.pricing.baseline import BASELINE_KIND

from finops_guard.project import load_project, load_stack_config
from finops_guard.recording.runner import record_program

SOURCE = PROGRAMS / "cost_policies"
ALL_TRIGGERS = [
    "monthly_cost_growth_gt_20_percent",
    "observability_cost_gt_30_percent",
    "replica_count_doubles",
    "new_cross_region_dependency",
]


@pytest.fixture
def program(tmp_path: Path) -> Path:
    target = tmp_path / "orders"
    shutil.copytree(SOURCE, target)
    return target


def set_contract(program: Path, *, budgets: dict[str, float] | None = None, triggers: list[str] | None = None) -> None:
    path = program / "cost-contract.yaml"
    contract = yaml.safe_load(path.read_text())
    if budgets is not None:
        contract["spec"]["budgets"] = budgets
    if triggers is not None:
        contract["spec"]["review"]["requiredWhen"] = triggers
    path.write_text(yaml.safe_dump(contract, sort_keys=False))


def budgets(soft: float, hard: float, observability: float = 100) -> dict[str, float]:
    return {"monthlySoftLimit": soft, "monthlyHardReviewThreshold": hard, "observabilityPercentLimit": observability}


def settings(max_replicas: int = 10, debug_logs: bool = False, cross_region: bool = False) -> list[str]:
    return [
        "-c",
        f"maxReplicas={max_replicas}",
        "-c",
        f"debugLogs={str(debug_logs).lower()}",
        "-c",
        f"crossRegion={str(cross_region).lower()}",
    ]


def preview(program: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    done = cli("preview", str(program), "--format", "json", *args, env=env)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def cost(program: Path, *args: str) -> dict[str, Any]:
    done = cli("cost", str(program), "--format", "json", *args)
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def of(data: dict[str, Any], policy: str) -> list[dict[str, Any]]:
    return [v for v in data["violations"] if v["policy"] == policy]


def orders(report: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in report["services"] if s["service"] == "orders")


def usd(value: float) -> str:
    return f"${value:,.2f}"


def config_file(tmp: Path, data: dict[str, Any]) -> str:
    return str(write_json(tmp / "policy-config.json", data))


def review(**more: Any) -> dict[str, Any]:
    return {
        "services": ["orders"],
        "ticket": "FIN-88",
        "approvedBy": "finance-partner",
        "expires": days_from_today(30).isoformat(),
        "reason": "launch",
        **more,
    }


# --- cost-budget ------------------------------------------------------------------------------------


def test_within_every_limit_passes_and_the_summary_agrees(program: Path) -> None:
    set_contract(program, budgets=budgets(soft=10_000, hard=20_000, observability=90))
    code, data = preview(program, *settings())
    assert code == 0
    assert of(data, "cost-budget") == []
    assert orders(data["cost"])["budgetStatus"] == "within"


def test_above_the_soft_limit_is_advisory(program: Path) -> None:
    figures = orders(cost(program, *settings()))
    set_contract(program, budgets=budgets(soft=figures["monthlyCostHigh"] - 1, hard=figures["monthlyCostHigh"] + 1))
    code, data = preview(program, *settings())
    (finding,) = of(data, "cost-budget")
    assert code == 0
    assert (finding["enforcement"], finding["state"], finding["name"]) == ("advisory", "violation", "orders-api")
    assert f"is {usd(figures['monthlyCostHigh'])} a month at max scale" in finding["message"]
    assert f"above the soft limit {usd(figures['monthlyCostHigh'] - 1)}" in finding["message"]
    assert data["summary"]["mandatory"] == 0


def test_above_the_hard_threshold_without_a_review_is_mandatory(program: Path) -> None:
    figures = orders(cost(program, *settings(max_replicas=40)))
    set_contract(program, budgets=budgets(soft=500, hard=1000))
    assert figures["monthlyCost"] < 1000 < figures["monthlyCostHigh"]  # only the high end is over
    code, data = preview(program, *settings(max_replicas=40))
    (finding,) = of(data, "cost-budget")
    assert code == 1
    assert finding["enforcement"] == "mandatory"
    assert (
        f"is {usd(figures['monthlyCostHigh'])} a month at max scale "
        f"(range {usd(figures['monthlyCost'])} – {usd(figures['monthlyCostHigh'])}), "
        "above the hard review threshold $1,000.00"
    ) in finding["message"]
    assert finding["location"]["file"].endswith("__main__.py")  # on the Deployment that drives the cost
    assert orders(data["cost"])["budgetStatus"] == "over-hard-review-threshold"


def test_above_the_hard_threshold_with_a_recorded_review_is_advisory(program: Path, tmp_path: Path) -> None:
    set_contract(program, budgets=budgets(soft=500, hard=1000))
    reviewed = config_file(tmp_path, {"cost-budget": {"reviews": [review()]}})
    code, data = preview(program, *settings(max_replicas=40), "--policy-pack-config", reviewed)
    (finding,) = of(data, "cost-budget")
    assert code == 0
    assert finding["enforcement"] == "advisory"
    assert "reviewed under 'FIN-88' (approved by finance-partner" in finding["message"]


def test_a_review_that_expired_does_not_count(program: Path, tmp_path: Path) -> None:
    set_contract(program, budgets=budgets(soft=500, hard=1000))
    reviewed = config_file(tmp_path, {"cost-budget": {"reviews": [review(expires="2026-01-31")]}})
    code, data = preview(
        program,
        *settings(max_replicas=40),
        "--policy-pack-config",
        reviewed,
        env={"FINOPS_GUARDRAILS_TODAY": "2026-02-01"},
    )
    (finding,) = of(data, "cost-budget")
    assert code == 1
    assert "not reviewed: review 'FIN-88' expired on 2026-01-31" in finding["message"]


def test_a_review_capped_below_the_estimate_does_not_count(program: Path, tmp_path: Path) -> None:
    set_contract(program, budgets=budgets(soft=500, hard=1000))
    reviewed = config_file(tmp_path, {"cost-budget": {"reviews": [review(approvedMonthlyCost=1100)]}})
    code, data = preview(program, *settings(max_replicas=40), "--policy-pack-config", reviewed)
    assert code == 1
    assert "review 'FIN-88' approves up to $1,100.00" in of(data, "cost-budget")[0]["message"]


def test_observability_above_its_share_is_advisory(program: Path) -> None:
    figures = orders(cost(program, *settings(debug_logs=True)))
    share = 100 * figures["byCategoryHigh"]["observability"] / figures["monthlyCostHigh"]
    set_contract(program, budgets=budgets(soft=10_000, hard=20_000, observability=round(share) - 5))
    code, data = preview(program, *settings(debug_logs=True))
    (finding,) = of(data, "cost-budget")
    assert code == 0
    assert finding["enforcement"] == "advisory"
    assert finding["name"] == "orders-debug-logs"  # the largest observability cost
    assert f"observabilityShare is {share:.1f} % of its cost at max scale" in finding["message"]
    assert f"above the limit {round(share) - 5:g} %" in finding["message"]


def test_the_users_policy_config_wins_over_the_contract_per_service(program: Path, tmp_path: Path) -> None:
    set_contract(program, budgets=budgets(soft=500, hard=1000))
    generous = config_file(tmp_path, {"cost-budget": {"budgets": {"orders": budgets(soft=10_000, hard=20_000)}}})
    code, data = preview(program, *settings(max_replicas=40), "--policy-pack-config", generous)
    assert code == 0
    assert of(data, "cost-budget") == []
    assert orders(data["cost"])["budgetStatus"] == "within"  # the summary holds the same budget


def test_contract_policy_config_gives_the_pulumi_cli_path_the_same_verdict(program: Path, tmp_path: Path) -> None:
    """Without its contract next to Pulumi.yaml, the program gets its budgets and usage only from
    the config `finops-guard contract policy-config` writes: the verdict is the same."""
    set_contract(program, budgets=budgets(soft=500, hard=1000))
    contract = tmp_path / "orders-contract.yaml"
    shutil.move(program / "cost-contract.yaml", contract)
    _, unfed = preview(program, *settings(max_replicas=40))
    assert of(unfed, "cost-budget") == []  # no contract found: nothing to hold it against

    written = tmp_path / "policy-config.json"
    done = cli("contract", "policy-config", str(contract), "--output", str(written))
    assert done.returncode == 0, done.stderr
    code, data = preview(program, *settings(max_replicas=40), "--policy-pack-config", str(written))
    assert code == 1
    (finding,) = of(data, "cost-budget")
    shutil.copy(contract, program / "cost-contract.yaml")
    _, fed = preview(program, *settings(max_replicas=40))
    assert of(fed, "cost-budget")[0]["message"] == finding["message"]


# --- cost-review ------------------------------------------------------------------------------------


@pytest.fixture
def baseline(program: Path, tmp_path: Path) -> Path:
    """The cost of the program at 10 replicas, no debug logs, one region: `main` before the change."""
    set_contract(program, budgets=budgets(soft=10_000, hard=20_000), triggers=ALL_TRIGGERS)
    return write_json(tmp_path / "baseline.json", cost(program, *settings()))


def reviews_of(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for v in of(data, "cost-review"):
        trigger = v["message"].split("review trigger ")[1].split()[0]
        found[trigger] = v
    return found


def test_without_a_baseline_nothing_is_reviewed(program: Path) -> None:
    set_contract(program, triggers=ALL_TRIGGERS)
    _, data = preview(program, *settings(max_replicas=40, debug_logs=True, cross_region=True))
    assert of(data, "cost-review") == []


def test_the_unchanged_program_trips_nothing(program: Path, baseline: Path) -> None:
    code, data = preview(program, *settings(), "--baseline", str(baseline))
    assert code == 0
    assert of(data, "cost-review") == []
    assert data["cost"]["diff"]["services"] == []  # nothing changed


def test_doubled_replicas_and_cost_growth_are_mandatory_with_old_and_new_figures(program: Path, baseline: Path) -> None:
    before = orders(json.loads(baseline.read_text()))
    after = orders(cost(program, *settings(max_replicas=20)))
    code, data = preview(program, *settings(max_replicas=20), "--baseline", str(baseline))
    found = reviews_of(data)
    assert code == 1
    assert set(found) == {"replica_count_doubles", "monthly_cost_growth_gt_20_percent"}
    assert {v["enforcement"] for v in found.values()} == {"mandatory"}
    assert "maxReplicas went from 10 to 20 (×2.0)" in found["replica_count_doubles"]["message"]
    growth = 100 * (after["monthlyCostHigh"] - before["monthlyCostHigh"]) / before["monthlyCostHigh"]
    assert (
        f"at max scale {usd(before['monthlyCostHigh'])} → {usd(after['monthlyCostHigh'])} (+{growth:.1f} %)"
        in found["monthly_cost_growth_gt_20_percent"]["message"]
    )
    # the diff, per service and resource, old -> new
    diff = data["cost"]["diff"]
    assert diff["services"][0]["monthlyCostHigh"]["old"] == before["monthlyCostHigh"]
    assert diff["services"][0]["monthlyCostHigh"]["new"] == after["monthlyCostHigh"]
    assert [r["name"] for r in diff["resources"]] == ["orders-api"]


def test_growth_below_the_trigger_passes(program: Path, baseline: Path) -> None:
    code, data = preview(program, *settings(max_replicas=11), "--baseline", str(baseline))
    assert code == 0
    assert reviews_of(data) == {}


def test_recorded_reviews_let_the_triggers_through(program: Path, baseline: Path, tmp_path: Path) -> None:
    reviewed = config_file(
        tmp_path,
        {"cost-review": {"reviews": [review(triggers=["replica_count_doubles", "monthly_cost_growth_*"])]}},
    )
    code, data = preview(
        program, *settings(max_replicas=20), "--baseline", str(baseline), "--policy-pack-config", reviewed
    )
    assert code == 0
    assert reviews_of(data) == {}


def test_a_review_of_other_triggers_does_not_count(program: Path, baseline: Path, tmp_path: Path) -> None:
    reviewed = config_file(tmp_path, {"cost-review": {"reviews": [review(triggers=["new_cross_region_dependency"])]}})
    code, data = preview(
        program, *settings(max_replicas=20), "--baseline", str(baseline), "--policy-pack-config", reviewed
    )
    assert code == 1
    assert set(reviews_of(data)) == {"replica_count_doubles", "monthly_cost_growth_gt_20_percent"}


def test_observability_crossing_its_trigger(program: Path, baseline: Path, tmp_path: Path) -> None:
    before = orders(json.loads(baseline.read_text()))
    after = orders(cost(program, *settings(debug_logs=True)))
    share = 100 * after["byCategoryHigh"]["observability"] / after["monthlyCostHigh"]
    old_share = 100 * before["byCategoryHigh"]["observability"] / before["monthlyCostHigh"]
    assert old_share < 30 < share
    code, data = preview(program, *settings(debug_logs=True), "--baseline", str(baseline))
    found = reviews_of(data)
    assert code == 1
    message = found["observability_cost_gt_30_percent"]["message"]
    assert found["observability_cost_gt_30_percent"]["name"] == "orders-debug-logs"
    assert f"is {share:.1f} % (" in message and f"the baseline had {old_share:.1f} % (" in message

    reviewed = config_file(tmp_path, {"cost-review": {"reviews": [review()]}})  # every trigger of orders
    code, data = preview(
        program, *settings(debug_logs=True), "--baseline", str(baseline), "--policy-pack-config", reviewed
    )
    assert code == 0
    assert reviews_of(data) == {}


def test_a_new_cross_region_dependency(program: Path, baseline: Path, tmp_path: Path) -> None:
    _, data = preview(program, *settings(cross_region=True), "--baseline", str(baseline))
    found = reviews_of(data)
    assert set(found) == {"new_cross_region_dependency"}
    assert found["new_cross_region_dependency"]["name"] == "orders-eu"
    assert "eu-west-1 → us-east-1 is new" in found["new_cross_region_dependency"]["message"]

    reviewed = config_file(tmp_path, {"cost-review": {"reviews": [review(triggers=["new_cross_region_dependency"])]}})
    _, data = preview(
        program, *settings(cross_region=True), "--baseline", str(baseline), "--policy-pack-config", reviewed
    )
    assert reviews_of(data) == {}


def test_a_cross_region_dependency_the_baseline_had_is_not_new(program: Path, tmp_path: Path) -> None:
    set_contract(program, triggers=ALL_TRIGGERS)
    earlier = write_json(tmp_path / "baseline.json", cost(program, *settings(cross_region=True)))
    assert json.loads(earlier.read_text())["crossRegionDependencies"]  # the report records it
    _, data = preview(program, *settings(cross_region=True), "--baseline", str(earlier))
    assert reviews_of(data) == {}


def test_a_stack_export_is_priced_as_the_baseline(program: Path, baseline: Path, tmp_path: Path) -> None:
    """`pulumi stack export` of the program at 10 replicas: the same verdict as its cost report."""
    project = load_project(program)
    registrations = record_program(project, load_stack_config(project, "dev", tuple(settings()[1::2])))
    export = {
        "version": 3,
        "deployment": {
            "manifest": {"time": "2026-12-01T00:00:00Z"},
            "resources": [
                {
                    "urn": r.urn,
                    "custom": r.custom,
                    "type": r.type,
                    "inputs": r.inputs,
                    "outputs": r.inputs,
                    **({"parent": r.parent} if r.parent else {}),
                    **({"provider": r.provider} if r.provider else {}),
                    "dependencies": r.dependencies,
                    "propertyDependencies": r.property_dependencies,
                }
                for r in registrations
            ],
        },
    }
    exported = write_json(tmp_path / "stack.json", export)
    _, from_report = preview(program, *settings(max_replicas=20), "--baseline", str(baseline))
    _, from_export = preview(program, *settings(max_replicas=20), "--baseline", str(exported))
    assert [v["message"] for v in of(from_export, "cost-review")] == [
        v["message"] for v in of(from_report, "cost-review")
    ]
    assert from_export["cost"]["diff"]["services"] == from_report["cost"]["diff"]["services"]


def test_a_baseline_that_is_neither_report_nor_export_exits_2(program: Path, tmp_path: Path) -> None:
    bogus = write_json(tmp_path / "bogus.json", {"services": "everything"})
    done = cli("preview", str(program), "--baseline", str(bogus))
    assert done.returncode == 2
    assert f"--baseline {bogus}: the baseline is neither a `finops-guard cost --format json` report" in done.stderr


def test_a_large_baseline_travels_in_its_compact_form(tmp_path: Path) -> None:
    """A report of 20,000 resources is megabytes; the config the pack receives holds only what the
    triggers read (per service figures, workloads, cross-region dependencies)."""
    report = {
        "version": "2",
        "totalMonthlyCost": 1.0,
        "services": [{"service": "orders", "monthlyCost": 1.0, "monthlyCostHigh": 2.0, "byCategoryHigh": {}}],
        "resources": [
            {
                "urn": f"urn:pulumi:dev::p::aws:sqs/queue:Queue::q{i}",
                "type": "aws:sqs/queue:Queue",
                "name": f"q{i}",
                "service": "orders",
                "monthlyCost": 0.05,
                "monthlyCostHigh": 0.05,
                "costComponents": [{"name": "Requests", "unit": "1M requests", "monthlyQuantity": 0.1, "price": 0.4}]
                * 3,
            }
            for i in range(20_000)
        ]
        + [
            {
                "urn": "urn:pulumi:dev::p::kubernetes:apps/v1:Deployment::api",
                "type": "kubernetes:apps/v1:Deployment",
                "name": "api",
                "service": "orders",
                "replicas": {"min": 2, "max": 10},
            }
        ],
        "crossRegionDependencies": [],
    }
    big = write_json(tmp_path / "big.json", report)
    assert big.stat().st_size > 4 * 1024 * 1024  # above gRPC's default message limit
    contract = SOURCE / "cost-contract.yaml"
    done = cli("contract", "policy-config", str(contract), "--baseline", str(big))
    assert done.returncode == 0, done.stderr
    sent = json.loads(done.stdout)["cost-review"]["baseline"]
    assert sent["kind"] == BASELINE_KIND
    assert sent["workloads"] == {"kubernetes:apps/v1:Deployment::api": {"service": "orders", "min": 2, "max": 10}}
    assert len(json.dumps(sent)) < 1_000


# --- the diff in every format -----------------------------------------------------------------------


def test_the_diff_old_to_new_is_in_every_format(program: Path, baseline: Path) -> None:
    """Per service and per resource, old → new: in each `cost` format and each `preview` format."""
    before = orders(json.loads(baseline.read_text()))
    after = orders(cost(program, *settings(max_replicas=20)))
    service = f"{usd(before['monthlyCostHigh'])} → {usd(after['monthlyCostHigh'])}"
    api_before = next(r for r in json.loads(baseline.read_text())["resources"] if r["name"] == "orders-api")
    api_after = next(r for r in cost(program, *settings(max_replicas=20))["resources"] if r["name"] == "orders-api")
    resource = f"{usd(api_before['monthlyCostHigh'])} → {usd(api_after['monthlyCostHigh'])}"
    for fmt in ("text", "markdown", "html"):
        done = cli("cost", str(program), *settings(max_replicas=20), "--baseline", str(baseline), "--format", fmt)
        assert done.returncode == 0, done.stderr
        assert service in done.stdout, fmt
        assert "orders-api" in done.stdout and resource in done.stdout, fmt
    diff = cost(program, *settings(max_replicas=20), "--baseline", str(baseline))["diff"]
    assert (diff["services"][0]["monthlyCostHigh"]["old"], diff["services"][0]["monthlyCostHigh"]["new"]) == (
        before["monthlyCostHigh"],
        after["monthlyCostHigh"],
    )
    for fmt in ("text", "json", "sarif", "junit"):
        done = cli("preview", str(program), *settings(max_replicas=20), "--baseline", str(baseline), "--format", fmt)
        assert done.returncode == 1, done.stderr
        if fmt in ("json", "sarif"):
            data = json.loads(done.stdout)
            summary = data["cost"] if fmt == "json" else data["runs"][0]["properties"]["cost"]
            assert summary["diff"] == diff
        else:
            assert service in done.stdout and resource in done.stdout, fmt


def test_a_broken_contract_the_program_does_not_load_stops_the_preview(program: Path) -> None:
    """The contract next to Pulumi.yaml feeds the budgets: unreadable, the preview cannot enforce
    them and says so (exit 2, file, line and field) after the program ran."""
    contract = program / "cost-contract.yaml"
    contract.write_text(contract.read_text().replace("  owner: payments\n", ""))
    done = cli("preview", str(program))
    assert done.returncode == 2
    assert f"{contract}:4: metadata.owner is missing; expected the owning team" in done.stderr
