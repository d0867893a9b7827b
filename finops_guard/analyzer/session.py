"""The analyzer protocol, spoken in the order `pulumi preview --policy-pack` speaks it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, plugin_pb2

from ..errors import PackError
from ..model import PolicyInfo, Registration
from .policy_config import EffectiveConfig

LEVEL_NAMES = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.REMEDIATE: "remediate",
    analyzer_pb2.DISABLED: "disabled",
}
LEVEL_VALUES = {v: k for k, v in LEVEL_NAMES.items()}
_MAX_MESSAGE = 256 * 1024 * 1024


def to_struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(data))
    return struct


def without_internal_keys(data: Mapping[str, Any]) -> dict[str, Any]:
    """The properties without the engine's top-level internal keys (`__provider`, `__internal`, ...).

    pkg/resource/plugin/analyzer_plugin.go marshals Analyze's and AnalyzeStack's properties, and
    every provider's, with `SkipInternalKeys: true` (keys starting with "__", top level only, as
    rpc.go's MarshalProperties does); Remediate's keep them.
    """
    return {k: v for k, v in data.items() if not k.startswith("__")}


def resource_options(r: Registration) -> analyzer_pb2.AnalyzerResourceOptions:
    """`marshalResourceOptions` (analyzer_plugin.go): what the engine tells analyzers of a resource's options."""
    opts = r.options
    timeouts = opts.custom_timeouts
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=opts.protect,
        ignoreChanges=list(opts.ignore_changes),
        deleteBeforeReplace=bool(opts.delete_before_replace),
        deleteBeforeReplaceDefined=opts.delete_before_replace is not None,
        additionalSecretOutputs=list(opts.additional_secret_outputs),
        aliases=list(opts.aliases),
        # always set: the engine sends zeros for "the provider's defaults"
        customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(
            create=timeouts.create, update=timeouts.update, delete=timeouts.delete, read=timeouts.read
        ),
        parent=r.parent or "",
    )


@dataclass(frozen=True)
class Remediated:
    """What Remediate returned for one resource."""

    #: the properties after the last rewriting remediation, None if none rewrote them
    properties: struct_pb2.Struct | None
    #: remediations that could not run (their `diagnostic` says why); the engine shows them as advisory
    diagnostics: list[Any]


class AnalyzerSession:
    def __init__(self, port: int, timeout: float = 300.0) -> None:
        self._channel = grpc.insecure_channel(
            f"127.0.0.1:{port}",
            options=[("grpc.max_receive_message_length", _MAX_MESSAGE), ("grpc.max_send_message_length", _MAX_MESSAGE)],
        )
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        self._timeout = timeout

    def close(self) -> None:
        self._channel.close()

    def _call(self, method: str, request: Any, subject: str = "") -> Any:
        try:
            return getattr(self._stub, method)(request, timeout=self._timeout)
        except grpc.RpcError as exc:
            code = exc.code() if hasattr(exc, "code") else None
            if code == grpc.StatusCode.UNIMPLEMENTED and method in ("ConfigureStack", "Remediate", "GetPluginInfo"):
                return None  # older packs: the CLI tolerates these too
            details = exc.details() if hasattr(exc, "details") else str(exc)
            where = f" of {subject}" if subject else ""
            raise PackError(f"the policy pack failed during {method}{where}: {details}") from None

    def configure_stack(
        self,
        *,
        project: str,
        stack: str,
        organization: str,
        config: Mapping[str, str],
        secret_keys: Sequence[str],
        tags: Mapping[str, str],
    ) -> None:
        self._call(
            "ConfigureStack",
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=stack,
                project=project,
                organization=organization,
                dry_run=True,
                config=dict(config),
                config_secret_keys=list(secret_keys),
                tags=dict(tags),
            ),
        )

    def plugin_info(self) -> str:
        info = self._call("GetPluginInfo", empty_pb2.Empty())
        return str(info.version) if info is not None else ""

    def analyzer_info(self) -> tuple[Any, list[PolicyInfo]]:
        info = self._call("GetAnalyzerInfo", empty_pb2.Empty())
        policies = [
            PolicyInfo(
                name=p.name,
                description=p.description,
                enforcement=LEVEL_NAMES.get(p.enforcementLevel, "advisory"),  # type: ignore[arg-type]
                kind="stack" if p.policy_type == analyzer_pb2.POLICY_TYPE_STACK else "resource",
                remediation=p.remediation_steps,
                config_schema=json_format.MessageToDict(p.configSchema),
            )
            for p in info.policies
        ]
        return info, policies

    def configure(self, config: Mapping[str, EffectiveConfig]) -> None:
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, effective in config.items():
            request.policyConfig[name].CopyFrom(
                analyzer_pb2.PolicyConfig(
                    enforcementLevel=LEVEL_VALUES.get(effective.enforcement, analyzer_pb2.ADVISORY),
                    properties=to_struct(effective.properties),
                )
            )
        self._call("Configure", request)

    @staticmethod
    def _provider(provider: Registration | None) -> analyzer_pb2.AnalyzerProviderResource | None:
        if provider is None:
            return None
        return analyzer_pb2.AnalyzerProviderResource(
            type=provider.type,
            properties=to_struct(without_internal_keys(provider.inputs)),
            urn=provider.urn,
            name=provider.name,
        )

    def _request(
        self, r: Registration, provider: Registration | None, properties: struct_pb2.Struct
    ) -> analyzer_pb2.AnalyzeRequest:
        return analyzer_pb2.AnalyzeRequest(
            type=r.type,
            properties=properties,
            urn=r.urn,
            name=r.name,
            options=resource_options(r),
            provider=self._provider(provider),
        )

    def remediate(self, r: Registration, provider: Registration | None) -> Remediated:
        """Run remediations: the properties Analyze should see, and what the remediations reported.

        Remediate gets the internal keys too (`SkipInternalKeys: false` in analyzer_plugin.go).
        """
        response = self._call("Remediate", self._request(r, provider, to_struct(r.inputs)), r.urn)
        latest = None
        diagnostics: list[Any] = []
        if response is not None:
            for remediation in response.remediations:
                if remediation.diagnostic:
                    diagnostics.append(remediation)
                elif remediation.HasField("properties"):
                    latest = remediation.properties
        return Remediated(latest, diagnostics)

    def analyze(
        self, r: Registration, provider: Registration | None, properties: struct_pb2.Struct | None = None
    ) -> Any:
        if properties is None:
            properties = to_struct(without_internal_keys(r.inputs))
        else:  # a remediation's rewrite, which may carry internal keys back
            properties = to_struct(without_internal_keys(json_format.MessageToDict(properties)))
        return self._call("Analyze", self._request(r, provider, properties), r.urn)

    def analyze_stack(self, resources: Sequence[Registration], providers: Mapping[str, Registration]) -> Any:
        return self._call("AnalyzeStack", self.stack_request(resources, providers))

    def stack_request(
        self, resources: Sequence[Registration], providers: Mapping[str, Registration]
    ) -> analyzer_pb2.AnalyzeStackRequest:
        request = analyzer_pb2.AnalyzeStackRequest()
        for r in resources:
            provider = providers.get(r.urn)
            item = request.resources.add()
            item.type = r.type
            item.properties.CopyFrom(to_struct(without_internal_keys(r.inputs)))
            item.urn = r.urn
            item.name = r.name
            item.options.CopyFrom(resource_options(r))
            if provider is not None:
                item.provider.CopyFrom(self._provider(provider))
            item.parent = r.parent or ""
            item.dependencies.extend(r.dependencies)
            for prop, urns in r.property_dependencies.items():
                if urns:  # analyzer_plugin.go: "Skip properties that have no dependencies."
                    item.propertyDependencies[prop].urns.extend(urns)
        return request


__all__ = ["AnalyzerSession", "plugin_pb2"]
