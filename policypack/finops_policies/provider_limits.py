"""The values AWS accepts for the retention settings the policies suggest, with the document that says so.

A fix that suggests a value the provider rejects fails the deploy it was meant to unblock. Every
policy that suggests a number for one of these settings clamps it into the documented range
(`DocumentedRange.nearest`), says when no value of the range can meet a retention class
(`DocumentedRange.can_keep`), and a test walks every fix the policies print against this table.
The sources are the AWS API references as published in botocore 1.44.8's service models (the text
of the API documentation) unless a line says otherwise.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Final

from . import conventions as conv


@dataclass(frozen=True)
class DocumentedRange:
    """The values one provider input accepts: `minimum..maximum` in `unit`, or only `allowed`."""

    types: tuple[str, ...]
    #: the input as the engine sends it (camelCase path)
    property: str
    #: the input as a fix names it (snake_case, as in a Python program)
    setter: str
    unit: str
    #: units in one day, to compare with retention classes (0 for counts)
    per_day: float
    minimum: float | None
    maximum: float | None
    #: which AWS document says so
    source: str
    allowed: tuple[int, ...] = ()
    #: what a store of this kind is, for messages ("an SQS queue keeps messages")
    keeps: str = ""

    def admits(self, value: float) -> bool:
        """Whether the provider accepts `value` (in `unit`)."""
        if self.allowed:
            return value in self.allowed
        return (self.minimum is None or value >= self.minimum) and (self.maximum is None or value <= self.maximum)

    def days(self, value: float | None) -> float | None:
        return None if value is None or not self.per_day else value / self.per_day

    @builtins.property  # the field `property` shadows the builtin in this class body
    def longest_days(self) -> float | None:
        return self.days(max(self.allowed)) if self.allowed else self.days(self.maximum)

    @builtins.property  # the field `property` shadows the builtin in this class body
    def shortest_days(self) -> float | None:
        return self.days(min(self.allowed)) if self.allowed else self.days(self.minimum)

    def can_keep(self, bounds: conv.RetentionBounds) -> bool:
        """Whether some accepted value keeps data within `bounds` (days)."""
        if self.allowed:
            return any(bounds.admits(v / self.per_day) for v in self.allowed)
        low, high = self.shortest_days, self.longest_days
        too_short = bounds.min_days is not None and high is not None and high < bounds.min_days
        too_long = bounds.max_days is not None and low is not None and low > bounds.max_days
        return not (too_short or too_long)

    def nearest(self, value: float) -> float:
        """`value` (in `unit`) moved into the accepted range (for `allowed` values: the nearest one at or above)."""
        if self.allowed:
            above = [v for v in self.allowed if v >= value]
            return float(min(above) if above else max(self.allowed))
        if self.minimum is not None:
            value = max(value, self.minimum)
        if self.maximum is not None:
            value = min(value, self.maximum)
        return value

    def shown(self) -> str:
        """`60..1209600 seconds`, `at least 1 days`, `one of 1, 3, 5, ...`."""
        if self.allowed:
            return f"one of {', '.join(str(v) for v in self.allowed)}"
        low = "" if self.minimum is None else _number(self.minimum)
        if self.maximum is None:
            return f"at least {low} {self.unit}"
        return f"{low}..{_number(self.maximum)} {self.unit}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


SQS_QUEUE: Final = "aws:sqs/queue:Queue"
KINESIS_STREAM: Final = "aws:kinesis/stream:Stream"
DOCDB_CLUSTER: Final = "aws:docdb/cluster:Cluster"
NEPTUNE_CLUSTER: Final = "aws:neptune/cluster:Cluster"
ELASTICACHE_CLUSTER: Final = "aws:elasticache/cluster:Cluster"
ELASTICACHE_REPLICATION_GROUP: Final = "aws:elasticache/replicationGroup:ReplicationGroup"
ELASTICACHE_SERVERLESS: Final = "aws:elasticache/serverlessCache:ServerlessCache"
REDSHIFT_CLUSTER: Final = "aws:redshift/cluster:Cluster"
DYNAMODB_TABLE: Final = "aws:dynamodb/table:Table"
EVENT_DATA_STORE: Final = "aws:cloudtrail/eventDataStore:EventDataStore"

_BUCKET_LIFECYCLES: Final = (*conv.S3_LIFECYCLES, *conv.S3_BUCKETS)
_BUCKET_LOCKS: Final = (*conv.S3_OBJECT_LOCKS, *conv.S3_BUCKETS)

RANGES: Final[tuple[DocumentedRange, ...]] = (
    DocumentedRange(
        (conv.LOG_GROUP,),
        "retentionInDays",
        "retention_in_days",
        "days",
        1.0,
        1,
        3653,
        "CloudWatch Logs API Reference, PutRetentionPolicy: 'Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, "
        "150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, and 3653'",
        allowed=conv.CLOUDWATCH_RETENTION_DAYS,
        keeps="a CloudWatch log group keeps log events",
    ),
    DocumentedRange(
        (SQS_QUEUE,),
        "messageRetentionSeconds",
        "message_retention_seconds",
        "seconds",
        86400.0,
        60,
        1_209_600,
        "Amazon SQS API Reference, SetQueueAttributes: MessageRetentionPeriod 'from 60 (1 minute) to 1,209,600 "
        "(14 days)'",
        keeps="an SQS queue keeps messages",
    ),
    DocumentedRange(
        (KINESIS_STREAM,),
        "retentionPeriod",
        "retention_period",
        "hours",
        24.0,
        24,
        8760,
        "Kinesis Data Streams API Reference, DecreaseStreamRetentionPeriod: 'The minimum value of a stream's "
        "retention period is 24 hours'; IncreaseStreamRetentionPeriod: 'The maximum value ... is 8760 hours'",
        keeps="a Kinesis data stream keeps records",
    ),
    DocumentedRange(
        (conv.RDS_INSTANCE,),
        "backupRetentionPeriod",
        "backup_retention_period",
        "days",
        1.0,
        0,
        35,
        "Amazon RDS API Reference, CreateDBInstance: BackupRetentionPeriod 'Must be a value from 0 to 35'",
        keeps="an RDS instance keeps automated backups",
    ),
    DocumentedRange(
        (conv.RDS_CLUSTER,),
        "backupRetentionPeriod",
        "backup_retention_period",
        "days",
        1.0,
        1,
        35,
        "Amazon RDS API Reference, CreateDBCluster: BackupRetentionPeriod 'Must be a value from 1 to 35'",
        keeps="an Aurora or Multi-AZ DB cluster keeps automated backups",
    ),
    DocumentedRange(
        (DOCDB_CLUSTER,),
        "backupRetentionPeriod",
        "backup_retention_period",
        "days",
        1.0,
        1,
        35,
        "Amazon DocumentDB API Reference, CreateDBCluster: BackupRetentionPeriod 'Must be a value from 1 to 35'",
        keeps="a DocumentDB cluster keeps automated backups",
    ),
    DocumentedRange(
        (NEPTUNE_CLUSTER,),
        "backupRetentionPeriod",
        "backup_retention_period",
        "days",
        1.0,
        1,
        35,
        "Amazon Neptune API Reference, CreateDBCluster: BackupRetentionPeriod 'Must be a value from 1 to 35'",
        keeps="a Neptune cluster keeps automated backups",
    ),
    DocumentedRange(
        (ELASTICACHE_CLUSTER, ELASTICACHE_REPLICATION_GROUP, ELASTICACHE_SERVERLESS),
        "snapshotRetentionLimit",
        "snapshot_retention_limit",
        "days",
        1.0,
        0,
        35,
        "Amazon ElastiCache User Guide, Scheduling automatic backups: 'The maximum backup retention limit is 35 "
        "days'; 0 turns automatic backups off",
        keeps="an ElastiCache cache keeps automatic snapshots",
    ),
    DocumentedRange(
        (REDSHIFT_CLUSTER,),
        "automatedSnapshotRetentionPeriod",
        "automated_snapshot_retention_period",
        "days",
        1.0,
        0,
        35,
        "Amazon Redshift API Reference, CreateCluster: AutomatedSnapshotRetentionPeriod 'Must be a value from 0 to 35'",
        keeps="a Redshift cluster keeps automated snapshots",
    ),
    DocumentedRange(
        (DYNAMODB_TABLE,),
        "pointInTimeRecovery.recoveryPeriodInDays",
        "point_in_time_recovery.recovery_period_in_days",
        "days",
        1.0,
        1,
        35,
        "Amazon DynamoDB API Reference, PointInTimeRecoverySpecification: RecoveryPeriodInDays (min 1, max 35)",
        keeps="DynamoDB point-in-time recovery keeps continuous backups",
    ),
    DocumentedRange(
        (EVENT_DATA_STORE,),
        "retentionPeriod",
        "retention_period",
        "days",
        1.0,
        7,
        3653,
        "AWS CloudTrail API Reference, CreateEventDataStore: RetentionPeriod (min 7, max 3653; 'up to 2557 days' "
        "with FIXED_RETENTION_PRICING)",
        keeps="a CloudTrail Lake event data store keeps events",
    ),
    DocumentedRange(
        _BUCKET_LIFECYCLES,
        "rules[].expiration.days",
        "expiration.days",
        "days",
        1.0,
        1,
        None,
        "Amazon S3 API Reference, LifecycleExpiration: Days 'must be a non-zero positive integer'",
    ),
    DocumentedRange(
        _BUCKET_LIFECYCLES,
        "rules[].noncurrentVersionExpiration.noncurrentDays",
        "noncurrent_version_expiration.noncurrent_days",
        "days",
        1.0,
        1,
        None,
        "Amazon S3 API Reference, NoncurrentVersionExpiration: NoncurrentDays 'must be a non-zero positive integer'",
    ),
    DocumentedRange(
        _BUCKET_LIFECYCLES,
        "rules[].noncurrentVersionExpiration.newerNoncurrentVersions",
        "noncurrent_version_expiration.newer_noncurrent_versions",
        "versions",
        0.0,
        1,
        100,
        "Amazon S3 API Reference, NoncurrentVersionExpiration: NewerNoncurrentVersions 'You can specify up to 100'",
    ),
    DocumentedRange(
        _BUCKET_LOCKS,
        "rule.defaultRetention.days",
        "days",
        "days",
        1.0,
        1,
        None,
        "Amazon S3 API Reference, DefaultRetention: a period of Days or Years, not both (no maximum published)",
    ),
    DocumentedRange(
        _BUCKET_LOCKS,
        "rule.defaultRetention.years",
        "years",
        "years",
        1 / 365,
        1,
        None,
        "Amazon S3 API Reference, DefaultRetention: a period of Days or Years, not both (no maximum published)",
    ),
    DocumentedRange(
        (conv.BACKUP_PLAN,),
        "rules[].lifecycle.deleteAfter",
        "delete_after",
        "days",
        1.0,
        1,
        None,
        "AWS Backup API Reference, Lifecycle: DeleteAfterDays 'must be at least 90 days after' "
        "MoveToColdStorageAfterDays",
    ),
)


def documented_range(resource_type: str, name: str) -> DocumentedRange | None:
    """The documented range of input `name` (engine camelCase path or a fix's snake_case name) on a type."""
    for entry in RANGES:
        if resource_type in entry.types and name in (entry.property, entry.setter):
            return entry
    return None

