"""Invoke results the offline preview invents: lists to index and loop over, objects inside lists."""

import pulumi_aws as aws

subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": ["vpc-0abc"]}])
for index, subnet_id in enumerate(subnets.ids):
    aws.ec2.NetworkInterface(f"eni-{index}", subnet_id=subnet_id)
aws.s3.Bucket("picks", tags={"second": subnets.ids[1], "third": subnets.ids[2]})

# Resources named after invented values: each name is its own.
for subnet_id in subnets.ids:
    aws.ec2.Eip(f"eip-{subnet_id}", domain="vpc")

# A list of objects inside a result, and an argument the result repeats.
vpc = aws.ec2.get_vpc(id="vpc-0abc")
aws.s3.Bucket("assoc", tags={"cidr": vpc.cidr_block_associations[2].cidr_block, "vpc": vpc.id})
tables = aws.ec2.get_route_tables(vpc_id="vpc-0abc")
aws.s3.Bucket("tables", tags={"last": tables.ids[-1], "vpc": tables.vpc_id})
