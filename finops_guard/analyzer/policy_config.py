"""Policy config as the CLI builds it: schema defaults, then the pack's initial config, then the
user's `--policy-pack-config` file, validated against each policy's schema."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PolicyConfigError
from ..model import PolicyInfo
from .schema_errors import cli_messages

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
    policies: list[PolicyInfo],
    initial: Mapping[str, Any],
    given: Mapping[str, Any],
    source: str,
    pack: tuple[str, str] = ("policy-pack", "0.0.1"),
    *,
    trusted_defaults: bool = False,
) -> dict[str, EffectiveConfig]:
    """Each policy's level and config: schema defaults, the pack's initial config, then `given`.

    Every policy's config is validated and every error of every policy is reported at once, one
    line each, sorted, worded as the CLI words them (pkg/engine/update.go, loadPolicyPlugins):
    `validating policy config: <pack> <version>  <policy>: <error>`. `pack` is (name, version).
    With `trusted_defaults` (finops-guardrails' own pack, whose defaults and initial config a test
    validates), a policy `given` does not configure is not validated again.
    """
    known = {p.name: p for p in policies}
    for key in given:
        if key != "all" and key not in known:
            raise PolicyConfigError(
                f"{source}: {key!r} is not a policy of this pack; policies are: {', '.join(sorted(known))}."
            )
    all_level, _ = _split(given.get("all"), f"{source}: all") if "all" in given else (None, {})
    _check_level(all_level, f"{source}: all")
    out: dict[str, EffectiveConfig] = {}
    errors: list[str] = []
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
        if not trusted_defaults or name in given:
            errors.extend(f"{name}: {error}" for error in _validate(info.config_schema, props))
        out[name] = EffectiveConfig(level or "advisory", props)
    if errors:
        name, version = pack
        raise PolicyConfigError(
            "\n".join(sorted(f"validating policy config: {name} {version}  {error}" for error in errors))
        )
    return out


def _validate(schema: Mapping[str, Any], props: dict[str, Any]) -> list[str]:
    """What is wrong with a policy's config, in the CLI's words (pkg/resource/analyzer/config.go).

    The CLI validates against `{"type": "object", "properties", "required"}`. We also name keys
    the policy does not have (the CLI passes them on unread), so a misspelt key does not go unseen.
    """
    properties = dict(schema.get("properties", {})) if isinstance(schema, Mapping) else {}
    full: dict[str, Any] = {"type": "object", "properties": properties}
    if isinstance(schema, Mapping) and schema.get("required"):
        full["required"] = list(schema["required"])
    import jsonschema  # here: ~40 ms that a run of our own pack without policy config never needs

    validator = jsonschema.Draft7Validator(full)
    messages = [line for error in validator.iter_errors(props) for line in cli_messages(error)]
    keys = ", ".join(sorted(properties)) or "(none)"
    messages.extend(
        f"{extra}: not a config key of this policy; its keys are: {keys}"
        for extra in sorted(set(props) - set(properties))
    )
    return messages
