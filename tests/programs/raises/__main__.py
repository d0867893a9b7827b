import helpers
import pulumi_aws as aws

aws.s3.Bucket("first")
helpers.build_second()
