"""Stores that never delete what they keep."""

import pulumi_aws as aws

# CloudWatch keeps these events forever: retention_in_days is not set.
aws.cloudwatch.LogGroup("orders-app-logs")  # [no-infinite-retention]

# A logs bucket without a lifecycle rule grows without bound.
aws.s3.Bucket("orders-access-logs", tags={"retention-class": "logs"})  # [no-infinite-retention]

# Every image ever pushed stays in the registry.
aws.ecr.Repository("orders")  # [no-infinite-retention]
