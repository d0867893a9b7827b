"""The same stores, each with a finite retention."""

import json

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
