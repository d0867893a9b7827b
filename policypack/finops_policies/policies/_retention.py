"""How long resources keep data, read once per stack for `no-infinite-retention` and `retention-tier`.

Both policies ask the same questions ("when does this log group, bucket, queue, backup or
self-hosted store delete data?") and differ only in what they compare the answer with: the first
rejects "never", the second a value outside the bounds of the resource's declared retention class.
This module answers the questions; the policies judge.

Everything is linear in the number of resources: `RetentionIndex.build` walks the stack once and
joins the resources that configure another one (S3 lifecycle/versioning/Object Lock
configurations → bucket, ECR lifecycle policy → repository, ConfigMap → pod) through dictionaries
keyed by name and URN. A configuring resource names its target by an input (`bucket`,
`repository`) that may be unknown during preview; the join then follows
`property_dependencies[<input>]`, and a configuration that cannot be attributed at all makes the
verdict on every candidate target unverifiable instead of wrong.

The leading underscore keeps the policy registry from loading this module as a policy.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import yaml

from finops_policies import conventions as conv
from finops_policies.approvals import today
from finops_policies.resources import ResourceView, StackView
from finops_policies.values import (
    MISSING,
    UNKNOWN,
    as_bool,
    as_mapping,
    as_number,
    is_absent,
    is_unknown,
    lookup,
    shown,
)

# --- type tokens only these two policies read (the shared ones live in `conventions`) -----------
SQS_QUEUE: Final = "aws:sqs/queue:Queue"
KINESIS_STREAM: Final = "aws:kinesis/stream:Stream"
DOCDB_CLUSTER: Final = "aws:docdb/cluster:Cluster"
NEPTUNE_CLUSTER: Final = "aws:neptune/cluster:Cluster"
ELASTICACHE_CLUSTER: Final = "aws:elasticache/cluster:Cluster"
ELASTICACHE_REPLICATION_GROUP: Final = "aws:elasticache/replicationGroup:ReplicationGroup"
EVENT_DATA_STORE: Final = "aws:cloudtrail/eventDataStore:EventDataStore"
K8S_CONFIGMAP: Final = "kubernetes:core/v1:ConfigMap"
STRIMZI_GROUP: Final = "kubernetes:kafka.strimzi.io/"
STRIMZI_TOPIC_KIND: Final = ":KafkaTopic"

#: Suggested retention per class when a fix needs a number (seed 002 §11.5: app logs hot 14 d,
#: traces 7 d, read-model snapshots 30 d); clamped into the configured bounds before use.
SUGGESTED_DAYS: Final[Mapping[str, int]] = {
    "debug": 3,
    "logs": 14,
    "traces": 7,
    "snapshots": 30,
    "dlq": 14,
    "audit": 2557,
}
#: Used when a resource declares no class and only needs *some* finite retention.
DEFAULT_SUGGESTED_DAYS: Final = 14
#: Above this, a YAML/JSON document in a ConfigMap is not parsed (a policy must stay fast).
_MAX_DOCUMENT_CHARS: Final = 256_000


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def fmt(number: float) -> str:
    """A number as people write it: 1209600, 0.5, 2.25 (never 1.2096e+06)."""
    text = f"{round(number, 4):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _days_text(days: float) -> str:
    return f"{fmt(days)} day" + ("" if days == 1 else "s")


def snap_cloudwatch(target: float, bounds: conv.RetentionBounds | None = None) -> int:
    """The CloudWatch retention value (an enumerated set) nearest `target` inside `bounds`."""
    allowed = list(conv.CLOUDWATCH_RETENTION_DAYS)
    if bounds is not None:
        inside = [
            d
            for d in allowed
            if (bounds.min_days is None or d >= bounds.min_days) and (bounds.max_days is None or d <= bounds.max_days)
        ]
        allowed = inside or allowed
    return min(allowed, key=lambda d: (abs(d - target), d))


# --- retention classes ------------------------------------------------------------------------
@dataclass(frozen=True)
class DeclaredClass:
    """The value of the retention-class tag or label, and where it was found."""

    value: str | Any  # a str, or UNKNOWN
    source: str  # the property path, e.g. "tags.retention-class"

    @property
    def known(self) -> bool:
        return isinstance(self.value, str)

    @property
    def name(self) -> str:
        return self.value.strip().lower() if isinstance(self.value, str) else ""


def _class_in(source: object) -> object:
    """The class value in one tag/label map: the value, UNKNOWN, or MISSING."""
    if is_unknown(source):
        return UNKNOWN
    if not isinstance(source, dict):
        return MISSING
    return source.get(conv.RETENTION_CLASS_KEY, MISSING)


def declared_class(resource: ResourceView, *, with_provider_defaults: bool = True) -> DeclaredClass | None:
    """The retention class a resource declares, or None when it declares none.

    AWS: the resource's `tags` win over `tagsAll` (the provider's merge, present after `Check`),
    which wins over the provider's `defaultTags` (offline there is no `Check`, so the merge is
    redone here). An unknown map earlier in that order hides the later ones: it might hold the
    key. Kubernetes: `metadata.labels`, then the pod template's labels.
    """
    if resource.is_kubernetes:
        sources = [("metadata.labels", resource.get("metadata", "labels"))]
        if resource.type in conv.K8S_WORKLOADS:
            template_labels = resource.get("spec", "template", "metadata", "labels")
            sources.append(("spec.template.metadata.labels", template_labels))
    elif resource.is_aws:
        sources = [("tags", resource.get("tags")), ("tagsAll", resource.get("tagsAll"))]
        if with_provider_defaults and resource.provider is not None:
            sources.append(("provider defaultTags", resource.provider.default_tags))
    else:
        return None
    for path, source in sources:
        value = _class_in(source)
        if value is UNKNOWN or is_unknown(value):
            return DeclaredClass(UNKNOWN, f"{path}.{conv.RETENTION_CLASS_KEY}")
        if value is MISSING or value is None:
            continue
        text = value if isinstance(value, str) else shown(value)
        return DeclaredClass(text, f"{path}.{conv.RETENTION_CLASS_KEY}")
    return None


def class_bounds(config: Mapping[str, Any]) -> dict[str, conv.RetentionBounds]:
    """The default classes with the config key `classes` merged over them, field by field."""
    merged = {name.lower(): bounds for name, bounds in conv.RETENTION_CLASSES.items()}
    given = config.get("classes")
    if not isinstance(given, Mapping):
        return merged
    for raw_name, spec in given.items():
        if not isinstance(raw_name, str) or not isinstance(spec, Mapping):
            continue
        name = raw_name.strip().lower()
        base = merged.get(name, conv.RetentionBounds(max_days=None))
        max_days, min_days, immutable = base.max_days, base.min_days, base.immutable
        if "maxDays" in spec:
            number = as_number(spec["maxDays"])
            max_days = int(number) if number is not None and number > 0 else None
        if "minDays" in spec:
            number = as_number(spec["minDays"])
            min_days = int(number) if number is not None and number > 0 else None
        if "immutable" in spec:
            immutable = as_bool(spec["immutable"]) is True
        merged[name] = conv.RetentionBounds(max_days=max_days, min_days=min_days, immutable=immutable)
    return merged


def expected_for(class_name: str, bounds: conv.RetentionBounds) -> str:
    if bounds.max_days is not None:
        low = bounds.min_days if bounds.min_days is not None else 1
        return f"{low}..{bounds.max_days} days for class '{class_name}'"
    if bounds.min_days is not None:
        years = f" ({bounds.min_days // 365} years)" if bounds.min_days % 365 == 0 else ""
        return f"at least {bounds.min_days} days{years} for class '{class_name}'"
    return f"any retention for class '{class_name}'"


def suggested_days(class_name: str | None, bounds: conv.RetentionBounds | None) -> float:
    target = float(SUGGESTED_DAYS.get(class_name or "", DEFAULT_SUGGESTED_DAYS))
    if bounds is not None:
        if bounds.max_days is not None:
            target = min(target, bounds.max_days)
        if bounds.min_days is not None:
            target = max(target, bounds.min_days)
    return target


# --- what one setting keeps -------------------------------------------------------------------
@dataclass(frozen=True)
class Kept:
    """How long data governed by one property is kept.

    `days` None means forever. `unknown` means the value (or a part that could shorten it) is
    unknown until apply. `setter` and `per_day` turn a number of days into the fix for this property.
    """

    property: str
    found: str
    days: float | None
    unknown: bool = False
    setter: str = ""
    per_day: float = 1.0
    cloudwatch: bool = False
    #: The setter takes a duration string ('7d'), as Prometheus, Loki and Tempo do.
    duration: bool = False
    #: A fix that does not fit "set <setter>=<n>" (kept verbatim).
    fix_text: str = ""

    def fix(self, days: float, bounds: conv.RetentionBounds | None = None) -> str:
        if self.fix_text:
            return self.fix_text
        if self.duration:
            return f"set {self.setter} to '{fmt(max(round(days), 1))}d'"
        if self.cloudwatch:
            return f"set {self.setter}={snap_cloudwatch(days, bounds)} or use finops_components.TelemetryRetention"
        value = days * self.per_day
        return f"set {self.setter}={value:.0f}"


def _number_kept(
    resource: ResourceView,
    prop: str,
    *,
    unit: str,
    per_day: float,
    setter: str,
    default: float | None,
    default_note: str,
    forever_at_or_below: float | None = None,
) -> Kept:
    """A retention held by one numeric input, in `unit` (`per_day` units make one day)."""
    raw = resource.get(prop)
    if raw is UNKNOWN:
        return Kept(prop, "is unknown until apply", None, unknown=True, setter=setter, per_day=per_day)
    if is_absent(raw):
        if default is None:
            return Kept(prop, f"is unset ({default_note})", None, setter=setter, per_day=per_day)
        return Kept(prop, f"is unset ({default_note})", default / per_day, setter=setter, per_day=per_day)
    number = as_number(raw)
    if number is None:
        return Kept(prop, f"is {shown(raw)} (not a number)", None, setter=setter, per_day=per_day)
    if forever_at_or_below is not None and number <= forever_at_or_below:
        return Kept(prop, f"is {fmt(number)} (never expires)", None, setter=setter, per_day=per_day)
    days = number / per_day
    suffix = "" if unit == "days" else f" ({_days_text(round(days, 2))})"
    return Kept(prop, f"is {fmt(number)} {unit}{suffix}", days, setter=setter, per_day=per_day)


def log_group_kept(resource: ResourceView) -> Kept:
    """CloudWatch `retentionInDays`: absent or 0 means never expire; class DELIVERY forces 2 days."""
    setter = "retention_in_days"
    log_class = resource.get("logGroupClass")
    raw = resource.get("retentionInDays")
    if isinstance(log_class, str) and log_class.upper() == "DELIVERY":
        return Kept(
            "retentionInDays",
            "is fixed at 2 days by logGroupClass DELIVERY",
            2.0,
            setter=setter,
            cloudwatch=True,
        )
    if raw is UNKNOWN:
        return Kept("retentionInDays", "is unknown until apply", None, unknown=True, setter=setter, cloudwatch=True)
    if is_absent(raw):
        return Kept(
            "retentionInDays",
            "is unset (never expires)",
            None,
            unknown=log_class is UNKNOWN,
            setter=setter,
            cloudwatch=True,
        )
    number = as_number(raw)
    if number is None:
        return Kept("retentionInDays", f"is {shown(raw)} (not a number of days)", None, setter=setter, cloudwatch=True)
    if number <= 0:
        return Kept(
            "retentionInDays",
            f"is {fmt(number)} (never expires)",
            None,
            unknown=log_class is UNKNOWN,
            setter=setter,
            cloudwatch=True,
        )
    return Kept("retentionInDays", f"is {fmt(number)} days", number, setter=setter, cloudwatch=True)


def simple_kept(resource: ResourceView) -> list[Kept]:
    """Retention of the types held by a single numeric input (queues, streams, DB backups)."""
    t = resource.type
    if t == SQS_QUEUE:
        return [
            _number_kept(
                resource,
                "messageRetentionSeconds",
                unit="seconds",
                per_day=86400.0,
                setter="message_retention_seconds",
                default=345600.0,
                default_note="SQS keeps messages 4 days by default",
            )
        ]
    if t == KINESIS_STREAM:
        return [
            _number_kept(
                resource,
                "retentionPeriod",
                unit="hours",
                per_day=24.0,
                setter="retention_period",
                default=24.0,
                default_note="Kinesis keeps records 24 hours by default",
            )
        ]
    if t in (conv.RDS_INSTANCE, conv.RDS_CLUSTER, DOCDB_CLUSTER, NEPTUNE_CLUSTER):
        return [
            _number_kept(
                resource,
                "backupRetentionPeriod",
                unit="days",
                per_day=1.0,
                setter="backup_retention_period",
                default=1.0,
                default_note="automated backups kept 1 day by default",
            )
        ]
    if t in (ELASTICACHE_CLUSTER, ELASTICACHE_REPLICATION_GROUP):
        return [
            _number_kept(
                resource,
                "snapshotRetentionLimit",
                unit="days",
                per_day=1.0,
                setter="snapshot_retention_limit",
                default=0.0,
                default_note="no automatic snapshots by default",
            )
        ]
    if t == EVENT_DATA_STORE:
        return [
            _number_kept(
                resource,
                "retentionPeriod",
                unit="days",
                per_day=1.0,
                setter="retention_period",
                default=2555.0,
                default_note="CloudTrail Lake keeps events 2555 days by default",
            )
        ]
    return []


def backup_plan_kept(resource: ResourceView) -> list[Kept]:
    """`rules[].lifecycle.deleteAfter` and `rules[].copyActions[].lifecycle.deleteAfter` of a Backup plan."""
    rules = resource.get("rules")
    if rules is UNKNOWN:
        return [Kept("rules", "is unknown until apply", None, unknown=True)]
    out: list[Kept] = []
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        label = _text(lookup(rule, "ruleName"))
        named = f" on rule {shown(label)}" if label else ""
        out.append(
            _delete_after(lookup(rule, "lifecycle"), f"rules[{i}].lifecycle.deleteAfter", named, "recovery points")
        )
        copies = lookup(rule, "copyActions")
        if copies is UNKNOWN:
            out.append(Kept(f"rules[{i}].copyActions", "is unknown until apply", None, unknown=True))
            continue
        for j, copy in enumerate(copies if isinstance(copies, list) else []):
            prop = f"rules[{i}].copyActions[{j}].lifecycle.deleteAfter"
            out.append(_delete_after(lookup(copy, "lifecycle"), prop, named, "copied recovery points"))
    return out


def _delete_after(lifecycle: object, prop: str, named: str, what: str) -> Kept:
    setter = prop.replace("deleteAfter", "delete_after").replace("copyActions", "copy_actions")
    fix = f"set {setter} (days) so {what} expire"
    value = lookup(lifecycle, "deleteAfter")
    if lifecycle is UNKNOWN or value is UNKNOWN:
        return Kept(prop, f"is unknown until apply{named}", None, unknown=True, fix_text=fix)
    if is_absent(value):
        return Kept(prop, f"is unset{named} ({what} are kept forever)", None, fix_text=fix)
    number = as_number(value)
    if number is None or number <= 0:
        return Kept(prop, f"is {shown(value)}{named} ({what} are kept forever)", None, fix_text=fix)
    return Kept(prop, f"is {fmt(number)} days{named}", number, setter=setter)


# --- Kafka ------------------------------------------------------------------------------------
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


# --- durations (Prometheus, Loki, Tempo) ------------------------------------------------------
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|us|µs|ns|y|w|d|h|m|s)")
_DURATION_DAYS: Final[Mapping[str, float]] = {
    "y": 365.0,
    "w": 7.0,
    "d": 1.0,
    "h": 1 / 24,
    "m": 1 / 1440,
    "s": 1 / 86400,
    "ms": 1 / 86_400_000,
    "us": 1 / 86_400_000_000,
    "µs": 1 / 86_400_000_000,
    "ns": 1 / 86_400_000_000_000,
}


def duration_days(value: object) -> float | None:
    """Days in a Prometheus/Go duration (`15d`, `744h`, `1y2w`, `720h0m0s`); None if not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return None if not math.isfinite(value) else float(value) / 86400.0  # bare numbers are seconds
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text == "0":
        return 0.0
    position, total = 0, 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != position:
            return None
        total += float(match.group(1)) * _DURATION_DAYS[match.group(2)]
        position = match.end()
    return total if position == len(text) and position > 0 else None


# --- S3 buckets -------------------------------------------------------------------------------
Tri = bool | Any  # True / False / UNKNOWN


@dataclass(frozen=True)
class _Rule:
    label: str
    enabled: Tri
    whole: Tri
    days: float | Any | None  # positive days, None, or UNKNOWN
    date: str | Any | None
    noncurrent_days: float | Any | None
    transitions: bool
    scope: str = ""  # what a partial filter covers, for the message

    def why_not_expiring(self) -> str:
        if self.enabled is False:
            return f"rule {self.label} is disabled"
        if self.whole is False:
            return f"rule {self.label} covers only {self.scope}"
        if self.transitions:
            return f"rule {self.label} only transitions objects, which deletes nothing"
        return f"rule {self.label} has no expiration"


def _positive(value: object) -> float | Any | None:
    if is_unknown(value) or value is UNKNOWN:
        return UNKNOWN
    number = as_number(value)
    return number if number is not None and number > 0 else None


def _date(value: object) -> str | Any | None:
    if is_unknown(value) or value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _first(items: object, key: str) -> object:
    """The first element's `key` of a list-shaped block (BucketV2), or the block itself if a map."""
    if is_unknown(items) or items is UNKNOWN:
        return UNKNOWN
    if isinstance(items, list):
        values = [lookup(item, key) for item in items]
        known = [v for v in values if not is_absent(v) and not is_unknown(v)]
        if known:
            return known[0]
        return UNKNOWN if any(is_unknown(v) for v in values) else MISSING
    return lookup(items, key)


def _empty(value: object) -> Tri:
    """True when a filter part selects everything (absent, empty string, empty map/list)."""
    if is_unknown(value) or value is UNKNOWN:
        return UNKNOWN
    if is_absent(value):
        return True
    if isinstance(value, str | dict | list):
        return len(value) == 0
    return False


def _all(parts: Iterable[Tri]) -> Tri:
    saw_unknown = False
    for part in parts:
        if part is False:
            return False
        if part is not True:
            saw_unknown = True
    return UNKNOWN if saw_unknown else True


def _standalone_rule(rule: object, index: int) -> _Rule:
    ident = _text(lookup(rule, "id"))
    label = shown(ident) if ident else f"#{index + 1}"
    status = lookup(rule, "status")
    enabled: Tri = UNKNOWN if status is UNKNOWN else (isinstance(status, str) and status.lower() == "enabled")
    flt = lookup(rule, "filter")
    if flt is UNKNOWN:
        whole: Tri = UNKNOWN
        scope = "objects matching its filter"
    else:
        conj = lookup(flt, "and")
        prefix = lookup(flt, "prefix")
        whole = _all(
            [
                _empty(lookup(rule, "prefix")),
                _empty(prefix),
                _empty(lookup(flt, "tag")),
                _empty(lookup(flt, "objectSizeLessThan")),
                _size_floor(lookup(flt, "objectSizeGreaterThan")),
                _empty(lookup(conj, "prefix")),
                _empty(lookup(conj, "tags")),
                _empty(lookup(conj, "objectSizeLessThan")),
                _size_floor(lookup(conj, "objectSizeGreaterThan")),
            ]
        )
        named = prefix if isinstance(prefix, str) and prefix else lookup(rule, "prefix")
        scope = f"prefix {shown(named)}" if isinstance(named, str) and named else "objects matching its filter"
    expiration = lookup(rule, "expiration")
    return _Rule(
        label=label,
        enabled=enabled,
        whole=whole,
        days=UNKNOWN if expiration is UNKNOWN else _positive(lookup(expiration, "days")),
        date=UNKNOWN if expiration is UNKNOWN else _date(lookup(expiration, "date")),
        noncurrent_days=_positive(lookup(rule, "noncurrentVersionExpiration", "noncurrentDays")),
        transitions=bool(lookup(rule, "transitions")) or bool(lookup(rule, "noncurrentVersionTransitions")),
        scope=scope,
    )


def _size_floor(value: object) -> Tri:
    """`objectSizeGreaterThan` 0 (or absent) still selects every object."""
    if is_unknown(value) or value is UNKNOWN:
        return UNKNOWN
    if is_absent(value) or value == "":
        return True
    number = as_number(value)
    return number is not None and number <= 0


def _inline_rule(rule: object, index: int, list_shaped: bool) -> _Rule:
    ident = _text(lookup(rule, "id"))
    label = shown(ident) if ident else f"#{index + 1}"
    raw_enabled = lookup(rule, "enabled")
    enabled: Tri = UNKNOWN if raw_enabled is UNKNOWN else as_bool(raw_enabled) is True
    prefix = lookup(rule, "prefix")
    whole = _all([_empty(prefix), _empty(lookup(rule, "tags"))])
    scope = f"prefix {shown(prefix)}" if isinstance(prefix, str) and prefix else "tagged objects"
    if list_shaped:
        expirations = lookup(rule, "expirations")
        days = _positive(_first(expirations, "days"))
        date = _date(_first(expirations, "date"))
        noncurrent = _positive(_first(lookup(rule, "noncurrentVersionExpirations"), "days"))
    else:
        expiration = lookup(rule, "expiration")
        days = UNKNOWN if expiration is UNKNOWN else _positive(lookup(expiration, "days"))
        date = UNKNOWN if expiration is UNKNOWN else _date(lookup(expiration, "date"))
        noncurrent = _positive(lookup(rule, "noncurrentVersionExpiration", "days"))
    transitions = bool(lookup(rule, "transitions")) or bool(lookup(rule, "noncurrentVersionTransitions"))
    return _Rule(label, enabled, whole, days, date, noncurrent, transitions, scope)


def _unknown_rule(label: str) -> _Rule:
    return _Rule(label, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, False)


@dataclass(frozen=True)
class Lock:
    """One Object Lock default retention that applies to a bucket."""

    mode: str | Any  # str, UNKNOWN, or MISSING
    days: float | Any | None


@dataclass
class _BucketParts:
    rules: list[_Rule] = field(default_factory=list)
    versioning: list[Tri] = field(default_factory=list)
    locks: list[Lock] = field(default_factory=list)
    lock_configs: int = 0


@dataclass(frozen=True)
class BucketRetention:
    """What a bucket's lifecycle (inline and joined) does to its objects."""

    has_rules: bool
    #: Earliest definite whole-bucket expiration of current objects (days), or None.
    current_days: float | None
    current_date: str | None
    #: Some rule could not be read: it might add an (earlier) expiration.
    current_uncertain: bool
    versioned: Tri
    noncurrent_days: float | None
    noncurrent_uncertain: bool
    reasons: tuple[str, ...]
    lock_enabled: Tri
    locks: tuple[Lock, ...]
    lock_configs: int

    @property
    def expires(self) -> Tri:
        if self.current_days is not None or self.current_date is not None:
            return True
        return UNKNOWN if self.current_uncertain else False

    @property
    def noncurrent_expires(self) -> Tri:
        if self.versioned is False or self.noncurrent_days is not None:
            return True
        if self.noncurrent_uncertain or self.versioned is UNKNOWN:
            return UNKNOWN
        return False

    def why(self) -> str:
        if not self.has_rules:
            return "no lifecycle rule"
        return "; ".join(self.reasons[:2]) + ("; …" if len(self.reasons) > 2 else "")


def _date_days(text: str, on: dt.date) -> float | None:
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
    return float(max((day - on).days, 0))


class _Join:
    """Resolves the target of a configuring resource by name, else by property dependency."""

    def __init__(self, targets: Sequence[ResourceView], name_prop: str) -> None:
        self.by_urn = {t.urn: t for t in targets}
        self.by_name: dict[str, list[ResourceView]] = {}
        for target in targets:
            name = target.get(name_prop)
            if isinstance(name, str) and name:
                self.by_name.setdefault(name, []).append(target)

    def targets(self, resource: ResourceView, input_name: str) -> tuple[list[ResourceView], bool]:
        """(targets, attributable): unattributable when the input is unknown and no dependency says more."""
        found: dict[str, ResourceView] = {}
        value = resource.get(input_name)
        if isinstance(value, str):
            for target in self.by_name.get(value, ()):
                found[target.urn] = target
            # an ARN-shaped reference still names the bucket/repository at its end
            tail = value.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
            if tail != value:
                for target in self.by_name.get(tail, ()):
                    found[target.urn] = target
        for urn in resource.property_dependencies.get(input_name, ()):
            if urn in self.by_urn:
                found[urn] = self.by_urn[urn]
        # only an unknown name leaves the target open; an absent one names nothing (and fails at deploy)
        attributable = bool(found) or value is not UNKNOWN
        return list(found.values()), attributable


@dataclass
class RetentionIndex:
    """The joins both policies need, built in one pass over the stack."""

    stack: StackView
    buckets: dict[str, _BucketParts] = field(default_factory=dict)
    #: Kinds of bucket configuration ("lifecycle", "versioning", "lock") with an instance whose bucket
    #: cannot be told during preview: any bucket might be its target.
    floating_bucket_configs: set[str] = field(default_factory=set)
    ecr_policies: dict[str, list[Tri]] = field(default_factory=dict)
    ecr_reasons: dict[str, list[str]] = field(default_factory=dict)
    floating_ecr_policies: bool = False
    configmaps: dict[str, list[ResourceView]] = field(default_factory=dict)

    @classmethod
    def build(cls, stack: StackView) -> RetentionIndex:
        index = cls(stack)
        buckets = [r for r in stack.resources if r.type in conv.S3_BUCKETS]
        repositories = [r for r in stack.resources if r.type == conv.ECR_REPOSITORY]
        bucket_join = _Join(buckets, "bucket")
        repo_join = _Join(repositories, "name")
        for bucket in buckets:
            index.buckets[bucket.urn] = _inline_parts(bucket)
        for r in stack.resources:
            if r.type in conv.S3_LIFECYCLES:
                index._attach(bucket_join, r, "lifecycle", _standalone_rules(r))
            elif r.type in (conv.S3_VERSIONING, conv.S3_VERSIONING_V2):
                index._attach(bucket_join, r, "versioning", _versioning_status(r))
            elif r.type in conv.S3_OBJECT_LOCKS:
                index._attach(bucket_join, r, "lock", _lock_of(r, "rule", "defaultRetention"))
            elif r.type == conv.ECR_LIFECYCLE_POLICY:
                index._attach_ecr(repo_join, r)
            elif r.type == K8S_CONFIGMAP:
                name = r.get("metadata", "name")
                if isinstance(name, str):
                    index.configmaps.setdefault(name, []).append(r)
        return index

    def _attach(self, join: _Join, r: ResourceView, kind: str, payload: Any) -> None:
        targets, attributable = join.targets(r, "bucket")
        if not attributable:
            self.floating_bucket_configs.add(kind)
        for target in targets:
            parts = self.buckets[target.urn]
            if kind == "lifecycle":
                parts.rules.extend(payload)
            elif kind == "versioning":
                parts.versioning.append(payload)
            else:
                parts.locks.append(payload)
                parts.lock_configs += 1

    def _attach_ecr(self, join: _Join, r: ResourceView) -> None:
        targets, attributable = join.targets(r, "repository")
        if not attributable:
            self.floating_ecr_policies = True
        verdict, reason = ecr_policy_expires(r.get("policy"))
        for target in targets:
            self.ecr_policies.setdefault(target.urn, []).append(verdict)
            if reason:
                self.ecr_reasons.setdefault(target.urn, []).append(reason)

    def bucket(self, bucket: ResourceView, on: dt.date | None = None) -> BucketRetention:
        parts = self.buckets.get(bucket.urn) or _inline_parts(bucket)
        day = on or today()
        floating_rules = "lifecycle" in self.floating_bucket_configs
        current: list[float] = []
        dates: list[str] = []
        noncurrent: list[float] = []
        current_uncertain = noncurrent_uncertain = floating_rules
        reasons: list[str] = []
        for rule in parts.rules:
            applies = _all([rule.enabled, rule.whole])
            if applies is False:
                reasons.append(rule.why_not_expiring())
                continue
            definite = applies is True
            expiry = rule.days if isinstance(rule.days, float) else None
            if expiry is None and isinstance(rule.date, str):
                expiry = _date_days(rule.date, day)
                if expiry is None:
                    reasons.append(f"rule {rule.label} has an unreadable expiration date")
                elif definite:
                    dates.append(rule.date)
            if expiry is not None:
                if definite:
                    current.append(expiry)
                else:
                    current_uncertain = True
            elif rule.days is UNKNOWN or rule.date is UNKNOWN:
                current_uncertain = True
            elif not isinstance(rule.date, str):
                reasons.append(rule.why_not_expiring())
            if isinstance(rule.noncurrent_days, float):
                if definite:
                    noncurrent.append(rule.noncurrent_days)
                else:
                    noncurrent_uncertain = True
            elif rule.noncurrent_days is UNKNOWN:
                noncurrent_uncertain = True
        lock_enabled = _lock_enabled(bucket)
        versioned = _any_true([*parts.versioning, lock_enabled])
        if versioned is False and "versioning" in self.floating_bucket_configs:
            versioned = UNKNOWN
        locks = list(parts.locks)
        if "lock" in self.floating_bucket_configs:
            locks.append(Lock(UNKNOWN, UNKNOWN))
        return BucketRetention(
            has_rules=bool(parts.rules),
            current_days=min(current) if current else None,
            current_date=dates[0] if dates else None,
            current_uncertain=current_uncertain,
            versioned=versioned,
            noncurrent_days=min(noncurrent) if noncurrent else None,
            noncurrent_uncertain=noncurrent_uncertain,
            reasons=tuple(reasons),
            lock_enabled=lock_enabled,
            locks=tuple(locks),
            lock_configs=parts.lock_configs,
        )

    def ecr(self, repository: ResourceView) -> tuple[Tri, str]:
        verdicts = self.ecr_policies.get(repository.urn, [])
        if any(v is True for v in verdicts):
            return True, ""
        if any(v is UNKNOWN for v in verdicts) or (self.floating_ecr_policies and not verdicts):
            return UNKNOWN, ""
        if not verdicts:
            return False, "no lifecycle policy"
        reasons = self.ecr_reasons.get(repository.urn, [])
        return False, reasons[0] if reasons else "no rule expires images"

    def configs_for(self, resource: ResourceView, pod_spec: object) -> tuple[list[object], bool]:
        """Parsed documents of the ConfigMaps mounted by a pod; the flag says one was not in the stack."""
        volumes = lookup(pod_spec, "volumes")
        names: list[str] = []
        for volume in volumes if isinstance(volumes, list) else []:
            name = lookup(volume, "configMap", "name")
            if isinstance(name, str):
                names.append(name)
            sources = lookup(volume, "projected", "sources")
            for source in sources if isinstance(sources, list) else []:
                projected = lookup(source, "configMap", "name")
                if isinstance(projected, str):
                    names.append(projected)
        namespace = resource.get("metadata", "namespace")
        docs: list[object] = []
        missing = is_unknown(volumes)
        for name in names:
            maps = [
                m
                for m in self.configmaps.get(name, ())
                if not isinstance(namespace, str) or m.get("metadata", "namespace") in (namespace, MISSING)
            ]
            if not maps:
                missing = True
            for config_map in maps:
                docs.extend(_documents(config_map))
        return docs, missing


def _documents(config_map: ResourceView) -> list[object]:
    data = config_map.get("data")
    out: list[object] = []
    for value in data.values() if isinstance(data, dict) else []:
        if not isinstance(value, str) or len(value) > _MAX_DOCUMENT_CHARS:
            continue
        try:
            out.extend(doc for doc in yaml.safe_load_all(value) if isinstance(doc, dict))
        except yaml.YAMLError:
            continue
    return out


def _any_true(values: Iterable[Tri]) -> Tri:
    saw_unknown = False
    for value in values:
        if value is True:
            return True
        if value is not False:
            saw_unknown = True
    return UNKNOWN if saw_unknown else False


def _inline_parts(bucket: ResourceView) -> _BucketParts:
    parts = _BucketParts()
    list_shaped = bucket.type == conv.S3_BUCKET_V2
    rules = bucket.get("lifecycleRules")
    if rules is UNKNOWN:
        parts.rules.append(_unknown_rule("lifecycleRules"))
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        parts.rules.append(_unknown_rule(f"#{i + 1}") if rule is UNKNOWN else _inline_rule(rule, i, list_shaped))
    versioning = _first(bucket.get("versionings"), "enabled") if list_shaped else bucket.get("versioning", "enabled")
    if versioning is UNKNOWN or is_unknown(versioning):
        parts.versioning.append(UNKNOWN)
    else:
        parts.versioning.append(as_bool(versioning) is True)
    if list_shaped:
        lock_rules = bucket.get("objectLockConfiguration", "rules")
        if lock_rules is UNKNOWN:
            parts.locks.append(Lock(UNKNOWN, UNKNOWN))
        for rule in lock_rules if isinstance(lock_rules, list) else []:
            retentions = lookup(rule, "defaultRetentions")
            if retentions is UNKNOWN:
                parts.locks.append(Lock(UNKNOWN, UNKNOWN))
            for retention in retentions if isinstance(retentions, list) else []:
                parts.locks.append(_lock_from(retention))
    else:
        inline = bucket.get("objectLockConfiguration", "rule", "defaultRetention")
        if not is_absent(inline):
            parts.locks.append(_lock_from(inline))
    return parts


def _lock_enabled(bucket: ResourceView) -> Tri:
    flag = bucket.get("objectLockEnabled")
    legacy = bucket.get("objectLockConfiguration", "objectLockEnabled")
    values: list[Tri] = []
    for value in (flag, legacy):
        if value is UNKNOWN:
            values.append(UNKNOWN)
        elif isinstance(value, str):
            values.append(value.strip().lower() in {"enabled", "true"})
        else:
            values.append(as_bool(value) is True)
    return _any_true(values)


def _lock_from(retention: object) -> Lock:
    if retention is UNKNOWN:
        return Lock(UNKNOWN, UNKNOWN)
    mode = lookup(retention, "mode")
    days = lookup(retention, "days")
    years = lookup(retention, "years")
    if days is UNKNOWN or years is UNKNOWN:
        length: float | Any | None = UNKNOWN
    elif as_number(days) is not None:
        length = as_number(days)
    elif as_number(years) is not None:
        length = (as_number(years) or 0.0) * 365.0
    else:
        length = None
    return Lock(mode if isinstance(mode, str) or mode is UNKNOWN else MISSING, length)


def _lock_of(resource: ResourceView, *path: str) -> Lock:
    return _lock_from(resource.get(*path))


def _standalone_rules(resource: ResourceView) -> list[_Rule]:
    rules = resource.get("rules")
    if rules is UNKNOWN:
        return [_unknown_rule("rules")]
    if not isinstance(rules, list):
        return []
    return [
        _unknown_rule(f"#{i + 1}") if rule is UNKNOWN else _standalone_rule(rule, i) for i, rule in enumerate(rules)
    ]


def _versioning_status(resource: ResourceView) -> Tri:
    status = resource.get("versioningConfiguration", "status")
    if status is UNKNOWN:
        return UNKNOWN
    # "Suspended" still keeps the versions written while versioning was on
    return isinstance(status, str) and status.strip().lower() in {"enabled", "suspended"}


def ecr_policy_expires(policy: object) -> tuple[Tri, str]:
    """Whether an ECR lifecycle policy (JSON string or object) has a rule that expires images."""
    if policy is UNKNOWN or is_unknown(policy):
        return UNKNOWN, ""
    document = as_mapping(policy)
    if document is None:
        return False, "it is not a JSON object"
    rules = lookup(document, "rules")
    if rules is UNKNOWN:
        return UNKNOWN, ""
    if not isinstance(rules, list) or not rules:
        return False, "it has no rules"
    saw_unknown = False
    for rule in rules:
        action = lookup(rule, "action", "type")
        if action is UNKNOWN or is_unknown(action):
            saw_unknown = True
        elif isinstance(action, str) and action.strip().lower() == "expire":
            return True, ""
    if saw_unknown:
        return UNKNOWN, ""
    return False, "its rules only transition images, which deletes nothing"


# --- self-hosted telemetry --------------------------------------------------------------------
TelemetryState = Literal["set", "unset", "forever", "unknown", "hidden"]


@dataclass(frozen=True)
class Telemetry:
    """The retention setting of one self-hosted Prometheus, Loki or Tempo."""

    system: str
    property: str
    state: TelemetryState
    found: str
    fix: str
    days: float | None = None


_PROMETHEUS_CHARTS: Final = frozenset({"kube-prometheus-stack", "prometheus"})
_LOKI_CHARTS: Final = frozenset({"loki", "loki-stack", "loki-distributed", "loki-simple-scalable"})
_TEMPO_CHARTS: Final = frozenset({"tempo", "tempo-distributed"})
#: Where Loki's config sits in the values of the charts above (grafana/loki v6 first).
_LOKI_PREFIXES: Final = (("loki",), ("loki", "structuredConfig"), ("config",), ("loki", "config"), ())
_PROMETHEUS_VALUES: Final[tuple[tuple[str, ...], ...]] = (
    ("prometheus", "prometheusSpec", "retention"),
    ("prometheus", "prometheusSpec", "retentionSize"),
    ("server", "retention"),
    ("server", "retentionSize"),
)
_PROMETHEUS_FLAGS: Final = (
    "storage.tsdb.retention.time",
    "storage.tsdb.retention",
    "storage.tsdb.retention.size",
)
_TEMPO_VALUES: Final[tuple[tuple[str, ...], ...]] = (
    ("tempo", "retention"),
    ("compactor", "config", "compaction", "block_retention"),
    ("tempo", "structuredConfig", "compactor", "compaction", "block_retention"),
    ("config", "compactor", "compaction", "block_retention"),
)


def chart_name(resource: ResourceView) -> str:
    chart = resource.get("chart")
    if not isinstance(chart, str):
        return ""
    name = chart.strip().rstrip("/").rsplit("/", 1)[-1].lower()
    name = name.split("@", 1)[0]
    return re.sub(r"-\d+(\.\d+)*(-[\w.]+)?\.tgz$", "", name)


def _find(doc: object, paths: Iterable[tuple[str, ...]]) -> tuple[tuple[str, ...], object] | None:
    """The first path present in `doc` (its value may be UNKNOWN)."""
    for path in paths:
        value = lookup(doc, *path)
        if not is_absent(value):
            return path, value
    return None


def _duration_setting(system: str, prop: str, value: object, fix: str) -> Telemetry:
    if value is UNKNOWN or is_unknown(value):
        return Telemetry(system, prop, "unknown", "is unknown until apply", fix)
    days = duration_days(value)
    if prop.endswith(("Size", "size")):
        return Telemetry(system, prop, "set", f"is {shown(value)}", fix)
    return Telemetry(system, prop, "set", f"is {shown(value)}", fix, days)


def _loki(docs: Sequence[object], where: str, fix: str, hidden: bool, default_prefix: str = "") -> Telemetry:
    """Loki deletes nothing unless the compactor's retention (or the table manager's) is on with a period."""
    enabled_paths = [(*p, "compactor", "retention_enabled") for p in _LOKI_PREFIXES]
    period_paths = [(*p, "limits_config", "retention_period") for p in _LOKI_PREFIXES]
    table_paths = [
        (*p, key, "retention_deletes_enabled") for p in _LOKI_PREFIXES for key in ("table_manager", "tableManager")
    ]
    table_period_paths = [
        (*p, key, "retention_period") for p in _LOKI_PREFIXES for key in ("table_manager", "tableManager")
    ]
    enabled_prop = f"{where}{default_prefix}compactor.retention_enabled"
    for doc in docs:
        for switch_paths, length_paths in ((enabled_paths, period_paths), (table_paths, table_period_paths)):
            switch = _find(doc, switch_paths)
            if switch is None:
                continue
            path, value = switch
            prop = where + ".".join(path)
            if value is UNKNOWN or is_unknown(value):
                return Telemetry("Loki", prop, "unknown", "is unknown until apply", fix)
            if as_bool(value) is not True:
                continue
            length = _find(doc, length_paths)
            if length is None:
                period_prop = where + ".".join(length_paths[0])
                return Telemetry(
                    "Loki", period_prop, "forever", "is unset (0s: retention is on but deletes nothing)", fix
                )
            period_path, period = length
            period_prop = where + ".".join(period_path)
            if period is UNKNOWN or is_unknown(period):
                return Telemetry("Loki", period_prop, "unknown", "is unknown until apply", fix)
            days = duration_days(period)
            if days == 0:
                return Telemetry("Loki", period_prop, "forever", f"is {shown(period)} (deletes nothing)", fix)
            return Telemetry("Loki", period_prop, "set", f"is {shown(period)}", fix, days)
    for doc in docs:
        switch = _find(doc, enabled_paths)
        if switch is not None:
            return Telemetry(
                "Loki",
                where + ".".join(switch[0]),
                "forever",
                f"is {shown(switch[1])} (Loki keeps logs forever)",
                fix,
            )
    if hidden:
        return Telemetry(
            "Loki", enabled_prop, "hidden", "is not visible to the policy (set in a file it cannot read)", fix
        )
    return Telemetry("Loki", enabled_prop, "forever", "is unset (Loki keeps logs forever by default)", fix)


def helm_telemetry(resource: ResourceView) -> list[Telemetry]:
    """Prometheus, Loki and Tempo installed by a Helm release (v3 Release or v4 Chart)."""
    chart = chart_name(resource)
    values = resource.get("values")
    files = resource.get("valueYamlFiles")
    hidden = files is UNKNOWN or (isinstance(files, list) and len(files) > 0)
    if chart in _LOKI_CHARTS:
        fix = (
            "set values loki.compactor.retention_enabled=true and loki.limits_config.retention_period "
            "(e.g. '744h'), with loki.compactor.delete_request_store on Loki 3"
        )
        if values is UNKNOWN:
            return [Telemetry("Loki", "values", "unknown", "is unknown until apply", fix)]
        return [_loki([values], "values.", fix, hidden, "loki.")]
    if chart in _PROMETHEUS_CHARTS:
        path = "prometheus.prometheusSpec.retention" if chart == "kube-prometheus-stack" else "server.retention"
        fix = f"set values {path} (e.g. '15d') and, for a bounded disk, the matching retentionSize"
        paths = _PROMETHEUS_VALUES
        system = "Prometheus"
    elif chart in _TEMPO_CHARTS:
        path = "tempo.retention" if chart == "tempo" else "compactor.config.compaction.block_retention"
        fix = f"set values {path} (e.g. '336h')"
        paths = _TEMPO_VALUES
        system = "Tempo"
    else:
        return []
    if values is UNKNOWN:
        return [Telemetry(system, "values", "unknown", "is unknown until apply", fix)]
    found = _find(values, paths)
    if found is not None:
        return [_duration_setting(system, "values." + ".".join(found[0]), found[1], fix)]
    if hidden:
        return [
            Telemetry(
                system,
                f"values.{path}",
                "hidden",
                "is not in values (valueYamlFiles, which a policy cannot read, may set it)",
                fix,
            )
        ]
    return [Telemetry(system, f"values.{path}", "unset", "is unset (retention left to the chart's default)", fix)]


def prometheus_cr_telemetry(resource: ResourceView) -> list[Telemetry]:
    fix = "set spec.retention (e.g. '15d') on the Prometheus resource"
    found = _find(resource.get("spec"), (("retention",), ("retentionSize",)))
    if resource.get("spec") is UNKNOWN:
        return [Telemetry("Prometheus", "spec", "unknown", "is unknown until apply", fix)]
    if found is None:
        return [
            Telemetry(
                "Prometheus",
                "spec.retention",
                "unset",
                "is unset (the operator's default of 24h applies implicitly)",
                fix,
            )
        ]
    return [_duration_setting("Prometheus", "spec." + found[0][0], found[1], fix)]


def _image_system(image: object) -> str | None:
    if not isinstance(image, str):
        return None
    repository = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()
    return {"prometheus": "Prometheus", "loki": "Loki", "tempo": "Tempo"}.get(repository)


def _flags(args: Sequence[object]) -> dict[str, object]:
    """`--name=value`, `-name=value`, `--name value` and bare boolean flags of a command line."""
    out: dict[str, object] = {}
    items = list(args)
    for i, arg in enumerate(items):
        if is_unknown(arg):
            continue
        if not isinstance(arg, str) or not arg.startswith("-"):
            continue
        name, sep, value = arg.lstrip("-").partition("=")
        if sep:
            out[name] = value
        elif i + 1 < len(items) and isinstance(items[i + 1], str) and not str(items[i + 1]).startswith("-"):
            out[name] = items[i + 1]
        else:
            out[name] = "true"
    return out


def pod_spec_of(resource: ResourceView) -> object:
    if resource.type == conv.K8S_POD:
        return resource.get("spec")
    return resource.get("spec", "template", "spec")


def workload_telemetry(resource: ResourceView, index: RetentionIndex) -> list[Telemetry]:
    """Prometheus/Loki/Tempo containers of a Deployment, StatefulSet or Pod, judged by their args."""
    pod_spec = pod_spec_of(resource)
    containers = lookup(pod_spec, "containers")
    out: list[Telemetry] = []
    for i, container in enumerate(containers if isinstance(containers, list) else []):
        system = _image_system(lookup(container, "image"))
        if system is None:
            continue
        args = lookup(container, "args")
        command = lookup(container, "command")
        where = f"spec.containers[{i}]" if resource.type == conv.K8S_POD else f"spec.template.spec.containers[{i}]"
        if args is UNKNOWN or command is UNKNOWN:
            out.append(Telemetry(system, f"{where}.args", "unknown", "is unknown until apply", ""))
            continue
        line = [*(command if isinstance(command, list) else []), *(args if isinstance(args, list) else [])]
        flags = _flags(line)
        if system == "Prometheus":
            fix = "add --storage.tsdb.retention.time=15d to the container args"
            for flag in _PROMETHEUS_FLAGS:
                if flag in flags:
                    out.append(_duration_setting(system, f"{where}.args --{flag}", flags[flag], fix))
                    break
            else:
                out.append(
                    Telemetry(
                        system,
                        f"{where}.args --storage.tsdb.retention.time",
                        "unset",
                        "is unset (the default of 15d applies implicitly)",
                        fix,
                    )
                )
            continue
        if system == "Loki":
            fix = (
                "set compactor.retention_enabled: true and limits_config.retention_period in the Loki "
                "config (or -compactor.retention-enabled=true -store.retention=744h)"
            )
            if "compactor.retention-enabled" in flags:
                switch = flags["compactor.retention-enabled"]
                doc: dict[str, object] = {"compactor": {"retention_enabled": switch}}
                if "store.retention" in flags:
                    doc["limits_config"] = {"retention_period": flags["store.retention"]}
                docs: list[object] = [doc]
                hidden = False
                source = f"{where}.args (as config)"
            else:
                docs, hidden = index.configs_for(resource, pod_spec)
                source = f"{where} Loki config"
            telemetry = _loki(docs, "", fix, hidden or ("config.file" in flags and not docs))
            out.append(
                Telemetry(
                    system,
                    f"{source} {telemetry.property}",
                    telemetry.state,
                    telemetry.found,
                    fix,
                    telemetry.days,
                )
            )
            continue
        fix = "set compactor.compaction.block_retention (e.g. '336h') in the Tempo config"
        docs, hidden = index.configs_for(resource, pod_spec)
        block = ("compactor", "compaction", "block_retention")
        found = next((f for f in (_find(d, [block]) for d in docs) if f), None)
        if found is not None:
            out.append(_duration_setting(system, f"{where} Tempo config {'.'.join(block)}", found[1], fix))
        elif hidden or "config.file" in flags:
            out.append(
                Telemetry(
                    system,
                    f"{where} Tempo config compactor.compaction.block_retention",
                    "hidden",
                    "is not visible to the policy (the config file is not in this stack)",
                    fix,
                )
            )
        else:
            out.append(
                Telemetry(
                    system,
                    f"{where} Tempo config compactor.compaction.block_retention",
                    "unset",
                    "is unset (the default of 336h applies implicitly)",
                    fix,
                )
            )
    return out


TELEMETRY_WORKLOADS: Final = (conv.K8S_DEPLOYMENT, conv.K8S_STATEFULSET, conv.K8S_POD)


def telemetry_of(resource: ResourceView, index: RetentionIndex) -> list[Telemetry]:
    if resource.type in (conv.K8S_HELM_RELEASE, conv.K8S_HELM_CHART_V4):
        return helm_telemetry(resource)
    if resource.type == conv.K8S_PROMETHEUS_CR:
        return prometheus_cr_telemetry(resource)
    if resource.type in TELEMETRY_WORKLOADS:
        return workload_telemetry(resource, index)
    return []
