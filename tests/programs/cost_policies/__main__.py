"""Service `orders`: an autoscaled Deployment, its log groups and queues, as stack config sets them.

- `maxReplicas` (default 10): the HPA's max (min 2); each pod requests 1 vCPU and 2 GiB;
- `debugLogs` (default false): adds a debug-class log group (its declared ingestion is large);
- `crossRegion` (default false): adds a queue in eu-west-1 whose dead-letter queue is in us-east-1.
"""

import json

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

config = pulumi.Config()
max_replicas = config.get_int("maxReplicas") or 10
TAGS = {"service": "orders", "team": "payments", "domain": "checkout", "environment": "prod"}
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
                        "image": "ghcr.io/acme/orders-api:1.0.0",
                        "resources": {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"memory": "2Gi"}},
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
        "max_replicas": max_replicas,
    },
)
aws.cloudwatch.LogGroup("orders-logs", retention_in_days=14, tags={**TAGS, "retention-class": "logs"})
if config.get_bool("debugLogs"):
    aws.cloudwatch.LogGroup("orders-debug-logs", retention_in_days=3, tags={**TAGS, "retention-class": "debug"})

dead_letters = aws.sqs.Queue("orders-dead-letters", tags=TAGS)
if config.get_bool("crossRegion"):
    eu = aws.Provider("eu-west-1", region="eu-west-1")
    redrive = dead_letters.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5}))
    aws.sqs.Queue(
        "orders-eu",
        redrive_policy=redrive,
        tags=TAGS,
        opts=pulumi.ResourceOptions(provider=eu),
    )
