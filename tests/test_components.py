"""The components under the SDK's mocks: what they create, tagged, sized and wired as promised."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
from finops_components import (
    ConnectionBudgetError,
    ContractError,
    PooledDatabase,
    Service,
    ServiceCostContract,
    TelemetryRetention,
    cloudwatch_retention_days,
)
from finops_components._common import ArgsError
from finops_components.budget import ConnectionBudget
from finops_components.retention import lock_period_days
from finops_components.service import jvm_heap_mebibytes
from finops_policies import conventions as conv
from finops_policies.clock import TODAY_ENV, days_from_today
from finops_policies.db_capacity import engine_default
from hypothesis import given
from hypothesis import strategies as st
from test_components_harness import Registered, Run, run_program

DATA = Path(__file__).parent / "data" / "contracts"
SEED = ServiceCostContract.load(DATA / "valid-seed.yaml")
EXTENDED = ServiceCostContract.load(DATA / "valid-extended.yaml")
SEED_TAGS = SEED.tags
NAMESPACE = SEED.namespace

LOG_GROUP = conv.LOG_GROUP
DEPLOYMENT = conv.K8S_DEPLOYMENT
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"


def allocation_tags(namespace: str = NAMESPACE, tags: dict[str, str] = SEED_TAGS) -> dict[str, str]:
    expected = dict(tags)
    expected[conv.OPENCOST_NAMESPACE_KEY] = namespace
    expected.update({f"{conv.OPENCOST_LABEL_PREFIX}{k}": v for k, v in tags.items()})
    return expected


def env_of(deployment: Registered) -> dict[str, Any]:
    container = deployment.inputs["spec"]["template"]["spec"]["containers"][0]
    return {item["name"]: item.get("value") for item in container["env"]}


def telemetry(args: dict[str, Any] | None = None, contract: ServiceCostContract = SEED) -> Run:
    return run_program(lambda: TelemetryRetention("svc", args or {}, contract=contract))  # type: ignore[arg-type]


def database(args: dict[str, Any], contract: ServiceCostContract = SEED) -> Run:
    base = {"engine": "postgres", "instance_class": "db.r6g.large", "max_connections": 400}
    return run_program(lambda: PooledDatabase("db", {**base, **args}, contract=contract))  # type: ignore[typeddict-item]


# --- TelemetryRetention -----------------------------------------------------------------------
def test_log_groups_per_class_with_contract_retention_and_class_tags() -> None:
    run = telemetry()
    groups = {r.name: r.inputs for r in run.of_type(LOG_GROUP)}
    assert {name: props["retentionInDays"] for name, props in groups.items()} == {
        "svc-debug": 3,
        "svc-app": 14,
        "svc-traces": 7,
        "svc-error-traces": 30,
    }
    classes = {name: props["tags"][conv.RETENTION_CLASS_KEY] for name, props in groups.items()}
    assert classes == {"svc-debug": "debug", "svc-app": "logs", "svc-traces": "traces", "svc-error-traces": "traces"}
    assert groups["svc-app"]["name"] == f"/{NAMESPACE}/case-decision-service/app"
    for props in groups.values():
        tags = dict(props["tags"])
        tags.pop(conv.RETENTION_CLASS_KEY)
        assert tags == allocation_tags()
        assert props["retentionInDays"] in conv.CLOUDWATCH_RETENTION_DAYS


def test_retention_is_snapped_to_cloudwatch_values_inside_the_class() -> None:
    run = telemetry(contract=EXTENDED)  # app 10 → 14, traces 5, error traces 20 → 30, debug 2 → 3
    days = {r.name: r.inputs["retentionInDays"] for r in run.of_type(LOG_GROUP)}
    assert days == {"svc-debug": 3, "svc-app": 14, "svc-traces": 5, "svc-error-traces": 30}


@pytest.mark.parametrize(
    ("requested", "retention_class", "expected"),
    [
        (14, "logs", 14),
        (10, "logs", 14),  # rounded up to the next accepted value
        (89, "logs", 90),
        (6, "debug", 7),
        (29, "traces", 30),
        (31, "traces", 30),  # above the class bound: the largest accepted value inside it
        (2556, "audit", 2557),  # no maximum for audit
        (1, "dlq", 1),
    ],
)
def test_cloudwatch_retention_days(requested: int, retention_class: str, expected: int) -> None:
    assert cloudwatch_retention_days(requested, retention_class) == expected


@given(st.integers(min_value=1, max_value=4000), st.sampled_from(sorted(conv.RETENTION_CLASSES)))
def test_snapped_retention_is_always_accepted_and_within_the_class(requested: int, retention_class: str) -> None:
    bound = conv.RETENTION_CLASSES[retention_class].max_days
    if bound is None and requested > max(conv.CLOUDWATCH_RETENTION_DAYS):
        with pytest.raises(ValueError, match="CloudWatch Logs keeps data at most 3653 days"):
            cloudwatch_retention_days(requested, retention_class)
        return
    days = cloudwatch_retention_days(requested, retention_class)
    assert days in conv.CLOUDWATCH_RETENTION_DAYS
    assert bound is None or days <= bound
    if bound is None or requested <= bound:
        assert days >= requested  # never less than the contract asked for, unless the class forbids it


def test_audit_bucket_is_worm_compliance_versioned_and_expires_after_the_lock() -> None:
    run = telemetry()
    bucket = run.one(conv.S3_BUCKET, "svc-audit")
    assert bucket.inputs["objectLockEnabled"] is True
    assert bucket.inputs["tags"] == {**allocation_tags(), conv.RETENTION_CLASS_KEY: "audit"}

    versioning = run.one(conv.S3_VERSIONING, "svc-audit")
    assert versioning.inputs["versioningConfiguration"] == {"status": "Enabled"}

    lock = run.one(conv.S3_OBJECT_LOCK, "svc-audit")
    assert lock.inputs["rule"] == {"defaultRetention": {"mode": "COMPLIANCE", "years": 7}}
    assert lock.inputs["objectLockEnabled"] == "Enabled"
    assert versioning.urn in lock.dependencies  # Object Lock needs versioning first
    assert lock.property_dependencies["bucket"] == [bucket.urn]

    lifecycle = run.one(conv.S3_LIFECYCLE, "svc-audit")
    assert lifecycle.property_dependencies["bucket"] == [bucket.urn]
    (rule,) = lifecycle.inputs["rules"]
    assert rule["status"] == "Enabled"
    assert rule["filter"] == {}
    expire = rule["expiration"]["days"]
    assert expire == rule["noncurrentVersionExpiration"]["noncurrentDays"] == lock_period_days(7) == 2557
    assert expire >= 7 * 365
    assert [t["storageClass"] for t in rule["transitions"]] == ["GLACIER_IR", "DEEP_ARCHIVE"]
    assert all(t["days"] < expire for t in rule["transitions"])
    assert (
        run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "svc-audit").inputs["blockPublicPolicy"]
        is True
    )


def test_lock_period_covers_leap_days() -> None:
    assert lock_period_days(7) == 2557
    assert lock_period_days(10) == 3653
    assert all(lock_period_days(years) >= years * 365 + years // 4 for years in range(1, 101))


def test_snapshot_bucket_is_optional_and_expires_within_its_class() -> None:
    assert not [r for r in telemetry().of_type(conv.S3_BUCKET) if r.name == "svc-snapshots"]
    run = telemetry({"snapshot_bucket": True}, contract=EXTENDED)
    bucket = run.one(conv.S3_BUCKET, "svc-snapshots")
    assert bucket.inputs["tags"][conv.RETENTION_CLASS_KEY] == "snapshots"
    (rule,) = run.one(conv.S3_LIFECYCLE, "svc-snapshots").inputs["rules"]
    assert rule["expiration"]["days"] == 14
    bound = conv.RETENTION_CLASSES["snapshots"].max_days
    assert bound is not None and rule["expiration"]["days"] <= bound
    assert rule["noncurrentVersionExpiration"]["noncurrentDays"] >= 1


def test_audit_only_retention_has_no_log_groups() -> None:
    run = telemetry({"log_groups": False, "audit_bucket": True})
    assert not run.of_type(LOG_GROUP)
    assert run.one(conv.S3_BUCKET, "svc-audit")


def test_every_resource_of_a_component_is_its_child_and_outputs_are_registered() -> None:
    run = telemetry({"snapshot_bucket": True})
    (component,) = [r for r in run.resources if r.type == "finops:index:TelemetryRetention"]
    assert not component.custom
    children = [r for r in run.resources if r is not component]
    assert children and all(child.parent == component.urn for child in children)
    assert set(run.outputs[component.urn]) == {
        "log_group_names",
        "retention_days",
        "audit_bucket_name",
        "snapshot_bucket_name",
    }
    assert run.outputs[component.urn]["retention_days"] == {"debug": 3, "app": 14, "traces": 7, "error-traces": 30}


# --- PooledDatabase ---------------------------------------------------------------------------
def test_parameter_group_sets_max_connections_explicitly() -> None:
    run = database({})
    group = run.one(conv.RDS_PARAMETER_GROUP, "db")
    assert group.inputs["family"] == "postgres16"
    assert group.inputs["parameters"] == [{"name": "max_connections", "value": "400", "applyMethod": "pending-reboot"}]
    assert group.inputs["tags"] == allocation_tags()
    instance = run.one(conv.RDS_INSTANCE, "db")
    assert instance.property_dependencies["parameterGroupName"] == [group.urn]
    props = instance.inputs
    assert props["engine"] == "postgres" and props["instanceClass"] == "db.r6g.large"
    assert props["backupRetentionPeriod"] == 7
    assert props["skipFinalSnapshot"] is True  # no final snapshot kept forever
    assert props["deleteAutomatedBackups"] is False  # backups age out instead
    assert props["deletionProtection"] is True
    assert props["manageMasterUserPassword"] is True and "password" not in props
    assert props["copyTagsToSnapshot"] is True
    assert props["tags"] == allocation_tags()


@pytest.mark.parametrize(
    ("engine", "version", "family", "apply_method"),
    [
        ("mysql", None, "mysql8.0", "immediate"),
        ("postgres", "15.5", "postgres15", "pending-reboot"),
        ("mysql", "8.4.3", "mysql8.4", "immediate"),
    ],
)
def test_parameter_group_family_and_apply_method_follow_the_engine(
    engine: str, version: str | None, family: str, apply_method: str
) -> None:
    args: dict[str, Any] = {"engine": engine}
    if version:
        args["engine_version"] = version
    group = database(args).one(conv.RDS_PARAMETER_GROUP).inputs
    assert group["family"] == family
    assert group["parameters"][0]["applyMethod"] == apply_method


def test_aurora_cluster_instances_use_the_parameter_group() -> None:
    run = database({"engine": "aurora-postgresql", "instance_count": 2, "backup_retention_days": 14})
    group = run.one(conv.RDS_PARAMETER_GROUP)
    assert group.inputs["family"] == "aurora-postgresql16"
    cluster = run.one(conv.RDS_CLUSTER, "db")
    assert cluster.inputs["backupRetentionPeriod"] == 14
    assert cluster.inputs["tags"] == allocation_tags()
    instances = run.of_type(conv.RDS_CLUSTER_INSTANCE)
    assert len(instances) == 2
    for instance in instances:
        assert instance.property_dependencies["dbParameterGroupName"] == [group.urn]
        assert instance.property_dependencies["clusterIdentifier"] == [cluster.urn]
        assert instance.inputs["tags"] == allocation_tags()
    assert not run.of_type(conv.RDS_INSTANCE)


def test_integers_from_another_language_arrive_as_floats_and_are_accepted() -> None:
    run = database({"max_connections": 400.0, "backup_retention_days": 7.0, "reserve_percent": 20.0})
    assert run.one(conv.RDS_PARAMETER_GROUP).inputs["parameters"][0]["value"] == "400"
    (component,) = [r for r in run.resources if r.type == "finops:index:PooledDatabase"]
    assert run.outputs[component.urn]["connection_budget"] == 320


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"max_connections": 12.5}, "'PooledDatabase.max_connections' must be a whole number: 12.5"),
        ({"max_connections": 0}, "'PooledDatabase.max_connections' must be >= 1: 0"),
        ({"backup_retention_days": 0}, "'PooledDatabase.backup_retention_days' must be >= 1: 0"),
        ({"backup_retention_days": 36}, "'PooledDatabase.backup_retention_days' must be <= 35: 36"),
        ({"engine": "oracle-ee"}, "'PooledDatabase.engine' must be one of postgres, mysql"),
        ({"reserve_percent": 100}, "'PooledDatabase.reserve_percent' must be <= 99: 100"),
    ],
)
def test_bad_database_args_fail_with_the_argument_named(args: dict[str, Any], message: str) -> None:
    with pytest.raises(ArgsError, match=message.replace(".", r"\.").replace("(", r"\(")):
        database(args)


@pytest.mark.parametrize(
    ("engine", "instance_class"),
    [("aurora-postgresql", "db.r6g.large"), ("aurora-mysql", "db.r6i.24xlarge"), ("postgres", "db.r7i.large")],
)
def test_without_max_connections_the_engine_default_is_set_explicitly(engine: str, instance_class: str) -> None:
    run = run_program(lambda: PooledDatabase("db", {"engine": engine, "instance_class": instance_class}, contract=SEED))
    default = engine_default(engine, instance_class)  # the function bounded-db-pool judges with
    assert default.low is not None
    group = run.one(conv.RDS_PARAMETER_GROUP)
    assert group.inputs["parameters"][0]["value"] == str(default.low)
    (component,) = [r for r in run.resources if r.type == "finops:index:PooledDatabase"]
    assert run.outputs[component.urn]["max_connections"] == default.low
    if engine.startswith("aurora"):
        assert default.exact  # AWS's published table: 1722 and 7000
    else:
        assert default.low < default.high  # the floor of the formula's range, never more than the default


def test_a_class_without_a_known_default_needs_max_connections() -> None:
    with pytest.raises(ArgsError, match=r"'PooledDatabase.max_connections' is required: no default is known"):
        run_program(
            lambda: PooledDatabase("db", {"engine": "aurora-mysql", "instance_class": "db.r7g.large"}, contract=SEED)
        )


def test_aurora_mysql_max_connections_is_held_to_its_documented_maximum() -> None:
    with pytest.raises(ArgsError, match=r"'PooledDatabase.max_connections' must be <= 16000: 20000"):
        database({"engine": "aurora-mysql", "max_connections": 20000})


def test_budget_is_max_connections_minus_the_reserve() -> None:
    budget = ConnectionBudget("db", 400)
    assert (budget.reserved, budget.total) == (40, 360)
    claim = budget.draw("case-decision-service", 20, 12)
    assert claim.connections == 240
    assert (budget.claimed, budget.remaining) == (240, 120)
    budget.draw("case-query-service", 10, 12)
    assert budget.remaining == 0


def test_a_draw_over_budget_fails_with_the_arithmetic() -> None:
    budget = ConnectionBudget("orders-db", 134)  # 134 − 10 % reserve: 120 allowed
    budget.draw("case-query-service", 8, 12)  # 96
    with pytest.raises(ConnectionBudgetError) as caught:
        budget.draw("reporting", 4, 8)
    message = str(caught.value)
    assert "database 'orders-db': service 'reporting' needs 4 replicas × 8 connections = 32" in message
    assert "only 24 of the budget of 120 are left" in message
    assert "max_connections 134 minus a 10 % reserve of 14" in message
    assert "already drawn: case-query-service 8 × 12 = 96" in message
    assert "Fix:" in message
    assert budget.claimed == 96  # the failed draw took nothing


def test_a_service_draws_once() -> None:
    budget = ConnectionBudget("db", 1000)
    budget.draw("a", 1, 1)
    with pytest.raises(ConnectionBudgetError, match="has already drawn"):
        budget.draw("a", 1, 1)


def test_claims_declared_up_front_are_checked_at_construction() -> None:
    claims = [
        {"service": "case-decision-service", "max_replicas": 20.0, "pool_size_per_replica": 12.0},
        {"service": "reporting", "max_replicas": 10, "pool_size_per_replica": 13},
    ]
    with pytest.raises(ConnectionBudgetError, match="service 'reporting' needs 10 replicas × 13 connections = 130"):
        database({"claims": claims})


# --- Service ----------------------------------------------------------------------------------
def service_with_database(service_args: dict[str, Any] | None = None, contract: ServiceCostContract = SEED) -> Run:
    def program() -> None:
        db = PooledDatabase(
            "db", {"engine": "postgres", "instance_class": "db.r6g.large", "max_connections": 400}, contract=contract
        )
        Service(
            "svc",
            {"image": "registry.example/case-decision:1.0", **(service_args or {})},  # type: ignore[typeddict-item]
            contract=contract,
            database=db,
        )

    return run_program(program)


def test_deployment_labels_envelope_pool_and_heap() -> None:
    run = service_with_database()
    deployment = run.one(DEPLOYMENT, "svc")
    metadata = deployment.inputs["metadata"]
    assert metadata["name"] == "case-decision-service" and metadata["namespace"] == NAMESPACE
    expected_labels = {
        **SEED_TAGS,
        "app.kubernetes.io/name": "case-decision-service",
        "app.kubernetes.io/managed-by": "pulumi",
    }
    assert metadata["labels"] == expected_labels
    template = deployment.inputs["spec"]["template"]
    assert template["metadata"]["labels"] == expected_labels
    assert metadata["annotations"][conv.DB_POOL_ANNOTATION] == "12"
    assert template["metadata"]["annotations"][conv.DB_POOL_ANNOTATION] == "12"

    container = template["spec"]["containers"][0]
    assert container["resources"] == {
        "requests": {"cpu": "500m", "memory": "1280Mi"},
        "limits": {"memory": "1280Mi"},
    }
    env = env_of(deployment)
    assert env[conv.DB_POOL_ENV_NAMES[0]] == "12"
    assert env["JAVA_TOOL_OPTIONS"] == "-Xmx960m"
    heap, limit = 960, 1280
    assert (limit - heap) / limit >= conv.DEFAULT_NON_HEAP_PERCENT / 100
    assert env["LOG_LEVEL"] == "info" and env["ENVIRONMENT"] == "prod"
    assert env["OTEL_TRACES_SAMPLER_ARG"] == "0.1"
    # No surge: the rollout peak is replicas.max, what the budget draw assumed.
    assert deployment.inputs["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": 0, "maxUnavailable": 1}


def test_hpa_and_service_follow_the_envelope() -> None:
    run = service_with_database()
    hpa = run.one(HPA, "svc").inputs
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (4, 20)
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "case-decision-service",
    }
    assert hpa["metadata"]["labels"]["team"] == "enforcement-platform-team"
    kube_service = run.one(conv.K8S_SERVICE, "svc").inputs
    assert kube_service["spec"]["selector"] == {"app.kubernetes.io/name": "case-decision-service"}
    assert kube_service["metadata"]["labels"]["service"] == "case-decision-service"


def test_deployment_depends_on_the_database_by_property_and_explicitly() -> None:
    run = service_with_database()
    deployment = run.one(DEPLOYMENT, "svc")
    instance = run.one(conv.RDS_INSTANCE, "db")
    assert instance.urn in deployment.dependencies
    assert instance.urn in deployment.property_dependencies["spec"]
    assert env_of(deployment)["DB_HOST"] == "db.db.example.internal"


def test_the_service_draws_max_replicas_times_pool_from_the_budget() -> None:
    drawn: dict[str, Any] = {}

    def program() -> None:
        db = PooledDatabase(
            "db", {"engine": "postgres", "instance_class": "db.r6g.large", "max_connections": 400}, contract=SEED
        )
        service = Service("svc", {"image": "img"}, contract=SEED, database=db)
        drawn.update(claim=service.claim, remaining=db.budget.remaining)

    run = run_program(program)
    assert drawn["claim"].connections == 20 * 12
    assert drawn["remaining"] == 360 - 240
    (component,) = [r for r in run.resources if r.type == "finops:index:Service"]
    assert run.outputs[component.urn]["max_db_connections"] == 240


def test_a_service_over_budget_fails_before_creating_anything() -> None:
    def program() -> None:
        db = PooledDatabase(
            "db", {"engine": "postgres", "instance_class": "db.t3.micro", "max_connections": 200}, contract=SEED
        )
        Service("svc", {"image": "img"}, contract=SEED, database=db)  # 240 > 180

    with pytest.raises(ConnectionBudgetError, match="needs 20 replicas × 12 connections = 240, but only 180"):
        run_program(program)


def test_service_creates_its_telemetry_as_a_child() -> None:
    run = service_with_database()
    (service,) = [r for r in run.resources if r.type == "finops:index:Service"]
    (retention,) = [r for r in run.resources if r.type == "finops:index:TelemetryRetention"]
    assert retention.parent == service.urn
    for kind in (DEPLOYMENT, HPA, conv.K8S_SERVICE):
        assert run.one(kind, "svc").parent == service.urn
    assert len(run.of_type(LOG_GROUP)) == 4


def test_contract_extensions_set_limits_and_heap() -> None:
    run = service_with_database(contract=EXTENDED)
    deployment = run.one(DEPLOYMENT, "svc")
    container = deployment.inputs["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["limits"] == {"memory": "1536Mi", "cpu": "2"}
    assert env_of(deployment)["JAVA_TOOL_OPTIONS"] == f"-Xmx{jvm_heap_mebibytes('1536Mi', 60)}m" == "-Xmx921m"
    assert deployment.inputs["metadata"]["namespace"] == "case-query"


def test_no_jvm_no_heap_flag() -> None:
    assert "JAVA_TOOL_OPTIONS" not in env_of(service_with_database({"jvm": False}).one(DEPLOYMENT))


@given(st.integers(min_value=64, max_value=65536), st.integers(min_value=10, max_value=75))
def test_heap_always_leaves_the_non_heap_share(limit_mib: int, percent: int) -> None:
    heap = jvm_heap_mebibytes(f"{limit_mib}Mi", percent)
    assert heap <= limit_mib * percent / 100
    assert limit_mib - heap >= limit_mib * (100 - percent) / 100


def test_debug_logging_in_prod_needs_an_expiry() -> None:
    with pytest.raises(ArgsError, match=r"'Service\.debug_until' is required: log_level 'debug'"):
        service_with_database({"log_level": "debug"})
    with pytest.raises(ArgsError, match=r"trace_sampling_ratio 1 in environment 'prod'"):
        service_with_database({"trace_sampling_ratio": 1.0})
    until = days_from_today(3).isoformat()
    deployment = service_with_database({"log_level": "debug", "debug_until": until}).one(DEPLOYMENT)
    assert deployment.inputs["metadata"]["annotations"][conv.DEBUG_UNTIL_KEY] == until
    assert deployment.inputs["spec"]["template"]["metadata"]["annotations"][conv.DEBUG_UNTIL_KEY] == until
    assert env_of(deployment)["LOG_LEVEL"] == "debug"


@pytest.mark.parametrize("days", [-1, conv.DEFAULT_MAX_DEBUG_DAYS + 1])
def test_debug_window_must_lie_ahead_and_be_short(days: int) -> None:
    until = days_from_today(days).isoformat()
    with pytest.raises(ArgsError, match=r"'Service\.debug_until' must be between today and"):
        service_with_database({"log_level": "debug", "debug_until": until})


def test_the_debug_window_is_judged_on_the_pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    # One clock for components and policies: a pinned day moves both.
    monkeypatch.setenv(TODAY_ENV, "2031-03-01")
    deployment = service_with_database({"log_level": "debug", "debug_until": "2031-03-08"}).one(DEPLOYMENT)
    assert deployment.inputs["metadata"]["annotations"][conv.DEBUG_UNTIL_KEY] == "2031-03-08"
    with pytest.raises(ArgsError, match=r"must be between today and"):
        service_with_database({"log_level": "debug", "debug_until": "2031-02-28"})


def test_debug_logging_in_dev_needs_no_expiry() -> None:
    deployment = service_with_database({"log_level": "debug"}, contract=EXTENDED).one(DEPLOYMENT)
    assert conv.DEBUG_UNTIL_KEY not in deployment.inputs["metadata"]["annotations"]


def test_managed_environment_variables_cannot_be_overridden() -> None:
    with pytest.raises(ArgsError, match=r"'Service\.env' must not set variables the component manages: DB_POOL_SIZE"):
        service_with_database({"env": {"DB_POOL_SIZE": "100", "FEATURE_X": "on"}})
    deployment = service_with_database({"env": {"FEATURE_X": "on"}}).one(DEPLOYMENT)
    assert env_of(deployment)["FEATURE_X"] == "on"


def test_database_endpoint_input_for_other_languages() -> None:
    def program() -> None:
        Service("svc", {"image": "img", "database_endpoint": "orders.db.internal", "telemetry": False}, contract=SEED)

    run = run_program(program)
    assert env_of(run.one(DEPLOYMENT))["DB_HOST"] == "orders.db.internal"
    assert not run.of_type(LOG_GROUP)


# --- how a component gets its contract ---------------------------------------------------------
def test_contract_from_a_file_or_yaml_text() -> None:
    text = (DATA / "valid-seed.yaml").read_text()
    for args in ({"contract_file": str(DATA / "valid-seed.yaml")}, {"contract_yaml": text}):
        run = run_program(lambda args=args: TelemetryRetention("t", args))  # type: ignore[misc]
        assert run.one(LOG_GROUP, "t-app").inputs["tags"]["service"] == "case-decision-service"


@pytest.mark.parametrize(
    "args",
    [{}, {"contract_file": "a.yaml", "contract_yaml": "kind: x"}],
)
def test_exactly_one_contract_source(args: dict[str, Any]) -> None:
    with pytest.raises(ArgsError, match="'TelemetryRetention' needs exactly one of contract, contract_file or"):
        run_program(lambda: TelemetryRetention("t", args))  # type: ignore[arg-type]


def test_a_bad_contract_given_as_text_names_the_argument() -> None:
    broken = (DATA / "missing-owner.yaml").read_text()
    with pytest.raises(ContractError, match=r"^Service\.contract_yaml:4: metadata\.owner is missing"):
        run_program(lambda: Service("s", {"image": "i", "contract_yaml": broken}))


def test_component_type_tokens() -> None:
    def program() -> None:
        db = PooledDatabase(
            "db", {"engine": "mysql", "instance_class": "db.r6g.large", "max_connections": 600}, contract=SEED
        )
        Service("svc", {"image": "img"}, contract=SEED, database=db)

    components = {r.type for r in run_program(program).resources if not r.custom}
    assert components == {"finops:index:PooledDatabase", "finops:index:Service", "finops:index:TelemetryRetention"}


def test_every_custom_resource_belongs_to_a_component() -> None:
    run = service_with_database()
    component_urns = {r.urn for r in run.resources if not r.custom}
    assert all(r.parent in component_urns for r in run.custom())


def test_register_auto_tagging_registers_a_stack_transform() -> None:
    from finops_components import register_auto_tagging

    def program() -> None:
        register_auto_tagging(SEED)

    run = run_program(program)
    (transform,) = run.transforms
    result = transform(pulumi.ResourceTransformArgs(True, LOG_GROUP, "x", {}, pulumi.ResourceOptions()))
    assert result.props["tags"] == allocation_tags()


def test_everything_the_components_create_carries_the_cost_allocation() -> None:
    from finops_components.allocation import aws_taggable_types

    taggable = aws_taggable_types()
    assert taggable is not None
    run = service_with_database({"snapshot_bucket": True})
    tagged = labelled = 0
    for resource in run.custom():
        if resource.type in taggable:
            assert resource.inputs["tags"].items() >= allocation_tags().items(), resource.name
            tagged += 1
        elif resource.type.startswith("kubernetes:"):
            assert resource.inputs["metadata"]["labels"].items() >= SEED_TAGS.items(), resource.name
            labelled += 1
        else:  # versioning, lock, lifecycle, public access block: AWS gives them no tags
            assert "tags" not in resource.inputs, resource.type
    # parameter group, instance, 4 log groups, audit and snapshot buckets; Deployment, Service, HPA
    assert (tagged, labelled) == (8, 3)


def test_a_service_with_bad_args_takes_nothing_from_the_budget() -> None:
    left: dict[str, int] = {}

    def program() -> None:
        db = PooledDatabase(
            "db", {"engine": "postgres", "instance_class": "db.r6g.large", "max_connections": 400}, contract=SEED
        )
        with pytest.raises(ArgsError, match=r"'Service\.port' must be <= 65535"):
            Service("bad", {"image": "img", "port": 70000}, contract=SEED, database=db)
        left["remaining"] = db.budget.remaining

    run_program(program)
    assert left == {"remaining": 360}
