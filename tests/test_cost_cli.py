"""`finops-guard cost` end to end: a real program recorded, priced, and reported in every format."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from enginetools import PROGRAMS, ROOT, cli
from finops_policies.pricing import PriceCatalog

SMALL = PROGRAMS / "cost_small"
USAGE = SMALL / "usage.yaml"
CATALOG = PriceCatalog.shipped()
HOURS = 730


def rate(service: str, key: str, region: str | None = "us-east-1") -> float:
    row = CATALOG.find(service, key, region)
    assert row is not None
    return row.usd


@pytest.fixture(scope="module")
def small_report() -> dict:
    done = cli("cost", str(SMALL), "--usage", str(USAGE), "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def component(report: dict, resource: str, name: str) -> dict:
    item = next(r for r in report["resources"] if r["name"] == resource)
    return next(c for c in item["costComponents"] if c["name"] == name)


def test_json_report_has_the_documented_shape(small_report: dict) -> None:
    assert {
        "currency",
        "priceCatalog",
        "totalMonthlyCost",
        "totalMonthlyCostHigh",
        "unallocatedMonthlyCost",
        "services",
        "resources",
        "unpriced",
    } <= set(small_report)
    assert small_report["priceCatalog"] == CATALOG.info.as_report()
    service = next(s for s in small_report["services"] if s["service"] == "payments")
    assert {"service", "team", "monthlyCost", "monthlyCostHigh", "byCategory", "budget", "unitCosts"} <= set(service)
    for resource in small_report["resources"]:
        assert {
            "urn",
            "type",
            "name",
            "service",
            "category",
            "monthlyCost",
            "monthlyCostHigh",
            "costComponents",
        } <= set(resource)
        for line in resource["costComponents"]:
            assert line["quantitySource"] in {"input", "contract", "usage-file", "default", "unknown"}


def test_figures_are_catalog_rates_times_the_program_quantities(small_report: dict) -> None:
    assert component(small_report, "nat", "NAT gateway")["monthlyCost"] == pytest.approx(
        rate("vpc", "nat-gateway/hours") * HOURS
    )
    processed = component(small_report, "nat", "Data processed")
    assert processed["monthlyCost"] == pytest.approx(60 * rate("vpc", "nat-gateway/data-processed"))
    assert processed["quantitySource"] == "usage-file"
    vm = component(small_report, "vm", "Instance usage (Linux/UNIX, on-demand, m6i.large)")
    assert vm["monthlyCost"] == pytest.approx(rate("ec2", "instance/m6i.large") * HOURS)
    # Fargate: 0.5 vCPU and 1 GB per task (cpu 512, memory 1024), 3 tasks
    assert component(small_report, "api", "Per vCPU per hour")["monthlyCost"] == pytest.approx(
        0.5 * 3 * HOURS * rate("fargate", "vcpu-hours/linux-x86"), abs=1e-3
    )
    web = next(r for r in small_report["resources"] if r["name"] == "web")
    per_pod = (
        0.25 * rate("kubernetes", "default/cpu-hours", None) + 0.5 * rate("kubernetes", "default/ram-gb-hours", None)
    ) * HOURS
    assert (web["monthlyCost"], web["monthlyCostHigh"]) == (
        pytest.approx(2 * per_pod, abs=0.01),
        pytest.approx(6 * per_pod, abs=0.01),
    )
    total = sum(r["monthlyCost"] for r in small_report["resources"])
    assert small_report["totalMonthlyCost"] == pytest.approx(total, abs=0.05)


def test_unit_costs_and_unallocated(small_report: dict) -> None:
    payments = next(s for s in small_report["services"] if s["service"] == "payments")
    [unit] = payments["unitCosts"]
    assert unit["unit"] == "payment" and unit["costPerUnit"] == pytest.approx(payments["monthlyCost"] / 50000, rel=1e-3)
    untagged = next(r for r in small_report["resources"] if r["name"] == "untagged")
    assert untagged["allocated"] is False and untagged["service"] == "(unallocated)"


def test_baseline_diff_and_markdown(tmp_path: Path, small_report: dict) -> None:
    baseline = dict(small_report)
    baseline["services"] = [dict(s, monthlyCost=s["monthlyCost"] - 100) for s in small_report["services"]]
    baseline["totalMonthlyCost"] = small_report["totalMonthlyCost"] - 100
    baseline["resources"] = [r for r in small_report["resources"] if r["name"] != "vm"]
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(baseline))
    done = cli("cost", str(SMALL), "--usage", str(USAGE), "--baseline", str(path), "--format", "json")
    diff = json.loads(done.stdout)["diff"]
    assert diff["totalMonthlyCost"]["delta"] == pytest.approx(100, abs=0.01)
    added = next(r for r in diff["resources"] if r["name"] == "vm")
    assert added["status"] == "added"
    md = cli("cost", str(SMALL), "--usage", str(USAGE), "--baseline", str(path), "--format", "markdown").stdout
    assert "| payments |" in md and "Top changes" in md and "`vm`" in md and CATALOG.info.version in md


def test_text_report_and_output_file(tmp_path: Path) -> None:
    out = tmp_path / "cost.html"
    done = cli("cost", str(SMALL), "--usage", str(USAGE), "--format", "html", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text().startswith("<!DOCTYPE html>") and "estimate:" in done.stderr
    text = cli("cost", str(SMALL), "--usage", str(USAGE)).stdout
    assert "payments" in text and "no usage declared" in text and CATALOG.info.sha256[:12] in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--usage", "missing.yaml"), "--usage missing.yaml: no such file"),
        (("--config", "finops:discountPercent=150"), "finops:discountPercent must be a number from 0 to below 100"),
        (("--config", "finops:priceOverrides=[1]"), "finops:priceOverrides must be a JSON object"),
    ],
)
def test_bad_input_exits_2_with_the_reason(args: tuple[str, ...], message: str) -> None:
    done = cli("cost", str(SMALL), *args)
    assert done.returncode == 2 and message in done.stderr


def test_bad_usage_file_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "usage.yaml"
    bad.write_text("services:\n  payments:\n    natGbPerMonth: -3\n    logs: {verbose: 1}\n")
    done = cli("cost", str(SMALL), "--usage", str(bad))
    assert done.returncode == 2
    assert f"{bad}:3: services.payments.natGbPerMonth is -3" in done.stderr
    assert f"{bad}:4: services.payments.logs.verbose" in done.stderr


def test_discount_from_stack_config_lowers_every_list_price(small_report: dict) -> None:
    done = cli("cost", str(SMALL), "--usage", str(USAGE), "--format", "json", "--config", "finops:discountPercent=20")
    discounted = json.loads(done.stdout)
    assert discounted["totalMonthlyCost"] == pytest.approx(0.8 * small_report["totalMonthlyCost"], abs=0.05)


@pytest.mark.parametrize("example", ["reference-service", "violations"])
def test_no_example_resource_is_silently_zero(example: str) -> None:
    done = cli("cost", str(ROOT / "examples" / example), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    unpriced = {u["urn"] for u in report["unpriced"]}
    for resource in report["resources"]:
        if resource["urn"] in unpriced:
            continue
        for line in resource["costComponents"]:
            if not line["monthlyCost"]:
                # a zero line is a usage-based charge with nothing declared, and says so
                assert line["note"] == "no usage declared", (resource["name"], line)


def test_reference_service_prices_its_declared_usage() -> None:
    report = json.loads(cli("cost", str(ROOT / "examples" / "reference-service"), "--format", "json").stdout)
    assert report["contracts"] and not report["unpriced"]
    [service] = report["services"]
    assert service["service"] == "case-decision-service" and service["budget"]["status"] == "within"
    assert {u["unit"] for u in service["unitCosts"]} == {"finalized_decision", "active_case", "decision_command"}
    app_logs = component(report, "case-decision-telemetry-app", "Data ingested")
    assert (app_logs["monthlyQuantity"], app_logs["quantitySource"]) == (120, "contract")


def test_contracts_beside_the_program_count_when_main_points_elsewhere() -> None:
    # the repository root is a project whose `main:` is examples/reference-service: the README's
    # main job must price the contract that lives beside that program, as running it there does
    from_root = json.loads(cli("cost", str(ROOT), "--format", "json").stdout)
    beside = json.loads(cli("cost", str(ROOT / "examples" / "reference-service"), "--format", "json").stdout)
    assert from_root["contracts"] and from_root["totalMonthlyCost"] == beside["totalMonthlyCost"]
    assert from_root["services"][0]["budget"]["status"] == "within"


def test_preview_ends_with_one_cost_line_per_service() -> None:
    done = cli("preview", str(ROOT / "examples" / "reference-service"))
    lines = done.stdout.splitlines()
    cost = [line for line in lines if line.startswith("cost: ")]
    assert len(cost) == 1 and cost[0].startswith("cost: case-decision-service $")
    assert lines[-1].startswith("PASSED")
    report = json.loads(cli("preview", str(ROOT / "examples" / "reference-service"), "--format", "json").stdout)
    assert report["cost"]["services"][0]["service"] == "case-decision-service"


def test_secret_inputs_never_reach_a_cost_report(tmp_path: Path) -> None:
    """The violations example tags a table with a secret service name; give it every other key, so
    the secret becomes a service in the estimate, and look for it in every format."""
    program = tmp_path / "violations"
    shutil.copytree(ROOT / "examples" / "violations", program)
    main = program / "__main__.py"
    main.write_text(
        main.read_text().replace(
            '"domain": "order-management", "environment": "prod"}', '"domain": "x", "environment": "prod", "team": "t"}'
        )
    )
    for fmt in ("text", "json", "markdown", "html"):
        done = cli("cost", str(program), "--format", fmt)
        assert done.returncode == 0, done.stderr
        assert "SECRET-TAG" not in done.stdout and "[secret]" in done.stdout, fmt
