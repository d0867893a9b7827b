"""Resources nobody can be billed for: tags missing or a placeholder, a pod template without labels,
an Auto Scaling group whose volumes go untagged."""

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

# A placeholder team and three keys missing, with no provider default tags to fill them in: one finding.
aws.s3.Bucket("audit-evidence", tags={"team": "TODO"})  # [cost-allocation-tags]

# Labelled itself, but its pods (where Kubecost and OpenCost read the labels) carry none of the keys.
labels = {"service": "orders", "team": "payments", "domain": "commerce", "environment": "prod"}
k8s.apps.v1.Deployment(  # [cost-allocation-tags]
    "orders-api",
    metadata={"labels": labels},
    spec={
        "selector": {"match_labels": {"app": "orders-api"}},
        "template": {
            "metadata": {"labels": {"app": "orders-api"}},
            "spec": {"containers": [{"name": "app", "image": "ghcr.io/acme/orders-api:1.4.2"}]},
        },
    },
)

# The launch template tags the instances, but not the EBS volumes they boot from; the group's own
# tags never reach volumes.
template = aws.ec2.LaunchTemplate(
    "workers",
    image_id="ami-0123456789abcdef0",
    instance_type="m6i.large",
    tags=labels,
    tag_specifications=[{"resource_type": "instance", "tags": labels}],
)
aws.autoscaling.Group(  # [cost-allocation-tags]
    "workers",
    min_size=1,
    max_size=4,
    availability_zones=["us-east-1a"],
    launch_template={"id": template.id, "version": "$Latest"},
)

# An IAM role costs nothing by itself: its missing tags are reported as advisory, never blocking.
aws.iam.Role("orders-role", assume_role_policy="{}")  # [cost-allocation-tags]

# A ConfigMap's labels reach no cost report: not checked (levels.kubernetesOther is skip).
k8s.core.v1.ConfigMap("orders-config", data={"LOG_LEVEL": "info"})

pulumi.export("template", template.id)
