"""resource.ts of pulumi-policy's resource_options program, ported to Python.

A dynamic resource as `pulumi.dynamic.Resource` makes one (its provider serialized into the secret
`__provider` input), registered under the type token the original registers,
`pulumi-nodejs:dynamic:Resource`: the policy pack checks for that token, and the Python SDK's own
class would register `pulumi-python:dynamic:Resource`.
"""

from __future__ import annotations

import itertools
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider

_ids = itertools.count()


class Provider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=str(next(_ids)), outs={})


class Resource(pulumi.CustomResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        inputs = {"__provider": pulumi.Output.secret(serialize_provider(Provider()))}
        super().__init__("pulumi-nodejs:dynamic:Resource", name, inputs, opts)
