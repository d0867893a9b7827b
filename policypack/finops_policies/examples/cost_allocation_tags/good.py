"""Every key on every resource: provider default tags for AWS, labels on the object and its pods."""

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

# Provider default tags cover every resource created with this provider ...
tagged = aws.Provider(
    "tagged",
    region="us-east-1",
    default_tags={"tags": {"team": "payments", "domain": "commerce", "environment": "prod"}},
)

# ... and each resource adds (or overrides) what is specific to it.
aws.s3.Bucket("audit-evidence", tags={"service": "orders"}, opts=pulumi.ResourceOptions(provider=tagged))

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
