"""Data keeps to the bounds of the retention class it declares.

A resource declares its class with the `retention-class` tag (AWS: its own `tags`, else `tagsAll`,
else the provider's `defaultTags`) or label (Kubernetes: `metadata.labels`, else the pod template's).
The class bounds come from `classes` in the policy config, merged field by field over the defaults
(seed 002 §11.5): debug ≤ 7 d, logs ≤ 90 d, traces ≤ 30 d, snapshots ≤ 30 d, dlq ≤ 14 d, audit ≥ 7 years
and immutable. Checked where a class is declared:

- CloudWatch log group `retentionInDays` (unset or 0 is forever);
- S3 bucket lifecycle: the earliest enabled whole-bucket expiration (inline or from a joined
  `BucketLifecycleConfiguration`), plus `noncurrentVersionExpiration` on a versioned bucket, whose
  noncurrent versions live expiration + noncurrent days in all;
- an immutable class (audit) on a bucket: `objectLockEnabled`, and a default retention in
  COMPLIANCE mode at least the class minimum long (`BucketObjectLockConfiguration` (+V2) joined to
  the bucket, or the inline `objectLockConfiguration`); other stores are held to the minimum only;
- SQS `messageRetentionSeconds`, Kinesis `retentionPeriod` (hours), RDS/DocumentDB/Neptune
  `backupRetentionPeriod`, ElastiCache `snapshotRetentionLimit`, CloudTrail Lake `retentionPeriod`,
  Backup plan `deleteAfter` (rules and copy actions), Strimzi `KafkaTopic` `retention.ms`;
- self-hosted Prometheus (operator CR `spec.retention`, container `--storage.tsdb.retention.time`)
  and Loki/Tempo containers whose config the stack shows.

An unknown class value is unverifiable; a class name that is not configured is a violation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseProvider, CaseResource, Expect, aws_provider, k8s_provider
from finops_policies.findings import Finding
from finops_policies.resources import ResourceView, StackView
from finops_policies.spec import ConfigKey, PolicySpec
from finops_policies.values import UNKNOWN, UNKNOWN_NUMBER, UNKNOWN_OBJECT, UNKNOWN_STRING, shown

from ._retention.buckets import BucketRetention, Lock
from ._retention.classes import class_bounds, declared_class, expected_for, suggested_days
from ._retention.kafka import is_strimzi_topic, kafka_topic_kept
from ._retention.kept import Kept, fmt
from ._retention.self_hosted import Telemetry, telemetry_of
from ._retention.stack_index import RetentionIndex
from ._retention.stores import KINESIS_STREAM, SQS_QUEUE, backup_plan_kept, log_group_kept, simple_kept

NAME = "retention-tier"
_EPSILON = 1e-9


def _finding(r: ResourceView, prop: str, found: str, expected: str, fix: str, *, unverifiable: bool = False) -> Finding:
    return Finding(r.urn, r.type, r.name, prop, found, expected, "" if unverifiable else fix, unverifiable)


def _from_telemetry(setting: Telemetry) -> Kept | None:
    """A telemetry setting as a retention to compare; None when it says nothing about time."""
    if setting.state in ("unknown", "hidden"):
        return Kept(setting.property, setting.found, None, unknown=True)
    if setting.state == "forever":
        return Kept(setting.property, setting.found, None, fix_text=setting.fix)
    if setting.state == "set" and setting.days is not None:
        return Kept(setting.property, setting.found, setting.days, setter=setting.property, duration=True)
    if setting.state == "set" and not setting.property.lower().endswith("size"):
        return Kept(setting.property, f"{setting.found} (not a duration)", None, unknown=True)
    # unset: the chart/operator default applies (no-infinite-retention asks for it to be explicit);
    # a size-only limit says nothing about time
    return None


def _measures(r: ResourceView, index: RetentionIndex) -> list[Kept]:
    """How long `r` keeps data, one entry per governing property; [] when this policy cannot tell."""
    if r.type == conv.LOG_GROUP:
        return [log_group_kept(r)]
    if r.type == conv.BACKUP_PLAN:
        return backup_plan_kept(r)
    if is_strimzi_topic(r.type) or r.type in (conv.MSK_TOPIC, conv.KAFKA_TOPIC):
        return kafka_topic_kept(r)
    if r.is_kubernetes:
        converted = (_from_telemetry(s) for s in telemetry_of(r, index))
        return [k for k in converted if k is not None]
    return simple_kept(r)


def _compare(r: ResourceView, kept: Kept, name: str, bounds: conv.RetentionBounds) -> Iterator[Finding]:
    expected = expected_for(name, bounds)
    fix = kept.fix(suggested_days(name, bounds), bounds)
    if kept.days is None:
        if kept.unknown:
            yield _finding(r, kept.property, kept.found, expected, "", unverifiable=True)
        elif bounds.max_days is not None:
            yield _finding(r, kept.property, kept.found, expected, fix)
        return
    too_long = bounds.max_days is not None and kept.days > bounds.max_days + _EPSILON
    too_short = bounds.min_days is not None and kept.days < bounds.min_days - _EPSILON
    if too_long or too_short:
        yield _finding(r, kept.property, kept.found, expected, fix)


def _current_text(retention: BucketRetention) -> str:
    days = retention.current_days or 0.0
    if retention.current_date is not None and retention.current_days is not None:
        return f"deletes everything on {shown(retention.current_date)} ({fmt(days)} days from today)"
    return f"is {fmt(days)} days"


def _bucket_time(
    r: ResourceView, retention: BucketRetention, name: str, bounds: conv.RetentionBounds
) -> Iterator[Finding]:
    expected = expected_for(name, bounds)
    target = round(suggested_days(name, bounds))
    versioned = retention.versioned
    fix = (
        f"set expiration.days={target} on an Enabled rule without a filter in the bucket's "
        "aws.s3.BucketLifecycleConfiguration"
    )
    prop = "lifecycle expiration"
    current = retention.current_days
    if bounds.max_days is not None:
        if current is None or current > bounds.max_days + _EPSILON:
            if retention.current_uncertain:
                found = (
                    "is unknown until apply (a lifecycle rule cannot be read yet)"
                    if current is None
                    else f"{_current_text(retention)}, and a rule that may expire sooner cannot be read yet"
                )
                yield _finding(r, prop, found, expected, "", unverifiable=True)
            elif current is None:
                yield _finding(r, prop, f"is missing: objects are kept forever ({retention.why()})", expected, fix)
            else:
                yield _finding(r, prop, _current_text(retention), expected, fix)
            return
        if versioned is not False:
            yield from _noncurrent(r, retention, current, bounds.max_days, expected)
    if bounds.min_days is not None:
        if current is not None and current < bounds.min_days - _EPSILON:
            yield _finding(
                r,
                prop,
                f"{_current_text(retention)}: objects are deleted before the class minimum",
                expected,
                f"raise expiration.days to at least {bounds.min_days}",
            )
        elif retention.current_uncertain and bounds.max_days is None:
            found = "is unknown until apply (a lifecycle rule that may expire sooner cannot be read yet)"
            yield _finding(r, prop, found, expected, "", unverifiable=True)


def _noncurrent(
    r: ResourceView, retention: BucketRetention, current: float, max_days: int, expected: str
) -> Iterator[Finding]:
    prop = "lifecycle noncurrentVersionExpiration"
    noncurrent = retention.noncurrent_days
    if noncurrent is None:
        if retention.noncurrent_uncertain or retention.versioned is UNKNOWN:
            found = "is unknown until apply (versioning or a rule cannot be read yet)"
            yield _finding(r, prop, found, expected, "", unverifiable=True)
        else:
            yield _finding(
                r,
                prop,
                "is missing on a versioned bucket (noncurrent versions are kept forever)",
                expected,
                f"add noncurrent_version_expiration.noncurrent_days so expiration.days plus it stays within "
                f"{max_days} days",
            )
        return
    total = current + noncurrent
    if total <= max_days + _EPSILON:
        return
    found = (
        f"keeps noncurrent versions {fmt(total)} days in all "
        f"({fmt(current)} until expiration + {fmt(noncurrent)})"
    )
    if retention.versioned is UNKNOWN:
        yield _finding(
            r,
            prop,
            f"{found} if the bucket is versioned, which is unknown until apply",
            expected,
            "",
            unverifiable=True,
        )
    else:
        yield _finding(
            r,
            prop,
            found,
            expected,
            f"lower expiration.days and noncurrent_version_expiration.noncurrent_days so their sum is at most "
            f"{max_days}",
        )


def _bucket_lock(r: ResourceView, retention: BucketRetention, name: str, min_days: int | None) -> Iterator[Finding]:
    at_least = f" for at least {min_days} days" if min_days is not None else ""
    years = f" ({min_days // 365} years)" if min_days is not None and min_days % 365 == 0 else ""
    expected = f"immutable storage for class '{name}': S3 Object Lock in COMPLIANCE mode{at_least}{years}"
    length = f"years={min_days // 365}" if min_days is not None and min_days % 365 == 0 else f"days={min_days or 1}"
    fix_lock = (
        "add aws.s3.BucketObjectLockConfiguration for this bucket with "
        f"rule.default_retention mode='COMPLIANCE', {length}"
    )
    enabled = retention.lock_enabled
    if enabled is UNKNOWN:
        yield _finding(r, "objectLockEnabled", "is unknown until apply", expected, "", unverifiable=True)
    elif enabled is False:
        yield _finding(
            r,
            "objectLockEnabled",
            "is unset (objects can be deleted or overwritten at any time)",
            expected,
            f"create the bucket with object_lock_enabled=True and {fix_lock.removeprefix('add ')}",
        )
    locks = retention.locks

    def long_enough(lock: Lock) -> bool:
        return isinstance(lock.days, float) and (min_days is None or lock.days >= min_days - _EPSILON)

    compliant = [k for k in locks if isinstance(k.mode, str) and k.mode.upper() == conv.OBJECT_LOCK_COMPLIANCE]
    if any(long_enough(k) for k in compliant):
        return
    prop = "objectLockConfiguration defaultRetention"
    if any(k.mode is UNKNOWN or k.days is UNKNOWN for k in locks):
        yield _finding(r, prop, "is unknown until apply", expected, "", unverifiable=True)
    elif not locks:
        yield _finding(r, prop, "is missing (no default retention protects new objects)", expected, fix_lock)
    elif compliant:
        days = compliant[0].days
        found = f"is {fmt(days)} days in COMPLIANCE mode" if isinstance(days, float) else "has no days or years"
        yield _finding(r, prop, found, expected, fix_lock)
    else:
        mode = locks[0].mode
        found = (
            f"mode is {shown(mode)} (a GOVERNANCE lock can be lifted by privileged users)"
            if isinstance(mode, str)
            else "mode is unset"
        )
        yield _finding(r, prop, found, expected, fix_lock)


def check(stack: StackView, config: Mapping[str, Any]) -> Iterator[Finding]:
    classes = class_bounds(config)
    allowed = ", ".join(sorted(classes))
    index = RetentionIndex.build(stack)
    for r in stack.resources:
        if r.is_plumbing:
            continue
        is_bucket = r.type in conv.S3_BUCKETS
        measures = [] if is_bucket else _measures(r, index)
        measured = is_bucket or bool(measures)
        # default tags reach every resource of a provider: only judge them where retention is measured
        declared = declared_class(r, with_provider_defaults=measured)
        if declared is None:
            continue
        if not declared.known:
            if measured:
                yield _finding(r, declared.source, "is unknown until apply", f"one of {allowed}", "", unverifiable=True)
            continue
        bounds = classes.get(declared.name)
        if bounds is None:
            yield _finding(
                r,
                declared.source,
                f"is {shown(declared.value)}, which is not a retention class",
                f"one of {allowed}",
                "use one of these classes, or define this one under the `classes` key of this policy's config",
            )
            continue
        if is_bucket:
            retention = index.bucket(r)
            yield from _bucket_time(r, retention, declared.name, bounds)
            if bounds.immutable:
                yield from _bucket_lock(r, retention, declared.name, bounds.min_days)
            continue
        for kept in measures:
            yield from _compare(r, kept, declared.name, bounds)


# --- documentation and cases ------------------------------------------------------------------
BAD_EXAMPLE = """\
import pulumi_aws as aws

# Class 'debug' allows at most 7 days, not a year.
aws.cloudwatch.LogGroup("checkout-debug", retention_in_days=365, tags={"retention-class": "debug"})

# Audit evidence anyone with delete rights can erase: no Object Lock, no expiry after 7 years.
aws.s3.Bucket("audit-evidence", tags={"retention-class": "audit"})
"""

GOOD_EXAMPLE = """\
import pulumi_aws as aws

aws.cloudwatch.LogGroup("checkout-debug", retention_in_days=7, tags={"retention-class": "debug"})

# WORM for 7 years (COMPLIANCE mode cannot be lifted), then deleted.
audit = aws.s3.Bucket("audit-evidence", object_lock_enabled=True, tags={"retention-class": "audit"})
aws.s3.BucketVersioning(
    "audit-evidence-versioning",
    bucket=audit.bucket,
    versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
)
aws.s3.BucketObjectLockConfiguration(
    "audit-evidence-lock",
    bucket=audit.bucket,
    rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
        default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(mode="COMPLIANCE", years=7),
    ),
)
aws.s3.BucketLifecycleConfiguration(
    "audit-evidence-expiry",
    bucket=audit.bucket,
    rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
        id="delete-after-lock",
        status="Enabled",
        expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=2557),
        noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
            noncurrent_days=1,
        ),
    )],
)
"""

_FUTURE = (dt.date.today() + dt.timedelta(days=60)).isoformat()
_PAST = (dt.date.today() - dt.timedelta(days=1)).isoformat()
_AWS = aws_provider()
_K8S = k8s_provider()
_KEY = conv.RETENTION_CLASS_KEY


def _tags(name: str) -> dict[str, str]:
    return {_KEY: name}


def _res(type_: str, name: str, props: Mapping[str, Any], **kw: Any) -> CaseResource:
    provider = kw.pop("provider", _K8S if type_.startswith("kubernetes:") else _AWS)
    return CaseResource(type_, name, props, provider=provider, **kw)


def _log_group(name: str, class_name: str | None, days: Any = None, **kw: Any) -> CaseResource:
    props: dict[str, Any] = {} if days is None else {"retentionInDays": days}
    if class_name is not None:
        props["tags"] = _tags(class_name)
    return _res(conv.LOG_GROUP, name, props, **kw)


def _bucket(name: str, class_name: str, **props: Any) -> CaseResource:
    return _res(conv.S3_BUCKET, name, {"bucket": name, "tags": _tags(class_name), **props})


def _lifecycle(
    name: str,
    bucket: str,
    days: Any,
    *,
    noncurrent: Any = None,
    by_dependency: bool = False,
    rules: Any = None,
) -> CaseResource:
    rule: dict[str, Any] = {"id": "expire", "status": "Enabled", "expiration": {"days": days}}
    if noncurrent is not None:
        rule["noncurrentVersionExpiration"] = {"noncurrentDays": noncurrent}
    props = {
        "bucket": UNKNOWN_STRING if by_dependency else bucket,
        "rules": [rule] if rules is None else rules,
    }
    deps = {"bucket": (bucket,)} if by_dependency else {}
    return _res(conv.S3_LIFECYCLE, name, props, property_dependencies=deps)


def _lock(name: str, bucket: str, mode: Any = "COMPLIANCE", **length: Any) -> CaseResource:
    return _res(
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


_UNKNOWN_DEFAULT_TAGS = CaseProvider(
    conv.AWS_PROVIDER, "default_7_51_1", {"region": "us-east-1", "defaultTags": UNKNOWN_STRING}
)


def _waiver(expires: str, ticket: str = "FIN-42", approver: str = "platform-team") -> dict[str, Any]:
    return {
        "waivers": [
            {
                "resources": ["checkout-debug"],
                "ticket": ticket,
                "approvedBy": approver,
                "expires": expires,
                "reason": "incident follow-up",
            }
        ]
    }


CASES = (
    # log groups
    Case("logs-log-group-14-days", (_log_group("orders-app-logs", "logs", 14),)),
    Case(
        "logs-log-group-never-expires",
        (_log_group("orders-app-logs", "logs"),),
        violations=(
            Expect(
                "orders-app-logs",
                "LogGroup 'orders-app-logs': retentionInDays is unset (never expires); expected 1..90 "
                "days for class 'logs'. Fix: set retention_in_days=14 or use "
                "finops_components.TelemetryRetention",
            ),
        ),
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
        (_res(conv.LOG_GROUP, "orders-app-logs", {"retentionInDays": 120, "tagsAll": _tags("logs")}),),
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
        (_res(conv.LOG_GROUP, "orders-app-logs", {"retentionInDays": 400, "tags": UNKNOWN_OBJECT}),),
        unverifiable=("orders-app-logs",),
    ),
    Case(
        "provider-default-tags-unknown",
        (_log_group("orders-app-logs", None, 400, provider=_UNKNOWN_DEFAULT_TAGS),),
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
        (_res("aws:ec2/instance:Instance", "bastion", {"tags": _tags("keep-me")}),),
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
            _res(
                conv.LOG_GROUP,
                "orders-app-logs",
                {
                    "retentionInDays": 400,
                    "kmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/s3cr3t-key",
                    "tags": {_KEY: "logs", "api-token": "hunter2-super-secret"},
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
        "logs-bucket-never-expires",
        (_bucket("access-logs", "logs"),),
        violations=(Expect("access-logs", "lifecycle expiration is missing: objects are kept forever"),),
    ),
    Case(
        "bucket-name-unknown-joined-by-property-dependency",
        (
            _res(conv.S3_BUCKET, "access-logs", {"bucket": UNKNOWN_STRING, "tags": _tags("traces")}),
            _lifecycle("access-logs-expiry", "access-logs", "45", by_dependency=True),
        ),
        violations=(Expect("access-logs", "lifecycle expiration is 45 days; expected 1..30 days for class 'traces'"),),
    ),
    Case(
        "bucket-lifecycle-rule-disabled",
        (
            _bucket("access-logs", "logs"),
            _lifecycle(
                "access-logs-expiry",
                "access-logs",
                30,
                rules=[{"id": "expire", "status": "Disabled", "expiration": {"days": 30}}],
            ),
        ),
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
            _bucket("access-logs", "logs", versioning={"enabled": True}),
            _lifecycle("access-logs-expiry", "access-logs", 30),
        ),
        violations=(Expect("access-logs", "noncurrentVersionExpiration is missing on a versioned bucket"),),
    ),
    Case(
        "inline-lifecycle-on-bucket-v2",
        (
            _res(
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
            _res(
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
            _res(
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
            _res(SQS_QUEUE, "orders-dlq", {"messageRetentionSeconds": 1209600, "tags": _tags("dlq")}),
            _res(SQS_QUEUE, "payments-dlq", {"tags": _tags("dlq")}),
        ),
    ),
    Case(
        "debug-queue-over-bound",
        (_res(SQS_QUEUE, "debug-events", {"messageRetentionSeconds": "1209600", "tags": _tags("debug")}),),
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
            _res(KINESIS_STREAM, "spans", {"retentionPeriod": 168, "tags": _tags("traces")}),
            _res(KINESIS_STREAM, "spans-archive", {"retentionPeriod": 2160, "tags": _tags("traces")}),
        ),
        violations=(Expect("spans-archive", "retentionPeriod is 2160 hours (90 days); expected 1..30 days"),),
    ),
    Case(
        "snapshots-database-backups",
        (
            _res(conv.RDS_INSTANCE, "read-model", {"backupRetentionPeriod": 7, "tags": _tags("snapshots")}),
            _res(
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
    Case(
        "snapshots-backup-plan",
        (
            _res(
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
    # self-hosted telemetry
    Case(
        "prometheus-cr-within-class",
        (
            _res(
                conv.K8S_PROMETHEUS_CR,
                "main",
                {"metadata": {"labels": _tags("traces")}, "spec": {"retention": "15d"}},
            ),
        ),
    ),
    Case(
        "prometheus-cr-over-class",
        (
            _res(
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
            _res(
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
        (_res(conv.K8S_DEPLOYMENT, "api", {"metadata": {"labels": _tags("forever")}}),),
        violations=(Expect("api", "metadata.labels.retention-class is 'forever', which is not a retention class"),),
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

_BOUNDS_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "properties": {
        "maxDays": {"type": ["integer", "null"], "minimum": 1},
        "minDays": {"type": ["integer", "null"], "minimum": 1},
        "immutable": {"type": "boolean"},
    },
    "additionalProperties": False,
}


def _default_classes() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, bounds in conv.RETENTION_CLASSES.items():
        entry: dict[str, Any] = {}
        if bounds.max_days is not None:
            entry["maxDays"] = bounds.max_days
        if bounds.min_days is not None:
            entry["minDays"] = bounds.min_days
        if bounds.immutable:
            entry["immutable"] = True
        out[name] = entry
    return out


POLICY = PolicySpec(
    name=NAME,
    description="Data keeps to the bounds of its declared retention class (debug, logs, traces, audit, "
    "snapshots, dlq).",
    blocks=(
        f"retention outside its declared class's bounds (`{conv.RETENTION_CLASS_KEY}` tag/label): debug, logs, "
        "traces, audit (WORM: S3 Object Lock COMPLIANCE, ≥ 7 y), snapshots, dlq"
    ),
    why=(
        "A retention class is a promise about cost and compliance at once: debug output and traces lose "
        "their value within days, so keeping them for months pays for storage nobody reads, while audit "
        "evidence must outlive everyone's memory of it and must not be erasable. The class makes the intent "
        "explicit; this policy holds the configuration to it."
    ),
    fix=(
        "Set the store's retention inside the class bounds (defaults: debug ≤ 7 d, logs ≤ 90 d, "
        "traces ≤ 30 d, snapshots ≤ 30 d, dlq ≤ 14 d, audit ≥ 7 y): `retention_in_days`, the lifecycle "
        "rule's `expiration.days` (+ noncurrent days on versioned buckets), `message_retention_seconds`, "
        "`retention_period`, `backup_retention_period`, `delete_after`. Audit buckets need "
        "`object_lock_enabled=True` and a COMPLIANCE default retention of at least 7 years. Or correct "
        "the class, or change its bounds under this policy's `classes` config."
    ),
    scope="stack",
    check=check,
    config={
        "classes": ConfigKey(
            {"type": "object", "additionalProperties": _BOUNDS_SCHEMA, "default": _default_classes()},
            "Bounds per retention class, `{class: {maxDays, minDays, immutable}}`, merged field by field over "
            "the defaults; a new key adds a class.",
        ),
    },
    bad_example=BAD_EXAMPLE,
    good_example=GOOD_EXAMPLE,
    cases=CASES,
)
