"""Data must not be kept forever.

The stack check flags every store that never deletes what it keeps:

- a CloudWatch log group with `retentionInDays` unset or 0;
- a Kafka topic with `retention.ms` -1 (`aws:msk/topic` `configs` JSON, pulumi-kafka `config`, Strimzi
  `spec.config`) and an MSK configuration whose `serverProperties` set a negative
  `log.retention.{ms,minutes,hours}` (first of those present wins, as in Kafka);
- an S3 bucket whose `retention-class` tag is one of `bucketClasses` (logs, traces, audit ...) with
  no enabled, whole-bucket lifecycle rule that expires objects (`expiration.days`/`date`; on a
  versioned bucket also `noncurrentVersionExpiration`). Rules are read inline (`Bucket.lifecycleRules`,
  list-shaped on `BucketV2`) and from `BucketLifecycleConfiguration` (+V2) resources joined by their
  `bucket` input, or by its property dependency while the name is unknown in preview;
- an ECR repository with no lifecycle policy, or one whose rules only transition images;
- a Backup plan rule (or copy action) without `lifecycle.deleteAfter`;
- self-hosted Prometheus, Loki or Tempo (Helm release/chart values, the Prometheus operator's CR,
  or a Deployment/StatefulSet/Pod's container args and mounted ConfigMaps) without an explicit
  retention; Loki deletes nothing unless `compactor.retention_enabled` is on with a period.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Any

from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseResource, Expect, aws_provider, k8s_provider, one
from finops_policies.findings import Finding
from finops_policies.resources import ResourceView, StackView
from finops_policies.spec import ConfigKey, PolicySpec
from finops_policies.values import UNKNOWN, UNKNOWN_NUMBER, UNKNOWN_OBJECT, UNKNOWN_STRING

from ._retention.classes import declared_class, expected_for, suggested_days
from ._retention.kafka import is_strimzi_topic, kafka_topic_kept, msk_configuration_kept
from ._retention.kept import Kept
from ._retention.self_hosted import telemetry_of
from ._retention.stack_index import RetentionIndex
from ._retention.stores import backup_plan_kept, log_group_kept

NAME = "no-infinite-retention"


def _finding(r: ResourceView, prop: str, found: str, expected: str, fix: str, *, unverifiable: bool = False) -> Finding:
    return Finding(r.urn, r.type, r.name, prop, found, expected, "" if unverifiable else fix, unverifiable)


def _class_of(r: ResourceView) -> tuple[str | None, conv.RetentionBounds | None]:
    declared = declared_class(r)
    if declared is None or not declared.known:
        return None, None
    return declared.name, conv.RETENTION_CLASSES.get(declared.name)


def _finite(class_name: str | None, bounds: conv.RetentionBounds | None) -> str:
    if class_name is None or bounds is None:
        return f"a finite retention (e.g. {conv.DEFAULT_UNCLASSED_RETENTION_DAYS} days)"
    if bounds.max_days is None:
        return "a finite retention of " + expected_for(class_name, bounds)
    return expected_for(class_name, bounds)


def _kept_findings(
    r: ResourceView, kept: Kept, expected: str, fix_days: float, bounds: conv.RetentionBounds | None = None
) -> Iterator[Finding]:
    if kept.days is not None:
        return
    if kept.unknown:
        yield _finding(r, kept.property, kept.found, expected, "", unverifiable=True)
    else:
        yield _finding(r, kept.property, kept.found, expected, kept.fix(fix_days, bounds))


def _judge_log_group(r: ResourceView) -> Iterator[Finding]:
    class_name, bounds = _class_of(r)
    kept = log_group_kept(r)
    yield from _kept_findings(r, kept, _finite(class_name, bounds), suggested_days(class_name, bounds), bounds)


def _judge_bucket(r: ResourceView, index: RetentionIndex, classes: frozenset[str]) -> Iterator[Finding]:
    declared = declared_class(r)
    if declared is None or (declared.known and declared.name not in classes):
        return
    retention = index.bucket(r)
    expires, noncurrent = retention.expires, retention.noncurrent_expires
    if expires is True and noncurrent is True:
        return
    listed = ", ".join(sorted(classes))
    if not declared.known:
        yield _finding(
            r,
            declared.source,
            "is unknown until apply, and the bucket has no expiring lifecycle rule",
            f"a known class (classes {listed} need a lifecycle rule that expires objects)",
            "",
            unverifiable=True,
        )
        return
    bounds = conv.RETENTION_CLASSES.get(declared.name)
    days = round(suggested_days(declared.name, bounds))
    versioned = retention.versioned is not False
    noncurrent_fix = " and noncurrent_version_expiration.noncurrent_days" if versioned else ""
    fix = (
        f"add an Enabled rule without a filter and with expiration.days={days}{noncurrent_fix} to an "
        "aws.s3.BucketLifecycleConfiguration for this bucket"
    )
    expected = (
        "an enabled lifecycle rule covering the whole bucket that expires objects: "
        + expected_for(declared.name, bounds)
        if bounds is not None
        else "an enabled lifecycle rule covering the whole bucket that expires objects"
    )
    if expires is UNKNOWN:
        yield _finding(
            r,
            "lifecycle expiration",
            "is unknown until apply (a lifecycle rule cannot be read yet)",
            expected,
            "",
            unverifiable=True,
        )
        return
    if expires is False:
        yield _finding(
            r,
            "lifecycle expiration",
            f"is missing: objects are kept forever ({retention.why()})",
            expected,
            fix,
        )
        return
    prop = "lifecycle noncurrentVersionExpiration"
    nc_expected = f"noncurrent versions expired too on a versioned bucket of class '{declared.name}'"
    nc_fix = (
        "add noncurrent_version_expiration.noncurrent_days (e.g. 7) to the expiring rule: on a versioned "
        "bucket an expiration only adds a delete marker"
    )
    if noncurrent is UNKNOWN:
        yield _finding(
            r,
            prop,
            "is unknown until apply (versioning or a rule cannot be read yet)",
            nc_expected,
            "",
            unverifiable=True,
        )
    else:
        yield _finding(
            r,
            prop,
            "is missing on a versioned bucket (noncurrent versions are kept forever)",
            nc_expected,
            nc_fix,
        )


def _judge_ecr(r: ResourceView, index: RetentionIndex) -> Iterator[Finding]:
    verdict, reason = index.ecr(r)
    if verdict is True:
        return
    expected = "an aws.ecr.LifecyclePolicy with a rule whose action.type is 'expire'"
    if verdict is UNKNOWN:
        yield _finding(r, "lifecycle policy", "is unknown until apply", expected, "", unverifiable=True)
        return
    found = (
        "is missing (images are kept forever)"
        if reason == "no lifecycle policy"
        else f"does not expire images: {reason}"
    )
    yield _finding(
        r,
        "lifecycle policy",
        found,
        expected,
        "add aws.ecr.LifecyclePolicy(repository=<repository>.name, policy=...) with an 'expire' rule, "
        "e.g. imageCountMoreThan 30 for tagged and sinceImagePushed 14 days for untagged images",
    )


def _judge_backup_plan(r: ResourceView) -> Iterator[Finding]:
    for kept in backup_plan_kept(r):
        yield from _kept_findings(r, kept, "a deleteAfter (days) on every rule and copy action", 35)


def _judge_kafka(r: ResourceView) -> Iterator[Finding]:
    kept_list = msk_configuration_kept(r) if r.type == conv.MSK_CONFIGURATION else kafka_topic_kept(r)
    for kept in kept_list:
        yield from _kept_findings(r, kept, "a positive retention (or none, to inherit the broker's)", 7)


def _judge_telemetry(r: ResourceView, index: RetentionIndex, implicit_ok: bool) -> Iterator[Finding]:
    for setting in telemetry_of(r, index):
        if setting.state == "set" or (setting.state == "unset" and implicit_ok):
            continue
        if setting.system == "Loki":
            expected = "compactor.retention_enabled true with a positive limits_config.retention_period"
        else:
            expected = f"an explicit {setting.system} retention (e.g. '15d')"
        unverifiable = setting.state in ("unknown", "hidden")
        yield _finding(r, setting.property, setting.found, expected, setting.fix, unverifiable=unverifiable)


_KAFKA_TYPES = frozenset({conv.MSK_TOPIC, conv.KAFKA_TOPIC, conv.MSK_CONFIGURATION})


def check(stack: StackView, config: Mapping[str, Any]) -> Iterator[Finding]:
    index = RetentionIndex.build(stack)
    raw_classes = config.get("bucketClasses")
    classes = (
        frozenset(c.strip().lower() for c in raw_classes if isinstance(c, str))
        if isinstance(raw_classes, list)
        else frozenset(conv.EXPIRING_BUCKET_CLASSES)
    )
    implicit_ok = config.get("allowImplicitTelemetryRetention") is True
    for r in stack.resources:
        if r.is_plumbing:
            continue
        if r.type == conv.LOG_GROUP:
            yield from _judge_log_group(r)
        elif r.type in conv.S3_BUCKETS:
            yield from _judge_bucket(r, index, classes)
        elif r.type == conv.ECR_REPOSITORY:
            yield from _judge_ecr(r, index)
        elif r.type == conv.BACKUP_PLAN:
            yield from _judge_backup_plan(r)
        elif r.type in _KAFKA_TYPES or is_strimzi_topic(r.type):
            yield from _judge_kafka(r)
        elif r.is_kubernetes:
            yield from _judge_telemetry(r, index, implicit_ok)


# --- documentation and cases ------------------------------------------------------------------
BAD_EXAMPLE = """\
import pulumi_aws as aws

# CloudWatch keeps these events forever: retention_in_days is not set.
aws.cloudwatch.LogGroup("orders-app-logs")

# A logs bucket without a lifecycle rule grows without bound.
aws.s3.Bucket("orders-access-logs", tags={"retention-class": "logs"})

# Every image ever pushed stays in the registry.
aws.ecr.Repository("orders")
"""

GOOD_EXAMPLE = """\
import json

import pulumi_aws as aws

aws.cloudwatch.LogGroup("orders-app-logs", retention_in_days=14)

logs = aws.s3.Bucket("orders-access-logs", tags={"retention-class": "logs"})
aws.s3.BucketLifecycleConfiguration(
    "orders-access-logs-expiry",
    bucket=logs.bucket,
    rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
        id="expire-after-90-days",
        status="Enabled",
        expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=90),
    )],
)

repository = aws.ecr.Repository("orders")
aws.ecr.LifecyclePolicy(
    "orders-images",
    repository=repository.name,
    policy=json.dumps({"rules": [{
        "rulePriority": 1,
        "description": "keep the last 30 images",
        "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30},
        "action": {"type": "expire"},
    }]}),
)
"""

_FUTURE = (dt.date.today() + dt.timedelta(days=60)).isoformat()
_PAST = (dt.date.today() - dt.timedelta(days=1)).isoformat()
_AWS = aws_provider()
_K8S = k8s_provider()
_LOGS = {conv.RETENTION_CLASS_KEY: "logs"}
_AUDIT = {conv.RETENTION_CLASS_KEY: "audit"}


def _res(type_: str, name: str, props: Mapping[str, Any], **kw: Any) -> CaseResource:
    provider = kw.pop("provider", _K8S if type_.startswith("kubernetes:") else _AWS)
    return CaseResource(type_, name, props, provider=provider, **kw)


def _log_group(name: str, props: Mapping[str, Any], **kw: Any) -> tuple[CaseResource, ...]:
    return (_res(conv.LOG_GROUP, name, props, **kw),)


def _expiring(days: float | str = 90, **extra: Any) -> dict[str, Any]:
    return {"id": "expire", "status": "Enabled", "expiration": {"days": days}, **extra}


def _lifecycle(name: str, bucket: str, rules: Any, *, by_dependency: bool = False) -> CaseResource:
    """A standalone lifecycle configuration, joined by bucket name or (preview) by dependency."""
    if by_dependency:
        return _res(
            conv.S3_LIFECYCLE,
            name,
            {"bucket": UNKNOWN_STRING, "rules": rules},
            property_dependencies={"bucket": (bucket,)},
        )
    return _res(conv.S3_LIFECYCLE, name, {"bucket": bucket, "rules": rules})


def _bucket(name: str, tags: Mapping[str, str] | None = None, **props: Any) -> CaseResource:
    return _res(conv.S3_BUCKET, name, {"bucket": name, **({"tags": dict(tags)} if tags else {}), **props})


def _ecr_policy(name: str, repository: str, policy: Any, **kw: Any) -> CaseResource:
    return _res(conv.ECR_LIFECYCLE_POLICY, name, {"repository": repository, "policy": policy}, **kw)


_EXPIRE_IMAGES = json.dumps(
    {
        "rules": [
            {
                "rulePriority": 1,
                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30},
                "action": {"type": "expire"},
            }
        ]
    }
)
_ARCHIVE_IMAGES = json.dumps(
    {
        "rules": [
            {
                "rulePriority": 1,
                "selection": {
                    "tagStatus": "any",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": 30,
                },
                "action": {"type": "transition", "targetStorageClass": "archive"},
            }
        ]
    }
)


def _helm(name: str, chart: str, values: Any, **props: Any) -> CaseResource:
    return _res(conv.K8S_HELM_RELEASE, name, {"chart": chart, "values": values, **props})


def _pod_workload(
    type_: str, name: str, containers: list[dict[str, Any]], volumes: list[dict[str, Any]] | None = None
) -> CaseResource:
    pod: dict[str, Any] = {"containers": containers, **({"volumes": volumes} if volumes else {})}
    return _res(type_, name, {"metadata": {"name": name}, "spec": {"template": {"spec": pod}}})


_LOKI_CONFIG_ON = "compactor:\n  retention_enabled: true\nlimits_config:\n  retention_period: 744h\n"
_LOKI_CONFIG_OFF = "compactor:\n  working_directory: /data\nlimits_config:\n  ingestion_rate_mb: 4\n"

CASES = (
    # log groups
    Case("log-group-14-days", _log_group("orders-app-logs", {"retentionInDays": 14})),
    Case(
        "log-group-retention-as-string-and-float",
        (
            *_log_group("as-string", {"retentionInDays": "30"}),
            *_log_group("as-float", {"retentionInDays": 30.0}),
        ),
    ),
    Case(
        "log-group-never-expires",
        _log_group("orders-app-logs", {}),
        violations=(
            Expect(
                "orders-app-logs",
                "LogGroup 'orders-app-logs': retentionInDays is unset (never expires); "
                "expected a finite retention (e.g. 14 days). Fix: set retention_in_days=14",
            ),
        ),
    ),
    Case(
        "log-group-zero-days",
        _log_group("orders-app-logs", {"retentionInDays": 0}),
        violations=(Expect("orders-app-logs", "retentionInDays is 0 (never expires)"),),
    ),
    Case(
        "log-group-null-retention",
        _log_group("orders-app-logs", {"retentionInDays": None}),
        violations=(Expect("orders-app-logs", "retentionInDays is unset"),),
    ),
    Case(
        "log-group-retention-unknown",
        _log_group("orders-app-logs", {"retentionInDays": UNKNOWN_NUMBER}),
        unverifiable=("orders-app-logs",),
    ),
    Case("log-group-delivery-class-is-two-days", _log_group("vended-logs", {"logGroupClass": "DELIVERY"})),
    Case(
        "log-group-class-logs-from-provider-default-tags",
        _log_group("orders-app-logs", {}, provider=aws_provider(default_tags=_LOGS)),
        violations=(
            Expect(
                "orders-app-logs",
                "expected 1..90 days for class 'logs'. Fix: set retention_in_days=14 "
                "or use finops_components.TelemetryRetention",
            ),
        ),
    ),
    Case(
        "log-group-audit-class-still-expires",
        _log_group("audit-trail", {"tags": _AUDIT}),
        violations=(
            Expect(
                "audit-trail",
                "a finite retention of at least 2555 days (7 years) for class 'audit'. Fix: set retention_in_days=2557",
            ),
        ),
    ),
    Case(
        "secret-values-are-never-shown",
        _log_group(
            "orders-app-logs",
            {
                "kmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/s3cr3t-key",
                "tags": {"api-token": "hunter2-super-secret"},
            },
        ),
        violations=(Expect("orders-app-logs", "retentionInDays is unset"),),
        never_shown=("s3cr3t-key", "hunter2-super-secret"),
    ),
    # buckets joined to lifecycle configurations
    Case(
        "logs-bucket-with-lifecycle-joined-by-name",
        (_bucket("access-logs", _LOGS), _lifecycle("access-logs-expiry", "access-logs", [_expiring(90)])),
    ),
    Case(
        "logs-bucket-without-lifecycle",
        (_bucket("access-logs", _LOGS),),
        violations=(
            Expect(
                "access-logs",
                "Bucket 'access-logs': lifecycle expiration is missing: objects are kept "
                "forever (no lifecycle rule); expected an enabled lifecycle rule",
            ),
        ),
    ),
    Case("untagged-bucket-needs-no-lifecycle", (_bucket("assets"),)),
    Case(
        "bucket-of-unlisted-class-needs-no-lifecycle",
        (_bucket("cache", {conv.RETENTION_CLASS_KEY: "logs"}),),
        config={"bucketClasses": ["audit"]},
    ),
    Case(
        "bucket-name-unknown-joined-by-property-dependency",
        (
            _res(conv.S3_BUCKET, "access-logs", {"bucket": UNKNOWN_STRING, "tags": _LOGS}),
            _lifecycle("access-logs-expiry", "access-logs", [_expiring("30")], by_dependency=True),
        ),
    ),
    Case(
        "lifecycle-rule-disabled",
        (
            _bucket("access-logs", _LOGS),
            _lifecycle("access-logs-expiry", "access-logs", [_expiring(30, status="Disabled")], by_dependency=True),
        ),
        violations=(Expect("access-logs", "rule 'expire' is disabled"),),
    ),
    Case(
        "lifecycle-transitions-only",
        (
            _bucket("trace-archive", {conv.RETENTION_CLASS_KEY: "traces"}),
            _lifecycle(
                "trace-archive-tiering",
                "trace-archive",
                [
                    {
                        "id": "to-glacier",
                        "status": "Enabled",
                        "transitions": [{"days": 30, "storageClass": "GLACIER"}],
                    }
                ],
            ),
        ),
        violations=(Expect("trace-archive", "rule 'to-glacier' only transitions objects"),),
    ),
    Case(
        "lifecycle-rule-covers-a-prefix-only",
        (
            _bucket("access-logs", _LOGS),
            _lifecycle("access-logs-expiry", "access-logs", [_expiring(30, filter={"prefix": "tmp/"})]),
        ),
        violations=(Expect("access-logs", "rule 'expire' covers only prefix 'tmp/'"),),
    ),
    Case(
        "lifecycle-expires-by-date",
        (
            _bucket("access-logs", _LOGS),
            _lifecycle(
                "access-logs-expiry",
                "access-logs",
                [{"id": "eol", "status": "Enabled", "expiration": {"date": "2030-01-01"}}],
            ),
        ),
    ),
    Case(
        "lifecycle-rules-unknown",
        (_bucket("access-logs", _LOGS), _lifecycle("access-logs-expiry", "access-logs", UNKNOWN_OBJECT)),
        unverifiable=("access-logs",),
    ),
    Case(
        "lifecycle-bucket-not-attributable-in-preview",
        (
            _bucket("access-logs", _LOGS),
            _res(conv.S3_LIFECYCLE, "some-expiry", {"bucket": UNKNOWN_STRING, "rules": [_expiring(30)]}),
        ),
        unverifiable=("access-logs",),
    ),
    Case(
        "bucket-class-tag-unknown",
        (
            _res(
                conv.S3_BUCKET,
                "access-logs",
                {"bucket": "access-logs", "tags": {conv.RETENTION_CLASS_KEY: UNKNOWN_STRING}},
            ),
        ),
        unverifiable=("access-logs",),
    ),
    Case(
        "bucket-class-from-provider-default-tags",
        (
            _res(
                conv.S3_BUCKET,
                "traces",
                {"bucket": "traces"},
                provider=aws_provider(default_tags={conv.RETENTION_CLASS_KEY: "traces"}),
            ),
        ),
        violations=(
            Expect(
                "traces",
                "expected an enabled lifecycle rule covering the whole bucket that expires "
                "objects: 1..30 days for class 'traces'",
            ),
        ),
    ),
    Case(
        "versioned-bucket-without-noncurrent-expiration",
        (
            _bucket("access-logs", _LOGS, versioning={"enabled": True}),
            _lifecycle("access-logs-expiry", "access-logs", [_expiring(30)]),
        ),
        violations=(Expect("access-logs", "lifecycle noncurrentVersionExpiration is missing on a versioned bucket"),),
    ),
    Case(
        "versioned-bucket-with-noncurrent-expiration-via-versioning-resource",
        (
            _bucket("access-logs", _LOGS),
            _res(
                conv.S3_VERSIONING,
                "access-logs-versioning",
                {"bucket": "access-logs", "versioningConfiguration": {"status": "Enabled"}},
            ),
            _lifecycle(
                "access-logs-expiry",
                "access-logs",
                [_expiring(30, noncurrentVersionExpiration={"noncurrentDays": 7})],
            ),
        ),
    ),
    Case(
        "versioning-resource-without-noncurrent-expiration",
        (
            _bucket("access-logs", _LOGS),
            _res(
                conv.S3_VERSIONING_V2,
                "access-logs-versioning",
                {"bucket": UNKNOWN_STRING, "versioningConfiguration": {"status": "Enabled"}},
                property_dependencies={"bucket": ("access-logs",)},
            ),
            _lifecycle("access-logs-expiry", "access-logs", [_expiring(30)]),
        ),
        violations=(Expect("access-logs", "noncurrentVersionExpiration is missing"),),
    ),
    Case(
        "inline-lifecycle-rules-on-bucket",
        (_bucket("access-logs", _LOGS, lifecycleRules=[{"enabled": True, "expiration": {"days": 60.0}}]),),
    ),
    Case(
        "inline-lifecycle-rule-disabled-on-bucket",
        (
            _bucket(
                "access-logs",
                _LOGS,
                lifecycleRules=[{"id": "old", "enabled": False, "expiration": {"days": 60}}],
            ),
        ),
        violations=(Expect("access-logs", "rule 'old' is disabled"),),
    ),
    Case(
        "inline-list-shaped-lifecycle-on-bucket-v2",
        (
            _res(
                conv.S3_BUCKET_V2,
                "access-logs",
                {
                    "bucket": "access-logs",
                    "tags": _LOGS,
                    "versionings": [{"enabled": True}],
                    "lifecycleRules": [
                        {
                            "enabled": True,
                            "expirations": [{"days": 30}],
                            "noncurrentVersionExpirations": [{"days": 7}],
                        }
                    ],
                },
            ),
        ),
    ),
    Case(
        "inline-list-shaped-lifecycle-without-expiration-on-bucket-v2",
        (
            _res(
                conv.S3_BUCKET_V2,
                "access-logs",
                {
                    "bucket": "access-logs",
                    "tags": _LOGS,
                    "lifecycleRules": [
                        {"id": "abort-uploads", "enabled": True, "abortIncompleteMultipartUploadDays": 7}
                    ],
                },
            ),
        ),
        violations=(Expect("access-logs", "rule 'abort-uploads' has no expiration"),),
    ),
    Case(
        "audit-bucket-with-object-lock-needs-noncurrent-expiration",
        (
            _bucket("audit-evidence", _AUDIT, objectLockEnabled=True),
            _lifecycle("audit-evidence-expiry", "audit-evidence", [_expiring(2600)]),
        ),
        violations=(Expect("audit-evidence", "noncurrentVersionExpiration is missing on a versioned bucket"),),
    ),
    Case(
        "audit-bucket-without-lifecycle",
        (_bucket("audit-evidence", _AUDIT, objectLockEnabled=True),),
        violations=(Expect("audit-evidence", "expires objects: at least 2555 days (7 years) for class 'audit'"),),
    ),
    # ECR
    Case(
        "ecr-repository-with-expiring-policy",
        (
            _res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),
            _ecr_policy("orders-images", "orders", _EXPIRE_IMAGES),
        ),
    ),
    Case(
        "ecr-policy-as-object-joined-by-dependency",
        (
            _res(conv.ECR_REPOSITORY, "orders", {"name": UNKNOWN_STRING}),
            _ecr_policy(
                "orders-images",
                UNKNOWN_STRING,
                json.loads(_EXPIRE_IMAGES),
                property_dependencies={"repository": ("orders",)},
            ),
        ),
    ),
    Case(
        "ecr-repository-without-policy",
        (_res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),),
        violations=(Expect("orders", "Repository 'orders': lifecycle policy is missing (images are kept forever)"),),
    ),
    Case(
        "ecr-policy-only-transitions",
        (
            _res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),
            _ecr_policy("orders-images", "orders", _ARCHIVE_IMAGES),
        ),
        violations=(Expect("orders", "does not expire images: its rules only transition images"),),
    ),
    Case(
        "ecr-policy-unknown",
        (
            _res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),
            _ecr_policy("orders-images", "orders", UNKNOWN_STRING),
        ),
        unverifiable=("orders",),
    ),
    # AWS Backup
    Case(
        "backup-plan-deletes-recovery-points",
        one(
            conv.BACKUP_PLAN,
            "nightly",
            {
                "rules": [
                    {
                        "ruleName": "daily",
                        "targetVaultName": "main",
                        "lifecycle": {"deleteAfter": 35},
                        "copyActions": [
                            {
                                "destinationVaultArn": "arn:aws:backup:us-west-2:1:backup-vault:dr",
                                "lifecycle": {"deleteAfter": 35.0},
                            }
                        ],
                    }
                ]
            },
            provider=_AWS,
        ),
    ),
    Case(
        "backup-plan-rule-without-delete-after",
        one(
            conv.BACKUP_PLAN,
            "nightly",
            {"rules": [{"ruleName": "daily", "targetVaultName": "main", "lifecycle": {"coldStorageAfter": 30}}]},
            provider=_AWS,
        ),
        violations=(
            Expect(
                "nightly",
                "rules[0].lifecycle.deleteAfter is unset on rule 'daily' (recovery points are kept forever)",
            ),
        ),
    ),
    Case(
        "backup-plan-copy-action-without-lifecycle",
        one(
            conv.BACKUP_PLAN,
            "nightly",
            {
                "rules": [
                    {
                        "ruleName": "daily",
                        "targetVaultName": "main",
                        "lifecycle": {"deleteAfter": 35},
                        "copyActions": [{"destinationVaultArn": "arn:aws:backup:us-west-2:1:backup-vault:dr"}],
                    }
                ]
            },
            provider=_AWS,
        ),
        violations=(Expect("nightly", "rules[0].copyActions[0].lifecycle.deleteAfter is unset"),),
    ),
    Case(
        "backup-plan-delete-after-unknown",
        one(
            conv.BACKUP_PLAN,
            "nightly",
            {
                "rules": [
                    {
                        "ruleName": "daily",
                        "targetVaultName": "main",
                        "lifecycle": {"deleteAfter": UNKNOWN_NUMBER},
                    }
                ]
            },
            provider=_AWS,
        ),
        unverifiable=("nightly",),
    ),
    # Kafka
    Case(
        "msk-topic-with-finite-retention",
        one(
            conv.MSK_TOPIC,
            "orders-events",
            {"configs": json.dumps({"retention.ms": "604800000"})},
            provider=_AWS,
        ),
    ),
    Case(
        "msk-topic-inherits-broker-retention",
        one(conv.MSK_TOPIC, "orders-events", {"partitionCount": 3}, provider=_AWS),
    ),
    Case(
        "msk-topic-retention-forever",
        one(conv.MSK_TOPIC, "orders-events", {"configs": json.dumps({"retention.ms": "-1"})}, provider=_AWS),
        violations=(Expect("orders-events", "configs['retention.ms'] is -1 (never deleted)"),),
    ),
    Case(
        "msk-topic-configs-unknown",
        one(conv.MSK_TOPIC, "orders-events", {"configs": UNKNOWN_STRING}, provider=_AWS),
        unverifiable=("orders-events",),
    ),
    Case(
        "kafka-topic-retention-forever",
        one(conv.KAFKA_TOPIC, "payments", {"config": {"retention.ms": -1, "cleanup.policy": "delete"}}),
        violations=(Expect("payments", "config['retention.ms'] is -1 (never deleted)"),),
    ),
    Case(
        "msk-configuration-broker-retention-forever",
        one(
            conv.MSK_CONFIGURATION,
            "brokers",
            {"serverProperties": "auto.create.topics.enable=false\nlog.retention.ms=-1\nlog.retention.hours=168\n"},
            provider=_AWS,
        ),
        violations=(Expect("brokers", "serverProperties log.retention.ms is -1 (never deleted)"),),
    ),
    Case(
        "msk-configuration-finite-broker-retention",
        one(
            conv.MSK_CONFIGURATION,
            "brokers",
            {"serverProperties": "# a week\nlog.retention.hours = 168\n"},
            provider=_AWS,
        ),
    ),
    # self-hosted telemetry
    Case(
        "kube-prometheus-stack-with-retention",
        (
            _helm(
                "monitoring",
                "kube-prometheus-stack",
                {"prometheus": {"prometheusSpec": {"retention": "15d", "retentionSize": "40GB"}}},
            ),
        ),
    ),
    Case(
        "kube-prometheus-stack-without-retention",
        (_helm("monitoring", "kube-prometheus-stack", {}),),
        violations=(
            Expect(
                "monitoring",
                "values.prometheus.prometheusSpec.retention is unset (retention left to the chart's default)",
            ),
        ),
    ),
    Case(
        "implicit-telemetry-retention-allowed",
        (_helm("monitoring", "kube-prometheus-stack", {}),),
        config={"allowImplicitTelemetryRetention": True},
    ),
    Case(
        "helm-values-unknown",
        (_helm("monitoring", "prometheus", UNKNOWN_OBJECT),),
        unverifiable=("monitoring",),
    ),
    Case(
        "helm-values-in-yaml-files-cannot-be-read",
        (_helm("monitoring", "prometheus-community/prometheus", {}, valueYamlFiles=[{"path": "values.yaml"}]),),
        unverifiable=("monitoring",),
    ),
    Case(
        "loki-without-retention",
        (_helm("logs", "grafana/loki", {"loki": {"auth_enabled": False}}),),
        violations=(Expect("logs", "values.loki.compactor.retention_enabled is unset (Loki keeps logs forever"),),
    ),
    Case(
        "loki-retention-disabled",
        (_helm("logs", "loki", {"loki": {"compactor": {"retention_enabled": False}}}),),
        violations=(Expect("logs", "values.loki.compactor.retention_enabled is false (Loki keeps logs forever)"),),
    ),
    Case(
        "loki-retention-without-period",
        (_helm("logs", "loki", {"loki": {"compactor": {"retention_enabled": True}}}),),
        violations=(Expect("logs", "values.loki.limits_config.retention_period is unset"),),
    ),
    Case(
        "loki-with-retention",
        (
            _helm(
                "logs",
                "loki",
                {
                    "loki": {
                        "compactor": {"retention_enabled": True, "delete_request_store": "s3"},
                        "limits_config": {"retention_period": "744h"},
                    }
                },
            ),
        ),
    ),
    Case(
        "tempo-distributed-with-block-retention",
        (
            _helm(
                "traces",
                "tempo-distributed",
                {"compactor": {"config": {"compaction": {"block_retention": "48h"}}}},
            ),
        ),
    ),
    Case(
        "prometheus-operator-cr-without-retention",
        (_res(conv.K8S_PROMETHEUS_CR, "main", {"spec": {"replicas": 2}}),),
        violations=(Expect("main", "spec.retention is unset"),),
    ),
    Case(
        "prometheus-operator-cr-with-retention",
        (_res(conv.K8S_PROMETHEUS_CR, "main", {"spec": {"retention": "7d"}}),),
    ),
    Case(
        "prometheus-container-args",
        (
            _pod_workload(
                conv.K8S_STATEFULSET,
                "prometheus",
                [
                    {
                        "name": "prometheus",
                        "image": "quay.io/prometheus/prometheus:v2.53.0",
                        "args": [
                            "--config.file=/etc/prometheus/prometheus.yml",
                            "--storage.tsdb.retention.time=15d",
                        ],
                    }
                ],
            ),
        ),
    ),
    Case(
        "prometheus-container-without-retention-flag",
        (
            _pod_workload(
                conv.K8S_DEPLOYMENT,
                "prometheus",
                [
                    {
                        "name": "prometheus",
                        "image": "prom/prometheus:v2.53.0",
                        "args": ["--config.file=/etc/prometheus/prometheus.yml"],
                    }
                ],
            ),
        ),
        violations=(
            Expect("prometheus", "spec.template.spec.containers[0].args --storage.tsdb.retention.time is unset"),
        ),
    ),
    Case(
        "loki-container-config-from-configmap",
        (
            _res(
                conv.K8S_CONFIGMAP,
                "loki-config",
                {"metadata": {"name": "loki-config"}, "data": {"loki.yaml": _LOKI_CONFIG_ON}},
            ),
            _pod_workload(
                conv.K8S_STATEFULSET,
                "loki",
                [
                    {
                        "name": "loki",
                        "image": "grafana/loki:3.1.0",
                        "args": ["-config.file=/etc/loki/loki.yaml"],
                    }
                ],
                [{"name": "config", "configMap": {"name": "loki-config"}}],
            ),
        ),
    ),
    Case(
        "loki-container-config-without-retention",
        (
            _res(
                conv.K8S_CONFIGMAP,
                "loki-config",
                {"metadata": {"name": "loki-config"}, "data": {"loki.yaml": _LOKI_CONFIG_OFF}},
            ),
            _pod_workload(
                conv.K8S_STATEFULSET,
                "loki",
                [
                    {
                        "name": "loki",
                        "image": "grafana/loki:3.1.0",
                        "args": ["-config.file=/etc/loki/loki.yaml"],
                    }
                ],
                [{"name": "config", "configMap": {"name": "loki-config"}}],
            ),
        ),
        violations=(
            Expect(
                "loki",
                "spec.template.spec.containers[0] Loki config compactor.retention_enabled "
                "is unset (Loki keeps logs forever",
            ),
        ),
    ),
    Case(
        "loki-container-config-not-in-stack",
        (
            _pod_workload(
                conv.K8S_STATEFULSET,
                "loki",
                [
                    {
                        "name": "loki",
                        "image": "grafana/loki:3.1.0",
                        "args": ["-config.file=/etc/loki/loki.yaml"],
                    }
                ],
                [{"name": "config", "configMap": {"name": "loki-config"}}],
            ),
        ),
        unverifiable=("loki",),
    ),
    Case(
        "non-telemetry-workload-is-ignored",
        (_pod_workload(conv.K8S_DEPLOYMENT, "api", [{"name": "api", "image": "ghcr.io/acme/api:1.2.3"}]),),
    ),
    # waivers
    Case(
        "waiver-valid",
        _log_group("legacy-logs", {}),
        config={
            "waivers": [
                {
                    "resources": ["legacy-logs"],
                    "ticket": "FIN-123",
                    "approvedBy": "platform-team",
                    "expires": _FUTURE,
                    "reason": "export to the archive first",
                }
            ]
        },
        waived=("legacy-logs",),
    ),
    Case(
        "waiver-expired",
        _log_group("legacy-logs", {}),
        config={
            "waivers": [
                {
                    "resources": ["legacy-logs"],
                    "ticket": "FIN-123",
                    "approvedBy": "platform-team",
                    "expires": _PAST,
                }
            ]
        },
        violations=(Expect("legacy-logs", f"not waived: waiver 'FIN-123' expired on {_PAST}"),),
    ),
    Case(
        "waiver-malformed",
        _log_group("legacy-logs", {}),
        config={"waivers": [{"resources": ["legacy-logs"], "ticket": "see slack", "expires": _FUTURE}]},
        violations=(Expect("legacy-logs", "not waived: waiver 'see slack' ticket 'see slack' does not match"),),
    ),
)

POLICY = PolicySpec(
    name=NAME,
    description="Data must not be kept forever: every log, trace, audit, image and backup store deletes what it keeps.",
    blocks=(
        "data kept forever: CloudWatch log group with `retentionInDays` unset or 0, Kafka/MSK "
        "`retention.ms=-1`, a log/trace/audit bucket with no expiring lifecycle rule, an ECR repository "
        "without an expiring lifecycle policy, a Backup plan rule without `deleteAfter`, self-hosted "
        "telemetry (Prometheus/Loki/Tempo) without a retention setting"
    ),
    why=(
        "Storage that never expires is the one cost that only grows: every day adds to the bill of every "
        "day after it, long after anyone reads the data. CloudWatch log groups, Loki and Kafka default to "
        "keeping everything, and S3 and ECR keep objects until something deletes them."
    ),
    fix=(
        "Give each store a finite retention: `retention_in_days` on log groups (or "
        "`finops_components.TelemetryRetention`), an Enabled whole-bucket S3 lifecycle rule with "
        "`expiration.days` (and `noncurrent_version_expiration` on versioned buckets), an ECR lifecycle "
        "policy with an `expire` rule, `lifecycle.delete_after` on Backup rules and copy actions, a "
        "positive `retention.ms`, and an explicit retention in Prometheus/Loki/Tempo values."
    ),
    scope="stack",
    check=check,
    config={
        "bucketClasses": ConfigKey(
            {"type": "array", "items": {"type": "string"}, "default": list(conv.EXPIRING_BUCKET_CLASSES)},
            f"Values of the `{conv.RETENTION_CLASS_KEY}` tag whose S3 buckets need an expiring lifecycle rule.",
        ),
        "allowImplicitTelemetryRetention": ConfigKey(
            {"type": "boolean", "default": False},
            "Accept self-hosted Prometheus/Tempo that rely on the chart's or operator's (finite) default "
            "retention instead of declaring one; Loki's default still fails, as it keeps logs forever.",
        ),
    },
    bad_example=BAD_EXAMPLE,
    good_example=GOOD_EXAMPLE,
    cases=CASES,
)
