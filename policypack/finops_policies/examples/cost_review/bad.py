"""The services of `cost-review`'s baseline (`policy-config.json` beside this file), changed.

Against the baseline, `search` now scales to 40 pods instead of 10 (max replicas at least doubled,
and its cost at max scale grew far beyond 20 %), and sends its failed messages to a queue in
another region; `reports` adds a debug log stream that makes observability most of its cost (above
30 %, and its cost grew beyond 20 %). No review is recorded for any of it.
"""

import json

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s


def tags(service: str) -> dict[str, str]:
    return {"service": service, "team": "discovery", "domain": "catalog", "environment": "prod"}


search = {**tags("search"), "app": "search"}
k8s.apps.v1.Deployment(  # [cost-review]
    "search",
    metadata={"name": "search", "labels": search},
    spec={
        "selector": {"match_labels": {"app": "search"}},
        "template": {
            "metadata": {"labels": search},
            "spec": {
                "containers": [
                    {
                        "name": "search",
                        "image": "ghcr.io/acme/search:3.1.0",
                        "resources": {"requests": {"cpu": "4", "memory": "16Gi"}, "limits": {"memory": "16Gi"}},
                    }
                ]
            },
        },
    },
)
k8s.autoscaling.v2.HorizontalPodAutoscaler(
    "search",
    metadata={"name": "search", "labels": search},
    spec={
        "scale_target_ref": {"api_version": "apps/v1", "kind": "Deployment", "name": "search"},
        "min_replicas": 4,
        "max_replicas": 40,
    },
)
dead_letters = aws.sqs.Queue("search-dead-letters", tags=tags("search"))
west = aws.Provider("us-west-2", region="us-west-2")
aws.sqs.Queue(  # [cost-review]
    "search-reindex",
    redrive_policy=dead_letters.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5})),
    tags=tags("search"),
    opts=pulumi.ResourceOptions(provider=west),
)

aws.ec2.Instance(  # [cost-review]
    "reports", instance_type="m6i.large", ami="ami-0abcdef1234567890", tags=tags("reports")
)
aws.cloudwatch.LogGroup("reports-logs", retention_in_days=14, tags={**tags("reports"), "retention-class": "logs"})
aws.cloudwatch.LogGroup(  # [cost-review]
    "reports-debug-logs", retention_in_days=3, tags={**tags("reports"), "retention-class": "debug"}
)
