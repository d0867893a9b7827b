import pulumi_aws as aws

import helpers

aws.s3.Bucket("first")
helpers.build_second()
