"""index.ts of pulumi-policy's provider program, ported to Python.

The original pins @pulumi/random to 4.0.0 in its package.json, and its SDK asks for that plugin
version; `version="4.0.0"` asks for it here, whatever pulumi-random release is installed.
"""

import pulumi
import pulumi_random as random
from dynamic_resource import Resource

RANDOM_4_0_0 = pulumi.ResourceOptions(version="4.0.0")

# Create a dynamic resource.
empty = Resource("empty")

# Create a resource.
uuid = random.RandomUuid("uuid", opts=RANDOM_4_0_0)

# Create a provider and resource that uses it.
provider = random.Provider("my-provider", opts=RANDOM_4_0_0)
str_ = random.RandomString("str", length=10, opts=pulumi.ResourceOptions(provider=provider))
