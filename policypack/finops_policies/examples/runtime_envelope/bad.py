"""A JVM service whose heap is its whole memory limit, with no CPU request, under a 500-replica autoscaler."""

import pulumi_kubernetes as k8s

labels = {"app": "orders-api", "service": "orders", "team": "payments", "domain": "checkout", "environment": "prod"}
k8s.apps.v1.Deployment(  # [runtime-envelope]
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
                        # -Xmx = the container limit: no room for metaspace, threads, buffers -> OOMKilled
                        "env": [{"name": "JAVA_TOOL_OPTIONS", "value": "-Xmx1536m"}],
                        "resources": {"limits": {"memory": "1536Mi"}},
                    }
                ],
            },
        },
    },
)
k8s.autoscaling.v2.HorizontalPodAutoscaler(  # [runtime-envelope]
    "orders-api",
    metadata={"labels": labels},
    spec={
        "scale_target_ref": {"api_version": "apps/v1", "kind": "Deployment", "name": "orders-api"},
        "min_replicas": 2,
        "max_replicas": 500,
    },
)
