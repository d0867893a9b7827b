"""Kafka retention: a topic's `retention.ms` (MSK, pulumi-kafka, Strimzi) and an MSK broker's
`log.retention.*`."""

from __future__ import annotations

import re
from typing import Final

from finops_policies import conventions as conv
from finops_policies.resources import ResourceView
from finops_policies.values import MISSING, UNKNOWN, as_mapping, as_number, is_absent, is_unknown, shown

from .kept import Kept, fmt

STRIMZI_GROUP: Final = "kubernetes:kafka.strimzi.io/"
STRIMZI_TOPIC_KIND: Final = ":KafkaTopic"


def _retention_ms_kept(config: object, prop: str, setter: str) -> Kept | None:
    """A topic's `retention.ms` in a config map; None when unset (the broker default applies)."""
    if config is UNKNOWN:
        return Kept(prop, "is unknown until apply", None, unknown=True)
    mapping = as_mapping(config)
    if mapping is None:
        return None
    raw = mapping.get("retention.ms", MISSING)
    path = f"{prop}['retention.ms']"
    fix = f"set {setter} 'retention.ms' to a positive number of milliseconds (604800000 = 7 days)"
    if is_unknown(raw):
        return Kept(path, "is unknown until apply", None, unknown=True, fix_text=fix)
    if is_absent(raw):
        return None
    number = as_number(raw)
    if number is None:
        return Kept(path, f"is {shown(raw)} (not a number)", None, fix_text=fix)
    if number < 0:
        return Kept(path, f"is {fmt(number)} (never deleted)", None, fix_text=fix)
    return Kept(path, f"is {fmt(number)} ms", number / 86_400_000.0, fix_text=fix)


def kafka_topic_kept(resource: ResourceView) -> list[Kept]:
    """MSK topic `configs` (JSON string), pulumi-kafka topic `config` (map), Strimzi `spec.config`."""
    if resource.type == conv.MSK_TOPIC:
        kept = _retention_ms_kept(resource.get("configs"), "configs", "configs")
    elif resource.type == conv.KAFKA_TOPIC:
        kept = _retention_ms_kept(resource.get("config"), "config", "config")
    elif is_strimzi_topic(resource.type):
        kept = _retention_ms_kept(resource.get("spec", "config"), "spec.config", "spec.config")
    else:
        return []
    return [kept] if kept is not None else []


def is_strimzi_topic(type_: str) -> bool:
    return type_.startswith(STRIMZI_GROUP) and type_.endswith(STRIMZI_TOPIC_KIND)


_PROPERTY_LINE = re.compile(r"^\s*([^=:\s]+)\s*[=:\s]\s*(.*?)\s*$")


def java_properties(text: str) -> dict[str, str]:
    """Key/value pairs of a Java properties text (MSK `serverProperties`): comments, `=`/`:`/space."""
    out: dict[str, str] = {}
    logical: list[str] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped[0] in "#!"):
            continue
        if stripped.endswith("\\") and not stripped.endswith("\\\\"):
            pending += stripped[:-1]
            continue
        logical.append(pending + stripped)
        pending = ""
    if pending:
        logical.append(pending)
    for line in logical:
        match = _PROPERTY_LINE.match(line)
        if match:
            out[match.group(1)] = match.group(2)
    return out


_BROKER_RETENTION: Final = (
    ("log.retention.ms", 86_400_000.0),
    ("log.retention.minutes", 1440.0),
    ("log.retention.hours", 24.0),
)


def msk_configuration_kept(resource: ResourceView) -> list[Kept]:
    """Broker `log.retention.{ms,minutes,hours}` (that precedence); a negative value means forever."""
    raw = resource.get("serverProperties")
    fix = "set log.retention.hours (or .ms/.minutes) in server_properties to a positive value, e.g. 168"
    if raw is UNKNOWN:
        return [Kept("serverProperties", "is unknown until apply", None, unknown=True, fix_text=fix)]
    if not isinstance(raw, str):
        return []
    properties = java_properties(raw)
    for key, per_day in _BROKER_RETENTION:
        if key not in properties:
            continue
        value = properties[key]
        number = as_number(value)
        path = f"serverProperties {key}"
        if number is None:
            return [Kept(path, f"is {shown(value)} (not a number)", None, fix_text=fix)]
        if number < 0:
            return [Kept(path, f"is {fmt(number)} (never deleted)", None, fix_text=fix)]
        return [Kept(path, f"is {fmt(number)}", number / per_day, fix_text=fix)]
    return []
