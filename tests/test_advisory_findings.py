"""An advisory finding of a mandatory policy reaches every report as advisory and never fails the run.

The analyzer protocol carries a level per diagnostic, so the pack sends such a finding as a violation
at the advisory level; where its servicer cannot set levels, it falls back to the engine's `Log` RPC
as a warning with a machine-readable line, which the offline engine reports as advisory too. The
first user: `retention-tier`'s audit class on a store whose documented maximum is shorter (issue 13
row 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from finops_policies.findings import Finding
from finops_policies.pack import ADVISORY_MARKER, EngineLog, advisory_log_message

from finops_guard.check import CheckOptions, run_check
from finops_guard.model import ADVISORY_MARKER as ENGINE_ADVISORY_MARKER
from finops_guard.preview import PreviewOptions, run_preview

PROGRAM = """\
import pulumi_aws as aws

tags = {"service": "s", "team": "t", "domain": "d", "environment": "dev", "retention-class": "audit"}
aws.sqs.Queue("audit-events", message_retention_seconds=1209600, tags=tags)
aws.rds.Instance(
    "ledger", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
    backup_retention_period=35, tags=tags,
)
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):
    program = tmp_path_factory.mktemp("advisory")
    (program / "Pulumi.yaml").write_text("name: advisory\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (program / "__main__.py").write_text(PROGRAM)
    return run_preview(PreviewOptions(program_dir=program))


def test_an_audit_class_on_short_lived_stores_is_advisory_and_passes(result):
    tier = [f for f in result.findings if f.policy == "retention-tier"]
    assert sorted(f.name for f in tier) == ["audit-events", "ledger"]
    for finding in tier:
        assert (finding.enforcement, finding.state, finding.blocking) == ("advisory", "violation", False)
        assert "belongs in a store that can keep it" in finding.message
        assert finding.location is not None and Path(finding.location.file).name == "__main__.py"
    assert result.passed
    assert result.summary.advisory >= 2 and result.summary.mandatory == 0
    # never a value the provider rejects (before: message_retention_seconds=220924800, backup_retention_period=2557)
    assert not any("220924800" in f.message or "=2557" in f.message for f in result.findings)
    assert not any(ADVISORY_MARKER in line for line in result.logs)


def test_check_of_a_stack_export_reports_the_same_advisory(tmp_path: Path):
    """`finops-guard check` drives the pack's own servicer over pipes: the same level per diagnostic."""
    tags = {"service": "s", "team": "t", "domain": "d", "environment": "dev", "retention-class": "audit"}
    provider = "urn:pulumi:dev::advisory::pulumi:providers:aws::default"
    queue = {
        "urn": "urn:pulumi:dev::advisory::aws:sqs/queue:Queue::audit-events",
        "type": "aws:sqs/queue:Queue",
        "custom": True,
        "provider": f"{provider}::id-1",
        "inputs": {"messageRetentionSeconds": 1209600, "tags": tags},
    }
    region = {"urn": provider, "type": "pulumi:providers:aws", "custom": True, "inputs": {"region": "us-east-1"}}
    export = tmp_path / "stack.json"
    export.write_text(json.dumps({"version": 3, "deployment": {"resources": [region, queue]}}))
    result = run_check(CheckOptions(inputs=[export]))
    [finding] = [f for f in result.findings if f.policy == "retention-tier"]
    assert (finding.name, finding.enforcement, finding.state, finding.blocking) == (
        "audit-events",
        "advisory",
        "violation",
        False,
    )
    assert result.passed and not any(ENGINE_ADVISORY_MARKER in line for line in result.logs)


def test_the_pack_and_the_engine_agree_on_the_marker():
    assert ADVISORY_MARKER == ENGINE_ADVISORY_MARKER


def test_without_an_engine_the_advisory_is_a_warning_on_stderr(capsys: pytest.CaptureFixture[str]):
    finding = Finding(
        "urn:x", "aws:sqs/queue:Queue", "q", "tags.retention-class", "is 'audit'", "e", "f", advisory=True
    )
    EngineLog(None).advisory("retention-tier", finding)
    err = capsys.readouterr().err
    assert err.startswith("warning: [finops-guardrails] advisory 'retention-tier': Queue 'q'")
    payload = json.loads(advisory_log_message("retention-tier", finding).splitlines()[1].split(" ", 1)[1])
    assert payload == {"policy": "retention-tier", "urn": "urn:x", "message": finding.message()}
