"""Retention inside each declared class: a week of debug logs, WORM audit evidence for 7 years."""

import pulumi_aws as aws

aws.cloudwatch.LogGroup("checkout-debug", retention_in_days=7, tags={"retention-class": "debug"})

# WORM for 7 years (COMPLIANCE mode cannot be lifted), then deleted.
audit = aws.s3.Bucket("audit-evidence", object_lock_enabled=True, tags={"retention-class": "audit"})
aws.s3.BucketVersioning(
    "audit-evidence-versioning",
    bucket=audit.bucket,
    versioning_configuration={"status": "Enabled"},
)
aws.s3.BucketObjectLockConfiguration(
    "audit-evidence-lock",
    bucket=audit.bucket,
    rule={"default_retention": {"mode": "COMPLIANCE", "years": 7}},
)
aws.s3.BucketLifecycleConfiguration(
    "audit-evidence-expiry",
    bucket=audit.bucket,
    rules=[
        {
            "id": "delete-after-lock",
            "status": "Enabled",
            "expiration": {"days": 2557},
            "noncurrent_version_expiration": {"noncurrent_days": 1},
        }
    ],
)
