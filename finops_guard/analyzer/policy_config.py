"""Policy config as the CLI builds it: schema defaults, then the pack's initial config, then the
user's `--policy-pack-config` file, validated against each policy's schema."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from ..errors import PolicyConfigError
from ..model import PolicyInfo

LEVELS = ("advisory", "mandatory", "remediate", "disabled")


@dataclass(frozen=True)
class EffectiveConfig:
    enforcement: str
    properties: dict[str, Any]


def read_config_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyConfigError(f"policy config {path}: no such file.") from None
    except OSError as exc:
        raise PolicyConfigError(f"policy config {path}: cannot be read ({exc.strerror}).") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyConfigError(
            f"{path}:{exc.lineno}:{exc.colno}: policy config is not valid JSON: {exc.msg}."
        ) from None
    if not isinstance(data, dict):
        raise PolicyConfigError(
            f"{path}: policy config must be a JSON object like "
            '{"all": "mandatory", "<policy>": {"enforcementLevel": "advisory", ...}}, '
            f"found {type(data).__name__}."
        )
    return data


def _split(entry: Any, where: str) -> tuple[str | None, dict[str, Any]]:
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, Mapping):
        props = {k: copy.deepcopy(v) for k, v in entry.items() if k != "enforcementLevel"}
        level = entry.get("enforcementLevel")
        if level is not None and not isinstance(level, str):
            raise PolicyConfigError(f"{where}: enforcementLevel must be one of {', '.join(LEVELS)}, found {level!r}.")
        return level, props
    raise PolicyConfigError(f"{where}: expected an enforcement level or an object, found {entry!r}.")


def _check_level(level: str | None, where: str) -> None:
    if level is not None and level not in LEVELS:
        raise PolicyConfigError(f"{where}: enforcement level {level!r} is not one of {', '.join(LEVELS)}.")


def _defaults(schema: Mapping[str, Any]) -> dict[str, Any]:
    props = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
    return {k: copy.deepcopy(v["default"]) for k, v in props.items() if isinstance(v, Mapping) and "default" in v}


def merge(
    policies: list[PolicyInfo], initial: Mapping[str, Any], given: Mapping[str, Any], source: str
) -> dict[str, EffectiveConfig]:
    known = {p.name: p for p in policies}
    for key in given:
        if key != "all" and key not in known:
            raise PolicyConfigError(
                f"{source}: {key!r} is not a policy of this pack; policies are: {', '.join(sorted(known))}."
            )
    all_level, _ = _split(given.get("all"), f"{source}: all") if "all" in given else (None, {})
    _check_level(all_level, f"{source}: all")
    out: dict[str, EffectiveConfig] = {}
    for name, info in known.items():
        level: str | None = info.enforcement
        props = _defaults(info.config_schema)
        for layer, where in ((initial, "the pack's initial config"), (given, source)):
            if layer is given and all_level is not None:
                level = all_level
            if name in layer:
                layer_level, layer_props = _split(layer[name], f"{where}: {name}")
                _check_level(layer_level, f"{where}: {name}")
                level = layer_level or level
                props.update(layer_props)
        _validate(name, info.config_schema, props, source)
        out[name] = EffectiveConfig(level or "advisory", props)
    return out


def _validate(policy: str, schema: Mapping[str, Any], props: dict[str, Any], source: str) -> None:
    properties = dict(schema.get("properties", {})) if isinstance(schema, Mapping) else {}
    full = {"type": "object", "properties": properties, "additionalProperties": False}
    if isinstance(schema, Mapping) and schema.get("required"):
        full["required"] = list(schema["required"])
    validator = jsonschema.Draft7Validator(full)
    errors = sorted(validator.iter_errors(props), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    error = errors[0]
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(props) - set(properties))
        raise PolicyConfigError(
            f"{source}: policy {policy!r} has no config key {', '.join(map(repr, extra))}; "
            f"its keys are: {', '.join(sorted(properties)) or '(none)'}."
        )
    where = f"{policy}.{path}" if path else policy
    raise PolicyConfigError(f"{source}: {where}: {error.message}.")
