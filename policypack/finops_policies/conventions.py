"""Names and limits shared by the policy pack and the components.

Both sides import this module, so a component can never tag, label or size a resource differently
from what the pack expects. It is plain data and one-line predicates over it: no Pulumi import, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# --- cost allocation --------------------------------------------------------------------------
#: Keys every taggable resource carries (the cost contract's `spec.costAllocation.tags` requires them).
REQUIRED_TAG_KEYS: Final = ("service", "team", "domain", "environment")
#: Values that mean "someone will fill this in later" (compared case-insensitively).
PLACEHOLDER_VALUES: Final = frozenset({"todo", "tbd", "unknown", "n/a", "na", "changeme", "none", "null", "-"})


def is_placeholder(value: str, placeholders: frozenset[str] = PLACEHOLDER_VALUES) -> bool:
    """A value that means "someone will fill this in later" (trimmed, case-insensitive)."""
    return value.strip().lower() in placeholders
#: Keys OpenCost/Kubecost use to join out-of-cluster cost with a namespace and its labels.
OPENCOST_NAMESPACE_KEY: Final = "kubernetes_namespace"
OPENCOST_LABEL_PREFIX: Final = "kubernetes_label_"

# --- retention classes ------------------------------------------------------------------------
RETENTION_CLASS_KEY: Final = "retention-class"


@dataclass(frozen=True)
class RetentionBounds:
    """How long data of one class may (max) or must (min) be kept, in days."""

    max_days: int | None
    min_days: int | None = None
    immutable: bool = False

    def admits(self, days: float) -> bool:
        """Whether keeping data `days` days is inside these bounds."""
        return (self.min_days is None or days >= self.min_days) and (self.max_days is None or days <= self.max_days)


#: Default bounds per class: debug is short, app logs at most 90 d (14 d hot, then archive), traces
#: 30 d (error traces are kept longest), read-model snapshots 30 d (rebuildable), DLQ payloads short,
#: audit evidence at least 7 years and WORM.
RETENTION_CLASSES: Final[dict[str, RetentionBounds]] = {
    "debug": RetentionBounds(max_days=7),
    "logs": RetentionBounds(max_days=90),
    "traces": RetentionBounds(max_days=30),
    "snapshots": RetentionBounds(max_days=30),
    "dlq": RetentionBounds(max_days=14),
    "audit": RetentionBounds(max_days=None, min_days=7 * 365, immutable=True),
}
#: Days of retention each class gets when nothing says otherwise: what the components build by default
#: and what a policy's fix suggests (clamped into the configured bounds, then snapped for CloudWatch).
DEFAULT_RETENTION_DAYS: Final[dict[str, int]] = {
    "debug": 3,
    "logs": 14,
    "traces": 7,
    "snapshots": 30,
    "dlq": 14,
    "audit": 2557,
}
#: Error traces are kept longer than other traces (still inside the traces class).
DEFAULT_ERROR_TRACE_RETENTION_DAYS: Final = 30
#: Suggested days for a store that declares no class and only needs *some* finite retention.
DEFAULT_UNCLASSED_RETENTION_DAYS: Final = 14
#: Classes whose buckets must have an expiring lifecycle rule (no-infinite-retention).
EXPIRING_BUCKET_CLASSES: Final = ("debug", "logs", "traces", "audit", "snapshots", "dlq")
AUDIT_CLASS: Final = "audit"
AUDIT_MIN_YEARS: Final = 7
OBJECT_LOCK_COMPLIANCE: Final = "COMPLIANCE"

#: CloudWatch Logs accepts only these retention values (days): the `retentionInDays` values of the
#: PutRetentionPolicy API (AWS CloudWatch Logs API Reference).
CLOUDWATCH_RETENTION_DAYS: Final = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

# --- annotations and environment variables ----------------------------------------------------
ANNOTATION_PREFIX: Final = "finops.dev/"
DB_POOL_ANNOTATION: Final = "finops.dev/db-pool-size"
DEBUG_UNTIL_KEY: Final = "finops.dev/debug-until"
CROSS_REGION_REVIEW_TAG: Final = "finops.dev/cross-region-review"
DB_POOL_ENV_NAMES: Final = (
    "DB_POOL_SIZE",
    "SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE",
    "SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE",
    "HIKARI_MAXIMUM_POOL_SIZE",
    "DATABASE_POOL_SIZE",
)
LOG_LEVEL_ENV_NAMES: Final = ("LOG_LEVEL", "LOGGING_LEVEL_ROOT", "RUST_LOG", "LOGLEVEL")
TRACE_SAMPLING_ENV_NAMES: Final = ("OTEL_TRACES_SAMPLER_ARG", "TRACE_SAMPLING_RATE", "TRACES_SAMPLE_RATE")
JAVA_OPTS_ENV_NAMES: Final = ("JAVA_TOOL_OPTIONS", "JAVA_OPTS", "JDK_JAVA_OPTIONS")
#: Environments where debug telemetry needs no expiry.
DEV_ENVIRONMENTS: Final = frozenset({"dev", "development", "local", "sandbox"})

# --- limits -----------------------------------------------------------------------------------
DEFAULT_DB_RESERVE_PERCENT: Final = 10
DEFAULT_NON_HEAP_PERCENT: Final = 25
DEFAULT_MAX_REPLICAS_CAP: Final = 50
DEFAULT_TICKET_PATTERN: Final = r"^[A-Z][A-Z0-9]+-[0-9]+$"

# --- type tokens ------------------------------------------------------------------------------
AWS_PROVIDER: Final = "pulumi:providers:aws"
KUBERNETES_PROVIDER: Final = "pulumi:providers:kubernetes"
STACK_TYPE: Final = "pulumi:pulumi:Stack"

LOG_GROUP: Final = "aws:cloudwatch/logGroup:LogGroup"
S3_BUCKET: Final = "aws:s3/bucket:Bucket"
S3_BUCKET_V2: Final = "aws:s3/bucketV2:BucketV2"
S3_BUCKETS: Final = (S3_BUCKET, S3_BUCKET_V2)
S3_LIFECYCLE: Final = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
S3_LIFECYCLE_V2: Final = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
S3_LIFECYCLES: Final = (S3_LIFECYCLE, S3_LIFECYCLE_V2)
S3_OBJECT_LOCK: Final = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
S3_OBJECT_LOCK_V2: Final = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
S3_OBJECT_LOCKS: Final = (S3_OBJECT_LOCK, S3_OBJECT_LOCK_V2)
S3_VERSIONING: Final = "aws:s3/bucketVersioning:BucketVersioning"
S3_VERSIONING_V2: Final = "aws:s3/bucketVersioningV2:BucketVersioningV2"
S3_REPLICATION: Final = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
ECR_REPOSITORY: Final = "aws:ecr/repository:Repository"
ECR_LIFECYCLE_POLICY: Final = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
MSK_TOPIC: Final = "aws:msk/topic:Topic"
MSK_CONFIGURATION: Final = "aws:msk/configuration:Configuration"
KAFKA_TOPIC: Final = "kafka:index/topic:Topic"
BACKUP_PLAN: Final = "aws:backup/plan:Plan"
RDS_INSTANCE: Final = "aws:rds/instance:Instance"
RDS_CLUSTER: Final = "aws:rds/cluster:Cluster"
RDS_CLUSTER_INSTANCE: Final = "aws:rds/clusterInstance:ClusterInstance"
RDS_PARAMETER_GROUP: Final = "aws:rds/parameterGroup:ParameterGroup"
RDS_CLUSTER_PARAMETER_GROUP: Final = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
RDS_PROXY: Final = "aws:rds/proxy:Proxy"
ECS_SERVICE: Final = "aws:ecs/service:Service"
ECS_TASK_DEFINITION: Final = "aws:ecs/taskDefinition:TaskDefinition"
ASG: Final = "aws:autoscaling/group:Group"

K8S_DEPLOYMENT: Final = "kubernetes:apps/v1:Deployment"
K8S_STATEFULSET: Final = "kubernetes:apps/v1:StatefulSet"
K8S_DAEMONSET: Final = "kubernetes:apps/v1:DaemonSet"
K8S_JOB: Final = "kubernetes:batch/v1:Job"
K8S_CRONJOB: Final = "kubernetes:batch/v1:CronJob"
K8S_POD: Final = "kubernetes:core/v1:Pod"
K8S_SERVICE: Final = "kubernetes:core/v1:Service"
K8S_HPA_TYPES: Final = (
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    "kubernetes:autoscaling/v1:HorizontalPodAutoscaler",
    "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler",
    "kubernetes:autoscaling/v2beta1:HorizontalPodAutoscaler",
)
K8S_HELM_RELEASE: Final = "kubernetes:helm.sh/v3:Release"
K8S_HELM_CHART_V4: Final = "kubernetes:helm.sh/v4:Chart"
K8S_PROMETHEUS_CR: Final = "kubernetes:monitoring.coreos.com/v1:Prometheus"

# --- appended for runtime-envelope and debug-telemetry-expiry ---------------------------------
#: The tag/label key naming a resource's environment (one of REQUIRED_TAG_KEYS).
ENVIRONMENT_KEY: Final = "environment"
#: Log levels that count as debug telemetry (compared case-insensitively).
DEBUG_LOG_LEVELS: Final = frozenset({"debug", "trace", "all"})
#: OpenTelemetry's sampler selector; its argument is the first of TRACE_SAMPLING_ENV_NAMES.
OTEL_TRACES_SAMPLER_ENV: Final = "OTEL_TRACES_SAMPLER"
#: How far ahead a debug-until date may lie, in days.
DEFAULT_MAX_DEBUG_DAYS: Final = 30
LAMBDA_FUNCTION: Final = "aws:lambda/function:Function"
APPAUTOSCALING_TARGET: Final = "aws:appautoscaling/target:Target"
KEDA_SCALED_OBJECT: Final = "kubernetes:keda.sh/v1alpha1:ScaledObject"

# --- appended for bounded-db-pool --------------------------------------------------------------
#: Annotation (on a workload or its pod template) naming the database resource(s) it connects
#: to, by Pulumi resource name or DB identifier, comma-separated; for links no dependency shows.
DB_TARGET_ANNOTATION: Final = "finops.dev/db"
RDS_PROXY_TARGET: Final = "aws:rds/proxyTarget:ProxyTarget"
RDS_PROXY_DEFAULT_TARGET_GROUP: Final = "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup"
K8S_SECRET: Final = "kubernetes:core/v1:Secret"
K8S_CONFIGMAP: Final = "kubernetes:core/v1:ConfigMap"

# --- appended for implicit log groups (no-infinite-retention) ----------------------------------
EKS_CLUSTER: Final = "aws:eks/cluster:Cluster"
APIGATEWAY_METHOD_SETTINGS: Final = "aws:apigateway/methodSettings:MethodSettings"
CODEBUILD_PROJECT: Final = "aws:codebuild/project:Project"
#: RDS DB instance and cluster identifiers: 1-63 letters, digits or hyphens, a letter first, no trailing or
#: double hyphen, stored in lowercase (RDS API Reference, CreateDBInstance/CreateDBCluster identifier constraints).
RDS_IDENTIFIER_PATTERN: Final = r"^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,62}(?<!-)$"

# --- appended for cost-review ------------------------------------------------------------------
#: The review triggers a cost contract's `review.requiredWhen` may list (`cost-review` evaluates
#: them; N is a number of percent).
REVIEW_TRIGGER_PATTERN: Final = (
    r"^(monthly_cost_growth_gt_\d+(\.\d+)?_percent|observability_cost_gt_\d+(\.\d+)?_percent"
    r"|replica_count_doubles|new_cross_region_dependency)$"
)
REVIEW_TRIGGERS_DOC: Final = (
    "monthly_cost_growth_gt_<N>_percent, observability_cost_gt_<N>_percent, replica_count_doubles "
    "or new_cross_region_dependency"
)
