"""Data keeps to the bounds of the retention class it declares.

A resource declares its class with the `retention-class` tag (AWS: its own `tags`, else `tagsAll`,
else the provider's `defaultTags`) or label (Kubernetes: `metadata.labels`, else the pod template's).
The class bounds come from `classes` in the policy config, merged field by field over the defaults:
debug ≤ 7 d, logs ≤ 90 d, traces ≤ 30 d, snapshots ≤ 30 d, dlq ≤ 14 d, audit ≥ 7 years and
immutable. Checked where a class is declared:

- CloudWatch log group `retentionInDays`;
- S3 bucket lifecycle: the earliest enabled whole-bucket expiration (inline or from a joined
  `BucketLifecycleConfiguration`), plus `noncurrentVersionExpiration` on a versioned bucket, whose
  noncurrent versions live expiration + noncurrent days in all (a rule with `newerNoncurrentVersions`
  keeps that many versions of each object forever, so it bounds nothing);
- an immutable class (audit) on a bucket: `objectLockEnabled`, and a default retention in
  COMPLIANCE mode at least the class minimum long (`BucketObjectLockConfiguration` (+V2) joined to
  the bucket, or the inline `objectLockConfiguration`); other stores are held to the minimum only;
- SQS `messageRetentionSeconds`, Kinesis `retentionPeriod` (hours), RDS/DocumentDB/Neptune
  `backupRetentionPeriod`, ElastiCache `snapshotRetentionLimit`, Redshift
  `automatedSnapshotRetentionPeriod`, CloudTrail Lake `retentionPeriod`, Backup plan `deleteAfter`
  (rules and copy actions), Strimzi `KafkaTopic` `retention.ms`;
- self-hosted Prometheus (operator CR `spec.retention`, container `--storage.tsdb.retention.time`)
  and Loki/Tempo containers whose config the stack shows.

An unknown class value is unverifiable; a class name that is not configured is a violation.

A suggested value always lies in the range AWS documents for the setting (`finops_policies.provider_limits`).
Where no accepted value can meet the class (an audit class, ≥ 7 years, on an SQS queue that keeps
messages 14 days at most, an RDS instance whose backups last 35 days at most), the store is told so
once, as an advisory that never blocks: audit evidence belongs in a store that can keep it.

Data kept forever (a log group without retention, a logs bucket without an expiring rule) breaks a
class's maximum too, but it is reported once, by `no-infinite-retention`; this policy judges finite
retention, and "forever" only where that policy does not look (stores it does not judge, buckets of
classes outside its default `bucketClasses`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from finops_policies import conventions as conv
from finops_policies.findings import Finding
from finops_policies.provider_limits import DocumentedRange
from finops_policies.resources import ResourceView, StackView
from finops_policies.spec import ConfigKey, PolicySpec
from finops_policies.values import UNKNOWN, shown

from ._retention.buckets import BucketRetention, Lock
from ._retention.classes import DeclaredClass, class_bounds, declared_class, expected_for, suggested_days
from ._retention.forever import forever_is_reported_by_no_infinite_retention
from ._retention.kafka import is_strimzi_topic, kafka_topic_kept
from ._retention.kept import Kept, days_text, fmt
from ._retention.self_hosted import Telemetry, telemetry_of
from ._retention.stack_index import RetentionIndex
from ._retention.stores import backup_plan_kept, log_group_kept, simple_kept

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


def _beyond_the_store(
    r: ResourceView, accepted: DocumentedRange, declared: DeclaredClass, bounds: conv.RetentionBounds
) -> Finding:
    """The advisory for a class no accepted value of the store's setting can meet (said once, never blocking)."""
    name = declared.name
    keeps = accepted.keeps or f"a {r.type.rsplit(':', 1)[-1]} keeps data"
    longest, shortest = accepted.longest_days, accepted.shortest_days
    if bounds.min_days is not None and longest is not None and longest < bounds.min_days:
        reach = f"at most {days_text(longest)}"
    else:
        reach = f"at least {days_text(shortest or 0)}"
    if name == conv.AUDIT_CLASS:
        what = "audit evidence"
        where = (
            "audit evidence belongs in a store that can keep it: an S3 bucket with Object Lock in COMPLIANCE mode, "
            "or a CloudWatch log group of 2557 days or more; give this resource another class, or none"
        )
    else:
        what = f"data of class '{name}'"
        where = f"{what} belongs in a store that can keep it; give this resource a class it can keep, or none"
    return Finding(
        r.urn,
        r.type,
        r.name,
        declared.source,
        f"is {shown(declared.value)} ({expected_for(name, bounds)}), but {keeps} {reach} "
        f"({accepted.property} accepts {accepted.shown()})",
        f"a store that can keep {what} as its class asks",
        where,
        advisory=True,
    )


def _compare(
    r: ResourceView, kept: Kept, declared: DeclaredClass, bounds: conv.RetentionBounds, *, forever_elsewhere: bool
) -> Iterator[Finding]:
    name = declared.name
    accepted = kept.accepted
    if accepted is not None and not accepted.can_keep(bounds):
        yield _beyond_the_store(r, accepted, declared, bounds)
        return
    expected = expected_for(name, bounds)
    fix = kept.fix(suggested_days(name, bounds), bounds)
    if kept.days is None:
        if kept.unknown:
            yield _finding(r, kept.property, kept.found, expected, "", unverifiable=True)
        elif bounds.max_days is not None and not forever_elsewhere:
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
    r: ResourceView, retention: BucketRetention, name: str, bounds: conv.RetentionBounds, *, forever_elsewhere: bool
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
                if not forever_elsewhere:
                    yield _finding(r, prop, f"is missing: objects are kept forever ({retention.why()})", expected, fix)
            else:
                yield _finding(r, prop, _current_text(retention), expected, fix)
            return
        if versioned is not False:
            yield from _noncurrent(
                r, retention, current, bounds.max_days, expected, forever_elsewhere=forever_elsewhere
            )
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
    r: ResourceView,
    retention: BucketRetention,
    current: float,
    max_days: int,
    expected: str,
    *,
    forever_elsewhere: bool,
) -> Iterator[Finding]:
    prop = "lifecycle noncurrentVersionExpiration"
    noncurrent = retention.noncurrent_days
    if noncurrent is None:
        if retention.noncurrent_uncertain or retention.versioned is UNKNOWN:
            found = "is unknown until apply (versioning or a rule cannot be read yet)"
            yield _finding(r, prop, found, expected, "", unverifiable=True)
        elif retention.noncurrent_reasons and not forever_elsewhere:
            yield _finding(
                r,
                prop,
                f"does not expire every noncurrent version: {retention.noncurrent_reasons[0]}",
                expected,
                "drop newer_noncurrent_versions from noncurrent_version_expiration, so noncurrent_days alone "
                f"expires every noncurrent version (with expiration.days, within {max_days} days)",
            )
        elif not forever_elsewhere:
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
    found = f"keeps noncurrent versions {fmt(total)} days in all ({fmt(current)} until expiration + {fmt(noncurrent)})"
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
    index = RetentionIndex.of(stack)
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
        # data kept forever is no-infinite-retention's finding wherever that policy looks (reported once)
        forever_elsewhere = forever_is_reported_by_no_infinite_retention(r.type, declared.name)
        if is_bucket:
            retention = index.bucket(r)
            yield from _bucket_time(r, retention, declared.name, bounds, forever_elsewhere=forever_elsewhere)
            if bounds.immutable:
                yield from _bucket_lock(r, retention, declared.name, bounds.min_days)
            continue
        for kept in measures:
            yield from _compare(r, kept, declared, bounds, forever_elsewhere=forever_elsewhere)


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
)
