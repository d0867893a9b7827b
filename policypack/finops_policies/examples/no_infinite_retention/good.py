"""The same stores, each with a finite retention."""

import json

import pulumi
import pulumi_aws as aws

aws.cloudwatch.LogGroup("orders-app-logs", retention_in_days=14)

logs = aws.s3.Bucket("orders-access-logs", tags={"retention-class": "logs"})
aws.s3.BucketLifecycleConfiguration(
    "orders-access-logs-expiry",
    bucket=logs.bucket,
    rules=[
        {
            "id": "expire-after-90-days",
            "status": "Enabled",
            "expiration": {"days": 90},
        }
    ],
)

repository = aws.ecr.Repository("orders")
aws.ecr.LifecyclePolicy(
    "orders-images",
    repository=repository.name,
    policy=json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": "keep the last 30 images",
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30},
                    "action": {"type": "expire"},
                }
            ]
        }
    ),
)

# The group Lambda would create, declared first with a retention: Lambda writes to it instead.
notifier_logs = aws.cloudwatch.LogGroup(
    "orders-notifier-logs", name="/aws/lambda/orders-notifier", retention_in_days=14
)
aws.lambda_.Function(
    "orders-notifier",
    name="orders-notifier",
    runtime="python3.12",
    handler="index.handler",
    role="arn:aws:iam::111122223333:role/orders-notifier",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return event\n")}),
    opts=pulumi.ResourceOptions(depends_on=[notifier_logs]),
)
