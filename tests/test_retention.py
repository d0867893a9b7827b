"""`no-infinite-retention` and `retention-tier` beyond their cases: parsers, joins, scale, fuzzing.

The policies' cases (run by test_policy_cases.py) pin the verdicts and messages; these tests pin
the pieces the cases lean on (durations, Java properties, class bounds), the behaviour that needs
more than one case to show (linear cost on a 100,000-resource stack, no crash on any input, the
date-relative lifecycle verdict), and the config schema the CLI validates against.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import jsonschema
import pytest
from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseProvider, CaseResource, aws_provider, k8s_provider
from finops_policies.clock import TODAY_ENV
from finops_policies.findings import Finding
from finops_policies.harness import check_case, run_case
from finops_policies.policies import no_infinite_retention, retention_tier
from finops_policies.policies._retention import classes, durations, kafka, kept, self_hosted, stack_index, stores
from finops_policies.resources import ProviderView, ResourceView, StackView
from finops_policies.spec import PolicySpec
from finops_policies.values import (
    UNKNOWN,
    UNKNOWN_ARRAY,
    UNKNOWN_BOOL,
    UNKNOWN_NUMBER,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NIR = no_infinite_retention.POLICY
TIER = retention_tier.POLICY
SPECS = (NIR, TIER)


def findings(
    spec: PolicySpec, resources: tuple[ResourceView, ...], config: Mapping[str, Any] | None = None
) -> list[Finding]:
    return spec.check_stack(StackView(resources), spec.effective_config(config))


def view(type_: str, name: str, props: Mapping[str, Any], **kw: Any) -> ResourceView:
    return ResourceView(type_, name, f"urn:pulumi:dev::p::{type_}::{name}", props, **kw)


# --- parsers ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("15d", 15.0),
        ("744h", 31.0),
        ("1y2w", 379.0),
        ("720h0m0s", 30.0),
        ("90m", 90 / 1440),
        ("0", 0.0),
        ("0s", 0.0),
        (" 2W ", 14.0),
        (86400, 1.0),  # a bare number is seconds
    ],
)
def test_duration_days_reads_prometheus_and_go_durations(text: object, days: float) -> None:
    assert durations.duration_days(text) == pytest.approx(days)


@pytest.mark.parametrize("text", ["", "15", "d", "15 days", "15d junk", "-1d", "$(RETENTION)", None, True, [1]])
def test_duration_days_rejects_what_is_not_a_duration(text: object) -> None:
    assert durations.duration_days(text) is None


def test_java_properties_follow_comments_separators_and_continuations() -> None:
    text = (
        "# broker defaults\n"
        "! also a comment\n"
        "auto.create.topics.enable=false\n"
        "log.retention.hours : 168\n"
        "num.partitions 3\n"
        "log.dirs=/a,\\\n"
        "    /b\n"
        "\n"
    )
    assert kafka.java_properties(text) == {
        "auto.create.topics.enable": "false",
        "log.retention.hours": "168",
        "num.partitions": "3",
        "log.dirs": "/a,/b",
    }


@pytest.mark.parametrize(
    ("properties", "found"),
    [
        ("log.retention.ms=-1\nlog.retention.hours=168", "log.retention.ms is -1 (never deleted)"),
        ("log.retention.hours=-1", "log.retention.hours is -1 (never deleted)"),
        ("log.retention.minutes=-5\nlog.retention.hours=168", "log.retention.minutes is -5 (never deleted)"),
    ],
)
def test_broker_retention_precedence_is_ms_then_minutes_then_hours(properties: str, found: str) -> None:
    config = view(conv.MSK_CONFIGURATION, "brokers", {"serverProperties": properties})
    (finding,) = findings(NIR, (config,))
    assert found in finding.message()


def test_broker_ms_wins_over_a_forever_hours_setting() -> None:
    config = view(
        conv.MSK_CONFIGURATION, "brokers", {"serverProperties": "log.retention.ms=86400000\nlog.retention.hours=-1"}
    )
    assert findings(NIR, (config,)) == []


@pytest.mark.parametrize(
    ("chart", "name"),
    [
        ("kube-prometheus-stack", "kube-prometheus-stack"),
        ("prometheus-community/kube-prometheus-stack", "kube-prometheus-stack"),
        ("oci://registry-1.docker.io/grafana/loki", "loki"),
        ("https://example.com/charts/tempo-distributed-1.9.0.tgz", "tempo-distributed"),
        ("Loki@6.6.2", "loki"),
    ],
)
def test_chart_name_is_the_last_path_segment(chart: str, name: str) -> None:
    assert self_hosted.chart_name(view(conv.K8S_HELM_RELEASE, "r", {"chart": chart})) == name


def test_prometheus_exporter_charts_are_not_prometheus() -> None:
    release = view(conv.K8S_HELM_RELEASE, "exporter", {"chart": "prometheus-node-exporter", "values": {}})
    assert findings(NIR, (release,)) == []


@pytest.mark.parametrize(("number", "text"), [(1209600.0, "1209600"), (0.5, "0.5"), (2.25, "2.25"), (30.0, "30")])
def test_numbers_are_printed_as_people_write_them(number: float, text: str) -> None:
    assert kept.fmt(number) == text


# --- classes ----------------------------------------------------------------------------------
def test_class_config_merges_field_by_field_over_the_defaults() -> None:
    bounds = classes.class_bounds(
        {"classes": {"Logs": {"maxDays": 30}, "metrics": {"maxDays": 45}, "audit": {"minDays": 3650}}}
    )
    assert bounds["logs"] == conv.RetentionBounds(max_days=30)
    assert bounds["metrics"] == conv.RetentionBounds(max_days=45)
    # audit keeps its immutability when only the minimum changes
    assert bounds["audit"] == conv.RetentionBounds(max_days=None, min_days=3650, immutable=True)
    assert bounds["debug"] == conv.RETENTION_CLASSES["debug"]


def test_class_config_defaults_equal_the_conventions() -> None:
    default = TIER.config["classes"].default
    assert classes.class_bounds({"classes": default}) == classes.class_bounds({})
    assert set(default) == set(conv.RETENTION_CLASSES)


@pytest.mark.parametrize(
    "classes",
    [
        {"logs": {"maxDays": "ninety"}},
        {"logs": {"maxDays": 0}},
        {"logs": {"keepForever": True}},
        {"logs": 90},
    ],
)
def test_class_config_schema_rejects_bad_bounds(classes: object) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(classes, TIER.config_schema()["classes"])


def test_class_config_schema_accepts_its_default_and_a_new_class() -> None:
    schema = TIER.config_schema()["classes"]
    jsonschema.validate(TIER.config["classes"].default, schema)
    jsonschema.validate({"metrics": {"maxDays": 30, "minDays": None}}, schema)


def test_resource_tags_win_over_tags_all_and_provider_defaults() -> None:
    provider = ProviderView(
        conv.AWS_PROVIDER, "p", "urn:p", {"defaultTags": json.dumps({"tags": {conv.RETENTION_CLASS_KEY: "audit"}})}
    )
    own = view(
        conv.LOG_GROUP,
        "a",
        {"tags": {conv.RETENTION_CLASS_KEY: "logs"}, "tagsAll": {conv.RETENTION_CLASS_KEY: "traces"}},
        provider=provider,
    )
    merged = view(conv.LOG_GROUP, "b", {"tagsAll": {conv.RETENTION_CLASS_KEY: "traces"}}, provider=provider)
    default = view(conv.LOG_GROUP, "c", {"tags": {"team": "x"}}, provider=provider)
    declared = [classes.declared_class(r) for r in (own, merged, default)]
    assert [d.name if d else None for d in declared] == ["logs", "traces", "audit"]
    assert classes.declared_class(default, with_provider_defaults=False) is None


def test_an_unknown_tag_map_hides_the_provider_default() -> None:
    provider = ProviderView(
        conv.AWS_PROVIDER, "p", "urn:p", {"defaultTags": json.dumps({"tags": {conv.RETENTION_CLASS_KEY: "logs"}})}
    )
    declared = classes.declared_class(view(conv.LOG_GROUP, "a", {"tags": UNKNOWN_OBJECT}, provider=provider))
    assert declared is not None and declared.value is UNKNOWN


# --- joins ------------------------------------------------------------------------------------
def _lifecycle_rule(days: float) -> dict[str, Any]:
    return {"id": "expire", "status": "Enabled", "expiration": {"days": days}}


def test_lifecycle_joins_by_name_by_arn_and_by_dependency() -> None:
    by_name = view(conv.S3_BUCKET, "a", {"bucket": "a", "tags": {conv.RETENTION_CLASS_KEY: "logs"}})
    by_arn = view(conv.S3_BUCKET, "b", {"bucket": "b", "tags": {conv.RETENTION_CLASS_KEY: "logs"}})
    by_dep = view(conv.S3_BUCKET, "c", {"bucket": UNKNOWN_STRING, "tags": {conv.RETENTION_CLASS_KEY: "logs"}})
    configs = (
        view(conv.S3_LIFECYCLE, "a-lc", {"bucket": "a", "rules": [_lifecycle_rule(10)]}),
        view(conv.S3_LIFECYCLE_V2, "b-lc", {"bucket": "arn:aws:s3:::b", "rules": [_lifecycle_rule(20)]}),
        view(
            conv.S3_LIFECYCLE,
            "c-lc",
            {"bucket": UNKNOWN_STRING, "rules": [_lifecycle_rule(30)]},
            property_dependencies={"bucket": (by_dep.urn,)},
        ),
    )
    index = stack_index.RetentionIndex.build(StackView((by_name, by_arn, by_dep, *configs)))
    assert [index.bucket(b).current_days for b in (by_name, by_arn, by_dep)] == [10.0, 20.0, 30.0]
    assert index.floating_bucket_configs == set()


def test_lifecycle_of_a_bucket_outside_the_stack_floats_nothing() -> None:
    bucket = view(conv.S3_BUCKET, "a", {"bucket": "a", "tags": {conv.RETENTION_CLASS_KEY: "logs"}})
    elsewhere = view(conv.S3_LIFECYCLE, "x-lc", {"bucket": "someone-elses", "rules": [_lifecycle_rule(10)]})
    (finding,) = findings(NIR, (bucket, elsewhere))
    assert not finding.unverifiable and "objects are kept forever" in finding.message()


def test_date_expiration_counts_days_from_today(monkeypatch: pytest.MonkeyPatch) -> None:
    bucket = view(
        conv.S3_BUCKET,
        "a",
        {
            "bucket": "a",
            "tags": {conv.RETENTION_CLASS_KEY: "logs"},
            "lifecycleRules": [{"enabled": True, "expiration": {"date": "2030-01-01"}}],
        },
    )
    monkeypatch.setenv(TODAY_ENV, "2029-12-01")
    assert findings(TIER, (bucket,)) == []
    monkeypatch.setenv(TODAY_ENV, "2029-01-01")
    (finding,) = findings(TIER, (bucket,))
    assert "deletes everything on '2030-01-01' (365 days from today)" in finding.message()
    assert findings(NIR, (bucket,)) == []  # a date is an expiration all the same


def test_an_unknown_rule_keeps_a_long_expiration_unverifiable() -> None:
    bucket = view(conv.S3_BUCKET, "a", {"bucket": "a", "tags": {conv.RETENTION_CLASS_KEY: "logs"}})
    configs = (
        view(conv.S3_LIFECYCLE, "long", {"bucket": "a", "rules": [_lifecycle_rule(365)]}),
        view(
            conv.S3_LIFECYCLE,
            "unknown",
            {"bucket": "a", "rules": [{"id": "x", "status": "Enabled", "expiration": {"days": UNKNOWN_NUMBER}}]},
        ),
    )
    (finding,) = findings(TIER, (bucket, *configs))
    assert finding.unverifiable and "a rule that may expire sooner cannot be read yet" in finding.message()
    # ... while a short known one decides regardless of the unknown one
    short = view(conv.S3_LIFECYCLE, "short", {"bucket": "a", "rules": [_lifecycle_rule(30)]})
    assert findings(TIER, (bucket, *configs, short)) == []


def test_object_lock_enabled_unknown_is_unverifiable() -> None:
    bucket = view(
        conv.S3_BUCKET,
        "a",
        {
            "bucket": "a",
            "tags": {conv.RETENTION_CLASS_KEY: "audit"},
            "objectLockEnabled": UNKNOWN_BOOL,
            "lifecycleRules": [
                {"enabled": True, "expiration": {"days": 2557}, "noncurrentVersionExpiration": {"days": 1}}
            ],
        },
    )
    lock = view(
        conv.S3_OBJECT_LOCK, "a-lock", {"bucket": "a", "rule": {"defaultRetention": {"mode": "COMPLIANCE", "years": 7}}}
    )
    (finding,) = findings(TIER, (bucket, lock))
    assert finding.unverifiable and finding.property == "objectLockEnabled"


def test_ecr_policy_outside_the_stack_floats_only_when_unattributable() -> None:
    repo = view(conv.ECR_REPOSITORY, "orders", {"name": "orders"})
    floating = view(conv.ECR_LIFECYCLE_POLICY, "p", {"repository": UNKNOWN_STRING, "policy": "{}"})
    (finding,) = findings(NIR, (repo, floating))
    assert finding.unverifiable


def _ecr(*rules: tuple[str, str, dict[str, Any]]) -> str:
    out = []
    for priority, (status, action, extra) in enumerate(rules, 1):
        selection: dict[str, Any] = {"tagStatus": status, "countType": "imageCountMoreThan", "countNumber": 10, **extra}
        out.append({"rulePriority": priority, "selection": selection, "action": {"type": action}})
    return json.dumps({"rules": out})


# Amazon ECR User Guide, lifecycle policy properties and evaluation rules: `any` selects every image,
# `untagged` the untagged ones, `tagged` only images with all the listed prefixes/patterns; the first
# rule (lowest rulePriority) an image matches decides it; `transition` moves images to archive.
@pytest.mark.parametrize(
    ("policy", "expires"),
    [
        (_ecr(("any", "expire", {})), True),
        (_ecr(("untagged", "expire", {}), ("tagged", "expire", {"tagPatternList": ["*"]})), True),
        (_ecr(("tagged", "expire", {"tagPatternList": ["tmp-*"]})), False),
        (_ecr(("untagged", "expire", {})), False),
        (_ecr(("tagged", "expire", {"tagPrefixList": ["v"]}), ("untagged", "expire", {})), False),
        (_ecr(("tagged", "expire", {"tagPrefixList": ["v"]}), ("any", "expire", {})), True),
        (_ecr(("any", "transition", {})), False),
        (_ecr(("any", "transition", {}), ("any", "expire", {"storageClass": "archive"})), True),
        (_ecr(("tagged", "transition", {"tagPrefixList": ["rel"]}), ("any", "expire", {})), False),
        (_ecr(("tagged", "expire", {"tagPatternList": ["*", "prod*"]}), ("untagged", "expire", {})), False),
    ],
)
def test_an_ecr_policy_expires_every_image_only_when_its_rules_select_them_all(policy: str, expires: bool) -> None:
    verdict, reason = stack_index.ecr_policy_expires(policy)
    assert verdict is expires
    assert bool(reason) is not expires


def test_noncurrent_versions_kept_by_count_are_kept_forever() -> None:
    # S3 API Reference, NoncurrentVersionExpiration.NewerNoncurrentVersions: "how many noncurrent versions
    # Amazon S3 will retain"; only versions beyond that count are deleted after NoncurrentDays
    rule = {"id": "r", "status": "Enabled", "expiration": {"days": 30}}
    bucket = view(conv.S3_BUCKET, "b", {"bucket": "b", "versioning": {"enabled": True}})
    for expiration, bounded in (
        ({"noncurrentDays": 7}, True),
        ({"noncurrentDays": 7, "newerNoncurrentVersions": 2}, False),
    ):
        life = view(
            conv.S3_LIFECYCLE, "l", {"bucket": "b", "rules": [{**rule, "noncurrentVersionExpiration": expiration}]}
        )
        retention = stack_index.RetentionIndex.build(StackView((bucket, life))).bucket(bucket)
        assert retention.noncurrent_expires is bounded
        assert (retention.noncurrent_days == 7.0) is bounded


def test_nothing_to_say_about_unrelated_resources() -> None:
    provider = ProviderView(
        conv.AWS_PROVIDER, "p", "urn:p", {"defaultTags": json.dumps({"tags": {conv.RETENTION_CLASS_KEY: "logs"}})}
    )
    resources = (
        view(conv.STACK_TYPE, "stack", {}),
        view(conv.AWS_PROVIDER, "p", {"region": "us-east-1"}),
        view("aws:ec2/instance:Instance", "web", {"instanceType": "t3.micro"}, provider=provider),
        view("aws:ec2/vpc:Vpc", "vpc", {"tags": UNKNOWN_OBJECT}, provider=provider),
        view(conv.K8S_DEPLOYMENT, "api", {"spec": {"template": {"spec": {"containers": [{"image": "api:1"}]}}}}),
    )
    for spec in SPECS:
        assert findings(spec, resources) == []


# --- scale ------------------------------------------------------------------------------------
def _big_stack(n: int) -> StackView:
    """n resources: classed buckets with lifecycle configurations (half joined by name, half only by
    dependency, as in preview), log groups and ECR repositories, all under one provider."""
    provider = ProviderView(
        conv.AWS_PROVIDER, "p", "urn:p", {"defaultTags": json.dumps({"tags": {conv.RETENTION_CLASS_KEY: "logs"}})}
    )
    out: list[ResourceView] = []
    for i in range(n // 4):
        name = f"bucket-{i}"
        bucket = view(conv.S3_BUCKET, name, {"bucket": name}, provider=provider)
        out.append(bucket)
        out.append(
            view(
                conv.S3_LIFECYCLE,
                f"{name}-lc",
                {"bucket": UNKNOWN_STRING if i % 2 else name, "rules": [_lifecycle_rule(30 + i % 100)]},
                provider=provider,
                property_dependencies={"bucket": (bucket.urn,)},
            )
        )
        out.append(view(conv.LOG_GROUP, f"lg-{i}", {"retentionInDays": i % 120}, provider=provider))
        out.append(view(conv.ECR_REPOSITORY, f"repo-{i}", {"name": f"repo-{i}"}, provider=provider))
    return StackView(tuple(out))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_property_reads_grow_linearly_with_the_stack(spec: PolicySpec, monkeypatch: pytest.MonkeyPatch) -> None:
    """A join done with nested loops would read properties n² times; count the reads."""
    reads = {"n": 0}
    original = ResourceView.get

    def counting_get(self: ResourceView, *path: str | int) -> Any:
        reads["n"] += 1
        return original(self, *path)

    monkeypatch.setattr(ResourceView, "get", counting_get)
    counts = []
    for n in (2_000, 8_000):
        reads["n"] = 0
        found = list(spec.check(_big_stack(n), spec.effective_config({})))
        assert found  # the stack has log groups that never expire or exceed 'logs'
        counts.append(reads["n"])
    # the time a 100,000-resource stack takes is in benchmarks/run.py
    assert counts[1] <= 4.2 * counts[0], counts


# --- never raise ------------------------------------------------------------------------------
_WORDS = (
    "retentionInDays",
    "logGroupClass",
    "tags",
    "tagsAll",
    "bucket",
    "rules",
    "status",
    "filter",
    "prefix",
    "and",
    "expiration",
    "days",
    "date",
    "noncurrentVersionExpiration",
    "noncurrentDays",
    "lifecycleRules",
    "enabled",
    "expirations",
    "noncurrentVersionExpirations",
    "versioning",
    "versionings",
    "versioningConfiguration",
    "objectLockEnabled",
    "objectLockConfiguration",
    "rule",
    "defaultRetention",
    "defaultRetentions",
    "mode",
    "years",
    "name",
    "repository",
    "policy",
    "action",
    "type",
    "lifecycle",
    "deleteAfter",
    "copyActions",
    "ruleName",
    "configs",
    "config",
    "serverProperties",
    "retention.ms",
    "chart",
    "values",
    "valueYamlFiles",
    "spec",
    "retention",
    "retentionSize",
    "metadata",
    "labels",
    "template",
    "containers",
    "image",
    "args",
    "command",
    "volumes",
    "configMap",
    "data",
    "loki",
    "compactor",
    "retention_enabled",
    "limits_config",
    "retention_period",
    "prometheus",
    "prometheusSpec",
    "messageRetentionSeconds",
    "retentionPeriod",
    "backupRetentionPeriod",
    conv.RETENTION_CLASS_KEY,
)
_TYPES = (
    conv.LOG_GROUP,
    *conv.S3_BUCKETS,
    *conv.S3_LIFECYCLES,
    *conv.S3_OBJECT_LOCKS,
    conv.S3_VERSIONING,
    conv.ECR_REPOSITORY,
    conv.ECR_LIFECYCLE_POLICY,
    conv.BACKUP_PLAN,
    conv.MSK_TOPIC,
    conv.MSK_CONFIGURATION,
    conv.KAFKA_TOPIC,
    "kubernetes:kafka.strimzi.io/v1beta2:KafkaTopic",
    conv.K8S_HELM_RELEASE,
    conv.K8S_HELM_CHART_V4,
    conv.K8S_PROMETHEUS_CR,
    conv.K8S_DEPLOYMENT,
    conv.K8S_STATEFULSET,
    conv.K8S_POD,
    conv.K8S_CONFIGMAP,
    stores.SQS_QUEUE,
    stores.KINESIS_STREAM,
    conv.RDS_INSTANCE,
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([UNKNOWN_STRING, UNKNOWN_NUMBER, UNKNOWN_BOOL, UNKNOWN_ARRAY, UNKNOWN_OBJECT]),
    st.sampled_from(
        [
            "",
            "-1",
            "0",
            "30",
            "Enabled",
            "Disabled",
            "COMPLIANCE",
            "GOVERNANCE",
            "expire",
            "logs",
            "audit",
            "bogus",
            "15d",
            "0s",
            "744h",
            "loki",
            "kube-prometheus-stack",
            "grafana/tempo",
            "prom/prometheus:v2",
            "grafana/loki:3",
            "--storage.tsdb.retention.time=1y",
            "-config.file=/c.yaml",
            '{"rules": [{"action": {"type": "expire"}}]}',
            '{"retention.ms": "-1"}',
            "log.retention.ms=-1",
            "compactor:\n  retention_enabled: yes\n",
            "2030-01-01",
            "x" * 5000,
        ]
    ),
    st.text(max_size=20),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.sampled_from(_WORDS), children, max_size=5)
    ),
    max_leaves=30,
)


@st.composite
def _stacks(draw: st.DrawFn) -> Case:
    count = draw(st.integers(1, 5))
    names = [f"r{i}" for i in range(count)]
    resources = []
    for name in names:
        type_ = draw(st.sampled_from(_TYPES))
        props = draw(st.dictionaries(st.sampled_from(_WORDS), _VALUES, max_size=6))
        deps = draw(
            st.dictionaries(
                st.sampled_from(["bucket", "repository"]), st.lists(st.sampled_from(names), max_size=2), max_size=2
            )
        )
        if type_.startswith("kubernetes:"):
            provider: CaseProvider = k8s_provider()
        else:
            tags = draw(st.sampled_from([None, {conv.RETENTION_CLASS_KEY: "logs"}, {conv.RETENTION_CLASS_KEY: ""}]))
            provider = aws_provider(default_tags=tags)
            if draw(st.booleans()):
                provider = CaseProvider(
                    provider.type,
                    provider.name,
                    {
                        **provider.props,
                        "defaultTags": draw(st.sampled_from([UNKNOWN_STRING, "not json", "[]", '{"tags": 5}'])),
                    },
                )
        resources.append(
            CaseResource(
                type_, name, props, provider=provider, property_dependencies={k: tuple(v) for k, v in deps.items()}
            )
        )
    return Case("fuzz", tuple(resources))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_stacks())
def test_any_input_gives_findings_never_a_crash(spec: PolicySpec, case: Case) -> None:
    outcome = run_case(spec, case)  # the served path: protobuf Struct, deserializer, unknown proxy
    for message in outcome.messages():
        assert "the check itself failed" not in message, message
        assert len(message) < 2000


def test_no_message_prints_other_properties() -> None:
    """Only the checked property's value may appear: not ARNs, keys or other tags."""
    secret = "arn:aws:kms:us-east-1:111122223333:key/very-secret"
    resources = (
        CaseResource(
            conv.LOG_GROUP,
            "lg",
            {"kmsKeyId": secret, "tags": {conv.RETENTION_CLASS_KEY: "logs", "owner": "secret-owner@example.com"}},
            provider=aws_provider(),
        ),
        CaseResource(
            conv.S3_BUCKET,
            "b",
            {
                "bucket": "b",
                "tags": {conv.RETENTION_CLASS_KEY: "audit"},
                "policy": json.dumps({"Statement": [{"Resource": secret}]}),
            },
            provider=aws_provider(),
        ),
        CaseResource(
            conv.BACKUP_PLAN,
            "plan",
            {"rules": [{"ruleName": "daily", "targetVaultName": secret}]},
            provider=aws_provider(),
        ),
    )
    for spec in SPECS:
        outcome = run_case(spec, Case("secrets", resources))
        assert outcome.violations
        for message in outcome.messages():
            assert "very-secret" not in message and "secret-owner" not in message


def test_huge_strings_are_cut_short_in_messages() -> None:
    case = Case(
        "huge",
        (
            CaseResource(
                conv.LOG_GROUP,
                "lg",
                {"retentionInDays": "9" * 10_000, "tags": {conv.RETENTION_CLASS_KEY: "x" * 10_000}},
                provider=aws_provider(),
            ),
        ),
    )
    outcome = run_case(TIER, case)
    assert outcome.violations and all(len(m) < 1000 for m in outcome.messages())


def test_waiver_by_urn_glob_covers_a_stack_finding() -> None:
    future = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    case = Case(
        "urn-waiver",
        (CaseResource(conv.LOG_GROUP, "legacy", {}, provider=aws_provider()),),
        config={
            "waivers": [
                {
                    "resources": ["urn:pulumi:*::aws:cloudwatch/logGroup:LogGroup::legacy"],
                    "ticket": "FIN-1",
                    "approvedBy": "me",
                    "expires": future,
                }
            ]
        },
        waived=("legacy",),
    )
    assert check_case(NIR, case) == []


# --- one finding per fact: "kept forever" is no-infinite-retention's ---------------------------
_CLASS = conv.RETENTION_CLASS_KEY


@pytest.mark.parametrize(
    "resources",
    [
        (view(conv.LOG_GROUP, "debug-logs", {"tags": {_CLASS: "debug"}}),),
        (view(conv.LOG_GROUP, "app-logs", {"retentionInDays": 0, "tags": {_CLASS: "logs"}}),),
        (view(conv.S3_BUCKET, "access-logs", {"bucket": "access-logs", "tags": {_CLASS: "logs"}}),),
        (view(conv.BACKUP_PLAN, "nightly", {"rules": [{"ruleName": "daily"}], "tags": {_CLASS: "snapshots"}}),),
        (view(conv.MSK_TOPIC, "events", {"configs": '{"retention.ms": "-1"}', "tags": {_CLASS: "dlq"}}),),
    ],
    ids=["log-group-unset", "log-group-zero", "bucket-no-lifecycle", "backup-rule", "kafka-topic"],
)
def test_a_classed_store_kept_forever_is_reported_once_by_no_infinite_retention(
    resources: tuple[ResourceView, ...],
) -> None:
    forever = [f for f in findings(NIR, resources) if not f.unverifiable]
    tier = [f for f in findings(TIER, resources) if not f.unverifiable]
    assert len(forever) == 1 and tier == []


def test_retention_tier_still_reports_forever_where_no_infinite_retention_does_not_look() -> None:
    # A class only retention-tier's config defines: no-infinite-retention's bucketClasses leave it out.
    bucket = view(conv.S3_BUCKET, "reports", {"bucket": "reports", "tags": {_CLASS: "reports"}})
    config = {"classes": {"reports": {"maxDays": 400}}}
    assert findings(NIR, (bucket,)) == []
    [finding] = findings(TIER, (bucket,), config)
    assert "objects are kept forever" in finding.message()
