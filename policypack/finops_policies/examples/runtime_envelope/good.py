"""A 768Mi heap under a 1.5Gi limit, explicit requests, at most 10 replicas."""

import pulumi_kubernetes as k8s

labels = {"app": "orders-api", "service": "orders", "team": "payments", "domain": "checkout", "environment": "prod"}
k8s.apps.v1.Deployment(
    "orders-api",
    metadata={"labels": labels},
    spec={
        "selector": {"match_labels": {"app": "orders-api"}},
        "template": {
            "metadata": {"labels": labels},
            "spec": {
                "containers": [
                    {
                        "name": "app",
                        "image": "ghcr.io/acme/orders-api:1.4.2",
                        "env": [{"name": "JAVA_TOOL_OPTIONS", "value": "-Xmx768m -XX:+UseContainerSupport"}],
                        "resources": {
                            "requests": {"cpu": "500m", "memory": "1280Mi"},
                            "limits": {"memory": "1.5Gi"},
                        },
                    }
                ],
            },
        },
    },
)
k8s.autoscaling.v2.HorizontalPodAutoscaler(
    "orders-api",
    metadata={"labels": labels},
    spec={
        "scale_target_ref": {"api_version": "apps/v1", "kind": "Deployment", "name": "orders-api"},
        "min_replicas": 2,
        "max_replicas": 10,
    },
)
