"""Retention outside the class each resource declares."""

import pulumi_aws as aws

# Class 'debug' allows at most 7 days, not a year.
aws.cloudwatch.LogGroup(  # [retention-tier]
    "checkout-debug", retention_in_days=365, tags={"retention-class": "debug"}
)

# Audit evidence anyone with delete rights can erase: no Object Lock, no expiry after 7 years.
aws.s3.Bucket("audit-evidence", tags={"retention-class": "audit"})  # [retention-tier]
