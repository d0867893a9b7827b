"""Audit evidence replicated across two regions: allowed only with a recorded cross-region review.

An audit-evidence service keeps WORM evidence (S3 Object Lock COMPLIANCE, 7 years) in
us-east-1 and a disaster-recovery copy in eu-west-1. Replication is a cross-region dependency: it
pays inter-region transfer on every object, so the `cross-region-review` policy blocks it unless
the platform team's policy config records a review (see policy-config.json).

The primary region is the stack's `aws:region`; the replica gets an explicit provider. The IAM role
and the replication rule are plain pulumi-aws resources: `register_auto_tagging` gives them the
contract's cost-allocation tags.
"""

import json
from pathlib import Path

import pulumi
import pulumi_aws as aws
from finops_components import ServiceCostContract, TelemetryRetention, register_auto_tagging

HERE = Path(__file__).resolve().parent
config = pulumi.Config()
contract = ServiceCostContract.load(HERE / "cost-contract.yaml")
register_auto_tagging(contract)

replica_region = config.get("replicaRegion") or "eu-west-1"
replica_provider = aws.Provider("replica", region=replica_region)

primary = TelemetryRetention("evidence", {}, contract=contract)
replica = TelemetryRetention(
    "evidence-replica",
    {"log_groups": False},
    opts=pulumi.ResourceOptions(providers={"aws": replica_provider}),
    contract=contract,
)
if primary.audit_bucket is None or replica.audit_bucket is None:
    raise RuntimeError("TelemetryRetention creates the audit bucket by default")

role = aws.iam.Role(
    "evidence-replication",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    ),
)
aws.iam.RolePolicy(
    "evidence-replication",
    role=role.id,
    policy=pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                    "Resource": [primary.audit_bucket.arn],
                },
                {
                    "Effect": "Allow",
                    "Action": [
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionAcl",
                        "s3:GetObjectRetention",
                        "s3:GetObjectLegalHold",
                    ],
                    "Resource": [pulumi.Output.concat(primary.audit_bucket.arn, "/*")],
                },
                {
                    "Effect": "Allow",
                    "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                    "Resource": [pulumi.Output.concat(replica.audit_bucket.arn, "/*")],
                },
            ],
        }
    ),
)

# The cross-region edge: the rule in us-east-1 names the bucket in eu-west-1.
aws.s3.BucketReplicationConfig(
    "evidence-replication",
    bucket=primary.audit_bucket.id,
    role=role.arn,
    rules=[
        {
            "id": "evidence-to-replica",
            "status": "Enabled",
            "filter": {},
            "delete_marker_replication": {"status": "Disabled"},
            "destination": {"bucket": replica.audit_bucket.arn, "storage_class": "GLACIER_IR"},
        }
    ],
    opts=pulumi.ResourceOptions(depends_on=[primary, replica]),
)

pulumi.export("primaryBucket", primary.audit_bucket_name)
pulumi.export("replicaBucket", replica.audit_bucket_name)
