"""What is wrong with one resource's tags or labels, part by part, and the one finding that says it all.

A resource's problems are `Part`s: keys a map lacks (one part per map, naming every key), a key
with a bad value, a key the service's API rejects, a value unknown until apply. `compose` turns
them into one finding per resource, blocking when any definite part blocks, with the keys listed
in `details` for the reports.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from finops_policies import conventions as conv
from finops_policies import tag_rules
from finops_policies.findings import Finding
from finops_policies.kubernetes import LABEL_NAME_SYNTAX, is_label_name, label_key_problem
from finops_policies.resources import ResourceView
from finops_policies.values import MISSING, UNKNOWN, as_mapping, is_unknown, shown

from .settings import Settings

Platform = Literal["aws", "kubernetes"]
State = Literal["missing", "invalid", "unknown"]


@dataclass(frozen=True)
class Part:
    """One problem of a resource's tags: `<subject> <predicate>`, what is expected and the fix."""

    subject: str
    predicate: str
    expected: str
    fix: str
    keys: tuple[str, ...]
    state: State
    #: False for what never blocks: a class reported as advisory, a key only some services reject
    blocking: bool = True


# --- where a key's value comes from -----------------------------------------------------------------
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
        return self.key_format.format(key=key) if self.key_format else key_path(self.path, key)


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


def as_tag_map(value: object) -> Any:
    """A tag/label map as a plain dict, UNKNOWN, or {} for absent or malformed input."""
    if value is UNKNOWN or is_unknown(value):
        return UNKNOWN
    return as_mapping(value) or {}


def key_path(path: str, key: str) -> str:
    return f"{path}.{key if len(key) <= 60 else key[:59] + '…'}"


def listed(keys: Iterable[str]) -> str:
    return ", ".join(keys)


def key_map(keys: Iterable[str]) -> str:
    """`{"team": ..., "domain": ...}`, the shape of a fix that adds keys."""
    return "{" + ", ".join(f'"{k}": ...' for k in keys) + "}"


# --- values -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    found: str
    expected: str
    #: set when the policy config, not the resource, is at fault (e.g. "patterns.team")
    config_key: str = ""
    #: False when only some services would reject the value (never blocks)
    blocking: bool = True


def _text_of(value: object) -> str | None:
    """Tag values are strings; numbers and booleans are accepted in their string form."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    return None


def value_problem(key: str, value: object, platform: Platform, conf: Settings, type_: str = "") -> Problem | None:
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
    if platform == "kubernetes" and not is_label_name(text):
        return Problem(f"is {shown(text)}, not a valid label value", f"a label value of {LABEL_NAME_SYNTAX}")
    if platform == "aws":
        syntax = _aws_value_problem(text, type_)
        if syntax is not None and syntax.blocking:
            return syntax
    else:
        syntax = None
    allowed = conf.allowed.get(key)
    if allowed is not None and text not in allowed:
        names = ", ".join(shown(a, 40) for a in allowed[:10]) + (", …" if len(allowed) > 10 else "")
        return Problem(f"is {shown(text)}, not an allowed value", f"one of {names or '(none configured)'}")
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
    return syntax


#: Texts judged per (text, type): the same tag keys and values recur on resource after resource, and
#: judging one reads every character's Unicode category. The results are immutable `Problem`s.
_JUDGED_TEXTS = 8192


@functools.lru_cache(maxsize=_JUDGED_TEXTS)
def _aws_value_problem(text: str, type_: str) -> Problem | None:
    rule = tag_rules.api_rule(type_)
    limit = tag_rules.VALUE_MAX if rule is None or rule.value.max is None else min(rule.value.max, tag_rules.VALUE_MAX)
    if len(text) > limit:
        return Problem(f"is {len(text)} characters long", f"at most {limit} characters (AWS tag value limit)")
    if rule is not None:
        bad = rule.value.bad_chars(text)
        if bad:
            return Problem(
                f"is {shown(text)}, with characters the {rule.name} API rejects in tag values ({shown(bad, 20)})",
                f"a value of {rule.value.describe()}",
            )
    bad = tag_rules.non_portable_chars(text)
    if bad:
        return Problem(
            f"is {shown(text)}, with characters some AWS services reject in tags ({shown(bad, 20)})",
            f"a value of {tag_rules.PORTABLE_DOC}, which every AWS service accepts",
            blocking=False,
        )
    if text.lower().startswith(tag_rules.RESERVED_PREFIX):
        return Problem(
            f"is {shown(text)}, with the prefix 'aws:' AWS reserves for its own tags",
            "a value not starting with 'aws:' (some services reject it)",
            blocking=False,
        )
    return None


# --- keys -------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=_JUDGED_TEXTS)
def aws_key_problem(key: str, type_: str) -> Problem | None:
    """What is wrong with a tag key the resource sets; blocking only where AWS rejects it."""
    if not key:
        return Problem("is an empty key", f"a key of 1..{tag_rules.KEY_MAX} characters")
    if key.lower().startswith(tag_rules.RESERVED_PREFIX):
        return Problem("uses the prefix 'aws:', reserved for AWS", "a key not starting with 'aws:'")
    rule = tag_rules.api_rule(type_)
    limit = tag_rules.KEY_MAX if rule is None or rule.key.max is None else min(rule.key.max, tag_rules.KEY_MAX)
    if len(key) > limit:
        return Problem(f"is {len(key)} characters long", f"a key of at most {limit} characters")
    if rule is not None:
        bad = rule.key.bad_chars(key)
        if bad:
            return Problem(
                f"has characters the {rule.name} API rejects in tag keys ({shown(bad, 20)})",
                f"a key of {rule.key.describe()}",
            )
    bad = tag_rules.non_portable_chars(key)
    if bad:
        return Problem(
            f"has characters some AWS services reject in tags ({shown(bad, 20)})",
            f"a key of {tag_rules.PORTABLE_DOC} if the tag is to be used across services",
            blocking=False,
        )
    return None


def _label_key_problem(key: str, _type: str) -> Problem | None:
    found = label_key_problem(key)
    return None if found is None else Problem(*found)


def key_parts(
    source: Source, platform: Platform, type_: str, *, blocking: bool, subject: Callable[[str], str] | None = None
) -> Iterator[Part]:
    """A part per key the resource itself sets that its platform (or its service) rejects."""
    if not isinstance(source.values, dict):
        return
    problem_of = aws_key_problem if platform == "aws" else _label_key_problem
    for key in source.values:
        problem = problem_of(key, type_)
        if problem is not None:
            yield Part(
                subject(key) if subject else key_path(source.path, key),
                problem.found,
                problem.expected,
                f"rename or remove the key {shown(key)}",
                (key,),
                "invalid",
                blocking and problem.blocking,
            )


# --- required keys ----------------------------------------------------------------------------------
def case_hint(key: str, sources: Sequence[Source]) -> str:
    lowered = key.lower()
    for source in sources:
        if isinstance(source.values, dict):
            for near in source.values:  # the first other key that differs from `key` only in case
                if near != key and near.lower() == lowered:
                    return f"found {shown(near)} in {source.path}, but keys are case-sensitive"
    return ""


MissingPart = Callable[[tuple[str, ...], Mapping[str, str]], Part]
ValueFix = Callable[[str, Source], str]


def required_parts(
    sources: Sequence[Source],
    conf: Settings,
    platform: Platform,
    *,
    missing: MissingPart,
    fix_value: ValueFix,
    blocking: bool,
    type_: str = "",
    keys: Sequence[str] | None = None,
) -> list[Part]:
    """The parts about the required keys: one for every key the maps lack (`missing` builds it from
    the keys and a hint per key), one per bad value, and the keys hidden by a map unknown until apply."""
    noun = "label" if platform == "kubernetes" else "tag"
    parts: list[Part] = []
    absent: list[str] = []
    hints: dict[str, str] = {}
    pending: dict[str, list[str]] = {}
    for key in conf.required if keys is None else keys:
        found = resolve(key, sources)
        if found.state == "missing":
            absent.append(key)
            hint = case_hint(key, sources)
            if hint:
                hints[key] = hint
            continue
        if found.state == "unknown" or found.source is None:
            if found.shadow is not None:
                pending.setdefault(found.shadow.path, []).append(key)
            continue
        prop = found.source.prop(key)
        if is_unknown(found.value):
            parts.append(
                Part(
                    prop,
                    f"is unknown until apply{found.source.origin}",
                    f"a cost-allocation {noun} value",
                    "",
                    (key,),
                    "unknown",
                )
            )
            continue
        problem = value_problem(key, found.value, platform, conf, type_)
        if problem is None:
            continue
        if found.shadow is not None and problem.blocking:
            # A bad lower-precedence value may still be overridden by the unknown map above it.
            pending.setdefault(found.shadow.path, []).append(key)
            continue
        fix = (
            f"correct {problem.config_key} in the policy config" if problem.config_key else fix_value(key, found.source)
        )
        parts.append(
            Part(
                prop,
                problem.found + found.source.origin,
                problem.expected,
                fix,
                (key,),
                "invalid",
                blocking and problem.blocking,
            )
        )
    if absent:
        parts.insert(0, missing(tuple(absent), hints))
    for path, hidden in pending.items():
        parts.append(
            Part(
                path,
                f"is unknown until apply (nothing known provides {listed(hidden)})",
                f"valid cost-allocation {noun}s for {listed(hidden)}",
                "",
                tuple(hidden),
                "unknown",
            )
        )
    return parts


# --- one finding ------------------------------------------------------------------------------------
def _unique(texts: Iterable[str]) -> list[str]:
    return [t for t in dict.fromkeys(texts) if t]


def details(parts: Sequence[Part]) -> dict[str, list[str]]:
    """The keys of a finding for reports: every key named, and which are missing, invalid or unknown."""
    out: dict[str, list[str]] = {"keys": _unique(k for p in parts for k in p.keys)}
    for state in ("missing", "invalid", "unknown"):
        keys = _unique(k for p in parts if p.state == state for k in p.keys)
        if keys:
            out[state] = keys
    return out


def compose(resource: ResourceView, parts: Sequence[Part]) -> Finding | None:
    """One finding for all of a resource's parts, or None when it has none.

    Blocking parts lead; the finding is advisory when no definite part blocks, and unverifiable
    when every part is about a value unknown until apply.
    """
    if not parts:
        return None
    definite = [p for p in parts if p.state != "unknown"]
    unknown = [p for p in parts if p.state == "unknown"]
    ordered = sorted(definite, key=lambda p: not p.blocking) + unknown
    first, rest = ordered[0], ordered[1:]
    clauses = [first.predicate, *(f"{p.subject} {p.predicate}" for p in rest)]
    shown_parts = definite or unknown
    return Finding(
        resource.urn,
        resource.type,
        resource.name,
        first.subject,
        "; ".join(clauses),
        "; ".join(_unique(p.expected for p in shown_parts)),
        "; ".join(_unique(p.fix for p in definite)),
        unverifiable=not definite,
        advisory=bool(definite) and not any(p.blocking for p in definite),
        details=details(parts),
    )
