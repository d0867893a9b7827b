"""index.ts of pulumi-policy's validate_resource program, ported to Python."""

import pulumi
import pulumi_random as random
from dynamic_resource import Resource

config = pulumi.Config()
test_scenario = config.require_int("scenario")

if test_scenario == 1:
    # Don't create any resources.
    pass
elif test_scenario == 2:
    # Create a resource that doesn't violate any policies.
    hello = Resource("hello", {"hello": "world"})
elif test_scenario == 3:
    # Violates the first policy.
    a = Resource("a", {"state": 1})
elif test_scenario == 4:
    # Violates the second policy.
    b = Resource("b", {"state": 2})
elif test_scenario == 5:
    # Violates the first validation function of the third policy.
    c = Resource("c", {"state": 3})
elif test_scenario == 6:
    # Violates the second validation function of the third policy.
    d = Resource("d", {"state": 4})
elif test_scenario == 7:
    # Violates the fourth policy.
    r1 = random.RandomUuid("r1")
elif test_scenario == 8:
    # Doesn't violate the fourth policy.
    r2 = random.RandomUuid("r2", keepers={"foo": "bar"})
elif test_scenario == 9:
    # Violates the fifth policy.
    e = Resource("e", {"state": 5})
elif test_scenario == 10:
    # Create a resource to test the strongly-typed helpers.
    password = random.RandomPassword("pass", length=42)
elif test_scenario == 11:
    # Create a resource with a large string property.
    long_string = "a" * (5 * 1024 * 1024)
    large_string_resource = Resource("large-resource", {"state": 6, "longString": long_string})
