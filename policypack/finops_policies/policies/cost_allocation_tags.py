"""Every taggable resource carries the cost-allocation keys, with real values valid for its platform.

Checked: every AWS resource type whose `tags` input is a map (the set generated from pulumi-aws into
`data/aws_taggable.json`), the Auto Scaling group's list of tags, and every Kubernetes object's
`metadata.labels` plus the pod-template labels of workloads. Each required key (the cost
contract's `costAllocation.tags`) must be present, non-empty, not a placeholder, syntactically
valid for the platform, and within the configured allowed values or pattern.

Where the tags come from, in order of precedence:

- AWS map-tagged types: the resource's `tags`, then `tagsAll` (the provider's merge, present in
  `pulumi preview` but not offline), then the provider's `defaultTags` (an explicit provider, or
  the default provider built from the stack's `aws:defaultTags`).
- Auto Scaling groups get no provider default tags; a required key must be in `tags` with
  `propagateAtLaunch: true`, or the instances the group launches (which is where the cost is)
  do not carry it.
- ECS services and daemons: their tasks, where Fargate cost lands and to which split cost
  allocation data attributes EC2 cost, carry tags only through `propagateTags`. A service must
  propagate from `SERVICE` (the service's own tags, checked here) or `TASK_DEFINITION` (the task
  definition's tags, checked on that resource); a daemon from `DAEMON`. Unset or `NONE` is a finding.
- Kubernetes: an object's own labels, and separately its pod template's labels, since Kubernetes
  does not copy a workload's labels to its pods and cost tools group by pod labels.

Only required keys have their values checked (so an unrelated tag value, say a token someone put
in a tag, never appears in a message); every key of the resource's own tags or labels has its key
syntax checked, since the provider would reject it at apply anyway.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, NamedTuple

from finops_policies import conventions as conv
from finops_policies.findings import Finding
from finops_policies.kubernetes import LABEL_NAME_SYNTAX, is_kubernetes_object, is_label_name, label_key_problem
from finops_policies.policies import _workloads as wl
from finops_policies.resources import ResourceView
from finops_policies.spec import ConfigKey, PolicySpec
from finops_policies.taggable import taggable_types
from finops_policies.values import (
    MISSING,
    UNKNOWN,
    as_bool,
    as_mapping,
    is_unknown,
    shown,
)

NAME: Final = "cost-allocation-tags"

# --- AWS tag syntax ("Tag naming limits and requirements", AWS Tagging AWS Resources user guide) ------
AWS_KEY_MAX: Final = 128
AWS_VALUE_MAX: Final = 256
AWS_RESERVED_PREFIX: Final = "aws:"
#: Besides Unicode letters, digits and separators (spaces), AWS tags allow these characters.
_AWS_PUNCTUATION: Final = frozenset("_.:/=+-@")
_AWS_CHARS_DOC: Final = "letters, digits, spaces and _ . : / = + - @"

# --- types --------------------------------------------------------------------------------------
ECS_DAEMON: Final = "aws:ecs/daemon:Daemon"
#: ECS types whose tasks get tags only via `propagateTags`, and the values that propagate tags.
_TASK_PROPAGATION: Final[Mapping[str, tuple[str, ...]]] = {
    conv.ECS_SERVICE: ("SERVICE", "TASK_DEFINITION"),
    ECS_DAEMON: ("DAEMON",),
}
Platform = Literal["aws", "kubernetes"]


# --- config --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """The policy config, normalised once per distinct config (every resource shares it)."""

    required: tuple[str, ...]
    allowed: Mapping[str, tuple[str, ...]]
    #: key -> (pattern text, compiled pattern or None when the text is not a valid regex)
    patterns: Mapping[str, tuple[str, re.Pattern[str] | None]]
    placeholders: frozenset[str]
    check_kubernetes: bool
    exclude: tuple[str, ...]


def _strings(value: object) -> tuple[str, ...] | None:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(v for v in value if isinstance(v, str))
    return None


@functools.lru_cache(maxsize=32)
def _parse_settings(encoded: str) -> Settings:
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
    )


_CONFIG_KEYS: Final = (
    "requiredKeys",
    "allowedValues",
    "patterns",
    "placeholders",
    "checkKubernetes",
    "excludeTypes",
)


def settings(config: Mapping[str, Any]) -> Settings:
    encoded = json.dumps({k: config.get(k) for k in _CONFIG_KEYS}, sort_keys=True, default=str)
    return _parse_settings(encoded)


# --- where a key's value comes from ----------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """One map of tags or labels, in the order of precedence the platform merges them."""

    #: a plain dict, or UNKNOWN when the whole map is computed
    values: Any
    #: property path prefix for messages, e.g. "tags", "spec.template.metadata.labels"
    path: str
    #: how to say where a value came from, e.g. " (from provider 'west' defaultTags)"
    origin: str = ""
    from_provider: bool = False
    #: how one key's property is named, when not `<path>.<key>` (e.g. the ASG's "tags[{key}].value")
    key_format: str = ""

    def prop(self, key: str) -> str:
        return self.key_format.format(key=key) if self.key_format else _key_path(self.path, key)


@dataclass(frozen=True)
class Resolved:
    state: Literal["value", "unknown", "missing"]
    value: Any = None
    source: Source | None = None
    #: a higher-precedence map that is unknown and may override `value`
    shadow: Source | None = None


def resolve(key: str, sources: Sequence[Source]) -> Resolved:
    shadow: Source | None = None
    for source in sources:
        if source.values is UNKNOWN:
            shadow = shadow or source
            continue
        value = source.values.get(key)
        if value is not None and value is not MISSING:
            return Resolved("value", value, source, shadow)
    return Resolved("unknown", shadow=shadow) if shadow else Resolved("missing")


def _as_tag_map(value: object) -> Any:
    """A tag/label map as a plain dict, UNKNOWN, or {} for absent or malformed input."""
    if value is UNKNOWN or is_unknown(value):
        return UNKNOWN
    return as_mapping(value) or {}


def _key_path(path: str, key: str) -> str:
    return f"{path}.{key if len(key) <= 60 else key[:59] + '…'}"


# --- syntax ----------------------------------------------------------------------------------------
def _aws_bad_chars(text: str) -> str:
    bad = dict.fromkeys(c for c in text if c not in _AWS_PUNCTUATION and unicodedata.category(c)[0] not in "LNZ")
    return "".join(bad)


def _aws_key_problem(key: str) -> tuple[str, str] | None:
    if not key:
        return "is an empty key", "a key of 1..128 characters"
    if key.lower().startswith(AWS_RESERVED_PREFIX):
        return "uses the reserved prefix 'aws:'", "a key not starting with 'aws:' (reserved for AWS)"
    if len(key) > AWS_KEY_MAX:
        return f"is {len(key)} characters long", f"a key of at most {AWS_KEY_MAX} characters"
    bad = _aws_bad_chars(key)
    if bad:
        return f"has characters AWS tags do not allow ({shown(bad, 20)})", f"a key of {_AWS_CHARS_DOC}"
    return None


def _text_of(value: object) -> str | None:
    """Tag values are strings; numbers and booleans are accepted in their string form."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    return None


class Problem(NamedTuple):
    found: str
    expected: str
    #: set when the policy config, not the resource, is at fault (e.g. "patterns.team")
    config_key: str = ""


def value_problem(key: str, value: object, platform: Platform, conf: Settings) -> Problem | None:
    """What is wrong with `value` as the cost-allocation value of `key`, if anything."""
    noun = "label" if platform == "kubernetes" else "tag"
    text = _text_of(value)
    if text is None:
        return Problem(f"is {shown(value)}, not a string", f"a string {noun} value")
    if not text.strip():
        return Problem("is empty", f"a non-empty cost-allocation {noun} value")
    if conv.is_placeholder(text, conf.placeholders):
        return Problem(
            f"is {shown(text)}, a placeholder",
            "a real cost-allocation value (TODO, TBD, unknown and the like are placeholders)",
        )
    syntax = _aws_value_problem(text) if platform == "aws" else _k8s_value_problem(text)
    if syntax is not None:
        return syntax
    allowed = conf.allowed.get(key)
    if allowed is not None and text not in allowed:
        listed = ", ".join(shown(a, 40) for a in allowed[:10]) + (", …" if len(allowed) > 10 else "")
        return Problem(f"is {shown(text)}, not an allowed value", f"one of {listed or '(none configured)'}")
    if key in conf.patterns:
        pattern_text, pattern = conf.patterns[key]
        if pattern is None:
            return Problem(
                f"cannot be checked: config patterns.{key} {shown(pattern_text)} is not a regular expression",
                "a valid regular expression in the policy config",
                config_key=f"patterns.{key}",
            )
        if not pattern.fullmatch(text):
            return Problem(
                f"is {shown(text)}, which does not match {shown(pattern_text)}",
                "a value matching the configured pattern",
            )
    return None


def _aws_value_problem(text: str) -> Problem | None:
    if len(text) > AWS_VALUE_MAX:
        return Problem(f"is {len(text)} characters long", f"at most {AWS_VALUE_MAX} characters (AWS tag value limit)")
    if text.lower().startswith(AWS_RESERVED_PREFIX):
        return Problem(f"is {shown(text)}, with the reserved prefix 'aws:'", "a value not starting with 'aws:'")
    bad = _aws_bad_chars(text)
    if bad:
        return Problem(
            f"is {shown(text)}, with characters AWS tags do not allow ({shown(bad, 20)})",
            f"a value of {_AWS_CHARS_DOC}",
        )
    return None


def _k8s_value_problem(text: str) -> Problem | None:
    if not is_label_name(text):
        return Problem(f"is {shown(text)}, not a valid label value", f"a label value of {LABEL_NAME_SYNTAX}")
    return None


# --- the check -------------------------------------------------------------------------------------
def check(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[Finding]:
    # Scope first, cheaply: this runs on every resource of every stack.
    if resource.is_aws:
        data = taggable_types()
        in_map, in_list = resource.type in data.map_tags, resource.type in data.list_tags
        if not (in_map or in_list):
            return
        conf = settings(config)
        if _excluded(resource.type, conf):
            return
        if in_list:
            yield from _check_tag_list(resource, conf)
        else:
            yield from _check_tag_map(resource, conf)
            if resource.type in _TASK_PROPAGATION:
                yield from _check_task_propagation(resource)
    elif resource.is_kubernetes and is_kubernetes_object(resource.type):
        conf = settings(config)
        if conf.check_kubernetes and not _excluded(resource.type, conf):
            yield from _check_labels(resource, conf)


def _excluded(type_: str, conf: Settings) -> bool:
    return any(fnmatch.fnmatchcase(type_, pattern) for pattern in conf.exclude)


def _finding(
    resource: ResourceView, prop: str, found: str, expected: str, fix: str, *, unverifiable: bool = False
) -> Finding:
    return Finding(resource.urn, resource.type, resource.name, prop, found, expected, fix, unverifiable)


def _check_keys(resource: ResourceView, source: Source, platform: Platform) -> Iterator[Finding]:
    """Key syntax of every key the resource itself sets (the provider would reject a bad one)."""
    if not isinstance(source.values, dict):
        return
    problem_of = _aws_key_problem if platform == "aws" else label_key_problem
    for key in source.values:
        problem = problem_of(key)
        if problem is not None:
            yield _finding(resource, _key_path(source.path, key), *problem, f"rename or remove the key {shown(key)}")


def _case_hint(key: str, sources: Sequence[Source]) -> str:
    for source in sources:
        if isinstance(source.values, dict):
            near = next((k for k in source.values if k != key and k.lower() == key.lower()), None)
            if near is not None:
                return f"; found {shown(near)} in {source.path}, but keys are case-sensitive"
    return ""


MissingMessage = Callable[[str, str], Finding]
ValueFix = Callable[[str, Source], str]


def _verdicts(
    resource: ResourceView,
    sources: Sequence[Source],
    conf: Settings,
    platform: Platform,
    *,
    missing: MissingMessage,
    fix_value: ValueFix,
) -> Iterator[Finding]:
    """One finding per required key that is missing or bad; keys hidden by an unknown map are
    reported once per map, as unverifiable."""
    noun = "label" if platform == "kubernetes" else "tag"
    pending: dict[str, list[str]] = {}
    for key in conf.required:
        found = resolve(key, sources)
        if found.state == "missing":
            yield missing(key, _case_hint(key, sources))
            continue
        if found.state == "unknown" or found.source is None:
            if found.shadow is not None:
                pending.setdefault(found.shadow.path, []).append(key)
            continue
        prop = found.source.prop(key)
        if is_unknown(found.value):
            yield _finding(
                resource,
                prop,
                f"is unknown until apply{found.source.origin}",
                f"a non-empty cost-allocation {noun} value",
                "",
                unverifiable=True,
            )
            continue
        problem = value_problem(key, found.value, platform, conf)
        if problem is None:
            continue
        if found.shadow is not None:
            # A bad lower-precedence value may still be overridden by the unknown map above it.
            pending.setdefault(found.shadow.path, []).append(key)
            continue
        fix = (
            f"correct {problem.config_key} in the policy config" if problem.config_key else fix_value(key, found.source)
        )
        yield _finding(resource, prop, problem.found + found.source.origin, problem.expected, fix)
    for path, keys in pending.items():
        yield _finding(
            resource,
            path,
            "is unknown until apply",
            f"it to provide valid cost-allocation {noun}s for {', '.join(keys)} (nothing known provides them)",
            "",
            unverifiable=True,
        )


def _check_tag_map(resource: ResourceView, conf: Settings) -> Iterator[Finding]:
    own = Source(_as_tag_map(resource.get("tags")), "tags")
    sources = [own]
    # tagsAll is the provider's merge of tags and defaultTags (present in `pulumi preview`, absent
    # offline). An unknown tagsAll says nothing that tags and defaultTags do not already say.
    tags_all = resource.get("tagsAll")
    if isinstance(tags_all, dict):
        sources.append(Source(tags_all, "tagsAll"))
    provider = resource.provider
    if provider is not None and provider.type == conv.AWS_PROVIDER:
        defaults = provider.default_tags
        if defaults is UNKNOWN:
            sources.append(Source(UNKNOWN, f"provider '{provider.name}' defaultTags", from_provider=True))
        else:
            sources.append(
                Source(defaults, "tags", f" (from provider '{provider.name}' defaultTags)", from_provider=True)
            )
    yield from _check_keys(resource, own, "aws")

    def missing(key: str, hint: str) -> Finding:
        return _finding(
            resource,
            f"tags.{key}",
            f"is unset (no resource tag, no provider default tag{hint})",
            "a non-empty cost-allocation value",
            f'add tags={{"{key}": ...}} or set aws:defaultTags / use finops_components tagging',
        )

    def fix_value(key: str, source: Source) -> str:
        if source.from_provider:
            return (
                f'set a valid "{key}" in the provider\'s defaultTags (aws:defaultTags), '
                f'or override it with tags={{"{key}": ...}}'
            )
        if source.path == "tagsAll":
            return f'set a valid "{key}" in tags={{...}} or in the provider\'s defaultTags (aws:defaultTags)'
        return f'set tags={{"{key}": ...}} to a valid value (or drop it to use the provider default)'

    yield from _verdicts(resource, sources, conf, "aws", missing=missing, fix_value=fix_value)


def _check_tag_list(resource: ResourceView, conf: Settings) -> Iterator[Finding]:
    """Auto Scaling group: `tags` is a list of {key, value, propagateAtLaunch}; no default tags."""
    raw = resource.get("tags")
    entries: dict[str, dict[str, Any]] = {}
    unknown_entries = raw is UNKNOWN
    for item in raw if isinstance(raw, list) else ():
        key = item.get("key") if isinstance(item, dict) else item
        if is_unknown(key):
            unknown_entries = True
        elif isinstance(key, str) and isinstance(item, dict):
            entries.setdefault(key, item)
    for key in entries:
        problem = _aws_key_problem(key)
        if problem is not None:
            yield _finding(resource, f"tags[{shown(key)}]", *problem, f"rename or remove the tag {shown(key)}")
    # Known entries first: an unknown entry can only add a key none of the known ones has.
    sources = [Source({k: v.get("value") for k, v in entries.items()}, "tags", key_format="tags[{key}].value")]
    if unknown_entries:
        sources.append(Source(UNKNOWN, "tags"))

    def missing(key: str, hint: str) -> Finding:
        return _finding(
            resource,
            f"tags[{key}]",
            f"is unset (Auto Scaling groups get no provider default tags{hint})",
            "a cost-allocation tag propagated to the instances",
            f'add {{"key": "{key}", "value": ..., "propagate_at_launch": True}} to tags',
        )

    def fix_value(key: str, _source: Source) -> str:
        return f'set the value of the "{key}" tag to a valid cost-allocation value'

    yield from _verdicts(resource, sources, conf, "aws", missing=missing, fix_value=fix_value)
    for key in conf.required:
        item = entries.get(key)
        if item is None:
            continue
        propagate = item.get("propagateAtLaunch", MISSING)
        prop = f"tags[{key}].propagateAtLaunch"
        if is_unknown(propagate):
            yield _finding(resource, prop, "is unknown until apply", "true", "", unverifiable=True)
        elif as_bool(propagate) is not True:
            found = "is unset" if propagate is MISSING or propagate is None else f"is {shown(propagate)}"
            yield _finding(
                resource,
                prop,
                f"{found}: instances the group launches do not get the key",
                "true, so the instances (where the cost is) carry the cost-allocation tag",
                f'set propagate_at_launch=True on the "{key}" tag',
            )


def _check_task_propagation(resource: ResourceView) -> Iterator[Finding]:
    accepted = _TASK_PROPAGATION[resource.type]
    value = resource.get("propagateTags")
    expected = f"{' or '.join(accepted)}, so that the tasks (where the cost is reported) carry the tags"
    if value is UNKNOWN:
        yield _finding(resource, "propagateTags", "is unknown until apply", expected, "", unverifiable=True)
    elif not (isinstance(value, str) and value in accepted):
        found = "is unset" if value is MISSING or value is None else f"is {shown(value)}"
        yield _finding(
            resource,
            "propagateTags",
            f"{found}: tasks start without the cost-allocation tags",
            expected,
            f'set propagate_tags="{accepted[0]}"',
        )


def _check_labels(resource: ResourceView, conf: Settings) -> Iterator[Finding]:
    own = Source(_as_tag_map(resource.get("metadata", "labels")), "metadata.labels")
    yield from _check_keys(resource, own, "kubernetes")
    yield from _label_verdicts(resource, own, conf, pods=False)
    template = wl.template_metadata(resource, "labels")
    if template is not None:
        path, labels = template
        pods = Source(_as_tag_map(labels), path)
        yield from _check_keys(resource, pods, "kubernetes")
        yield from _label_verdicts(resource, pods, conf, pods=True)


def _label_verdicts(resource: ResourceView, source: Source, conf: Settings, *, pods: bool) -> Iterator[Finding]:
    kind = resource.type.rsplit(":", 1)[-1]
    why = f" (the {kind}'s own labels are not copied to its pods)" if pods else ""
    where = "the pod template's metadata" if pods else "metadata"

    def missing(key: str, hint: str) -> Finding:
        return _finding(
            resource,
            _key_path(source.path, key),
            f"is unset{why}{hint}",
            "a non-empty cost-allocation label",
            f'add labels={{"{key}": ...}} to {where} (finops_components labels every object)',
        )

    def fix_value(key: str, _source: Source) -> str:
        return f'set labels["{key}"] in {where} to a valid label value'

    yield from _verdicts(resource, (source,), conf, "kubernetes", missing=missing, fix_value=fix_value)


# --- documentation, config and cases ---------------------------------------------------------------
CONFIG: Final = {
    "requiredKeys": ConfigKey(
        {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "default": list(conv.REQUIRED_TAG_KEYS),
        },
        "Tag/label keys every taggable resource must carry (the cost contract's costAllocation.tags); case-sensitive.",
    ),
    "allowedValues": ConfigKey(
        {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "default": {},
        },
        'Per key, the only values accepted (exact, case-sensitive), e.g. {"environment": ["dev", "prod"]}.',
    ),
    "patterns": ConfigKey(
        {"type": "object", "additionalProperties": {"type": "string", "format": "regex"}, "default": {}},
        'Per key, a regular expression the whole value must match, e.g. {"team": "^[a-z][a-z0-9-]*$"}.',
    ),
    "placeholders": ConfigKey(
        {"type": "array", "items": {"type": "string"}, "default": sorted(conv.PLACEHOLDER_VALUES)},
        "Values that mean 'fill in later' and are rejected (compared case-insensitively, trimmed).",
    ),
    "checkKubernetes": ConfigKey(
        {"type": "boolean", "default": True},
        "Also require the keys as labels on Kubernetes objects and on workloads' pod templates.",
    ),
    "excludeTypes": ConfigKey(
        {"type": "array", "items": {"type": "string"}, "default": []},
        'Type-token globs this policy skips, e.g. ["kubernetes:rbac.authorization.k8s.io/*"].',
    ),
}


POLICY: Final = PolicySpec(
    name=NAME,
    description="Taggable resources carry the cost-allocation tags (service, team, domain, environment) "
    "with real, valid values.",
    blocks="a taggable AWS resource (or any Kubernetes object, and a workload's pod template) lacking a "
    "required cost-allocation key, or with an empty, placeholder, malformed or disallowed value; "
    "provider defaultTags and propagated tags (ASG propagateAtLaunch, ECS propagateTags) count",
    why="Cost Explorer, the CUR and Kubecost/OpenCost can only split the bill by the tags and labels that "
    "are on the resource that incurs the cost: an untagged or 'TODO'-tagged resource lands in an "
    "unallocated bucket no team owns, and tags added after the fact do not fix past bills.",
    fix="Tag through the provider (aws:defaultTags) and finops_components, which label every object from the "
    "cost contract; set propagate_at_launch=True on ASG tags and propagate_tags on ECS services.",
    scope="resource",
    check=check,
    config=CONFIG,
)
