"""Production logs at info and samples 10 % of traces; dev may debug freely.

To debug in production for a while, annotate the Deployment with an end date at most 30 days
ahead, e.g. metadata={"annotations": {"finops.dev/debug-until": "<YYYY-MM-DD>"}, ...}, and remove it
afterwards.
"""

import pulumi_kubernetes as k8s

prod = {"app": "orders-api", "service": "orders", "team": "payments", "domain": "checkout", "environment": "prod"}
k8s.apps.v1.Deployment(
    "orders-api",
    metadata={"labels": prod},
    spec={
        "selector": {"match_labels": {"app": "orders-api"}},
        "template": {
            "metadata": {"labels": prod},
            "spec": {
                "containers": [
                    {
                        "name": "app",
                        "image": "ghcr.io/acme/orders-api:1.4.2",
                        "env": [
                            {"name": "LOG_LEVEL", "value": "info"},
                            {"name": "OTEL_TRACES_SAMPLER", "value": "parentbased_traceidratio"},
                            {"name": "OTEL_TRACES_SAMPLER_ARG", "value": "0.1"},
                        ],
                        "resources": {"requests": {"cpu": "500m", "memory": "1280Mi"}, "limits": {"memory": "1536Mi"}},
                    }
                ],
            },
        },
    },
)

dev = {**prod, "app": "orders-api-dev", "environment": "dev"}
k8s.apps.v1.Deployment(
    "orders-api-dev",
    metadata={"labels": dev},
    spec={
        "selector": {"match_labels": {"app": "orders-api-dev"}},
        "template": {
            "metadata": {"labels": dev},
            "spec": {
                "containers": [
                    {
                        "name": "app",
                        "image": "ghcr.io/acme/orders-api:1.4.2",
                        "env": [{"name": "LOG_LEVEL", "value": "debug"}],
                        "resources": {"requests": {"cpu": "500m", "memory": "1280Mi"}, "limits": {"memory": "1536Mi"}},
                    }
                ],
            },
        },
    },
)
