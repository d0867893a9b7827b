"""TelemetryRetention: log groups, audit evidence and snapshots, each kept as long as its class says.

What it creates, all tagged with the contract's cost allocation and a `retention-class` tag:

| resource | class | retention (contract field under `spec.telemetry`) |
|---|---|---|
| log group `<prefix>/debug` | debug | `debugRetentionDays` (default 3) |
| log group `<prefix>/app` | logs | `logRetentionDays` |
| log group `<prefix>/traces` | traces | `traceRetentionDays` |
| log group `<prefix>/error-traces` | traces | `errorTraceRetentionDays` (default 30) |
| audit bucket + versioning, Object Lock, lifecycle | audit | COMPLIANCE lock of `auditRetentionYears`; |
|   and a public access block | | Glacier IR after 90 d, Deep Archive after 1 y, expired after the lock |
| snapshot bucket + lifecycle (optional) | snapshots | expired after `snapshotRetentionDays` (≤ 30) |

CloudWatch accepts only some retention values (`conventions.CLOUDWATCH_RETENTION_DAYS`): a requested
value is rounded *up* to the next accepted one (the contract states the minimum the team needs), but
never past its class's maximum, in which case it is rounded down to the largest accepted value
inside the class (`finops_policies.cloudwatch`, the rule the pack's suggested fixes follow too).
"""

# No `from __future__ import annotations` here: the SDK's schema inference reads the args' and
# outputs' annotations as live objects (see finops_components.__init__).
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws
from finops_policies import cloudwatch
from finops_policies import conventions as conv

from ._common import flag, resolve_contract
from .allocation import Allocation
from .contract import ServiceCostContract, Telemetry

TYPE_TOKEN = "finops:index:TelemetryRetention"

#: Days after which audit evidence and snapshots move to colder storage classes.
AUDIT_TO_GLACIER_IR_DAYS = 90
AUDIT_TO_DEEP_ARCHIVE_DAYS = 365
ABORT_MULTIPART_DAYS = 7


def cloudwatch_retention_days(requested: int, retention_class: str) -> int:
    """The CloudWatch retention value for `requested` days in `retention_class` (see module doc).

    Raises `ValueError` when CloudWatch cannot keep the data that long inside the class.
    """
    if requested < 1:
        raise ValueError(f"retention must be >= 1 day: {requested}")
    days = cloudwatch.cloudwatch_retention_days(requested, conv.RETENTION_CLASSES[retention_class])
    if days is None:
        raise ValueError(
            f"CloudWatch Logs keeps data at most {max(conv.CLOUDWATCH_RETENTION_DAYS)} days: {requested} requested "
            f"for class {retention_class!r}"
        )
    return days


def lock_period_days(years: int) -> int:
    """Days that certainly cover an Object Lock of `years` years, leap days included."""
    return math.ceil(years * 365.25)


@dataclass(frozen=True)
class LogClass:
    """One log group the component creates."""

    suffix: str
    retention_class: str
    requested_days: Callable[[Telemetry], int]


LOG_CLASSES: tuple[LogClass, ...] = (
    LogClass("debug", "debug", lambda t: t.debug_retention_days),
    LogClass("app", "logs", lambda t: t.log_retention_days),
    LogClass("traces", "traces", lambda t: t.trace_retention_days),
    LogClass("error-traces", "traces", lambda t: t.error_trace_retention_days),
)


class TelemetryRetentionArgs(TypedDict):
    """Inputs of TelemetryRetention. Give the contract as exactly one of contractFile or contractYaml."""

    contract_file: NotRequired[str]
    """Path of the ServiceCostContract YAML file (relative to the program's working directory)."""
    contract_yaml: NotRequired[str]
    """The ServiceCostContract document itself, as YAML text."""
    log_group_prefix: NotRequired[str]
    """Prefix of the log group names; defaults to `/<namespace>/<service>`."""
    log_groups: NotRequired[bool]
    """Create the log groups (default true); off for an audit-only copy, e.g. a replica region."""
    audit_bucket: NotRequired[bool]
    """Create the WORM audit evidence bucket (default true)."""
    snapshot_bucket: NotRequired[bool]
    """Create a bucket for rebuildable read-model snapshots that expire (default false)."""


class TelemetryRetention(pulumi.ComponentResource):
    """Log groups per telemetry class, a WORM audit evidence bucket and an expiring snapshot bucket,
    each tagged with its retention class."""

    log_group_names: pulumi.Output[dict[str, str]]
    """Log group name per log class: debug, app, traces, error-traces."""
    retention_days: pulumi.Output[dict[str, int]]
    """Retention in days per log class, as set on the log groups."""
    audit_bucket_name: pulumi.Output[str | None]
    """Name of the audit evidence bucket, if created."""
    snapshot_bucket_name: pulumi.Output[str | None]
    """Name of the snapshot bucket, if created."""

    def __init__(
        self,
        name: str,
        args: TelemetryRetentionArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        contract: ServiceCostContract | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, {}, opts)
        resolved = resolve_contract("TelemetryRetention", args, contract)
        allocation = Allocation.of(resolved)
        telemetry = resolved.spec.telemetry
        child = pulumi.ResourceOptions(parent=self)
        prefix = args.get("log_group_prefix") or f"/{resolved.namespace}/{resolved.service}"

        self._log_groups: dict[str, aws.cloudwatch.LogGroup] = {}
        days_by_class: dict[str, int] = {}
        for log_class in LOG_CLASSES if flag("TelemetryRetention", args, "log_groups", True) else ():
            days = cloudwatch_retention_days(log_class.requested_days(telemetry), log_class.retention_class)
            days_by_class[log_class.suffix] = days
            self._log_groups[log_class.suffix] = aws.cloudwatch.LogGroup(
                f"{name}-{log_class.suffix}",
                name=f"{prefix.rstrip('/')}/{log_class.suffix}",
                retention_in_days=days,
                tags=allocation.aws_tags(log_class.retention_class),
                opts=child,
            )

        self._audit_bucket: aws.s3.Bucket | None = None
        if flag("TelemetryRetention", args, "audit_bucket", True):
            self._audit_bucket = self._audit_evidence(name, telemetry.audit_retention_years, allocation, child)

        self._snapshot_bucket: aws.s3.Bucket | None = None
        if flag("TelemetryRetention", args, "snapshot_bucket", False):
            self._snapshot_bucket = self._snapshots(name, telemetry.snapshot_retention_days, allocation, child)

        names = {suffix: group.name for suffix, group in self._log_groups.items()}
        # Output.all() of nothing is a list, not a map: an audit-only instance has no log groups.
        self.log_group_names = pulumi.Output.all(**names) if names else pulumi.Output.from_input({})
        self.retention_days = pulumi.Output.from_input(days_by_class)
        self.audit_bucket_name = pulumi.Output.from_input(self._audit_bucket.bucket if self._audit_bucket else None)
        self.snapshot_bucket_name = pulumi.Output.from_input(
            self._snapshot_bucket.bucket if self._snapshot_bucket else None
        )
        self.register_outputs(
            {
                "log_group_names": self.log_group_names,
                "retention_days": self.retention_days,
                "audit_bucket_name": self.audit_bucket_name,
                "snapshot_bucket_name": self.snapshot_bucket_name,
            }
        )

    @property
    def log_groups(self) -> dict[str, aws.cloudwatch.LogGroup]:
        """The log groups by class suffix (debug, app, traces, error-traces)."""
        return dict(self._log_groups)

    @property
    def audit_bucket(self) -> aws.s3.Bucket | None:
        return self._audit_bucket

    @property
    def snapshot_bucket(self) -> aws.s3.Bucket | None:
        return self._snapshot_bucket

    @staticmethod
    def _audit_evidence(name: str, years: int, allocation: Allocation, child: pulumi.ResourceOptions) -> aws.s3.Bucket:
        tags = allocation.aws_tags(conv.AUDIT_CLASS)
        expire_after = lock_period_days(years)
        # Object Lock can only be turned on when the bucket is created.
        bucket = aws.s3.Bucket(f"{name}-audit", object_lock_enabled=True, tags=tags, opts=child)
        aws.s3.BucketPublicAccessBlock(
            f"{name}-audit",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        versioning = aws.s3.BucketVersioning(
            f"{name}-audit",
            bucket=bucket.id,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        after_versioning = pulumi.ResourceOptions(parent=child.parent, depends_on=[versioning])
        aws.s3.BucketObjectLockConfiguration(
            f"{name}-audit",
            bucket=bucket.id,
            object_lock_enabled="Enabled",
            rule={"default_retention": {"mode": conv.OBJECT_LOCK_COMPLIANCE, "years": years}},
            opts=after_versioning,
        )
        # Evidence is rarely read after the first quarter: move it to cheaper classes, and delete it
        # (current and noncurrent versions) once the lock has run out, so it is not kept forever.
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-audit",
            bucket=bucket.id,
            rules=[
                {
                    "id": "audit-tiering-then-expiry",
                    "status": "Enabled",
                    "filter": {},
                    "transitions": [
                        {"days": AUDIT_TO_GLACIER_IR_DAYS, "storage_class": "GLACIER_IR"},
                        {"days": AUDIT_TO_DEEP_ARCHIVE_DAYS, "storage_class": "DEEP_ARCHIVE"},
                    ],
                    "noncurrent_version_transitions": [
                        {"noncurrent_days": AUDIT_TO_GLACIER_IR_DAYS, "storage_class": "GLACIER_IR"},
                        {"noncurrent_days": AUDIT_TO_DEEP_ARCHIVE_DAYS, "storage_class": "DEEP_ARCHIVE"},
                    ],
                    "expiration": {"days": expire_after},
                    "noncurrent_version_expiration": {"noncurrent_days": expire_after},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": ABORT_MULTIPART_DAYS},
                }
            ],
            opts=after_versioning,
        )
        return bucket

    @staticmethod
    def _snapshots(name: str, days: int, allocation: Allocation, child: pulumi.ResourceOptions) -> aws.s3.Bucket:
        bound = conv.RETENTION_CLASSES["snapshots"].max_days
        if bound is not None and days > bound:  # the contract model already bounds it; keep the promise local too
            raise ValueError(f"snapshot retention must be <= {bound} days: {days}")
        bucket = aws.s3.Bucket(f"{name}-snapshots", tags=allocation.aws_tags("snapshots"), opts=child)
        aws.s3.BucketPublicAccessBlock(
            f"{name}-snapshots",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        # Snapshots are rebuildable: expire them, and any version left behind, without tiering.
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-snapshots",
            bucket=bucket.id,
            rules=[
                {
                    "id": "snapshots-expiry",
                    "status": "Enabled",
                    "filter": {},
                    "expiration": {"days": days},
                    "noncurrent_version_expiration": {"noncurrent_days": 1},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": ABORT_MULTIPART_DAYS},
                }
            ],
            opts=child,
        )
        return bucket
