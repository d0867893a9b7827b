"""Stores whose retention is one numeric input: log groups, queues, streams, database backups,
CloudTrail Lake, and the rules of Backup plans."""

from __future__ import annotations

from typing import Final

from finops_policies import conventions as conv
from finops_policies import provider_limits as limits
from finops_policies.resources import ResourceView
from finops_policies.values import UNKNOWN, as_number, is_absent, lookup, shown

from .kept import Kept, days_text, fmt

SQS_QUEUE: Final = limits.SQS_QUEUE
KINESIS_STREAM: Final = limits.KINESIS_STREAM
DOCDB_CLUSTER: Final = limits.DOCDB_CLUSTER
NEPTUNE_CLUSTER: Final = limits.NEPTUNE_CLUSTER
ELASTICACHE_CLUSTER: Final = limits.ELASTICACHE_CLUSTER
ELASTICACHE_REPLICATION_GROUP: Final = limits.ELASTICACHE_REPLICATION_GROUP
REDSHIFT_CLUSTER: Final = limits.REDSHIFT_CLUSTER
EVENT_DATA_STORE: Final = limits.EVENT_DATA_STORE


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None



def _number_kept(
    resource: ResourceView,
    prop: str,
    *,
    unit: str,
    per_day: float,
    setter: str,
    default: float | None,
    default_note: str,
    forever_at_or_below: float | None = None,
) -> Kept:
    """A retention held by one numeric input, in `unit` (`per_day` units make one day)."""
    limit = limits.documented_range(resource.type, prop)
    raw = resource.get(prop)
    if raw is UNKNOWN:
        return Kept(prop, "is unknown until apply", None, unknown=True, setter=setter, per_day=per_day, limit=limit)
    if is_absent(raw):
        days = None if default is None else default / per_day
        return Kept(prop, f"is unset ({default_note})", days, setter=setter, per_day=per_day, limit=limit)
    number = as_number(raw)
    if number is None:
        return Kept(prop, f"is {shown(raw)} (not a number)", None, setter=setter, per_day=per_day, limit=limit)
    if forever_at_or_below is not None and number <= forever_at_or_below:
        return Kept(prop, f"is {fmt(number)} (never expires)", None, setter=setter, per_day=per_day, limit=limit)
    days = number / per_day
    suffix = "" if unit == "days" else f" ({days_text(round(days, 2))})"
    return Kept(prop, f"is {fmt(number)} {unit}{suffix}", days, setter=setter, per_day=per_day, limit=limit)


def log_group_kept(resource: ResourceView) -> Kept:
    """CloudWatch `retentionInDays`: absent or 0 means never expire; class DELIVERY forces 2 days."""
    setter = "retention_in_days"
    log_class = resource.get("logGroupClass")
    raw = resource.get("retentionInDays")
    if isinstance(log_class, str) and log_class.upper() == "DELIVERY":
        return Kept(
            "retentionInDays",
            "is fixed at 2 days by logGroupClass DELIVERY",
            2.0,
            setter=setter,
            cloudwatch=True,
        )
    if raw is UNKNOWN:
        return Kept("retentionInDays", "is unknown until apply", None, unknown=True, setter=setter, cloudwatch=True)
    if is_absent(raw):
        return Kept(
            "retentionInDays",
            "is unset (never expires)",
            None,
            unknown=log_class is UNKNOWN,
            setter=setter,
            cloudwatch=True,
        )
    number = as_number(raw)
    if number is None:
        return Kept("retentionInDays", f"is {shown(raw)} (not a number of days)", None, setter=setter, cloudwatch=True)
    if number <= 0:
        return Kept(
            "retentionInDays",
            f"is {fmt(number)} (never expires)",
            None,
            unknown=log_class is UNKNOWN,
            setter=setter,
            cloudwatch=True,
        )
    return Kept("retentionInDays", f"is {fmt(number)} days", number, setter=setter, cloudwatch=True)


def simple_kept(resource: ResourceView) -> list[Kept]:
    """Retention of the types held by a single numeric input (queues, streams, DB backups)."""
    t = resource.type
    if t == SQS_QUEUE:
        return [
            _number_kept(
                resource,
                "messageRetentionSeconds",
                unit="seconds",
                per_day=86400.0,
                setter="message_retention_seconds",
                default=345600.0,
                default_note="SQS keeps messages 4 days by default",
            )
        ]
    if t == KINESIS_STREAM:
        return [
            _number_kept(
                resource,
                "retentionPeriod",
                unit="hours",
                per_day=24.0,
                setter="retention_period",
                default=24.0,
                default_note="Kinesis keeps records 24 hours by default",
            )
        ]
    if t in (conv.RDS_INSTANCE, conv.RDS_CLUSTER, DOCDB_CLUSTER, NEPTUNE_CLUSTER):
        return [
            _number_kept(
                resource,
                "backupRetentionPeriod",
                unit="days",
                per_day=1.0,
                setter="backup_retention_period",
                default=1.0,
                default_note="automated backups kept 1 day by default",
            )
        ]
    if t in (ELASTICACHE_CLUSTER, ELASTICACHE_REPLICATION_GROUP):
        return [
            _number_kept(
                resource,
                "snapshotRetentionLimit",
                unit="days",
                per_day=1.0,
                setter="snapshot_retention_limit",
                default=0.0,
                default_note="no automatic snapshots by default",
            )
        ]
    if t == REDSHIFT_CLUSTER:
        return [
            _number_kept(
                resource,
                "automatedSnapshotRetentionPeriod",
                unit="days",
                per_day=1.0,
                setter="automated_snapshot_retention_period",
                default=1.0,
                default_note="automated snapshots kept 1 day by default",
            )
        ]
    if t == EVENT_DATA_STORE:
        return [
            _number_kept(
                resource,
                "retentionPeriod",
                unit="days",
                per_day=1.0,
                setter="retention_period",
                default=2555.0,
                default_note="CloudTrail Lake keeps events 2555 days by default",
            )
        ]
    return []


def backup_plan_kept(resource: ResourceView) -> list[Kept]:
    """`rules[].lifecycle.deleteAfter` and `rules[].copyActions[].lifecycle.deleteAfter` of a Backup plan."""
    rules = resource.get("rules")
    if rules is UNKNOWN:
        return [Kept("rules", "is unknown until apply", None, unknown=True)]
    out: list[Kept] = []
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        label = _text(lookup(rule, "ruleName"))
        named = f" on rule {shown(label)}" if label else ""
        out.append(
            _delete_after(lookup(rule, "lifecycle"), f"rules[{i}].lifecycle.deleteAfter", named, "recovery points")
        )
        copies = lookup(rule, "copyActions")
        if copies is UNKNOWN:
            out.append(Kept(f"rules[{i}].copyActions", "is unknown until apply", None, unknown=True))
            continue
        for j, copy in enumerate(copies if isinstance(copies, list) else []):
            prop = f"rules[{i}].copyActions[{j}].lifecycle.deleteAfter"
            out.append(_delete_after(lookup(copy, "lifecycle"), prop, named, "copied recovery points"))
    return out


def _delete_after(lifecycle: object, prop: str, named: str, what: str) -> Kept:
    setter = prop.replace("deleteAfter", "delete_after").replace("copyActions", "copy_actions")
    fix = f"set {setter} (days) so {what} expire"
    value = lookup(lifecycle, "deleteAfter")
    if lifecycle is UNKNOWN or value is UNKNOWN:
        return Kept(prop, f"is unknown until apply{named}", None, unknown=True, fix_text=fix)
    if is_absent(value):
        return Kept(prop, f"is unset{named} ({what} are kept forever)", None, fix_text=fix)
    number = as_number(value)
    if number is None or number <= 0:
        return Kept(prop, f"is {shown(value)}{named} ({what} are kept forever)", None, fix_text=fix)
    cold = as_number(lookup(lifecycle, "coldStorageAfter"))
    return Kept(prop, f"is {fmt(number)} days{named}", number, setter=setter, cold_storage_after=cold)

