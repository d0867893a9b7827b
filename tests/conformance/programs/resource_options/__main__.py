"""index.ts of pulumi-policy's resource_options program, ported to Python."""

import pulumi
import pulumi_random as random
from dynamic_resource import Resource

config = pulumi.Config()
test_scenario = config.require_int("scenario")

# Create a resource that doesn't have any explicit options set.
empty = Resource("empty")

# Create a custom resource that doesn't have any explicit options set.
uuid = random.RandomUuid("uuid")

# Create a protected resource.
protect = Resource(
    "protect",
    # Only set `protect` during the first test scenario when the actual tests are run.
    # Set it to `false` on any other test scenario in preparation for destroying the stack.
    pulumi.ResourceOptions(protect=test_scenario == 1),
)

# Create a resource with ignoreChanges.
ignore_changes = Resource("ignoreChanges", pulumi.ResourceOptions(ignore_changes=["foo", "bar"]))

# Create a resource with deleteBeforeReplace.
delete_before_replace_not_set = Resource("deleteBeforeReplaceNotSet")
delete_before_replace_true = Resource("deleteBeforeReplaceTrue", pulumi.ResourceOptions(delete_before_replace=True))
delete_before_replace_false = Resource("deleteBeforeReplaceFalse", pulumi.ResourceOptions(delete_before_replace=False))

# Create a resource with an alias to an old name.
aliased = Resource("aliased", pulumi.ResourceOptions(aliases=[pulumi.Alias(name="old-name-for-aliased")]))

# Create resources with custom timeouts.
timeouts = Resource(
    "timeouts", pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="1m", update="2m", delete="3m"))
)
timeouts_create = Resource(
    "timeouts-create", pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="4m"))
)
timeouts_update = Resource(
    "timeouts-update", pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(update="5m"))
)
timeouts_delete = Resource(
    "timeouts-delete", pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(delete="6m"))
)

# Create a resource with additional secret outputs.
secrets = Resource("secrets", pulumi.ResourceOptions(additional_secret_outputs=["foo"]))

# Create a parent and child resource.
parent = Resource("parent-res", pulumi.ResourceOptions())
child = Resource("child-res", pulumi.ResourceOptions(parent=parent))
