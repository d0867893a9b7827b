"""A deployed Pulumi stack (`pulumi stack export`) as the registrations of a preview of it.

Read per the deployment format of pulumi/pulumi `sdk/go/common/apitype` (`UntypedDeployment`
`{"version": 3, "deployment": DeploymentV3}` from `pulumi stack export`, and the checkpoint file
of a self-managed backend, `{"version": 3, "checkpoint": {"stack", "latest": DeploymentV3}}`):
each `ResourceV3` has its `urn`, `type`, `custom`, `parent`, `provider` reference, `inputs`,
`outputs`, `dependencies` and `propertyDependencies`, in dependency order. A resource pending
deletion (`delete: true`) is not checked.

Deployed resources are checked with their outputs (what runs today, known now), over their inputs.
Secret values (`{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ...}`)
stay secrets: encrypted ones (`ciphertext`) are unknown to us, decrypted ones (`plaintext`, from
`--show-secrets`) are passed on as secrets and never printed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..model import Registration
from .common import SECRET_SIG, SIG_KEY, STACK_TYPE, UNKNOWN, ReadInput, provider_config_value, secret
from .jsonfile import InputError


def deployment_of(data: Any) -> dict[str, Any] | None:
    """The DeploymentV3 inside a stack export or a checkpoint file, or None when it has none."""
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("deployment"), dict):
        found: dict[str, Any] = data["deployment"]
        return found
    checkpoint = data.get("checkpoint")
    if isinstance(checkpoint, dict):
        latest = checkpoint.get("latest")
        return latest if isinstance(latest, dict) else {"resources": []}
    if "manifest" in data and "resources" in data:
        return data
    return None


def _wire(value: Any, secrets: set[str]) -> Any:
    """State values in the analyzer's wire form: secrets as secrets, their plaintext remembered."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            if "plaintext" in value:
                try:
                    plain = json.loads(value["plaintext"])
                except (TypeError, ValueError):
                    plain = value["plaintext"]
                _remember(plain, secrets)
                return secret(_wire(plain, secrets))
            if "value" in value:
                _remember(value["value"], secrets)
                return secret(_wire(value["value"], secrets))
            return secret(UNKNOWN)  # encrypted: we hold no key, and need none
        return {k: _wire(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v, secrets) for v in value]
    return value


def _remember(value: Any, secrets: set[str]) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _remember(v, secrets)
    elif isinstance(value, list):
        for v in value:
            _remember(v, secrets)
    elif value is not None and not isinstance(value, bool):
        text = str(value)
        if len(text) >= 3:
            secrets.add(text)


def _stack_and_project(urn: str) -> tuple[str, str]:
    parts = urn.split("::")
    stack = parts[0].rsplit(":", 1)[-1] if parts else "stack"
    project = parts[1] if len(parts) > 1 else "project"
    return stack, project


def read_state(data: dict[str, Any], path: Path) -> ReadInput:
    deployment = deployment_of(data)
    if deployment is None:
        raise InputError(f'{path}: not a Pulumi stack export: expected {{"version": 3, "deployment": ...}}.')
    version = data.get("version")
    if version is not None and version not in (1, 2, 3):
        raise InputError(f"{path}: stack export version {version!r} is not one this reader knows (1, 2 or 3).")
    resources = deployment.get("resources") or []
    if not isinstance(resources, list):
        raise InputError(f"{path}: deployment.resources must be a list, found {type(resources).__name__}.")
    first = next((r for r in resources if isinstance(r, dict) and isinstance(r.get("urn"), str)), None)
    stack, project = _stack_and_project(first["urn"]) if first else (path.stem, "project")
    result = ReadInput("pulumi-state", str(path), project, stack, [])
    pending_delete = 0
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict) or not isinstance(resource.get("urn"), str):
            raise InputError(f"{path}: deployment.resources[{index}] has no urn.")
        if resource.get("delete"):
            pending_delete += 1
            continue
        urn = resource["urn"]
        type_ = str(resource.get("type") or urn.split("::")[-2].rsplit("$", 1)[-1])
        raw_inputs, raw_outputs = resource.get("inputs"), resource.get("outputs")
        inputs: dict[str, Any] = raw_inputs if isinstance(raw_inputs, dict) else {}
        outputs: dict[str, Any] = raw_outputs if isinstance(raw_outputs, dict) else {}
        props = {**inputs, **outputs} if type_ != STACK_TYPE else {}
        props = _wire(props, result.secret_values)
        if type_.startswith("pulumi:providers:"):
            # The engine hands provider config to analyzers as strings (objects JSON-encoded).
            props = {k: provider_config_value(v) if not isinstance(v, dict) or SIG_KEY not in v else v
                     for k, v in _wire(inputs, result.secret_values).items() if not k.startswith("__")}  # fmt: skip
        property_dependencies = resource.get("propertyDependencies") or {}
        result.registrations.append(
            Registration(
                urn=urn,
                type=type_,
                name=urn.rsplit("::", 1)[-1],
                custom=bool(resource.get("custom")),
                parent=resource.get("parent") or None,
                provider=resource.get("provider") or None,
                dependencies=[d for d in resource.get("dependencies") or [] if isinstance(d, str)],
                property_dependencies={
                    str(k): [d for d in v if isinstance(d, str)]
                    for k, v in property_dependencies.items()
                    if isinstance(v, list) and v
                },
                inputs={k: v for k, v in props.items() if not k.startswith("__")},
                synthesized=type_ == STACK_TYPE,
            )
        )
    if pending_delete:
        result.warnings.append(f"{pending_delete} resource(s) pending deletion in the export were not checked.")
    if not result.registrations:
        result.warnings.append(f"{path}: the stack export holds no resources; nothing was checked.")
    return result
