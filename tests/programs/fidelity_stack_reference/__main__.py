"""Outputs of another stack: get_output, require_output and outputs, used as a program would."""

import pulumi
import pulumi_aws as aws

network = pulumi.StackReference("acme/network/prod")
vpc_id = network.get_output("vpcId")
subnets = network.require_output("privateSubnetIds")
aws.ec2.SecurityGroup(
    "app",
    vpc_id=vpc_id,
    tags={"firstSubnet": subnets.apply(lambda ids: ids[0]), "stack": network.name},
)
aws.s3.Bucket("logs", tags={"region": network.outputs.apply(lambda outputs: outputs["region"])})
pulumi.export("vpc", vpc_id)
