"""`onError`: a check that fails is advisory by default (fail open) or a violation (fail closed).

Through the engine and the pack's own `serve()` (tests/packs/failing_check_pack: the real pack whose
cost-allocation-tags check fails on a resource named 'explodes'), then in every report format.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from enginetools import TESTS, cli, write_json
from finops_policies.cases import Case, CaseResource, aws_provider
from finops_policies.harness import run_case
from finops_policies.policies import no_infinite_retention
from finops_policies.registry import get

from finops_guard.errors import PolicyConfigError
from finops_guard.model import RunResult
from finops_guard.preview import PreviewOptions, run_preview
from finops_guard.reports import render

FAILING_PACK = TESTS / "packs" / "failing_check_pack"
TAGS = {"service": "orders", "team": "payments", "domain": "commerce", "environment": "prod"}
PROGRAM = f"""
import pulumi_aws as aws

aws.s3.Bucket("explodes", tags={TAGS!r})
aws.s3.Bucket("fine", tags={TAGS!r})
"""


def program(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "Pulumi.yaml").write_text("name: on-error\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(PROGRAM)
    return tmp_path


def preview(tmp_path: Path, config: dict[str, Any] | None = None) -> RunResult:
    options = PreviewOptions(program_dir=program(tmp_path / "program"), policy_pack=FAILING_PACK)
    if config is not None:
        options = dataclasses.replace(options, policy_pack_config=write_json(tmp_path / "config.json", config))
    return run_preview(options)


def errored(result: RunResult) -> list[Any]:
    return [f for f in result.findings if f.errored]


def test_by_default_a_failing_check_is_advisory_and_counted(tmp_path: Path) -> None:
    result = preview(tmp_path)
    [finding] = errored(result)
    assert (finding.policy, finding.name, finding.state) == ("cost-allocation-tags", "explodes", "unverifiable")
    assert "policy 'cost-allocation-tags' could not judge it" in finding.message
    assert "RuntimeError" in finding.message and "s3cr3t" not in finding.message  # the type, never the text
    assert result.passed
    assert result.summary.errored == 1 and result.summary.mandatory == 0


def test_on_error_mandatory_makes_a_failing_check_a_blocking_violation(tmp_path: Path) -> None:
    result = preview(tmp_path, {"cost-allocation-tags": {"onError": "mandatory"}})
    [finding] = errored(result)
    assert (finding.name, finding.state, finding.enforcement) == ("explodes", "violation", "mandatory")
    assert finding.blocking and not result.passed
    assert "policy 'cost-allocation-tags' could not judge it" in finding.message
    assert (result.summary.errored, result.summary.mandatory, result.summary.unverifiable) == (1, 1, 0)
    # the other policies and the other bucket are judged as usual
    assert not [f for f in result.findings if f.name == "fine"]


def test_every_report_says_how_many_checks_errored(tmp_path: Path) -> None:
    result = preview(tmp_path, {"cost-allocation-tags": {"onError": "mandatory"}})
    assert "(1 check errored)" in render(result, "text")
    assert json.loads(render(result, "json"))["summary"]["errored"] == 1
    sarif = json.loads(render(result, "sarif"))
    assert sarif["runs"][0]["properties"]["summary"]["errored"] == 1
    junit = render(result, "junit")
    assert '<testsuites name="finops-guard preview on-error/dev" tests=' in junit
    assert 'errors="1"' in junit and "<error " in junit


def test_on_error_is_schema_validated_like_every_key(tmp_path: Path) -> None:
    with pytest.raises(PolicyConfigError, match="onError"):
        preview(tmp_path, {"cost-allocation-tags": {"onError": "sometimes"}})
    schema = get("retention-tier").config_schema()["onError"]
    jsonschema.validate("mandatory", schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate("fail", schema)


def test_the_cli_exit_code_follows_on_error(tmp_path: Path) -> None:
    directory = program(tmp_path / "program")
    config = write_json(tmp_path / "config.json", {"cost-allocation-tags": {"onError": "mandatory"}})
    closed = cli("preview", str(directory), "--policy-pack", str(FAILING_PACK), "--policy-pack-config", str(config))
    assert closed.returncode == 1, closed.stderr
    opened = cli("preview", str(directory), "--policy-pack", str(FAILING_PACK))
    assert opened.returncode == 0, opened.stderr


def _boom(*_: Any) -> Any:
    raise ZeroDivisionError


@pytest.mark.parametrize(("on_error", "violations", "unverifiable"), [("mandatory", 1, 0), ("advisory", 0, 1)])
def test_a_failing_stack_check_follows_on_error_too(on_error: str, violations: int, unverifiable: int) -> None:
    spec = dataclasses.replace(no_infinite_retention.POLICY, check=_boom)
    group = CaseResource("aws:cloudwatch/logGroup:LogGroup", "app-logs", {}, provider=aws_provider())
    outcome = run_case(spec, Case("boom", (group,), config={"onError": on_error}))
    assert (len(outcome.violations), len(outcome.unverifiable)) == (violations, unverifiable)
    [message] = [m for _, m in outcome.violations] + outcome.unverifiable
    assert "stack: the check itself failed (ZeroDivisionError)" in message
