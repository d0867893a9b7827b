"""Debug logging and every trace kept in production, with no end date."""

import pulumi_kubernetes as k8s

labels = {"app": "orders-api", "service": "orders", "team": "payments", "domain": "checkout", "environment": "prod"}
k8s.apps.v1.Deployment(  # [debug-telemetry-expiry]
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
                        "env": [
                            {"name": "LOG_LEVEL", "value": "debug"},
                            {"name": "OTEL_TRACES_SAMPLER", "value": "always_on"},
                        ],
                        "resources": {"requests": {"cpu": "500m", "memory": "1280Mi"}, "limits": {"memory": "1536Mi"}},
                    }
                ],
            },
        },
    },
)
