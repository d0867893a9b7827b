"""Availability zones of the stack's region, an explicit provider's region and an invoke's own region."""

import pulumi
import pulumi_aws as aws

# The stack's region (aws:region), where every account sees the same zones.
zones = aws.get_availability_zones(state="available")
for index, zone in enumerate(zones.names):
    aws.ec2.Subnet(
        f"home-{index}",
        vpc_id="vpc-0home",
        cidr_block=f"10.0.{index}.0/24",
        availability_zone=zone,
        tags={"zoneId": zones.zone_ids[index], "group": zones.group_names[0], "region": zones.id},
    )

# An explicit provider's region, where AWS names the zones per account: as many zones, names unknown.
virginia = aws.Provider("virginia", region="us-east-1")
east = aws.get_availability_zones(opts=pulumi.InvokeOptions(provider=virginia))
for index, zone in enumerate(east.names):
    aws.ec2.Subnet(
        f"east-{index}",
        vpc_id="vpc-0east",
        cidr_block=f"10.1.{index}.0/24",
        availability_zone=zone,
        opts=pulumi.ResourceOptions(provider=virginia),
    )

# An invoke's own region argument, with an excluded zone.
seoul = aws.get_availability_zones(region="ap-northeast-2", exclude_zone_ids=["apne2-az4"])
aws.s3.Bucket("seoul", tags={"zones": ",".join(seoul.names), "region": seoul.region})

# A region the shipped table does not know: three zones, all unknown.
future = aws.get_availability_zones(region="ap-future-1")
aws.s3.Bucket("future", tags={"second": future.names[1], "third": future.zone_ids[2], "group": future.group_names[0]})
