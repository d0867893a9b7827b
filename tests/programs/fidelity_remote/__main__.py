"""A remote component used as programs use awsx's Vpc: its outputs feed other resources."""

import fakenet
import pulumi_aws as aws

spoke = fakenet.Network("spoke", cidr_block="10.1.0.0/16", nat_gateways={"strategy": "None"})
aws.ec2.SecurityGroup(
    "spoke-sg",
    vpc_id=spoke.vpc_id,
    tags={
        "firstSubnet": spoke.private_subnet_ids.apply(lambda ids: ids[0]),
        "gateways": spoke.nat_gateways.apply(lambda gateways: str(len(gateways))),
    },
)
aws.ec2.Route(
    "spoke-default",
    route_table_id=spoke.route_table_id(),
    destination_cidr_block="0.0.0.0/0",
    gateway_id="igw-0abc",
)

# A custom resource's outputs are its inputs during preview (the provider's preview answers them).
hub = aws.ec2.Vpc("hub", cidr_block="10.0.0.0/16")
aws.ec2.Subnet("hub-a", vpc_id=hub.id, cidr_block=hub.cidr_block.apply(lambda cidr: cidr.replace("0.0/16", "1.0/24")))
