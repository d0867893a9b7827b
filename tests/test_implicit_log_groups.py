"""Log groups AWS creates by itself: the policy end to end through the engine, its cost on a large
stack, what `explain` lists, and `PooledDatabase` declaring the groups of its log exports.

The verdicts per service (exact name, computed name, routed, unknown name) are cases of
`no-infinite-retention` (`finops_policies/cases/no_infinite_retention.py`, run by
test_policy_cases.py); here the same questions go through a real program, the recorder and the
pack process, where names Pulumi generates are absent and computed names arrive unknown with the
property dependencies the engine sends.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from finops_components import PooledDatabase, ServiceCostContract
from finops_components._common import ArgsError
from finops_policies import cloudwatch
from finops_policies import conventions as conv
from finops_policies.policies import no_infinite_retention
from finops_policies.policies._retention import implicit_logs
from finops_policies.resources import ResourceView, StackView
from finops_policies.values import UNKNOWN_STRING
from test_components_harness import Run, run_program

from finops_guard.model import Finding, RunResult
from finops_guard.preview import PreviewOptions, run_preview

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "examples" / "reference-service" / "cost-contract.yaml"
NIR = no_infinite_retention.POLICY

_CODE = 'pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\\n    return event\\n")})'
_PREAMBLE = f"""
import pulumi
import pulumi_aws as aws

ROLE = "arn:aws:iam::111122223333:role/fn"


def function(resource, /, **kwargs):
    return aws.lambda_.Function(
        resource, runtime="python3.12", handler="index.handler", role=ROLE, code={_CODE}, **kwargs
    )


def database(resource, /, **kwargs):
    return aws.rds.Instance(
        resource, engine="postgres", instance_class="db.t3.micro", allocated_storage=20, username="app",
        manage_master_user_password=True, skip_final_snapshot=True, **kwargs
    )
"""

#: Every way of matching, beside services with nothing declared; the comment names the expectation.
_MIXED = """
function("fn-undeclared")  # violation: auto-named, and no group could be its own

computed = function("fn-computed")
aws.cloudwatch.LogGroup(
    "fn-computed-logs", name=computed.name.apply(lambda n: f"/aws/lambda/{n}"), retention_in_days=14
)

named_logs = aws.cloudwatch.LogGroup("fn-named-logs", name="/aws/lambda/orders-named", retention_in_days=14)
function("fn-named", name="orders-named", opts=pulumi.ResourceOptions(depends_on=[named_logs]))

routed_logs = aws.cloudwatch.LogGroup("fn-routed-logs", retention_in_days=14)
function("fn-routed", logging_config={"log_format": "JSON", "log_group": routed_logs.name})

debug_logs = aws.cloudwatch.LogGroup(
    "fn-debug-logs", name="/aws/lambda/orders-debug", retention_in_days=365, tags={"retention-class": "debug"}
)
function("fn-debug", name="orders-debug", opts=pulumi.ResourceOptions(depends_on=[debug_logs]))

database("db-undeclared", enabled_cloudwatch_logs_exports=["postgresql", "upgrade"])  # violation: two groups

exported = database("db-computed", enabled_cloudwatch_logs_exports=["postgresql"])
aws.cloudwatch.LogGroup(
    "db-computed-postgresql",
    name=exported.identifier.apply(lambda i: f"/aws/rds/instance/{i}/postgresql"),
    retention_in_days=30,
)

db_logs = aws.cloudwatch.LogGroup(
    "db-named-postgresql", name="/aws/rds/instance/orders-db/postgresql", retention_in_days=30
)
database(
    "db-named", identifier="orders-db", enabled_cloudwatch_logs_exports=["postgresql"],
    opts=pulumi.ResourceOptions(depends_on=[db_logs]),
)
"""

#: A group named only at apply, from something that is no service: it could be any service's group.
_UNKNOWN_NAME = """
import pulumi_random as random

suffix = random.RandomPet("suffix")
aws.cloudwatch.LogGroup("shared-logs", name=suffix.id.apply(lambda s: f"/shared/{s}"), retention_in_days=14)
function("fn-auto")
"""

_POOLED = f"""
from finops_components import PooledDatabase, ServiceCostContract

contract = ServiceCostContract.load({str(CONTRACT)!r})
PooledDatabase(
    "pooled",
    {{"engine": "postgres", "instance_class": "db.r6g.large", "max_connections": 400,
      "log_exports": ["postgresql", "upgrade"]}},
    contract=contract,
)
PooledDatabase(
    "aurora",
    {{"engine": "aurora-postgresql", "instance_class": "db.r6g.large", "max_connections": 400,
      "log_exports": ["postgresql"]}},
    contract=contract,
)
"""


def _preview(tmp_path: Path, body: str) -> RunResult:
    (tmp_path / "Pulumi.yaml").write_text("name: implicit-log-groups\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(_PREAMBLE) + textwrap.dedent(body))
    return run_preview(PreviewOptions(program_dir=tmp_path))


def _of(result: RunResult, policy: str = NIR.name) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if finding.policy == policy:
            out.setdefault(finding.name, []).append(finding)
    return out


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return _preview(tmp_path_factory.mktemp("mixed"), _MIXED)


def test_lambda_and_rds_without_their_groups_fail_the_preview(mixed: RunResult) -> None:
    findings = _of(mixed)
    (fn,) = findings["fn-undeclared"]
    assert fn.state == "violation" and fn.blocking
    assert "log group '/aws/lambda/<name of fn-undeclared>' is created by Lambda" in fn.message
    assert 'logging_config={"log_format": "Text", "log_group": <that log group>.name}' in fn.message
    db = findings["db-undeclared"]
    assert {f.state for f in db} == {"violation"}
    assert sorted(f.message.split("log group ", 1)[1].split("'")[1] for f in db) == [
        "/aws/rds/instance/<identifier of db-undeclared>/postgresql",
        "/aws/rds/instance/<identifier of db-undeclared>/upgrade",
    ]
    assert all('set identifier="db-undeclared" on the DB instance' in f.message for f in db)


def test_groups_matched_by_computed_name_exact_name_and_routing_pass(mixed: RunResult) -> None:
    findings = _of(mixed)
    assert set(findings) == {"fn-undeclared", "db-undeclared"}, {k: [f.message for f in v] for k, v in findings.items()}


def test_the_offline_engine_sends_what_the_matching_relies_on(mixed: RunResult) -> None:
    """Auto-names absent (no provider Check); computed names unknown, with their property dependency."""
    by_name = {r.name: r for r in mixed.resources}
    assert "name" not in by_name["fn-computed"].inputs
    computed = by_name["fn-computed-logs"]
    assert computed.inputs["name"] == UNKNOWN_STRING
    assert computed.property_dependencies["name"] == [by_name["fn-computed"].urn]
    routed = by_name["fn-routed"]
    assert routed.property_dependencies["loggingConfig"] == [by_name["fn-routed-logs"].urn]


def test_retention_tier_judges_a_declared_group_like_any_other(mixed: RunResult) -> None:
    tier = _of(mixed, "retention-tier")
    assert set(tier) == {"fn-debug-logs"}
    assert "365" in tier["fn-debug-logs"][0].message


def test_a_group_named_at_apply_makes_an_auto_named_function_unverifiable(tmp_path: Path) -> None:
    result = _preview(tmp_path, _UNKNOWN_NAME)
    # A stack policy's unverifiable finding is the SDK's advisory on the stack, as with the CLI.
    (finding,) = [f for findings in _of(result).values() for f in findings]
    assert finding.state == "unverifiable" and not finding.blocking
    assert "Function 'fn-auto': log group '/aws/lambda/<name of fn-auto>' (created by Lambda" in finding.message
    assert "declared log groups are named only at apply (shared-logs)" in finding.message


def test_pooled_database_with_log_exports_passes_the_policy(tmp_path: Path) -> None:
    result = _preview(tmp_path, _POOLED)
    assert _of(result) == {} and _of(result, "retention-tier") == {}
    groups = sorted(r.inputs["name"] for r in result.resources if r.type == conv.LOG_GROUP)
    assert groups == [
        "/aws/rds/cluster/aurora-dev/postgresql",
        "/aws/rds/instance/pooled-dev/postgresql",
        "/aws/rds/instance/pooled-dev/upgrade",
    ]


# --- cost on a large stack ---------------------------------------------------------------------
def _view(type_: str, name: str, props: dict[str, Any], **kw: Any) -> ResourceView:
    return ResourceView(type_, name, f"urn:pulumi:dev::p::{type_}::{name}", props, **kw)


def _functions_and_groups(n: int) -> StackView:
    """n resources: auto-named functions with groups computed from them, named functions with their
    groups declared by name, databases with log exports, and functions with no group."""
    out: list[ResourceView] = []
    for i in range(n // 6):
        auto = _view(conv.LAMBDA_FUNCTION, f"auto-{i}", {"runtime": "python3.12"})
        out.append(auto)
        out.append(
            _view(
                conv.LOG_GROUP,
                f"auto-{i}-logs",
                {"name": UNKNOWN_STRING, "retentionInDays": 14},
                property_dependencies={"name": (auto.urn,)},
            )
        )
        out.append(_view(conv.LAMBDA_FUNCTION, f"named-{i}", {"name": f"named-{i}"}))
        out.append(_view(conv.LOG_GROUP, f"named-{i}-logs", {"name": f"/aws/lambda/named-{i}", "retentionInDays": 7}))
        out.append(_view(conv.RDS_INSTANCE, f"db-{i}", {"enabledCloudwatchLogsExports": ["postgresql"]}))
        out.append(_view(conv.LAMBDA_FUNCTION, f"bare-{i}", {"runtime": "python3.12"}))
    return StackView(tuple(out))


def test_matching_grows_linearly_with_the_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    """A join by nested loops (every function against every group) would read and compare n² times."""
    reads = {"n": 0}
    original = ResourceView.get

    def counting_get(self: ResourceView, *path: str | int) -> Any:
        reads["n"] += 1
        return original(self, *path)

    monkeypatch.setattr(ResourceView, "get", counting_get)
    counts = []
    for n in (1_200, 4_800):
        reads["n"] = 0
        found = NIR.check_stack(_functions_and_groups(n), NIR.effective_config({}))
        # every database and bare function, nothing else
        assert len(found) == 2 * (n // 6)
        assert {f.resource_name.split("-")[0] for f in found} == {"db", "bare"}
        counts.append(reads["n"])
    assert counts[1] <= 4.2 * counts[0], counts


# --- explain ----------------------------------------------------------------------------------
def test_explain_lists_the_services_checked_and_those_left_out() -> None:
    from finops_guard.docs import explain

    text = " ".join(explain(NIR.name).split())
    assert "Log groups AWS creates by itself" in text and "Not checked, deliberately:" in text
    for service in implicit_logs.CHECKED:
        assert f"{service.service} ({service.resource_type})" in text
        assert " ".join(service.source.split()) in text
    for service, why in implicit_logs.NOT_CHECKED:
        assert f"{service}: {why}" in text
    # every type the policy reads is listed as checked
    assert {s.resource_type for s in implicit_logs.CHECKED} == set(implicit_logs.IMPLICIT_TYPES)


# --- PooledDatabase -----------------------------------------------------------------------------
SEED = ServiceCostContract.load(Path(__file__).parent / "data" / "contracts" / "valid-seed.yaml")


def _database(args: dict[str, Any]) -> Run:
    base = {"engine": "postgres", "instance_class": "db.r6g.large", "max_connections": 400}
    return run_program(lambda: PooledDatabase("db", {**base, **args}, contract=SEED))  # type: ignore[typeddict-item]


def test_log_exports_get_their_groups_first_with_the_contract_retention_and_class() -> None:
    run = _database({"log_exports": ["postgresql", "upgrade"]})
    instance = run.one(conv.RDS_INSTANCE, "db")
    assert instance.inputs["identifier"] == "db-dev"  # <name>-<stack>: the groups are named before the database
    assert instance.inputs["enabledCloudwatchLogsExports"] == ["postgresql", "upgrade"]
    groups = run.of_type(conv.LOG_GROUP)
    assert sorted(g.inputs["name"] for g in groups) == [
        cloudwatch.rds_instance_log_group("db-dev", "postgresql"),
        cloudwatch.rds_instance_log_group("db-dev", "upgrade"),
    ]
    days = cloudwatch.cloudwatch_retention_days(SEED.spec.telemetry.log_retention_days, conv.RETENTION_CLASSES["logs"])
    for group in groups:
        assert group.inputs["retentionInDays"] == days
        assert group.inputs["tags"][conv.RETENTION_CLASS_KEY] == "logs"
        assert group.inputs["tags"]["service"] == SEED.tags["service"]
        assert group.urn in instance.dependencies  # declared before the database writes to it
        assert group.parent == run.one("finops:index:PooledDatabase").urn


def test_aurora_log_exports_get_cluster_groups_and_a_given_identifier_in_lowercase() -> None:
    run = _database({"engine": "aurora-postgresql", "log_exports": ["postgresql"], "identifier": "Orders-Aurora"})
    cluster = run.one(conv.RDS_CLUSTER, "db")
    assert cluster.inputs["clusterIdentifier"] == "orders-aurora"
    (group,) = run.of_type(conv.LOG_GROUP)
    assert group.inputs["name"] == "/aws/rds/cluster/orders-aurora/postgresql"
    assert group.urn in cluster.dependencies


def test_without_log_exports_nothing_changes() -> None:
    run = _database({})
    assert run.of_type(conv.LOG_GROUP) == []
    props = run.one(conv.RDS_INSTANCE).inputs
    assert "identifier" not in props and "enabledCloudwatchLogsExports" not in props


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"log_exports": "postgresql"}, "'PooledDatabase.log_exports' must be a list of log types"),
        ({"log_exports": ["postgresql", ""]}, "'PooledDatabase.log_exports' must be a list of log types"),
        ({"log_exports": ["error", "error"]}, "'PooledDatabase.log_exports' names a log type twice"),
        ({"identifier": "orders--db"}, "'PooledDatabase.identifier' must be 1..63 letters, digits or hyphens"),
        ({"identifier": "9orders"}, "'PooledDatabase.identifier' must be 1..63 letters, digits or hyphens"),
    ],
)
def test_bad_log_export_args_fail_before_anything_is_created(args: dict[str, Any], message: str) -> None:
    with pytest.raises(ArgsError, match=message.replace(".", r"\.")):
        _database(args)
