"""A NAT gateway, an EKS cluster, an m6i.large, a gp3 volume, a log group, a bucket, a Fargate
service, a Deployment scaled 2..6 by an HPA, and an untagged queue: one of each kind of line."""

import pulumi_aws as aws
import pulumi_kubernetes as k8s

aws.ec2.NatGateway("nat", subnet_id="subnet-1", allocation_id="eipalloc-1")
aws.eks.Cluster("cluster", role_arn="arn:aws:iam::123456789012:role/eks", vpc_config={"subnet_ids": ["subnet-1"]})
aws.ec2.Instance(
    "vm", instance_type="m6i.large", ami="ami-123", root_block_device={"volume_size": 30, "volume_type": "gp3"}
)
aws.ebs.Volume("data", availability_zone="us-east-1a", size=100, type="gp3", iops=4000, throughput=250)
aws.cloudwatch.LogGroup("app-logs", retention_in_days=30, tags={"retention-class": "logs"})
aws.s3.Bucket("archive", tags={"retention-class": "audit"})
task = aws.ecs.TaskDefinition(
    "task",
    family="api",
    cpu="512",
    memory="1024",
    network_mode="awsvpc",
    requires_compatibilities=["FARGATE"],
    container_definitions='[{"name": "api", "image": "nginx"}]',
)
aws.ecs.Service(
    "api",
    cluster="arn:aws:ecs:us-east-1:123456789012:cluster/c",
    task_definition=task.arn,
    desired_count=3,
    launch_type="FARGATE",
)
aws.sqs.Queue("untagged", tags={"service": "", "team": "TODO"})
labels = {"service": "payments", "team": "payments-team", "domain": "billing", "environment": "prod", "app": "web"}
k8s.apps.v1.Deployment(
    "web",
    metadata={"name": "web", "labels": labels},
    spec={
        "selector": {"match_labels": {"app": "web"}},
        "template": {
            "metadata": {"labels": labels},
            "spec": {
                "containers": [
                    {"name": "web", "image": "nginx", "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}}}
                ]
            },
        },
    },
)
k8s.autoscaling.v2.HorizontalPodAutoscaler(
    "web",
    metadata={"name": "web", "labels": labels},
    spec={
        "scale_target_ref": {"api_version": "apps/v1", "kind": "Deployment", "name": "web"},
        "min_replicas": 2,
        "max_replicas": 6,
    },
)
