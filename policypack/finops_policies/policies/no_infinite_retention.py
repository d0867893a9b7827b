"""Data must not be kept forever.

The stack check flags every store that never deletes what it keeps:

- a CloudWatch log group with `retentionInDays` unset or 0;
- a Kafka topic with `retention.ms` -1 (`aws:msk/topic` `configs` JSON, pulumi-kafka `config`, Strimzi
  `spec.config`) and an MSK configuration whose `serverProperties` set a negative
  `log.retention.{ms,minutes,hours}` (first of those present wins, as in Kafka);
- an S3 bucket whose `retention-class` tag is one of `bucketClasses` (logs, traces, audit ...) with
  no enabled, whole-bucket lifecycle rule that expires objects (`expiration.days`/`date`; on a
  versioned bucket also `noncurrentVersionExpiration`, without `newerNoncurrentVersions`: that many
  noncurrent versions of each object are kept with no time limit). Rules are read inline (`Bucket.lifecycleRules`,
  list-shaped on `BucketV2`) and from `BucketLifecycleConfiguration` (+V2) resources joined by their
  `bucket` input, or by its property dependency while the name is unknown in preview;
- an ECR repository with no lifecycle policy, or one that leaves some images unexpired: images no
  rule selects (a rule for `tmp-*` tags selects only those), or images a rule only transitions to
  the archive storage class (`_retention/ecr.py` says exactly when every image expires);
- a Backup plan rule (or copy action) without `lifecycle.deleteAfter`;
- self-hosted Prometheus, Loki or Tempo (Helm release/chart values, the Prometheus operator's CR,
  or a Deployment/StatefulSet/Pod's container args and mounted ConfigMaps) without an explicit
  retention; Loki deletes nothing unless `compactor.retention_enabled` is on with a period;
- a log group AWS creates by itself, never expiring, for a resource of the stack (a Lambda function,
  RDS/Aurora log exports, EKS control-plane logging, ECS `awslogs-create-group`, API Gateway
  execution logging, CodeBuild), when the stack declares no such group: matched by exact name, by a
  name computed from the service resource (a property dependency of the group's `name` on it), or as
  the group the service is told to use (`_retention/implicit_logs.py`). A name unknown until apply
  that a declared group could turn out to have makes the finding unverifiable.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from finops_policies import conventions as conv
from finops_policies.findings import Finding
from finops_policies.resources import ResourceView, StackView
from finops_policies.spec import ConfigKey, PolicySpec
from finops_policies.values import UNKNOWN, shown

from ._retention.classes import declared_class, expected_for, suggested_days
from ._retention.forever import KAFKA_TYPES
from ._retention.implicit_logs import (
    CHECKED,
    IMPLICIT_TYPES,
    NOT_CHECKED,
    DeclaredGroups,
    Found,
    Unreadable,
    groups_of,
)
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
    elif retention.noncurrent_reasons:
        yield _finding(
            r,
            prop,
            f"does not expire every noncurrent version: {retention.noncurrent_reasons[0]}",
            nc_expected,
            _KEPT_VERSIONS_FIX,
        )
    else:
        yield _finding(
            r,
            prop,
            "is missing on a versioned bucket (noncurrent versions are kept forever)",
            nc_expected,
            nc_fix,
        )


#: NewerNoncurrentVersions keeps that many versions of each object with no time limit.
_KEPT_VERSIONS_FIX = (
    "drop newer_noncurrent_versions from noncurrent_version_expiration, so noncurrent_days alone expires "
    "every noncurrent version"
)


def _judge_ecr(r: ResourceView, index: RetentionIndex) -> Iterator[Finding]:
    verdict, reason = index.ecr(r)
    if verdict is True:
        return
    expected = (
        "an aws.ecr.LifecyclePolicy whose 'expire' rules select every image: a tagStatus 'any' rule, or rules for "
        "untagged images and for every tag (tagPatternList ['*'])"
    )
    if verdict is UNKNOWN:
        yield _finding(r, "lifecycle policy", "is unknown until apply", expected, "", unverifiable=True)
        return
    found = (
        "is missing (images are kept forever)"
        if reason == "no lifecycle policy"
        else f"does not expire every image: {reason}"
    )
    yield _finding(
        r,
        "lifecycle policy",
        found,
        expected,
        "add aws.ecr.LifecyclePolicy(repository=<repository>.name, policy=...) whose 'expire' rules select every "
        "image, e.g. untagged images sinceImagePushed 14 days, then a last rule of tagStatus 'any' with "
        "imageCountMoreThan 30",
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


def _judge_implicit(items: list[Found], declared: DeclaredGroups) -> Iterator[Finding]:
    for item in items:
        r = item.resource
        if isinstance(item, Unreadable):
            if not item.routes & declared.urns:
                found = "is unknown until apply (it decides whether AWS creates a log group that never expires)"
                yield _finding(r, item.property, found, item.expected, "", unverifiable=True)
            continue
        verdict = declared.judge(item)
        prop = f"log group {shown(item.shown_name, 120)}"
        if verdict.state == "unknown":
            found = f"(created by {item.service}, {item.trigger}) cannot be matched to a declared log group: "
            found += verdict.reason
            yield _finding(r, prop, found, item.expected, "", unverifiable=True)
        elif verdict.state == "missing":
            declares = "declares no such group" if item.name is not None else "has no log group that is or could be it"
            found = f"is created by {item.service} ({item.trigger}) and never expires: the stack {declares}"
            yield _finding(r, prop, found, item.expected, item.fix)


def check(stack: StackView, config: Mapping[str, Any]) -> Iterator[Finding]:
    index = RetentionIndex.of(stack)
    implicit = {r.urn: groups_of(r) for r in stack.resources if r.type in IMPLICIT_TYPES}
    declared = DeclaredGroups(stack, [item for items in implicit.values() for item in items])
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
        elif r.type in KAFKA_TYPES or is_strimzi_topic(r.type):
            yield from _judge_kafka(r)
        elif r.is_kubernetes:
            yield from _judge_telemetry(r, index, implicit_ok)
        if r.urn in implicit:
            yield from _judge_implicit(implicit[r.urn], declared)


def _implicit_services() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What `explain` lists: the services checked for log groups they create, and those left out."""
    checked = tuple(
        f"{s.service} ({s.resource_type}): creates {s.group} when {s.when}"
        + (f"; routed by {s.routed_by}" if s.routed_by else "; cannot be routed")
        + f". Source: {s.source}"
        for s in CHECKED
    )
    skipped = tuple(f"{service}: {why}" for service, why in NOT_CHECKED)
    return (
        (
            "Log groups AWS creates by itself (never expiring; declare each with a retention before the service, "
            "or route the logs to a declared group)",
            checked,
        ),
        ("Not checked, deliberately", skipped),
    )


POLICY = PolicySpec(
    name=NAME,
    description="Data must not be kept forever: every log, trace, audit, image and backup store deletes what it keeps.",
    blocks=(
        "data kept forever: CloudWatch log group with `retentionInDays` unset or 0, Kafka/MSK "
        "`retention.ms=-1`, a log/trace/audit bucket with no expiring lifecycle rule, an ECR repository "
        "without an expiring lifecycle policy, a Backup plan rule without `deleteAfter`, self-hosted "
        "telemetry (Prometheus/Loki/Tempo) without a retention setting; a log group AWS creates by itself "
        "(Lambda, RDS/Aurora log exports, EKS control-plane logs, ECS `awslogs-create-group`, API Gateway "
        "execution logs, CodeBuild) that the stack does not declare"
    ),
    why=(
        "Storage that never expires is the one cost that only grows: every day adds to the bill of every "
        "day after it, long after anyone reads the data. CloudWatch log groups, Loki and Kafka default to "
        "keeping everything, and S3 and ECR keep objects until something deletes them. A Lambda function, a "
        "database exporting logs or an EKS cluster writes to a log group AWS creates on first write when "
        "nobody declared it, and such a group never expires."
    ),
    fix=(
        "Give each store a finite retention: `retention_in_days` on log groups (or "
        "`finops_components.TelemetryRetention`), an Enabled whole-bucket S3 lifecycle rule with "
        "`expiration.days` (and `noncurrent_version_expiration` on versioned buckets), an ECR lifecycle "
        "policy with an `expire` rule, `lifecycle.delete_after` on Backup rules and copy actions, a "
        "positive `retention.ms`, and an explicit retention in Prometheus/Loki/Tempo values. Declare the log "
        "group a service would create (its exact name, with `retention_in_days`) before the service, or route "
        "the service's logs to a declared group; `finops_components.PooledDatabase` does it for its log exports."
    ),
    scope="stack",
    check=check,
    explain_sections=_implicit_services(),
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
)
