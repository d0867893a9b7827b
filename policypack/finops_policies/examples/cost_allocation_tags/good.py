"""Every key where the cost is: provider default tags for AWS, the pods' labels, and the launch
template's tag specifications for what an Auto Scaling group launches."""

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

# Provider default tags cover every resource created with this provider ...
tagged = aws.Provider(
    "tagged",
    region="us-east-1",
    default_tags={"tags": {"team": "payments", "domain": "commerce", "environment": "prod"}},
)
on_tagged = pulumi.ResourceOptions(provider=tagged)

# ... and each resource adds (or overrides) what is specific to it.
aws.s3.Bucket("audit-evidence", tags={"service": "orders"}, opts=on_tagged)

# Kubernetes does not copy a workload's labels to its pods: the pod template carries them too.
labels = {"app": "orders-api", "service": "orders", "team": "payments", "domain": "commerce", "environment": "prod"}
k8s.apps.v1.Deployment(
    "orders-api",
    metadata={"labels": labels},
    spec={
        "selector": {"match_labels": {"app": "orders-api"}},
        "template": {
            "metadata": {"labels": labels},
            "spec": {"containers": [{"name": "app", "image": "ghcr.io/acme/orders-api:1.4.2"}]},
        },
    },
)

# Provider default tags do not reach what an Auto Scaling group launches: the launch template's tag
# specifications tag its instances and their volumes.
cost_tags = {"service": "orders", "team": "payments", "domain": "commerce", "environment": "prod"}
template = aws.ec2.LaunchTemplate(
    "workers",
    image_id="ami-0123456789abcdef0",
    instance_type="m6i.large",
    tags={"service": "orders"},
    tag_specifications=[
        {"resource_type": "instance", "tags": cost_tags},
        {"resource_type": "volume", "tags": cost_tags},
    ],
    opts=on_tagged,
)
aws.autoscaling.Group(
    "workers",
    min_size=1,
    max_size=4,
    availability_zones=["us-east-1a"],
    launch_template={"id": template.id, "version": "$Latest"},
    opts=on_tagged,
)

aws.iam.Role("orders-role", assume_role_policy="{}", tags={"service": "orders"}, opts=on_tagged)
k8s.core.v1.ConfigMap("orders-config", data={"LOG_LEVEL": "info"})
