import pulumi
import pulumi_aws as aws

config = pulumi.Config()


def stamp(args: pulumi.ResourceTransformArgs):
    # Stack-level transform: runs after the resource's own and its ancestors' transforms.
    if args.type_ == "aws:s3/bucket:Bucket":
        tags = dict(args.props.get("tags") or {})
        tags["order"] = tags.get("order", "") + "stack;"
        return pulumi.ResourceTransformResult({**args.props, "tags": tags}, args.opts)
    return None


pulumi.runtime.register_resource_transform(stamp)


def mark(label):
    def transform(args: pulumi.ResourceTransformArgs):
        if args.type_ != "aws:s3/bucket:Bucket":
            return None
        tags = dict(args.props.get("tags") or {})
        tags["order"] = tags.get("order", "") + label + ";"
        return pulumi.ResourceTransformResult({**args.props, "tags": tags}, args.opts)

    return transform


class Storage(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Storage", name, None, opts)
        self.bucket = aws.s3.Bucket(
            f"{name}-data",
            tags={"service": "storage"},
            opts=pulumi.ResourceOptions(parent=self, transforms=[mark("own")]),
        )
        self.register_outputs({"bucket": self.bucket.id})


logs = aws.s3.Bucket("logs", tags={"greeting": config.require("greeting")})
west = aws.Provider("west", region="eu-west-1", default_tags={"tags": {"team": "west-team"}})
replica = aws.s3.Bucket("replica", opts=pulumi.ResourceOptions(provider=west, depends_on=[logs]))
policy = aws.s3.BucketPolicy("logs-policy", bucket=logs.id, policy=logs.arn.apply(lambda arn: f'{{"arn":"{arn}"}}'))
storage = Storage("store", opts=pulumi.ResourceOptions(transforms=[mark("parent")]))
subnets = aws.ec2.get_subnets()
region = aws.get_region()
group = aws.cloudwatch.LogGroup(
    "app",
    retention_in_days=14,
    tags={"subnet": subnets.ids[0], "region": region.region, "key": config.require_secret("apiKey")},
)
secret_topic = aws.sns.Topic("secret-tags", tags={"token": pulumi.Output.secret("s3cr3t-value")})
pulumi.export("bucket", logs.id)
