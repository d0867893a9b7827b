"""Invoke arguments given as strings where the result declares bools and numbers (the provider types them)."""

import pulumi_aws as aws

ami = aws.ec2.get_ami(
    most_recent="true",
    owners=["amazon"],
    filters=[{"name": "name", "values": ["al2023-ami-*-x86_64"]}],
)
aws.ec2.Instance(
    "web",
    ami=ami.id,
    instance_type="t3.micro",
    tags={
        "mostRecent": str(ami.most_recent),
        "owner": ami.owners[0],
        "filter": ami.filters[0].values[0],
        "architecture": ami.architecture,
    },
)

listener = aws.lb.get_listener(
    load_balancer_arn="arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/0123456789abcdef",
    port="443",
)
aws.s3.Bucket("listener", tags={"nextPort": str(listener.port + 1), "arn": listener.arn, "region": listener.region})

# A string that is no number: the provider would have refused it; offline the number is invented.
odd = aws.lb.get_listener(arn="arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/1/2", port="https")
aws.s3.Bucket("odd", tags={"portType": type(odd.port).__name__})
