"""Run a Pulumi program under the SDK's mocks and record what it registered (helpers, no tests).

`run_program(fn)` sets fresh mocks, runs `fn` inside `pulumi.runtime.test`, waits for every
registration, and returns the `Registered` resources: type, name, custom flag, inputs as the engine
would receive them (camelCase), the parent URN, and the explicit and per-property dependencies the
SDK sent. Exceptions raised by the program propagate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.sync_await import _sync_await

STACK = "dev"
PROJECT = "finops-components-test"


@dataclass
class Registered:
    type: str
    name: str
    custom: bool
    inputs: dict[str, Any]
    urn: str
    parent: str
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)


class _Mocks(pulumi_mocks.Mocks):
    """Echo inputs as outputs, plus the computed properties the components read."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        outputs = dict(args.inputs)
        if args.typ in ("aws:rds/instance:Instance", "aws:rds/cluster:Cluster"):
            outputs.setdefault("address", f"{args.name}.db.example.internal")
            outputs.setdefault("endpoint", f"{args.name}.db.example.internal")
            outputs.setdefault("port", 5432)
        if args.typ == "aws:s3/bucket:Bucket":
            outputs.setdefault("bucket", f"{args.name}-bucket")
        if args.typ in ("aws:cloudwatch/logGroup:LogGroup", "aws:rds/parameterGroup:ParameterGroup"):
            outputs.setdefault("name", args.name)  # autonamed by the provider
        return f"{args.name}-id", outputs

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class _Monitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: pulumi_mocks.Mocks) -> None:
        super().__init__(mocks)
        self.registered: list[Registered] = []
        self.outputs: dict[str, dict[str, Any]] = {}

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 - the gRPC method name
        self.outputs[request.urn] = rpc.deserialize_properties(request.outputs)
        return super().RegisterResourceOutputs(request)

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - the gRPC method name
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            inputs = rpc.deserialize_properties(request.object)
            self.registered.append(
                Registered(
                    type=request.type,
                    name=request.name,
                    custom=request.custom,
                    inputs=inputs,
                    urn=response.urn,
                    parent=request.parent,
                    dependencies=list(request.dependencies),
                    property_dependencies={
                        key: list(value.urns) for key, value in request.propertyDependencies.items()
                    },
                )
            )
        return response


@dataclass
class Run:
    resources: list[Registered]
    #: outputs each component registered, by URN (`register_outputs`)
    outputs: dict[str, dict[str, Any]]
    #: stack transforms the program registered (the mocks do not run them)
    transforms: list[Any]

    def of_type(self, type_: str) -> list[Registered]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str | None = None) -> Registered:
        found = [r for r in self.of_type(type_) if name is None or r.name == name]
        assert len(found) == 1, f"expected one {type_} {name or ''}, got {[r.name for r in found]}"
        return found[0]

    def named(self, name: str) -> Registered:
        found = [r for r in self.resources if r.name == name]
        assert len(found) == 1, f"expected one resource named {name}, got {len(found)}"
        return found[0]

    def custom(self) -> Iterator[Registered]:
        return (r for r in self.resources if r.custom)


def run_program(program: Callable[[], Any], *, preview: bool = True) -> Run:
    """Run `program` under fresh mocks (as `pulumi preview` would: outputs the mocks do not return
    stay unknown); returns everything it registered."""
    mocks = _Mocks()
    monitor = _Monitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=STACK, preview=preview, monitor=monitor)

    @pulumi.runtime.test  # type: ignore[misc]
    def body() -> Any:
        return program()

    body()
    # Let any registration still in flight land before reading the record.
    _sync_await(pulumi.runtime.stack.wait_for_rpcs())
    return Run(monitor.registered, monitor.outputs, monitor.get_registered_transforms())
