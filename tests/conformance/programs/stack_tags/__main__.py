"""index.ts of pulumi-policy's stack_tags program, ported to Python."""

from dynamic_resource import Resource

Resource("hello", {})
