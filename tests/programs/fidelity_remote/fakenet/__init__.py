"""A stand-in for a multi-language component package such as awsx, written as its generated SDKs are.

`Network` is a remote component: its provider plugin constructs it. Like awsx's `ec2.Vpc`, it has
an input and an output of the same name and different types: `nat_gateways` goes in as a
configuration object and comes out as the NAT gateways the plugin created.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_aws


@pulumi.input_type
class NetworkArgs:
    def __init__(self, cidr_block: str | None = None, nat_gateways: dict[str, Any] | None = None) -> None:
        pulumi.set(self, "cidr_block", cidr_block)
        pulumi.set(self, "nat_gateways", nat_gateways)

    @property
    @pulumi.getter(name="cidrBlock")
    def cidr_block(self) -> str | None:
        return pulumi.get(self, "cidr_block")

    @property
    @pulumi.getter(name="natGateways")
    def nat_gateways(self) -> dict[str, Any] | None:
        return pulumi.get(self, "nat_gateways")


class Network(pulumi.ComponentResource):
    def __init__(
        self,
        resource_name: str,
        cidr_block: str | None = None,
        nat_gateways: dict[str, Any] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = NetworkArgs.__new__(NetworkArgs)
        props.__dict__["cidr_block"] = cidr_block
        props.__dict__["nat_gateways"] = nat_gateways
        props.__dict__["vpc_id"] = None
        props.__dict__["private_subnet_ids"] = None
        super().__init__("fakenet:index:Network", resource_name, props, opts, remote=True)

    @property
    @pulumi.getter(name="natGateways")
    def nat_gateways(self) -> pulumi.Output[Sequence[pulumi_aws.ec2.NatGateway]]:
        return pulumi.get(self, "nat_gateways")

    @property
    @pulumi.getter(name="vpcId")
    def vpc_id(self) -> pulumi.Output[str]:
        return pulumi.get(self, "vpc_id")

    @property
    @pulumi.getter(name="privateSubnetIds")
    def private_subnet_ids(self) -> pulumi.Output[Sequence[str]]:
        return pulumi.get(self, "private_subnet_ids")

    def route_table_id(self) -> pulumi.Output[str]:
        """A method: the provider plugin runs it (a `Call`)."""
        return pulumi.runtime.call("fakenet:index:Network/routeTableId", {"__self__": self}, res=self)
