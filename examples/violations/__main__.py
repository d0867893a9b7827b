"""Everything the pack exists to stop, written with raw pulumi-aws and pulumi-kubernetes resources.

Each block trips one policy (several trip more than one); `finops-guard preview` must exit 1 with
findings from all of them (`cost-review` needs the baseline: `--baseline baseline-cost.json`). The
program also holds a secret tag value and a secret environment variable (reports must never show
them) and a resource created inside a small component class (reports locate it at the line in that
class).
"""

import json

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

# Tags that would pass, to keep each violation below about one thing.
TAGS = {"service": "orders", "team": "payments", "domain": "order-management", "environment": "prod"}
SECRET_TAG = "orders-SECRET-TAG-7731"
SECRET_ENV = "SECRET-ENV-hunter2-5520"

# --- cost-allocation-tags: no tags at all; placeholder values; a secret value beside a gap ---------
aws.sqs.Queue("untagged-queue")
aws.sns.Topic("placeholder-topic", tags={**TAGS, "team": "TODO", "domain": "tbd"})
aws.dynamodb.Table(
    "secret-tagged-table",
    attributes=[{"name": "id", "type": "S"}],
    hash_key="id",
    billing_mode="PAY_PER_REQUEST",
    # `service` is a secret; `team` is missing.
    tags={"service": pulumi.Output.secret(SECRET_TAG), "domain": "order-management", "environment": "prod"},
)

# --- no-infinite-retention: a log group that never expires; a logs-classed bucket with no lifecycle;
# a function whose log group Lambda creates on the first invocation (/aws/lambda/orders-notifier),
# never expiring, because nobody declared it
aws.cloudwatch.LogGroup("forever-logs", name="/orders/forever", tags=TAGS)
aws.s3.Bucket("app-log-archive", tags={**TAGS, "retention-class": "logs"})
aws.lambda_.Function(
    "orders-notifier",
    name="orders-notifier",
    runtime="python3.12",
    handler="index.handler",
    role="arn:aws:iam::111122223333:role/orders-notifier",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return event\n")}),
    tags=TAGS,
)

# --- retention-tier: 365 days under class debug; an audit bucket without Object Lock COMPLIANCE ---
aws.cloudwatch.LogGroup(
    "debug-logs", name="/orders/debug", retention_in_days=365, tags={**TAGS, "retention-class": "debug"}
)
audit = aws.s3.Bucket("audit-evidence", tags={**TAGS, "retention-class": "audit"})
aws.s3.BucketVersioning("audit-evidence", bucket=audit.id, versioning_configuration={"status": "Enabled"})
aws.s3.BucketObjectLockConfiguration(
    "audit-evidence",
    bucket=audit.id,
    rule={"default_retention": {"mode": "GOVERNANCE", "days": 30}},
)
aws.s3.BucketLifecycleConfiguration(
    "audit-evidence",
    bucket=audit.id,
    rules=[
        {
            "id": "expire",
            "status": "Enabled",
            "filter": {},
            "expiration": {"days": 30},
            "noncurrent_version_expiration": {"noncurrent_days": 30},
        }
    ],
)

# --- cross-region-review: a queue in eu-west-1 whose dead-letter queue lives in us-east-1 --------
dead_letters = aws.sqs.Queue("orders-dead-letters", tags=TAGS)
eu_west = aws.Provider("eu-west", region="eu-west-1")
aws.sqs.Queue(
    "orders-eu",
    redrive_policy=dead_letters.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5})),
    tags=TAGS,
    opts=pulumi.ResourceOptions(provider=eu_west),
)

# --- bounded-db-pool, runtime-envelope, debug-telemetry-expiry: workloads on a small database ------
database = aws.rds.Instance(
    "orders-db",
    engine="postgres",
    engine_version="16",
    instance_class="db.t3.micro",  # max_connections defaults to about 112: no parameter group sets it
    allocated_storage=20,
    username="orders",
    manage_master_user_password=True,
    backup_retention_period=7,
    skip_final_snapshot=True,
    tags=TAGS,
)
labels = {**TAGS, "app": "orders-api"}
k8s.apps.v1.Deployment(
    "orders-api",
    metadata={"name": "orders-api", "labels": labels},
    spec={
        "selector": {"match_labels": {"app": "orders-api"}},
        "template": {
            "metadata": {"labels": labels},
            "spec": {
                "containers": [
                    {
                        "name": "api",
                        "image": "ghcr.io/example/orders-api:2.3.0",
                        "env": [
                            {"name": "DB_HOST", "value": database.address},
                            {"name": "DB_POOL_SIZE", "value": "50"},  # × 500 replicas ≫ max_connections
                            {"name": "JAVA_TOOL_OPTIONS", "value": "-Xmx1024m"},  # the whole 1Gi limit
                            {"name": "LOG_LEVEL", "value": "debug"},  # in prod, with no debug-until
                            {"name": "DB_PASSWORD", "value": pulumi.Output.secret(SECRET_ENV)},
                        ],
                        "resources": {
                            "requests": {"cpu": "250m", "memory": "1Gi"},
                            "limits": {"memory": "1Gi"},
                        },
                    }
                ]
            },
        },
    },
)
k8s.autoscaling.v2.HorizontalPodAutoscaler(
    "orders-api",
    metadata={"name": "orders-api", "labels": labels},
    spec={
        "scale_target_ref": {"api_version": "apps/v1", "kind": "Deployment", "name": "orders-api"},
        "min_replicas": 2,
        "max_replicas": 500,  # no sane cap
        "metrics": [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "average_utilization": 70}},
            }
        ],
    },
)
worker_labels = {**TAGS, "app": "orders-worker"}
k8s.apps.v1.Deployment(
    "orders-worker",
    metadata={"name": "orders-worker", "labels": worker_labels},
    spec={
        "replicas": 3,
        "selector": {"match_labels": {"app": "orders-worker"}},
        "template": {
            "metadata": {"labels": worker_labels},
            "spec": {
                # No requests or limits at all, and a database pool nobody bounded.
                "containers": [
                    {
                        "name": "worker",
                        "image": "ghcr.io/example/orders-worker:2.3.0",
                        "env": [{"name": "DB_HOST", "value": database.address}],
                    }
                ]
            },
        },
    },
)


# --- cost-budget, cost-review: `search` (search-cost-contract.yaml), over budget at max scale -----
# 40 pods of 4 vCPU and 16 GiB at max scale: far above the contract's hard review threshold, with no
# review; against baseline-cost.json (10 pods), its cost grew fourfold and its max replicas doubled.
search_labels = {"service": "search", "team": "discovery", "domain": "catalog", "environment": "prod", "app": "search"}
k8s.apps.v1.Deployment(
    "search",
    metadata={"name": "search", "labels": search_labels},
    spec={
        "selector": {"match_labels": {"app": "search"}},
        "template": {
            "metadata": {"labels": search_labels},
            "spec": {
                "containers": [
                    {
                        "name": "search",
                        "image": "ghcr.io/example/search:3.1.0",
                        "resources": {"requests": {"cpu": "4", "memory": "16Gi"}, "limits": {"memory": "16Gi"}},
                    }
                ]
            },
        },
    },
)
k8s.autoscaling.v2.HorizontalPodAutoscaler(
    "search",
    metadata={"name": "search", "labels": search_labels},
    spec={
        "scale_target_ref": {"api_version": "apps/v1", "kind": "Deployment", "name": "search"},
        "min_replicas": 4,
        "max_replicas": 40,
    },
)


# --- a resource created inside a component: findings point at the line in the class -------------
class LegacyAuditTrail(pulumi.ComponentResource):
    """A hand-rolled component that forgets the retention its log group needs."""

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("violations:index:LegacyAuditTrail", name, {}, opts)
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-trail", name=f"/legacy/{name}", tags=TAGS, opts=pulumi.ResourceOptions(parent=self)
        )
        self.register_outputs({"log_group_name": self.log_group.name})


LegacyAuditTrail("legacy-audit")
