"""`finops-guard check` end to end: the real pack over the analyzer protocol, on each input kind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from finops_guard.cli import main

DATA = Path(__file__).parent / "data"
PLAN = DATA / "terraform" / "plan-regions-modules.json"
SOURCE = DATA / "terraform" / "source-basic"
K8S = DATA / "terraform" / "k8s-pool"
STATE = DATA / "pulumi" / "stack-export.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def report(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(capsys, *argv, "--format", "json")
    return code, json.loads(out)


def verdicts(data: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (v["policy"], v["name"], v["state"] if v["state"] != "violation" else v["enforcement"])
        for v in data["violations"]
    }


def test_plan_findings(capsys):
    code, data = report(capsys, str(PLAN))
    assert code == 1
    assert data["inputKind"] == "terraform-plan"
    found = verdicts(data)
    assert ("no-infinite-retention", "aws_cloudwatch_log_group.app", "mandatory") in found
    # aliases in two regions: each direction of the dependency needs a review
    assert ("cross-region-review", "aws_sns_topic.alerts", "mandatory") in found
    assert ("cross-region-review", "aws_sqs_queue.jobs", "mandatory") in found
    # default_tags satisfy the tag policy: no resource of the plan lacks a cost tag
    assert not any(policy == "cost-allocation-tags" for policy, _, _ in found)
    # the deleted log group never expires either, but will not exist after apply
    assert not any("legacy" in name for _, name, _ in found)
    assert data["coverage"]["total"]["share"] == 1.0
    # the sensitive password is nowhere in the report
    assert "hunter2-very-secret" not in json.dumps(data)


def test_plan_with_review_and_waiver_passes(capsys, tmp_path):
    config = tmp_path / "policy-config.json"
    approval = {
        "ticket": "FIN-42",
        "approvedBy": "alice",
        "expires": "2099-01-01",
        "reason": "alerts live in us-west-2",
    }
    config.write_text(
        json.dumps(
            {
                "cross-region-review": {
                    "reviews": [
                        {"from": "us-west-2", "to": "us-east-1", "resources": ["aws_sns_topic.alerts"], **approval},
                        {"from": "us-east-1", "to": "us-west-2", "resources": ["aws_sqs_queue.*"], **approval},
                    ]
                },
                "no-infinite-retention": {"waivers": [{"resources": ["aws_cloudwatch_log_group.app"], **approval}]},
            }
        )
    )
    code, data = report(capsys, str(PLAN), "--policy-pack-config", str(config))
    assert code == 0, data["violations"]
    waived = [v for v in data["violations"] if v["state"] == "waived"]
    assert [(v["policy"], v["name"], v["waiver"]["ticket"]) for v in waived] == [
        ("no-infinite-retention", "aws_cloudwatch_log_group.app", "FIN-42")
    ]


def test_a_delete_only_plan_passes(capsys, tmp_path):
    plan = json.loads(PLAN.read_text())
    plan["resource_changes"] = [c for c in plan["resource_changes"] if c["change"]["actions"] == ["delete"]]
    path = tmp_path / "delete-only.json"
    path.write_text(json.dumps(plan))
    code, out, err = run(capsys, str(path))
    assert code == 0
    assert "PASSED" in out and "deletes were not checked" in err


def test_a_truncated_plan_is_exit_2_with_the_position(capsys, tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(PLAN.read_text().encode("utf-16")[:5000])  # a PowerShell redirect, cut short
    code, out, err = run(capsys, str(path))
    assert code == 2 and out == ""
    assert f"{path}:" in err and "truncated" in err


def test_an_autoscaled_deployment_with_a_pool_is_held_to_its_database(capsys):
    code, data = report(capsys, str(K8S))
    assert code == 1
    pool = [v for v in data["violations"] if v["policy"] == "bounded-db-pool"]
    assert [(v["name"], v["enforcement"], v["state"]) for v in pool] == [
        ("aws_db_instance.orders", "mandatory", "violation")
    ]
    assert "20 × 12" in pool[0]["message"] and "240" in pool[0]["message"]
    assert Path(pool[0]["location"]["file"]).name == "main.tf" and pool[0]["location"]["line"] == 25


def test_source_findings_are_located_at_the_tf_lines_in_sarif(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(SOURCE)
    out = tmp_path / "finops.sarif"
    code, _, err = run(capsys, ".", "--var-file", "team.tfvars", "--format", "sarif", "--output", str(out))
    assert code == 1
    results = json.loads(out.read_text())["runs"][0]["results"]
    located = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in results
    }  # fmt: skip
    assert located == {("no-infinite-retention", "main.tf", 37), ("cross-region-review", "main.tf", 48)}
    assert "module.vpc" in err  # the registry module that was not followed is named


def test_source_without_a_variable_value_is_unverifiable_not_failing(capsys):
    code, data = report(capsys, str(SOURCE))
    tags = [v for v in data["violations"] if v["policy"] == "cost-allocation-tags"]
    assert tags and all(v["state"] == "unverifiable" for v in tags)
    assert data["coverage"]["total"]["unverifiable"] == data["coverage"]["total"]["taggable"]
    assert code == 1  # the log group that never expires still fails


def test_stack_export_audit_never_prints_secrets(capsys, tmp_path):
    outputs = []
    for fmt in ("text", "json", "sarif", "junit"):
        target = tmp_path / f"report.{fmt}"
        code, _, err = run(capsys, str(STATE), "--format", fmt, "--output", str(target))
        assert code == 1
        outputs += [target.read_text(), err]
    data = json.loads(outputs[2])
    found = verdicts(data)
    assert ("no-infinite-retention", "orders-app-logs", "mandatory") in found
    assert ("cross-region-review", "alerts", "mandatory") in found
    assert ("cost-allocation-tags", "untagged-exports", "mandatory") in found
    assert data["coverage"]["teams"]["payments"]["allocated"] == 3
    for text in outputs:
        assert "s3cr3t-owner-token" not in text
        assert "Zm9vYmFyYmF6cXV4" not in text


def test_several_inputs_are_reported_together(capsys):
    code, data = report(capsys, str(PLAN), str(STATE))
    assert code == 1
    assert data["inputKind"] == "terraform-plan, pulumi-state"
    names = {v["name"] for v in data["violations"]}
    assert {"aws_cloudwatch_log_group.app", "orders-app-logs"} <= names


def test_explain_says_which_inputs_a_policy_cannot_fully_judge(capsys):
    assert main(["explain", "cross-region-review"]) == 0
    out = capsys.readouterr().out
    assert "Input kinds:" in out and "Terraform source" in out and "module's variables or outputs" in out


@pytest.mark.parametrize("path", [PLAN, K8S, STATE])
def test_the_batch_transport_finds_what_the_grpc_one_finds(path):
    from finops_guard.check import CheckOptions, run_check

    def findings(transport: str) -> list[tuple[str, str, str, str, str]]:
        result = run_check(CheckOptions(inputs=[path], transport=transport))  # type: ignore[arg-type]
        return sorted((f.policy, f.urn, f.state, f.enforcement, f.message) for f in result.findings)

    batch = findings("batch")
    assert batch and batch == findings("grpc")


def test_sarif_points_unlocated_findings_at_the_input(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(PLAN.parent)
    out = tmp_path / "plan.sarif"
    assert main(["check", PLAN.name, "--format", "sarif", "--output", str(out)]) == 1
    capsys.readouterr()
    locations = [r["locations"][0] for r in json.loads(out.read_text())["runs"][0]["results"]]
    assert locations and {loc["physicalLocation"]["artifactLocation"]["uri"] for loc in locations} == {PLAN.name}
    assert all("not known" in loc["message"]["text"] for loc in locations)


@pytest.mark.parametrize(
    ("main_py", "expected"),
    [
        ("import time\ntime.sleep(60)\n", "did not start within 1 s"),
        ("raise RuntimeError('broken pack')\n", "failed to start"),
    ],
)
def test_a_pack_that_does_not_start_is_exit_2(capsys, tmp_path, main_py, expected):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nname: broken\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text(main_py)
    code, out, err = run(capsys, str(PLAN), "--policy-pack", str(pack), "--pack-timeout", "1")
    assert code == 2 and out == ""
    assert expected in err


def test_the_command_exits_with_its_report_written_and_its_verdict(capsys):
    """`python -m finops_guard check` ends without the interpreter's teardown (`cli.run`): what it
    printed must still arrive whole, and its exit code be the verdict's."""
    import subprocess
    import sys

    in_process = main(["check", str(PLAN), "--format", "json"])
    expected = json.loads(capsys.readouterr().out)
    done = subprocess.run(
        [sys.executable, "-m", "finops_guard", "check", str(PLAN), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == in_process == 1
    printed = json.loads(done.stdout)
    assert {k: v for k, v in printed.items() if k != "durationSeconds"} == {
        k: v for k, v in expected.items() if k != "durationSeconds"
    }
    assert done.stderr.endswith("is not judged.\n")  # the warnings, flushed whole
