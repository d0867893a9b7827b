"""8 replicas × a pool of 12 = 96 connections, inside max_connections 134 minus a 10 % reserve = 120."""

import pulumi_aws as aws
import pulumi_kubernetes as k8s

params = aws.rds.ParameterGroup(
    "case-query-pg",
    family="postgres16",
    parameters=[{"name": "max_connections", "value": "134"}],
)
db = aws.rds.Instance(
    "case-query-db",
    engine="postgres",
    instance_class="db.t4g.medium",
    allocated_storage=20,
    username="cases",
    manage_master_user_password=True,
    parameter_group_name=params.name,
    skip_final_snapshot=True,
)
labels = {"app": "case-query-service"}
k8s.apps.v1.Deployment(
    "case-query-service",
    metadata={"name": "case-query-service", "namespace": "cases"},
    spec={
        "selector": {"match_labels": labels},
        "template": {
            "metadata": {"labels": labels},
            "spec": {
                "containers": [
                    {
                        "name": "api",
                        "image": "ghcr.io/example/case-query-service:2.0.1",
                        "env": [
                            {"name": "DB_HOST", "value": db.address},
                            {"name": "SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE", "value": "12"},
                        ],
                    }
                ]
            },
        },
    },
)
k8s.autoscaling.v2.HorizontalPodAutoscaler(
    "case-query-service",
    metadata={"name": "case-query-service", "namespace": "cases"},
    spec={
        "scale_target_ref": {"api_version": "apps/v1", "kind": "Deployment", "name": "case-query-service"},
        "min_replicas": 2,
        "max_replicas": 8,
        "metrics": [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "average_utilization": 70}},
            }
        ],
    },
)
