"""Resources nobody can be billed for: tags missing, a placeholder, a pod template without labels."""

import pulumi_aws as aws
import pulumi_kubernetes as k8s

# A placeholder team and three keys missing, with no provider default tags to fill them in.
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
