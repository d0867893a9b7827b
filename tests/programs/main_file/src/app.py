import pulumi_aws as aws
import sibling

aws.s3.Bucket(sibling.NAME)
