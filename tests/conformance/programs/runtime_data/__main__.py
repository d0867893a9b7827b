"""index.ts of pulumi-policy's runtime_data program, ported to Python."""

import pulumi
from dynamic_resource import Resource
from pulumi.runtime.config import CONFIG

# Create a dynamic resource that passes along runtime data in its inputs and outputs.
# The policy pack will confirm it sees the same data.
hello = Resource(
    "Hello",
    {
        # The Python SDK has no allConfig(): the SDK's own table of the stack config is the same data.
        "allConfig": dict(CONFIG.get()),
        "getProject": pulumi.get_project(),
        "getStack": pulumi.get_stack(),
        "isDryRun": pulumi.runtime.is_dry_run(),
    },
)
