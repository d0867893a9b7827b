import time

import pulumi_aws as aws

# Registers one resource, then takes long enough for a test to interrupt the preview.
aws.s3.Bucket("before-the-pause")
time.sleep(120)
