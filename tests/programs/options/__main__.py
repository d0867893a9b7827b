import pulumi
import pulumi_aws as aws
from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class Counter(ResourceProvider):
    def create(self, props):
        return CreateResult(id_="1", outs=props)


class Count(Resource):
    def __init__(self, name: str, start: int, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(Counter(), name, {"start": start}, opts)


count = Count("count", 3)
guarded = aws.s3.Bucket(
    "guarded",
    opts=pulumi.ResourceOptions(
        protect=True,
        ignore_changes=["tags"],
        delete_before_replace=False,
        additional_secret_outputs=["arn"],
        aliases=[pulumi.Alias(name="old-guarded")],
        custom_timeouts=pulumi.CustomTimeouts(create="1h30m", delete="90s"),
    ),
)
plain = aws.s3.Bucket("plain", opts=pulumi.ResourceOptions(delete_before_replace=True))
# one input depends on another resource, the other on none
logs = aws.s3.BucketPolicy("logs", bucket=guarded.id, policy="{}")
pinned = aws.Provider("pinned", region="us-east-1", opts=pulumi.ResourceOptions(version="7.0.0"))
