"""Stores that never delete what they keep."""

import pulumi
import pulumi_aws as aws

# CloudWatch keeps these events forever: retention_in_days is not set.
aws.cloudwatch.LogGroup("orders-app-logs")  # [no-infinite-retention]

# A logs bucket without a lifecycle rule grows without bound.
aws.s3.Bucket("orders-access-logs", tags={"retention-class": "logs"})  # [no-infinite-retention]

# Every image ever pushed stays in the registry.
aws.ecr.Repository("orders")  # [no-infinite-retention]

# Lambda creates /aws/lambda/orders-notifier on the first invocation, and it never expires.
aws.lambda_.Function(  # [no-infinite-retention]
    "orders-notifier",
    name="orders-notifier",
    runtime="python3.12",
    handler="index.handler",
    role="arn:aws:iam::111122223333:role/orders-notifier",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return event\n")}),
)
