"""Whether an ECR lifecycle policy eventually expires every image of its repository.

How ECR applies a lifecycle policy (Amazon ECR User Guide, "Lifecycle policies": "Lifecycle policy
properties" and "Lifecycle policy evaluation rules"):

- each rule selects images by `selection.tagStatus`: `any` (every image), `untagged`, or `tagged`
  with a `tagPrefixList` or `tagPatternList` ("only the images with all specified tags are selected");
  and by `selection.storageClass` (`standard`, the default, or `archive`);
- "An image that matches the tagging requirements of a rule cannot be expired by a rule with a lower
  priority": the matching rule with the lowest `rulePriority` decides an image's fate;
- action `expire` deletes the images its count selects (`imageCountMoreThan`, `sinceImagePushed`,
  `sinceImagePulled`); action `transition` moves them to the archive storage class, which deletes
  nothing: archived images need an `expire` rule of storage class `archive`.

So a policy expires every image eventually when (1) every image is selected by some rule: untagged
images by a rule of tagStatus `any` or `untagged`, every tagged image by a rule of tagStatus `any` or
a `tagged` rule whose every pattern is a bare wildcard (`*`), since any other pattern or prefix leaves
images with other tags unselected; and (2) every rule of the standard storage class either expires
what it selects, or transitions it to the archive where an `expire` rule selects it again. An
`imageCountMoreThan` rule keeps its newest images, but as images are pushed each one is pushed out in
turn: the repository's storage stays bounded, which is what this policy asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from finops_policies.values import UNKNOWN, as_mapping, is_unknown, lookup, shown

from .kept import Tri

_STANDARD = "standard"
_ARCHIVE = "archive"


@dataclass(frozen=True)
class _Rule:
    label: str
    priority: float
    #: "any", "untagged", "tagged", or "" when missing or not one of them
    status: str
    #: the tagPrefixList / tagPatternList entries, patterns with their wildcards
    prefixes: tuple[str, ...]
    patterns: tuple[str, ...]
    storage: str
    #: "expire", "transition", or "" when missing
    action: str

    @property
    def selects_every_tag(self) -> bool:
        """A `tagged` rule that selects every tagged image: only bare-wildcard patterns."""
        bare = bool(self.patterns) and all(set(p) == {"*"} for p in self.patterns)
        return self.status == "tagged" and not self.prefixes and bare

    def scope(self) -> str:
        if self.status == "tagged":
            listed = [f"{p}*" for p in self.prefixes] + list(self.patterns)
            return "images tagged " + " and ".join(shown(x) for x in listed) if listed else "no images"
        return "every image" if self.status == "any" else f"{self.status or 'no'} images"


def _strings(value: object) -> tuple[str, ...] | None:
    """A list of strings; None when it holds something unknown."""
    if is_unknown(value) or value is UNKNOWN:
        return None
    if not isinstance(value, list):
        return ()
    if any(is_unknown(v) for v in value):
        return None
    return tuple(v for v in value if isinstance(v, str))


def _rule(raw: object, index: int) -> _Rule | None:
    """A rule as ECR reads it; None when a part that decides its scope or action is unknown."""
    selection = lookup(raw, "selection")
    parts = [
        lookup(raw, "rulePriority"),
        lookup(selection, "tagStatus"),
        lookup(selection, "storageClass"),
        lookup(raw, "action", "type"),
    ]
    if raw is UNKNOWN or selection is UNKNOWN or any(p is UNKNOWN or is_unknown(p) for p in parts):
        return None
    prefixes = _strings(lookup(selection, "tagPrefixList"))
    patterns = _strings(lookup(selection, "tagPatternList"))
    if prefixes is None or patterns is None:
        return None
    priority_raw, status_raw, storage_raw, action_raw = parts
    numeric = isinstance(priority_raw, int | float) and not isinstance(priority_raw, bool)
    priority = float(priority_raw) if numeric else float(index)
    status = status_raw.strip().lower() if isinstance(status_raw, str) else ""
    storage = storage_raw.strip().lower() if isinstance(storage_raw, str) else _STANDARD
    action = action_raw.strip().lower() if isinstance(action_raw, str) else ""
    label = f"rule {fmt_priority(priority_raw, index)}"
    known = status if status in ("any", "untagged", "tagged") else ""
    return _Rule(label, priority, known, prefixes, patterns, storage, action)


def fmt_priority(raw: Any, index: int) -> str:
    """A rule's name in a message: its rulePriority, else its position."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return f"{raw:g}"
    return f"#{index + 1}"


def _archived_expiry(rule: _Rule, archive_rules: list[_Rule]) -> bool:
    """Whether `expire` rules of the archive storage class select everything `rule` transitions there."""
    expiring = [r for r in archive_rules if r.action == "expire"]
    untagged = any(r.status in ("any", "untagged") for r in expiring)
    every_tag = any(r.status == "any" or r.selects_every_tag for r in expiring)
    if rule.status == "untagged":
        return untagged
    if rule.status == "tagged":
        selection = (rule.prefixes, rule.patterns)
        same = any(r.status == "tagged" and (r.prefixes, r.patterns) == selection for r in expiring)
        return every_tag or same
    return untagged and every_tag


def ecr_policy_expires(policy: object) -> tuple[Tri, str]:
    """Whether an ECR lifecycle policy (JSON string or object) eventually expires every image, and if not why."""
    if policy is UNKNOWN or is_unknown(policy):
        return UNKNOWN, ""
    document = as_mapping(policy)
    if document is None:
        return False, "it is not a JSON object"
    raw_rules = lookup(document, "rules")
    if raw_rules is UNKNOWN or is_unknown(raw_rules):
        return UNKNOWN, ""
    if not isinstance(raw_rules, list) or not raw_rules:
        return False, "it has no rules"
    parsed = [_rule(raw, i) for i, raw in enumerate(raw_rules)]
    if any(rule is None for rule in parsed):
        return UNKNOWN, ""
    rules = sorted((r for r in parsed if r is not None), key=lambda r: r.priority)
    standard = [r for r in rules if r.storage != _ARCHIVE]
    archive = [r for r in rules if r.storage == _ARCHIVE]
    reasons: list[str] = []
    if not any(r.status in ("any", "untagged") for r in standard):
        reasons.append("no rule selects untagged images")
    if not any(r.status == "any" or r.selects_every_tag for r in standard):
        tagged = [r.scope() for r in standard if r.status == "tagged"]
        only = f" (its rules select only {'; '.join(tagged)})" if tagged else ""
        reasons.append(f"images with other tags are selected by no rule{only}")
    for rule in standard:
        if rule.action == "expire":
            continue
        if rule.action == "transition" and _archived_expiry(rule, archive):
            continue
        what = (
            "only transitions them to the archive storage class, where no rule expires them"
            if rule.action == "transition"
            else f"has action {shown(rule.action) if rule.action else 'unset'}, which deletes nothing"
        )
        reasons.append(f"{rule.label} selects {rule.scope()} and {what}")
    if reasons:
        return False, "; ".join(reasons) + " (those images are kept forever)"
    return True, ""
