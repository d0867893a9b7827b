"""The retention class a resource declares (`retention-class` tag or label), and each class's bounds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from finops_policies import conventions as conv
from finops_policies.policies import _workloads as wl
from finops_policies.resources import ResourceView
from finops_policies.values import MISSING, UNKNOWN, as_bool, as_number, is_unknown, shown


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
        template_labels = wl.template_metadata(resource, "labels")
        if template_labels is not None:
            sources.append(template_labels)
    elif resource.is_aws:
        # the key read straight from each map (what `_class_in` finds in it, without copying the map)
        key = conv.RETENTION_CLASS_KEY
        found = [("tags", resource.get("tags", key)), ("tagsAll", resource.get("tagsAll", key))]
        if with_provider_defaults and resource.provider is not None:
            found.append(("provider defaultTags", _class_in(resource.provider.default_tags)))
        return _first_class(found)
    else:
        return None
    return _first_class([(path, _class_in(source)) for path, source in sources])


def _first_class(found: list[tuple[str, object]]) -> DeclaredClass | None:
    """The first class value found, in order of precedence (an unknown one hides the rest)."""
    for path, value in found:
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
    """The bounds of a class as a message's "expected" part."""
    if bounds.max_days is not None:
        low = bounds.min_days if bounds.min_days is not None else 1
        return f"{low}..{bounds.max_days} days for class '{class_name}'"
    if bounds.min_days is not None:
        years = f" ({bounds.min_days // 365} years)" if bounds.min_days % 365 == 0 else ""
        return f"at least {bounds.min_days} days{years} for class '{class_name}'"
    return f"any retention for class '{class_name}'"


def suggested_days(class_name: str | None, bounds: conv.RetentionBounds | None) -> float:
    """The retention a fix suggests: the class's default days, clamped into its (configured) bounds."""
    target = float(conv.DEFAULT_RETENTION_DAYS.get(class_name or "", conv.DEFAULT_UNCLASSED_RETENTION_DAYS))
    if bounds is not None:
        if bounds.max_days is not None:
            target = min(target, bounds.max_days)
        if bounds.min_days is not None:
            target = max(target, bounds.min_days)
    return target
