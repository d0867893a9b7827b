"""Resources handed to inputs as values: the SDK sends them as resource references."""

import pulumi
import pulumi_aws as aws


class Network(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("field:index:Network", name, None)
        self.register_outputs({})


network = Network("core")
vpc = aws.ec2.Vpc("main", cidr_block="10.20.0.0/16")
# pulumi-aws takes the Vpc itself for vpc_id (examples do this); a preview knows no id yet.
aws.ec2.Subnet("first", vpc_id=vpc, cidr_block="10.20.1.0/24")
# A component as a value: the CLI hands analyzers its URN.
aws.s3.Bucket("notes", tags={"network": network})
