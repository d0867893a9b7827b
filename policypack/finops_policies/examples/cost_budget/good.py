"""The same two services inside the budgets of `policy-config.json`: `search` scales to 10 pods, and
`reports` ships no debug log stream in production."""

import pulumi_aws as aws
import pulumi_kubernetes as k8s


def tags(service: str) -> dict[str, str]:
    return {"service": service, "team": "discovery", "domain": "catalog", "environment": "prod"}


search = {**tags("search"), "app": "search"}
k8s.apps.v1.Deployment(
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
        "max_replicas": 10,
    },
)

aws.ec2.Instance("reports", instance_type="m6i.large", ami="ami-0abcdef1234567890", tags=tags("reports"))
aws.cloudwatch.LogGroup("reports-logs", retention_in_days=14, tags={**tags("reports"), "retention-class": "logs"})
