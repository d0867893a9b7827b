"""The read replica stays in the primary's region (the stack's aws:region)."""

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
aws.rds.Instance(
    "ledger-replica",
    replicate_source_db=primary.identifier,
    instance_class="db.t4g.medium",
    skip_final_snapshot=True,
)
