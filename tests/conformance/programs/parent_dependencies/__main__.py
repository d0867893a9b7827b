"""index.ts of pulumi-policy's parent_dependencies program, ported to Python."""

import pulumi
import pulumi_random as random
from dynamic_resource import Resource

# Create resources with a parent/child relationship.
parent = Resource("parent")
child = Resource("child", pulumi.ResourceOptions(parent=parent))

# Create resources with an explicit dependency relationship.
a = Resource("a")
b = Resource("b", pulumi.ResourceOptions(depends_on=[a]))

# Create a resource with an implicit dependency relationship.
str_ = random.RandomString("str", length=10)
pet = random.RandomPet("pet", prefix=str_.result)
