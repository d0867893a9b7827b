"""Cases of `retention-tier`: class bounds on log groups, buckets (expiration, noncurrent versions,
Object Lock), queues, streams, backups, Kafka and self-hosted telemetry; unknowns and waivers."""

from __future__ import annotations

from typing import Any

from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseResource, Expect, aws_provider
from finops_policies.cases.builders import (
    AWS_UNKNOWN_DEFAULT_TAGS,
    bucket,
    day,
    expiring_rule,
    lifecycle,
    log_group,
    pod_spec,
    res,
    retention_class,
    waivers,
    workload,
)
from finops_policies.policies._retention.stores import (
    DOCDB_CLUSTER,
    ELASTICACHE_REPLICATION_GROUP,
    EVENT_DATA_STORE,
    KINESIS_STREAM,
    NEPTUNE_CLUSTER,
    REDSHIFT_CLUSTER,
    SQS_QUEUE,
)
from finops_policies.values import UNKNOWN_NUMBER, UNKNOWN_OBJECT, UNKNOWN_STRING

_FUTURE = day(60)
_PAST = day(-1)
_tags = retention_class
#: An AWS provider whose default tags declare the audit class for every resource it creates.
_AUDIT_PROVIDER = aws_provider(default_tags={conv.RETENTION_CLASS_KEY: "audit"}, name="audit-account")


def _log_group(name: str, class_name: str | None, days: Any = None, **kw: Any) -> CaseResource:
    props: dict[str, Any] = {} if days is None else {"retentionInDays": days}
    if class_name is not None:
        props["tags"] = retention_class(class_name)
    return log_group(name, props, **kw)


def _bucket(name: str, class_name: str, **props: Any) -> CaseResource:
    return bucket(name, retention_class(class_name), **props)


def _lifecycle(
    name: str,
    bucket_name: str,
    days: Any,
    *,
    noncurrent: Any = None,
    by_dependency: bool = False,
    rules: Any = None,
) -> CaseResource:
    """A lifecycle configuration with one expiring rule (or `rules`)."""
    chosen = [expiring_rule(days, noncurrent=noncurrent)] if rules is None else rules
    return lifecycle(name, bucket_name, chosen, by_dependency=by_dependency)


def _lock(name: str, bucket: str, mode: Any = "COMPLIANCE", **length: Any) -> CaseResource:
    return res(
        conv.S3_OBJECT_LOCK,
        name,
        {"bucket": bucket, "rule": {"defaultRetention": {"mode": mode, **(length or {"years": 7})}}},
    )


def _audit_bucket(name: str = "audit-evidence", **props: Any) -> tuple[CaseResource, ...]:
    """A compliant audit bucket: Object Lock COMPLIANCE 7 years, deleted after the lock (2557 days)."""
    return (
        _bucket(name, "audit", objectLockEnabled=True, **props),
        _lifecycle(f"{name}-expiry", name, 2557, noncurrent=1),
    )


#: A class added by config, which no-infinite-retention's default bucketClasses do not list.
_REPORTS = {"classes": {"reports": {"maxDays": 90}}}


def _waiver(expires: str, ticket: str = "FIN-42", approver: str = "platform-team") -> dict[str, Any]:
    return waivers("checkout-debug", expires=expires, ticket=ticket, approved_by=approver, reason="incident follow-up")


CASES = (
    # log groups
    Case("logs-log-group-14-days", (_log_group("orders-app-logs", "logs", 14),)),
    Case(
        "logs-log-group-never-expires-is-no-infinite-retention-s-finding",
        (_log_group("orders-app-logs", "logs"),),
        note="kept forever: reported once, by no-infinite-retention (see its classed-log-group cases)",
    ),
    Case(
        "logs-log-group-over-bound",
        (_log_group("orders-app-logs", "logs", 400),),
        violations=(Expect("orders-app-logs", "retentionInDays is 400 days; expected 1..90 days for class 'logs'"),),
    ),
    Case("debug-log-group-days-as-string", (_log_group("checkout-debug", "debug", "7"),)),
    Case(
        "debug-log-group-days-as-float-over-bound",
        (_log_group("checkout-debug", "debug", 30.0),),
        violations=(
            Expect(
                "checkout-debug",
                "retentionInDays is 30 days; expected 1..7 days for class 'debug'. Fix: set retention_in_days=3",
            ),
        ),
    ),
    Case("audit-log-group-seven-years", (_log_group("audit-trail", "audit", 2557),)),
    Case(
        "audit-log-group-too-short",
        (_log_group("audit-trail", "audit", 365),),
        violations=(
            Expect(
                "audit-trail",
                "retentionInDays is 365 days; expected at least 2555 days (7 years) for "
                "class 'audit'. Fix: set retention_in_days=2557",
            ),
        ),
    ),
    Case("unclassed-log-group-is-not-judged", (_log_group("orders-app-logs", None, 400),)),
    Case(
        "class-from-provider-default-tags",
        (_log_group("traces-spans", None, 60, provider=aws_provider(default_tags=_tags("traces"))),),
        violations=(Expect("traces-spans", "expected 1..30 days for class 'traces'"),),
    ),
    Case(
        "resource-tag-overrides-provider-default-tags",
        (_log_group("orders-app-logs", "logs", 60, provider=aws_provider(default_tags=_tags("traces"))),),
    ),
    Case(
        "class-from-tags-all",
        (res(conv.LOG_GROUP, "orders-app-logs", {"retentionInDays": 120, "tagsAll": _tags("logs")}),),
        violations=(Expect("orders-app-logs", "retentionInDays is 120 days"),),
    ),
    Case(
        "retention-unknown",
        (_log_group("orders-app-logs", "logs", UNKNOWN_NUMBER),),
        unverifiable=("orders-app-logs",),
    ),
    Case(
        "class-value-unknown",
        (_log_group("orders-app-logs", UNKNOWN_STRING, 400),),
        unverifiable=("orders-app-logs",),
    ),
    Case(
        "class-tags-unknown",
        (res(conv.LOG_GROUP, "orders-app-logs", {"retentionInDays": 400, "tags": UNKNOWN_OBJECT}),),
        unverifiable=("orders-app-logs",),
    ),
    Case(
        "provider-default-tags-unknown",
        (_log_group("orders-app-logs", None, 400, provider=AWS_UNKNOWN_DEFAULT_TAGS),),
        unverifiable=("orders-app-logs",),
    ),
    Case(
        "unrecognised-class",
        (_log_group("orders-app-logs", "forever", 14),),
        violations=(
            Expect(
                "orders-app-logs",
                "tags.retention-class is 'forever', which is not a retention class; expected one of "
                "audit, debug, dlq, logs, snapshots, traces",
            ),
        ),
    ),
    Case(
        "unrecognised-class-on-any-resource",
        (res("aws:ec2/instance:Instance", "bastion", {"tags": _tags("keep-me")}),),
        violations=(Expect("bastion", "is 'keep-me', which is not a retention class"),),
    ),
    Case(
        "class-bounds-from-config",
        (_log_group("orders-app-logs", "logs", 60),),
        config={"classes": {"logs": {"maxDays": 30}}},
        violations=(Expect("orders-app-logs", "expected 1..30 days for class 'logs'"),),
    ),
    Case(
        "class-added-by-config",
        (_log_group("metrics-raw", "metrics", 14),),
        config={"classes": {"metrics": {"maxDays": 30}}},
    ),
    Case("class-name-matched-case-insensitively", (_log_group("orders-app-logs", " Logs ", 14),)),
    Case(
        "secret-values-are-never-shown",
        (
            res(
                conv.LOG_GROUP,
                "orders-app-logs",
                {
                    "retentionInDays": 400,
                    "kmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/s3cr3t-key",
                    "tags": {conv.RETENTION_CLASS_KEY: "logs", "api-token": "hunter2-super-secret"},
                },
            ),
        ),
        violations=(Expect("orders-app-logs", "retentionInDays is 400 days"),),
        never_shown=("s3cr3t-key", "hunter2-super-secret"),
    ),
    # buckets
    Case(
        "logs-bucket-expires-in-30-days",
        (_bucket("access-logs", "logs"), _lifecycle("access-logs-expiry", "access-logs", 30)),
    ),
    Case(
        "logs-bucket-expires-too-late",
        (_bucket("access-logs", "logs"), _lifecycle("access-logs-expiry", "access-logs", 365)),
        violations=(
            Expect(
                "access-logs",
                "Bucket 'access-logs': lifecycle expiration is 365 days; expected 1..90 "
                "days for class 'logs'. Fix: set expiration.days=14",
            ),
        ),
    ),
    Case(
        "logs-bucket-never-expires-is-no-infinite-retention-s-finding",
        (_bucket("access-logs", "logs"),),
        note="kept forever: reported once, by no-infinite-retention",
    ),
    Case(
        "configured-class-bucket-never-expires",
        (_bucket("access-logs", "reports"),),
        config=_REPORTS,
        violations=(
            Expect("access-logs", "lifecycle expiration is missing: objects are kept forever"),
            Expect("access-logs", "expected 1..90 days for class 'reports'"),
        ),
        note="no-infinite-retention's bucketClasses leave 'reports' out, so this policy reports it",
    ),
    Case(
        "bucket-name-unknown-joined-by-property-dependency",
        (
            res(conv.S3_BUCKET, "access-logs", {"bucket": UNKNOWN_STRING, "tags": _tags("traces")}),
            _lifecycle("access-logs-expiry", "access-logs", "45", by_dependency=True),
        ),
        violations=(Expect("access-logs", "lifecycle expiration is 45 days; expected 1..30 days for class 'traces'"),),
    ),
    Case(
        "bucket-lifecycle-rule-disabled",
        (
            _bucket("access-logs", "reports"),
            _lifecycle(
                "access-logs-expiry",
                "access-logs",
                30,
                rules=[{"id": "expire", "status": "Disabled", "expiration": {"days": 30}}],
            ),
        ),
        config=_REPORTS,
        violations=(Expect("access-logs", "rule 'expire' is disabled"),),
    ),
    Case(
        "bucket-lifecycle-rules-unknown",
        (
            _bucket("access-logs", "logs"),
            _lifecycle("access-logs-expiry", "access-logs", 30, rules=UNKNOWN_OBJECT),
        ),
        unverifiable=("access-logs",),
    ),
    Case(
        "versioned-bucket-total-within-bound",
        (
            _bucket("access-logs", "logs", versioning={"enabled": True}),
            _lifecycle("access-logs-expiry", "access-logs", 60, noncurrent=30),
        ),
    ),
    Case(
        "versioned-bucket-total-over-bound",
        (
            _bucket("access-logs", "logs", versioning={"enabled": True}),
            _lifecycle("access-logs-expiry", "access-logs", 60, noncurrent=60),
        ),
        violations=(
            Expect(
                "access-logs",
                "lifecycle noncurrentVersionExpiration keeps noncurrent versions 120 days "
                "in all (60 until expiration + 60)",
            ),
        ),
    ),
    Case(
        "versioned-bucket-without-noncurrent-expiration",
        (
            _bucket("access-logs", "reports", versioning={"enabled": True}),
            _lifecycle("access-logs-expiry", "access-logs", 30),
        ),
        config=_REPORTS,
        violations=(Expect("access-logs", "noncurrentVersionExpiration is missing on a versioned bucket"),),
    ),
    Case(
        "newer-noncurrent-versions-break-the-class-maximum",
        (
            _bucket("access-logs", "reports", versioning={"enabled": True}),
            _lifecycle(
                "access-logs-expiry",
                "access-logs",
                30,
                rules=[
                    expiring_rule(30, noncurrentVersionExpiration={"noncurrentDays": 7, "newerNoncurrentVersions": 5})
                ],
            ),
        ),
        config=_REPORTS,
        violations=(
            Expect(
                "access-logs",
                "does not expire every noncurrent version: rule 'expire' keeps the 5 newest noncurrent versions",
            ),
        ),
    ),
    Case(
        "newer-noncurrent-versions-on-a-logs-bucket-are-no-infinite-retention-s-finding",
        (
            _bucket("access-logs", "logs", versioning={"enabled": True}),
            _lifecycle(
                "access-logs-expiry",
                "access-logs",
                30,
                rules=[
                    expiring_rule(30, noncurrentVersionExpiration={"noncurrentDays": 7, "newerNoncurrentVersions": 5})
                ],
            ),
        ),
    ),
    Case(
        "versioned-logs-bucket-without-noncurrent-expiration-is-no-infinite-retention-s-finding",
        (
            _bucket("access-logs", "logs", versioning={"enabled": True}),
            _lifecycle("access-logs-expiry", "access-logs", 30),
        ),
    ),
    Case(
        "inline-lifecycle-on-bucket-v2",
        (
            res(
                conv.S3_BUCKET_V2,
                "debug-dumps",
                {
                    "bucket": "debug-dumps",
                    "tags": _tags("debug"),
                    "lifecycleRules": [{"enabled": True, "expirations": [{"days": 10}]}],
                },
            ),
        ),
        violations=(Expect("debug-dumps", "lifecycle expiration is 10 days; expected 1..7 days"),),
    ),
    # audit: immutable and at least 7 years
    Case(
        "audit-bucket-compliance-lock-seven-years",
        (*_audit_bucket(), _lock("audit-evidence-lock", "audit-evidence")),
    ),
    Case(
        "audit-bucket-without-object-lock",
        (
            _bucket("audit-evidence", "audit"),
            _lifecycle("audit-evidence-expiry", "audit-evidence", 2557, noncurrent=1),
        ),
        violations=(
            Expect("audit-evidence", "objectLockEnabled is unset (objects can be deleted or overwritten"),
            Expect("audit-evidence", "objectLockConfiguration defaultRetention is missing"),
        ),
    ),
    Case(
        "audit-bucket-governance-lock",
        (*_audit_bucket(), _lock("audit-evidence-lock", "audit-evidence", mode="GOVERNANCE")),
        violations=(Expect("audit-evidence", "mode is 'GOVERNANCE' (a GOVERNANCE lock can be lifted"),),
    ),
    Case(
        "audit-bucket-lock-too-short",
        (*_audit_bucket(), _lock("audit-evidence-lock", "audit-evidence", years=1)),
        violations=(
            Expect(
                "audit-evidence",
                "objectLockConfiguration defaultRetention is 365 days in COMPLIANCE "
                "mode; expected immutable storage for class 'audit': S3 Object Lock in "
                "COMPLIANCE mode for at least 2555 days (7 years)",
            ),
        ),
    ),
    Case(
        "audit-bucket-expires-before-seven-years",
        (
            _bucket("audit-evidence", "audit", objectLockEnabled=True),
            _lifecycle("audit-evidence-expiry", "audit-evidence", 365, noncurrent=1),
            _lock("audit-evidence-lock", "audit-evidence"),
        ),
        violations=(
            Expect(
                "audit-evidence",
                "lifecycle expiration is 365 days: objects are deleted before the class minimum",
            ),
        ),
    ),
    Case(
        "audit-bucket-inline-object-lock",
        (
            _bucket(
                "audit-evidence",
                "audit",
                objectLockEnabled=True,
                objectLockConfiguration={
                    "objectLockEnabled": "Enabled",
                    "rule": {"defaultRetention": {"mode": "COMPLIANCE", "days": 2600}},
                },
            ),
        ),
    ),
    Case(
        "audit-bucket-v2-list-shaped-object-lock",
        (
            res(
                conv.S3_BUCKET_V2,
                "audit-evidence",
                {
                    "bucket": "audit-evidence",
                    "tags": _tags("audit"),
                    "objectLockEnabled": True,
                    "objectLockConfiguration": {
                        "objectLockEnabled": "Enabled",
                        "rules": [{"defaultRetentions": [{"mode": "COMPLIANCE", "years": 7}]}],
                    },
                },
            ),
        ),
    ),
    Case(
        "audit-bucket-lock-joined-by-dependency-mode-unknown",
        (
            *_audit_bucket(),
            res(
                conv.S3_OBJECT_LOCK_V2,
                "audit-evidence-lock",
                {
                    "bucket": UNKNOWN_STRING,
                    "rule": {"defaultRetention": {"mode": UNKNOWN_STRING, "years": 7}},
                },
                property_dependencies={"bucket": ("audit-evidence",)},
            ),
        ),
        unverifiable=("audit-evidence",),
    ),
    # queues, streams, databases, backups
    Case(
        "dlq-queue-within-bound",
        (
            res(SQS_QUEUE, "orders-dlq", {"messageRetentionSeconds": 1209600, "tags": _tags("dlq")}),
            res(SQS_QUEUE, "payments-dlq", {"tags": _tags("dlq")}),
        ),
    ),
    Case(
        "debug-queue-over-bound",
        (res(SQS_QUEUE, "debug-events", {"messageRetentionSeconds": "1209600", "tags": _tags("debug")}),),
        violations=(
            Expect(
                "debug-events",
                "messageRetentionSeconds is 1209600 seconds (14 days); expected 1..7 days "
                "for class 'debug'. Fix: set message_retention_seconds=259200",
            ),
        ),
    ),
    Case(
        "traces-stream-hours",
        (
            res(KINESIS_STREAM, "spans", {"retentionPeriod": 168, "tags": _tags("traces")}),
            res(KINESIS_STREAM, "spans-archive", {"retentionPeriod": 2160, "tags": _tags("traces")}),
        ),
        violations=(Expect("spans-archive", "retentionPeriod is 2160 hours (90 days); expected 1..30 days"),),
    ),
    Case(
        "snapshots-database-backups",
        (
            res(conv.RDS_INSTANCE, "read-model", {"backupRetentionPeriod": 7, "tags": _tags("snapshots")}),
            res(
                conv.RDS_CLUSTER,
                "read-model-cluster",
                {"backupRetentionPeriod": 35.0, "tags": _tags("snapshots")},
            ),
        ),
        violations=(
            Expect(
                "read-model-cluster",
                "backupRetentionPeriod is 35 days; expected 1..30 days for class "
                "'snapshots'. Fix: set backup_retention_period=30",
            ),
        ),
    ),
    # stores whose documented maximum is below a class's minimum (an advisory, said once; never a fix the
    # provider rejects)
    Case(
        "audit-class-on-a-queue-is-advisory",
        (res(SQS_QUEUE, "audit-events", {"messageRetentionSeconds": 1209600, "tags": _tags("audit")}),),
        advisory=(
            Expect(
                "audit-events",
                "Queue 'audit-events': tags.retention-class is 'audit' (at least 2555 days (7 years) for class "
                "'audit'), but an SQS queue keeps messages at most 14 days (messageRetentionSeconds accepts "
                "60..1209600 seconds); expected a store that can keep audit evidence as its class asks. Fix: audit "
                "evidence belongs in a store that can keep it",
            ),
        ),
        note="Amazon SQS API: MessageRetentionPeriod from 60 to 1,209,600 seconds",
    ),
    Case(
        "audit-class-from-provider-default-tags-on-stores-that-cannot-keep-it",
        (
            res(SQS_QUEUE, "events", {}, provider=_AUDIT_PROVIDER),
            res(KINESIS_STREAM, "clicks", {"retentionPeriod": 8760}, provider=_AUDIT_PROVIDER),
            res(conv.RDS_INSTANCE, "ledger", {"backupRetentionPeriod": 35}, provider=_AUDIT_PROVIDER),
            res(
                conv.RDS_CLUSTER, "ledger-cluster", {"backupRetentionPeriod": UNKNOWN_NUMBER}, provider=_AUDIT_PROVIDER
            ),
            res(DOCDB_CLUSTER, "documents", {"backupRetentionPeriod": 7}, provider=_AUDIT_PROVIDER),
            res(NEPTUNE_CLUSTER, "graph", {}, provider=_AUDIT_PROVIDER),
            res(ELASTICACHE_REPLICATION_GROUP, "sessions", {"snapshotRetentionLimit": 35}, provider=_AUDIT_PROVIDER),
            res(REDSHIFT_CLUSTER, "warehouse", {"automatedSnapshotRetentionPeriod": 35}, provider=_AUDIT_PROVIDER),
        ),
        advisory=(
            Expect("events", "provider defaultTags.retention-class is 'audit'"),
            Expect("events", "an SQS queue keeps messages at most 14 days"),
            Expect("clicks", "a Kinesis data stream keeps records at most 365 days"),
            Expect("ledger", "an RDS instance keeps automated backups at most 35 days"),
            Expect("ledger-cluster", "an Aurora or Multi-AZ DB cluster keeps automated backups at most 35 days"),
            Expect("documents", "a DocumentDB cluster keeps automated backups at most 35 days"),
            Expect("graph", "a Neptune cluster keeps automated backups at most 35 days"),
            Expect("sessions", "an ElastiCache cache keeps automatic snapshots at most 35 days"),
            Expect("warehouse", "a Redshift cluster keeps automated snapshots at most 35 days"),
        ),
        note="no mandatory finding and no fix beyond the provider's maximum (35 days, 8760 hours, 1209600 s)",
    ),
    Case(
        "class-longer-than-cloudwatch-can-keep-is-advisory",
        (_log_group("ledger-audit", "archive", 3653),),
        config={"classes": {"archive": {"minDays": 4000}}},
        advisory=(Expect("ledger-audit", "a CloudWatch log group keeps log events at most 3653 days"),),
    ),
    Case(
        "class-shorter-than-cloudtrail-lake-keeps-is-advisory",
        (res(EVENT_DATA_STORE, "trail-lake", {"retentionPeriod": 7, "tags": _tags("scratch")}),),
        config={"classes": {"scratch": {"maxDays": 3}}},
        advisory=(Expect("trail-lake", "a CloudTrail Lake event data store keeps events at least 7 days"),),
    ),
    Case(
        "debug-class-on-cloudtrail-lake-suggests-its-minimum",
        (res(EVENT_DATA_STORE, "trail-lake", {"retentionPeriod": 30, "tags": _tags("debug")}),),
        violations=(Expect("trail-lake", "expected 1..7 days for class 'debug'. Fix: set retention_period=7"),),
        note="debug suggests 3 days; CloudTrail Lake accepts 7..3653 (CreateEventDataStore), so 7",
    ),
    Case(
        "snapshots-class-on-redshift",
        (res(REDSHIFT_CLUSTER, "warehouse", {"automatedSnapshotRetentionPeriod": 35, "tags": _tags("snapshots")}),),
        violations=(
            Expect(
                "warehouse",
                "automatedSnapshotRetentionPeriod is 35 days; expected 1..30 days for class 'snapshots'. "
                "Fix: set automated_snapshot_retention_period=30",
            ),
        ),
    ),
    Case(
        "snapshots-backup-plan",
        (
            res(
                conv.BACKUP_PLAN,
                "nightly",
                {
                    "tags": _tags("snapshots"),
                    "rules": [
                        {"ruleName": "daily", "lifecycle": {"deleteAfter": 30}},
                        {"ruleName": "monthly", "lifecycle": {"deleteAfter": 365}},
                    ],
                },
            ),
        ),
        violations=(Expect("nightly", "rules[1].lifecycle.deleteAfter is 365 days on rule 'monthly'"),),
    ),
    Case(
        "snapshots-backup-plan-with-cold-storage",
        (
            res(
                conv.BACKUP_PLAN,
                "nightly",
                {
                    "tags": _tags("snapshots"),
                    "rules": [{"ruleName": "daily", "lifecycle": {"coldStorageAfter": 30, "deleteAfter": 365}}],
                },
            ),
        ),
        violations=(
            Expect(
                "nightly",
                "Fix: set rules[0].lifecycle.delete_after=30 and remove cold_storage_after: a recovery point moved to "
                "cold storage stays there at least 90 days",
            ),
        ),
        note="AWS Backup Lifecycle: DeleteAfterDays must be at least 90 days after MoveToColdStorageAfterDays",
    ),
    # self-hosted telemetry
    Case(
        "prometheus-cr-within-class",
        (
            res(
                conv.K8S_PROMETHEUS_CR,
                "main",
                {"metadata": {"labels": _tags("traces")}, "spec": {"retention": "15d"}},
            ),
        ),
    ),
    Case(
        "prometheus-cr-over-class",
        (
            res(
                conv.K8S_PROMETHEUS_CR,
                "main",
                {"metadata": {"labels": _tags("debug")}, "spec": {"retention": "720h"}},
            ),
        ),
        violations=(
            Expect(
                "main",
                "spec.retention is '720h'; expected 1..7 days for class 'debug'. Fix: set spec.retention to '3d'",
            ),
        ),
    ),
    Case(
        "prometheus-container-label-on-pod-template",
        (
            res(
                conv.K8S_DEPLOYMENT,
                "prometheus",
                {
                    "spec": {
                        "template": {
                            "metadata": {"labels": _tags("logs")},
                            "spec": {
                                "containers": [
                                    {
                                        "name": "prometheus",
                                        "image": "prom/prometheus:v2.53.0",
                                        "args": ["--storage.tsdb.retention.time", "1y"],
                                    }
                                ]
                            },
                        }
                    }
                },
            ),
        ),
        violations=(Expect("prometheus", "args --storage.tsdb.retention.time is '1y'; expected 1..90 days"),),
    ),
    Case(
        "unrecognised-class-label",
        (res(conv.K8S_DEPLOYMENT, "api", {"metadata": {"labels": _tags("forever")}}),),
        violations=(Expect("api", "metadata.labels.retention-class is 'forever', which is not a retention class"),),
    ),
    Case(
        "cronjob-class-is-read-from-its-job-template-pods",
        (
            workload(
                conv.K8S_CRONJOB,
                "nightly-report",
                pod_spec([{"name": "report", "image": "ghcr.io/acme/report:1.0"}]),
                template_metadata={"labels": _tags("forever")},
            ),
        ),
        violations=(
            Expect(
                "nightly-report",
                "spec.jobTemplate.spec.template.metadata.labels.retention-class is 'forever', "
                "which is not a retention class",
            ),
        ),
        note="a CronJob's pods are at spec.jobTemplate.spec.template, not spec.template",
    ),
    # waivers
    Case(
        "waiver-valid",
        (_log_group("checkout-debug", "debug", 30),),
        config=_waiver(_FUTURE),
        waived=("checkout-debug",),
    ),
    Case(
        "waiver-expired",
        (_log_group("checkout-debug", "debug", 30),),
        config=_waiver(_PAST),
        violations=(Expect("checkout-debug", f"not waived: waiver 'FIN-42' expired on {_PAST}"),),
    ),
    Case(
        "waiver-malformed",
        (_log_group("checkout-debug", "debug", 30),),
        config=_waiver(_FUTURE, approver=""),
        violations=(Expect("checkout-debug", "not waived: waiver 'FIN-42' has no approvedBy"),),
    ),
)
