"""A read replica in eu-west-1 of a database in us-east-1 (the stack's region), with no review."""

import pulumi
import pulumi_aws as aws

primary = aws.rds.Instance(
    "ledger-db",
    engine="postgres",
    instance_class="db.t4g.medium",
    allocated_storage=20,
    username="ledger",
    manage_master_user_password=True,
    backup_retention_period=7,
    skip_final_snapshot=True,
)
eu = aws.Provider("eu", region="eu-west-1")
aws.rds.Instance(  # [cross-region-review]
    "ledger-replica",
    replicate_source_db=primary.arn,
    instance_class="db.t4g.medium",
    skip_final_snapshot=True,
    opts=pulumi.ResourceOptions(provider=eu),
)
