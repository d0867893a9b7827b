import sys

import pulumi_aws as aws

# Records which interpreter ran the program, so the test can see the virtualenv was honoured.
aws.s3.Bucket("probe", tags={"python": sys.executable})
