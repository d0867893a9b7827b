import pulumi
import pulumi_aws as aws

name = pulumi.Config().require("bucketPrefix")
aws.s3.Bucket(name)
