"""The policy config of `cost-allocation-tags`, normalised once per distinct config."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from finops_policies import conventions as conv
from finops_policies.cost_classes import COST_CLASSES, CostClass
from finops_policies.values import as_bool, json_encoder

Level = Literal["mandatory", "advisory", "skip"]
LEVELS: Final[tuple[Level, ...]] = ("mandatory", "advisory", "skip")
#: How missing or invalid tags of each class are reported, unless configured otherwise.
DEFAULT_LEVELS: Final[Mapping[CostClass, Level]] = {
    "awsCostBearing": "mandatory",
    "awsFree": "advisory",
    # A type neither list classifies is presumed to bill (see the policy's docs for why).
    "awsUnclassified": "mandatory",
    "kubernetesAllocationLabels": "mandatory",
    "kubernetesCostObjects": "advisory",
    "kubernetesOther": "skip",
}


@dataclass(frozen=True)
class Settings:
    required: tuple[str, ...]
    allowed: Mapping[str, tuple[str, ...]]
    #: key -> (pattern text, compiled pattern or None when the text is not a valid regex)
    patterns: Mapping[str, tuple[str, re.Pattern[str] | None]]
    placeholders: frozenset[str]
    check_kubernetes: bool
    exclude: tuple[str, ...]
    levels: Mapping[CostClass, Level]


def _strings(value: object) -> tuple[str, ...] | None:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(v for v in value if isinstance(v, str))
    return None


def _levels(raw: object) -> dict[CostClass, Level]:
    levels = dict(DEFAULT_LEVELS)
    if isinstance(raw, Mapping):
        for name in COST_CLASSES:
            value = raw.get(name)
            if value in LEVELS:
                levels[name] = value
    return levels


@functools.lru_cache(maxsize=32)
def _parse(encoded: str) -> Settings:
    raw = json.loads(encoded)
    required = _strings(raw.get("requiredKeys"))
    placeholders = _strings(raw.get("placeholders"))
    allowed: dict[str, tuple[str, ...]] = {}
    if isinstance(raw.get("allowedValues"), dict):
        for key, values in raw["allowedValues"].items():
            listed = _strings(values)
            if listed is not None:
                allowed[key] = listed
    patterns: dict[str, tuple[str, re.Pattern[str] | None]] = {}
    if isinstance(raw.get("patterns"), dict):
        for key, text in raw["patterns"].items():
            if isinstance(text, str):
                try:
                    patterns[key] = (text, re.compile(text))
                except re.error:
                    patterns[key] = (text, None)
    check_kubernetes = as_bool(raw.get("checkKubernetes"))
    return Settings(
        required=tuple(dict.fromkeys(required)) if required is not None else conv.REQUIRED_TAG_KEYS,
        allowed=allowed,
        patterns=patterns,
        placeholders=frozenset(
            p.strip().lower() for p in (placeholders if placeholders is not None else conv.PLACEHOLDER_VALUES)
        ),
        check_kubernetes=True if check_kubernetes is None else check_kubernetes,
        exclude=_strings(raw.get("excludeTypes")) or (),
        levels=_levels(raw.get("levels")),
    )


CONFIG_KEYS: Final = (
    "requiredKeys",
    "allowedValues",
    "patterns",
    "placeholders",
    "checkKubernetes",
    "excludeTypes",
    "levels",
)


#: `json.dumps(..., sort_keys=True, default=str)`, without building an encoder per resource
_ENCODE: Final = json_encoder(sort_keys=True, default=str)


#: The values of CONFIG_KEYS last read and their settings. pulumi-policy hands every call a fresh
#: shallow copy of the policy's configured dict: the values are the very same objects call after
#: call (config is replaced, never edited in place), so the same objects give the same settings
#: without encoding them again (a tenth of the policy's time per resource).
_LAST: list[tuple[tuple[object, ...], Settings]] = []


def settings(config: Mapping[str, Any]) -> Settings:
    values = tuple(config.get(k) for k in CONFIG_KEYS)
    if _LAST:
        seen, found = _LAST[0]
        if all(a is b for a, b in zip(seen, values, strict=True)):
            return found
    found = _parse(_ENCODE(dict(zip(CONFIG_KEYS, values, strict=True))))
    _LAST[:] = [(values, found)]  # holds the values: their identities cannot pass to other objects
    return found
