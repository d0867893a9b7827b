"""index.ts and component.ts of pulumi-policy's remote_component program, ported to Python."""

from typing import Any

import pulumi
import pulumi_random as random


class Component(pulumi.ComponentResource):
    def __init__(
        self, name: str, args: dict[str, Any] | None = None, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("testcomponent:index:Component", name, args or {}, opts, remote=True)


rand = random.RandomString("random", length=10)

comp = Component("component", {"bar": {"keepers": {"hello": "world", "hi": rand.id}}})
