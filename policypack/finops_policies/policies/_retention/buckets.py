"""What an S3 bucket keeps: its lifecycle rules (inline and joined), versioning and Object Lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from finops_policies import conventions as conv
from finops_policies.resources import ResourceView
from finops_policies.values import MISSING, UNKNOWN, as_bool, as_number, is_absent, is_unknown, lookup, shown

from .kept import Tri, fmt


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


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
    #: `noncurrentVersionExpiration.newerNoncurrentVersions`: that many noncurrent versions of each
    #: object are kept whatever their age (a positive count, None, or UNKNOWN)
    newer_kept: float | Any | None = None

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


def all_of(parts: Iterable[Tri]) -> Tri:
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
        whole = all_of(
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
        newer_kept=_positive(lookup(rule, "noncurrentVersionExpiration", "newerNoncurrentVersions")),
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
    whole = all_of([_empty(prefix), _empty(lookup(rule, "tags"))])
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
class BucketParts:
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
    #: Why a rule's noncurrent expiration does not bound how long noncurrent versions are kept.
    noncurrent_reasons: tuple[str, ...] = ()

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


def any_true(values: Iterable[Tri]) -> Tri:
    saw_unknown = False
    for value in values:
        if value is True:
            return True
        if value is not False:
            saw_unknown = True
    return UNKNOWN if saw_unknown else False


def inline_parts(bucket: ResourceView) -> BucketParts:
    parts = BucketParts()
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
    return any_true(values)


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


def lock_of(resource: ResourceView, *path: str) -> Lock:
    return _lock_from(resource.get(*path))


def standalone_rules(resource: ResourceView) -> list[_Rule]:
    rules = resource.get("rules")
    if rules is UNKNOWN:
        return [_unknown_rule("rules")]
    if not isinstance(rules, list):
        return []
    return [
        _unknown_rule(f"#{i + 1}") if rule is UNKNOWN else _standalone_rule(rule, i) for i, rule in enumerate(rules)
    ]


def versioning_status(resource: ResourceView) -> Tri:
    status = resource.get("versioningConfiguration", "status")
    if status is UNKNOWN:
        return UNKNOWN
    # "Suspended" still keeps the versions written while versioning was on
    return isinstance(status, str) and status.strip().lower() in {"enabled", "suspended"}


def bucket_retention(
    bucket: ResourceView, parts: BucketParts, floating: frozenset[str], day: dt.date
) -> BucketRetention:
    """What `parts` (the bucket's rules, versioning and locks) do to its objects, judged on `day`.

    `floating` names the kinds of configuration ("lifecycle", "versioning", "lock") with an
    instance whose bucket cannot be told during preview: any bucket might be its target.
    """
    floating_rules = "lifecycle" in floating
    current: list[float] = []
    dates: list[str] = []
    noncurrent: list[float] = []
    current_uncertain = noncurrent_uncertain = floating_rules
    reasons: list[str] = []
    noncurrent_reasons: list[str] = []
    for rule in parts.rules:
        applies = all_of([rule.enabled, rule.whole])
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
        if isinstance(rule.noncurrent_days, float) and isinstance(rule.newer_kept, float):
            # S3 API Reference, NoncurrentVersionExpiration.NewerNoncurrentVersions: "how many noncurrent
            # versions Amazon S3 will retain"; only versions beyond that count are deleted, whatever their age
            noncurrent_reasons.append(
                f"rule {rule.label} keeps the {fmt(rule.newer_kept)} newest noncurrent versions of each object "
                "with no time limit (newerNoncurrentVersions)"
            )
        elif isinstance(rule.noncurrent_days, float) and rule.newer_kept is not UNKNOWN:
            if definite:
                noncurrent.append(rule.noncurrent_days)
            else:
                noncurrent_uncertain = True
        elif rule.noncurrent_days is UNKNOWN or rule.newer_kept is UNKNOWN:
            noncurrent_uncertain = True
    lock_enabled = _lock_enabled(bucket)
    versioned = any_true([*parts.versioning, lock_enabled])
    if versioned is False and "versioning" in floating:
        versioned = UNKNOWN
    locks = list(parts.locks)
    if "lock" in floating:
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
        noncurrent_reasons=tuple(noncurrent_reasons),
    )
