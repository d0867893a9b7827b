"""20 replicas (the autoscaler's maximum) × 12 connections = 240, but orders-db allows 200 − 10 % = 180."""

import pulumi_aws as aws
import pulumi_kubernetes as k8s

params = aws.rds.ParameterGroup(
    "orders-pg",
    family="postgres16",
    parameters=[{"name": "max_connections", "value": "200"}],
)
db = aws.rds.Instance(  # [bounded-db-pool]
    "orders-db",
    engine="postgres",
    instance_class="db.t4g.medium",
    allocated_storage=20,
    username="orders",
    manage_master_user_password=True,
    parameter_group_name=params.name,
    skip_final_snapshot=True,
)
labels = {"app": "orders-api"}
k8s.apps.v1.Deployment(
    "orders-api",
    metadata={"name": "orders-api", "namespace": "orders"},
    spec={
        "replicas": 4,
        "selector": {"match_labels": labels},
        "template": {
            "metadata": {"labels": labels},
            "spec": {
                "containers": [
                    {
                        "name": "api",
                        "image": "ghcr.io/example/orders-api:1.4.2",
                        "env": [{"name": "DB_HOST", "value": db.address}, {"name": "DB_POOL_SIZE", "value": "12"}],
                    }
                ]
            },
        },
    },
)
k8s.autoscaling.v2.HorizontalPodAutoscaler(
    "orders-api",
    metadata={"name": "orders-api", "namespace": "orders"},
    spec={
        "scale_target_ref": {"api_version": "apps/v1", "kind": "Deployment", "name": "orders-api"},
        "min_replicas": 4,
        "max_replicas": 20,
        "metrics": [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "average_utilization": 70}},
            }
        ],
    },
)
