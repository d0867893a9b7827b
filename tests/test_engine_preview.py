"""The engine end to end against small packs of its own: protocol, config merge, findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from enginetools import AWS_DEFAULT_PROVIDER, PROGRAMS, PROTOCOL_PACK, TEST_PACK, write_json

from finops_guard.errors import PackError, PolicyConfigError
from finops_guard.preview import PreviewOptions, run_preview


def preview(tmp_path: Path, program: str = "basic", pack: Path = TEST_PACK, config: dict | None = None, **kw: object):
    config_path = write_json(tmp_path / "policy-config.json", config) if config is not None else None
    return run_preview(
        PreviewOptions(program_dir=PROGRAMS / program, policy_pack=pack, policy_pack_config=config_path, **kw)
    )  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def echoed(tmp_path_factory):
    return preview(tmp_path_factory.mktemp("echo"), config={"echo": "advisory", "graph": "advisory"})


def by_policy(result, policy):
    return [f for f in result.findings if f.policy == policy]


def test_protocol_order_and_pack_environment(tmp_path, monkeypatch):
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("FINOPS_TEST_CALL_LOG", str(log))
    result = preview(tmp_path, pack=PROTOCOL_PACK, config={"p": {"limit": 5}})
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    names = [c["call"] for c in calls]
    assert names[:4] == ["ConfigureStack", "GetPluginInfo", "GetAnalyzerInfo", "Configure"]
    assert names[-1] == "AnalyzeStack"
    body = names[4:-1]
    # every registration gets Remediate then Analyze, in registration order
    assert body == ["Remediate", "Analyze"] * len(result.resources)
    analyzed = [c["urn"] for c in calls if c["call"] == "Analyze"]
    assert analyzed == [r.urn for r in result.resources]
    assert calls[-1]["count"] == len(result.resources)
    first = calls[0]
    assert first["env"] == {
        "PULUMI_PROJECT": "basic",
        "PULUMI_STACK": "dev",
        "PULUMI_DRY_RUN": "true",
        "PULUMI_ORGANIZATION": "organization",
    }
    assert Path(first["cwd"]) == PROTOCOL_PACK and first["argv"][1] == str(PROTOCOL_PACK)
    assert next(c for c in calls if c["call"] == "Configure")["config"] == {"p": {"limit": 5}}
    # custom resources are analyzed with their provider
    logs_call = next(c for c in calls if c["call"] == "Analyze" and c["urn"].endswith("::logs"))
    assert logs_call["provider"].endswith(f"pulumi:providers:aws::{AWS_DEFAULT_PROVIDER}")


def test_every_registration_reaches_analyze_with_its_provider(echoed):
    seen = {f.name: f.message for f in by_policy(echoed, "echo")}
    assert set(seen) == {r.name for r in echoed.resources}
    assert "provider=urn:pulumi:dev::basic::pulumi:providers:aws::west" in seen["replica"]
    assert "provider=-" in seen["store"]  # components have no provider
    assert "parent=urn:pulumi:dev::basic::test:index:Storage::store" in seen["store-data"]


def test_stack_analysis_gets_parents_and_dependencies(echoed):
    graph = {f.name: f.message for f in by_policy(echoed, "graph")}
    assert "parent=store" in graph["store-data"]
    assert "deps=['logs']" in graph["replica"]
    assert '"bucket": ["logs"]' in graph["logs-policy"]


def test_provider_default_tags_reach_resource_policies(echoed):
    # bucket-needs-team: the default provider's stack-config tags and the explicit provider's both count
    assert by_policy(echoed, "bucket-needs-team") == []


def test_policy_config_file_overrides_defaults(tmp_path):
    result = preview(tmp_path, config={"bucket-needs-team": {"key": "owner"}})
    flagged = {f.name for f in by_policy(result, "bucket-needs-team")}
    assert flagged == {"logs", "replica", "store-data"}
    finding = next(f for f in result.findings if f.name == "replica")
    assert finding.enforcement == "mandatory" and finding.state == "violation"
    assert "region eu-west-1" in finding.message and "provider west" in finding.message
    assert not result.passed


def test_all_sets_every_level(tmp_path):
    result = preview(tmp_path, config={"all": "advisory", "bucket-needs-team": {"key": "owner"}})
    assert {f.enforcement for f in by_policy(result, "bucket-needs-team")} == {"advisory"}
    assert result.passed


def test_unknown_values_are_unverifiable_not_violations(echoed):
    policy_finding = next(f for f in by_policy(echoed, "echo") if f.name == "logs-policy")
    assert policy_finding.state == "unverifiable"
    assert "can't be known during preview" in policy_finding.message


def test_source_locations_of_findings(echoed):
    lines = (PROGRAMS / "basic" / "__main__.py").read_text().splitlines()
    child = next(f for f in by_policy(echoed, "echo") if f.name == "store-data")
    # the line that created the component, and the component's own line as related
    assert lines[child.location.line - 1].startswith("storage = Storage(")
    assert "aws.s3.Bucket(" in lines[child.related[0].line - 1]


def test_pack_logs_are_captured(echoed):
    assert "info: looked at logs" in echoed.logs


def test_secrets_are_redacted_everywhere(echoed):
    text = json.dumps([f.message for f in echoed.findings] + echoed.logs)
    assert "s3cr3t-value" not in text
    assert "[secret]" in text


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"no-such-policy": "advisory"}, "'no-such-policy' is not a policy of this pack"),
        (
            {"bucket-needs-team": {"kee": "owner"}},
            "validating policy config: engine-test-pack 2.3.4  bucket-needs-team: kee: not a config key of this policy",
        ),
        (
            {"bucket-needs-team": {"key": 3}},
            "validating policy config: engine-test-pack 2.3.4  bucket-needs-team: key: Invalid type. Expected: string, "
            "given: integer",
        ),
        ({"bucket-needs-team": "blocking"}, "enforcement level 'blocking' is not one of"),
        ({"all": "sometimes"}, "enforcement level 'sometimes'"),
    ],
)
def test_bad_policy_config_names_the_key(tmp_path, config, expected):
    with pytest.raises(PolicyConfigError) as info:
        preview(tmp_path, config=config)
    assert expected in info.value.message


def test_policy_config_that_is_not_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"all": "mandatory",\n  oops}')
    with pytest.raises(PolicyConfigError) as info:
        run_preview(PreviewOptions(program_dir=PROGRAMS / "basic", policy_pack=TEST_PACK, policy_pack_config=bad))
    assert f"{bad}:2:" in info.value.message and "not valid JSON" in info.value.message


def test_missing_pack(tmp_path):
    with pytest.raises(PackError, match="no such directory"):
        preview(tmp_path, pack=tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(PackError, match=r"no PulumiPolicy\.yaml"):
        preview(tmp_path, pack=tmp_path / "empty")


def test_pack_that_fails_to_start(tmp_path):
    pack = tmp_path / "broken"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nname: broken\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text("raise RuntimeError('pack exploded at import')\n")
    with pytest.raises(PackError) as info:
        preview(tmp_path, pack=pack)
    assert "failed to start" in info.value.message
    assert "pack exploded at import" in info.value.details


def test_pack_that_never_prints_its_port(tmp_path):
    pack = tmp_path / "silent"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nname: silent\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text("import time\ntime.sleep(600)\n")
    with pytest.raises(PackError, match="did not print its port within 2 s"):
        preview(tmp_path, pack=pack, pack_start_timeout=2.0)
