"""A resource that depends on a resource in another AWS region needs a recorded, unexpired review.

For every AWS resource of the stack the check follows its edges: `dependsOn`, property
dependencies (the producing resource's region, which also resolves ARNs unknown during preview),
ARNs with a region anywhere in its inputs (JSON documents included), and region-valued inputs
(`peerRegion`, `destinationRegion`, `replicas[].regionName`, `regionLists` ...). A resource's
region is its own `region` input (pulumi-aws v7), else its provider's `region`, else the stack's
`aws:region` (the default provider's region). Global services (types without a `region` input:
IAM, CloudFront, Route 53, Organizations ...), Kubernetes and other providers have no AWS region
and make no edge. An edge between two regions passes only with a valid review from policy config
(`reviews`), or a review tag on the resource when `allowReviewTags` is on.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from finops_policies import conventions as conv
from finops_policies.approvals import Approval, parse_approvals, why_not
from finops_policies.findings import Finding
from finops_policies.pack import shared_in_call
from finops_policies.policies import _regions
from finops_policies.resources import ResourceView, StackView
from finops_policies.spec import APPROVAL_ITEM_SCHEMA, ConfigKey, PolicySpec
from finops_policies.values import (
    MISSING,
    UNKNOWN,
    as_bool,
    is_unknown,
)

NAME = "cross-region-review"

#: A review is an approval (resources, ticket, approvedBy, expires, reason) plus the two regions.
REVIEW_ITEM_SCHEMA: Mapping[str, Any] = {
    **APPROVAL_ITEM_SCHEMA,
    "properties": {
        **APPROVAL_ITEM_SCHEMA["properties"],
        "from": {"type": "string"},
        "to": {"type": "string"},
    },
}


@dataclass(frozen=True)
class Unresolved:
    """A region that cannot be read; resources sharing `key` (e.g. one provider) share it."""

    key: str
    why: str


#: A resource's region: its name, Unresolved, or None for "no AWS region" (global, non-AWS).
Region = str | Unresolved | None


@dataclass(frozen=True)
class Edge:
    #: The input (path) that creates the dependency, or "dependsOn".
    prop: str
    #: How the message names the other end: "Instance 'ledger-db'", "an sqs ARN", "" for a region name.
    target: str
    region: str | Unresolved


class _RegionIndex:
    """Every resource's region, computed at most once per URN."""

    def __init__(self, stack: StackView) -> None:
        self._cache: dict[str, Region] = {}
        self.default: str | Unresolved = Unresolved("default provider", "the stack sets no aws:region")
        for r in stack.resources:
            if r.type == conv.AWS_PROVIDER and r.name.startswith("default"):
                region = r.get("region")
                if isinstance(region, str) and region:
                    self.default = region
                    break
                if region is UNKNOWN:
                    self.default = Unresolved("default provider", "aws:region is unknown until apply")

    def of(self, r: ResourceView) -> Region:
        if r.urn not in self._cache:
            self._cache[r.urn] = self._compute(r)
        return self._cache[r.urn]

    def _compute(self, r: ResourceView) -> Region:
        if not r.is_aws or r.is_plumbing or _regions.is_global(r.type):
            return None
        own = MISSING if r.type in _regions.REGION_INPUT_NAMES_OTHER_REGION else r.get("region")
        if isinstance(own, str) and own:
            return own
        if own is UNKNOWN:
            return Unresolved(f"{r.urn}#region", "its region input is unknown until apply")
        found: str | Unresolved = self.default
        provider = r.provider
        if provider is not None:
            region = provider.region
            if isinstance(region, str) and region:
                return region
            if region is UNKNOWN:
                found = Unresolved(provider.urn, f"provider '{provider.name}' has an unknown region")
            elif not provider.name.startswith("default"):
                # An explicit provider does not read aws:region: AWS_REGION at deploy time decides.
                found = Unresolved(provider.urn, f"provider '{provider.name}' sets no region")
        if isinstance(found, Unresolved):
            arn = r.get("arn")  # AnalyzeStack sees outputs: a created resource's ARN names its region
            hits = _regions.arns_with_region(arn) if isinstance(arn, str) else []
            if hits:
                return hits[0][2]
        return found


def _describe(r: ResourceView) -> str:
    return f"{r.type.rsplit(':', 1)[-1]} '{r.name}'"


Path = tuple[str | int, ...]


def _path(parts: Path) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _candidates(value: Any, parts: Path, key: str) -> Iterator[tuple[Path, str, str]]:
    """(path, nearest key, string) for each string that may name another region: an ARN inside it,
    or a region name under a region-ish key. Iterative, and cheap on strings that are neither."""
    # Each pending value with its parent's path and its own key or index (the path is built only
    # for what is yielded or descended into); numbers, booleans and nulls are never pending.
    pending: list[tuple[Any, Path, str | int | None, str]] = [(value, parts, None, key)]
    while pending:
        current, base, part, nearest = pending.pop()
        if isinstance(current, str):
            if "arn:" in current or (_regions.is_region_key(nearest) and _regions.is_region(current)):
                yield (base if part is None else (*base, part)), nearest, current
        elif isinstance(current, dict):  # reversed: the stack pops them back in document order
            where = base if part is None else (*base, part)
            pending.extend(reversed([(v, where, k, k) for k, v in current.items() if type(v) not in _LEAVES]))
        elif isinstance(current, list):
            where = base if part is None else (*base, part)
            pending.extend(reversed([(v, where, i, nearest) for i, v in enumerate(current) if type(v) not in _LEAVES]))


#: Values that are neither strings nor containers: nothing in them names another region.
_LEAVES = frozenset({int, float, bool, type(None)})


def _edges(r: ResourceView, stack: StackView, regions: _RegionIndex, by_arn: Mapping[str, str]) -> list[Edge]:
    by_urn = stack.by_urn
    edges: list[Edge] = []
    seen: set[tuple[str, str]] = set()  # (target identity, prop) so one input is not counted twice
    targets_seen: set[str] = set()

    def add(prop: str, identity: str, target: str, region: Region) -> None:
        if region is None or (identity, prop) in seen:
            return
        seen.add((identity, prop))
        targets_seen.add(identity)
        edges.append(Edge(prop, target, region))

    props = r.get()
    if isinstance(props, dict):
        for key, value in props.items():
            if key in {"arn", "id", "tags", "tagsAll", "urn"}:
                continue  # the resource's own identity, and tags, name no dependency
            if key == "region" and r.type not in _regions.REGION_INPUT_NAMES_OTHER_REGION:
                continue
            for parts, nearest, text in _candidates(value, (key,), key):
                if _regions.is_region_key(nearest) and _regions.is_region(text):
                    add(_path(parts), f"region:{text}", "", text)
                    continue
                arns = _regions.arns_with_region(text)
                path = _path(parts) if arns else ""
                for arn, service, region in arns:
                    producer = by_urn.get(by_arn.get(arn, ""))
                    if producer is not None and producer.urn != r.urn:
                        placed = regions.of(producer)
                        where = placed if isinstance(placed, str) else region
                        add(path, producer.urn, _describe(producer), where)
                    elif producer is None:
                        add(path, f"arn:{arn}", f"an {service} ARN", region)
    for prop, urns in r.property_dependencies.items():
        for urn in urns:
            dep = by_urn.get(urn)
            if dep is not None and dep.urn != r.urn and urn not in targets_seen:
                add(prop, urn, _describe(dep), regions.of(dep))
    property_urns = {u for urns in r.property_dependencies.values() for u in urns}
    for urn in r.dependencies:
        dep = by_urn.get(urn)
        if dep is not None and dep.urn != r.urn and urn not in property_urns and urn not in targets_seen:
            add("dependsOn", urn, _describe(dep), regions.of(dep))
    return edges


def _same(a: str | Unresolved, b: str | Unresolved) -> bool | None:
    """True/False when known, None when the verdict needs a region unknown until apply."""
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, Unresolved) and isinstance(b, Unresolved) and a.key == b.key:
        return True
    return None


def _review_problems(review: Approval) -> tuple[str, ...]:
    problems = list(review.problems)
    for key in ("from", "to"):
        if not isinstance(review.extra.get(key), str) or not review.extra[key].strip():
            problems.append(f"has no '{key}' region")
    return tuple(problems)


def _region_matches(pattern: object, region: str) -> bool:
    return isinstance(pattern, str) and bool(pattern.strip()) and fnmatch.fnmatchcase(region, pattern.strip())


def _ticket_ok(ticket: str, pattern: str) -> bool:
    try:
        return re.fullmatch(pattern, ticket) is not None
    except re.error:
        return re.fullmatch(conv.DEFAULT_TICKET_PATTERN, ticket) is not None


def _review_tag(r: ResourceView) -> Any:
    """The review tag as the resource will carry it: its own tags, or its provider's defaultTags
    (offline there is no provider Check to merge them into tagsAll)."""
    for key in ("tags", "tagsAll"):
        value = r.get(key, conv.CROSS_REGION_REVIEW_TAG)
        if value is not MISSING:
            return value
    defaults = r.provider.default_tags if r.provider is not None else {}
    if isinstance(defaults, dict):
        return defaults.get(conv.CROSS_REGION_REVIEW_TAG, MISSING)
    return UNKNOWN if is_unknown(defaults) else MISSING


@dataclass(frozen=True)
class _Crossing:
    """One resource's edges: to each other region, and those whose regions are unknown until apply."""

    resource: ResourceView
    own: str | Unresolved
    by_region: Mapping[str, Sequence[Edge]]
    unknown: Sequence[Edge]


def _crossings(stack: StackView) -> Iterator[_Crossing]:
    regions = _RegionIndex(stack)
    by_arn: dict[str, str] = {}
    for r in stack.resources:
        arn = r.get("arn") if r.is_aws else MISSING
        if isinstance(arn, str) and arn.startswith("arn:"):
            by_arn[arn] = r.urn
    for r in stack.resources:
        own = regions.of(r)
        if own is None:
            continue
        by_region: dict[str, list[Edge]] = {}
        unknown: list[Edge] = []
        for edge in _edges(r, stack, regions, by_arn):
            same = _same(own, edge.region)
            if same is None:
                unknown.append(edge)
            elif not same and isinstance(edge.region, str):
                top = edge.prop.split(".", 1)[0].split("[", 1)[0]
                home = _regions.HOME_REGION_BY_DESIGN.get((r.type, top))
                if home != edge.region:
                    by_region.setdefault(edge.region, []).append(edge)
        if by_region or unknown:
            yield _Crossing(r, own, by_region, unknown)


def _crossings_of(stack: StackView) -> list[_Crossing]:
    """The stack's crossings, found once per `AnalyzeStack` for this policy and `cost-review`."""
    return shared_in_call(f"{NAME}/crossings", stack, lambda: list(_crossings(stack)))


def cross_region_dependencies(stack: StackView) -> Iterator[tuple[ResourceView, str, str]]:
    """(resource, its region, the other region) for each dependency between two known regions, as
    this policy finds them (reviews aside); `cost-review` compares them with a baseline's."""
    for crossing in _crossings_of(stack):
        if isinstance(crossing.own, str):
            for other in crossing.by_region:
                yield crossing.resource, crossing.own, other


def check(stack: StackView, config: Mapping[str, Any]) -> Iterator[Finding]:
    pattern = str(config.get("ticketPattern") or conv.DEFAULT_TICKET_PATTERN)
    reviews = parse_approvals(config.get("reviews"), pattern)
    problems = {id(review): _review_problems(review) for review in reviews}
    allow_tags = as_bool(config.get("allowReviewTags")) is True
    tag_key = conv.CROSS_REGION_REVIEW_TAG

    for crossing in _crossings_of(stack):
        r, own, by_region, unknown = crossing.resource, crossing.own, crossing.by_region, crossing.unknown
        if unknown:
            yield _unverifiable(r, own, unknown)
        if not by_region or not isinstance(own, str):
            continue
        tag = _review_tag(r)
        for other, edges in by_region.items():
            matching = [
                v
                for v in reviews
                if v.matches(r.urn, r.name)
                and _region_matches(v.extra.get("from"), own)
                and _region_matches(v.extra.get("to"), other)
            ]
            if any(not problems[id(v)] for v in matching):
                continue
            notes: list[str] = []
            if matching:
                invalid = [_with_problems(v, problems[id(v)]) for v in matching]
                notes.append(f"not reviewed: review {why_not(invalid)}")
            else:
                elsewhere = [v for v in reviews if v.matches(r.urn, r.name)]
                if elsewhere:
                    spans = ", ".join(
                        f"{v.label()} covers {v.extra.get('from')} → {v.extra.get('to')}" for v in elsewhere
                    )
                    notes.append(f"review {spans}, not {own} → {other}")
            if tag is not MISSING:
                if not allow_tags:
                    notes.append(f"tag {tag_key} is ignored: allowReviewTags is off")
                elif isinstance(tag, str) and _ticket_ok(tag.strip(), pattern):
                    continue
                elif is_unknown(tag):
                    yield _unverifiable(r, own, edges, why=f"tag {tag_key} is unknown until apply")
                    continue
                else:
                    notes.append(f"tag {tag_key} does not hold a ticket matching {pattern!r}")
            yield _violation(r, own, other, edges, notes)


def _with_problems(review: Approval, problems: Sequence[str]) -> Approval:
    return Approval(
        review.resources,
        review.ticket,
        review.approved_by,
        review.expires,
        review.reason,
        tuple(problems),
        review.extra,
    )


def _props(edges: Sequence[Edge]) -> str:
    return ", ".join(dict.fromkeys(e.prop for e in edges))


def _violation(r: ResourceView, own: str, other: str, edges: Sequence[Edge], notes: Sequence[str]) -> Finding:
    targets = ", ".join(dict.fromkeys(e.target for e in edges if e.target))
    found = f"→ {targets} in {other}" if targets else f"→ {other}"
    found += f", but '{r.name}' is in {own}"
    if notes:
        found += f" ({'; '.join(notes)})"
    review = (
        f'{{"from": "{own}", "to": "{other}", "resources": ["{r.name}"], "ticket": "<TICKET-123>", '
        f'"approvedBy": "<reviewer>", "expires": "<YYYY-MM-DD>"}}'
    )
    return Finding(
        r.urn,
        r.type,
        r.name,
        _props(edges),
        found,
        f"dependencies within {own}, or a valid review from {own} to {other} covering '{r.name}'",
        f"co-locate both resources in one region, or record a review in the {NAME} policy config: {review}",
    )


def _unverifiable(r: ResourceView, own: str | Unresolved, edges: Sequence[Edge], why: str = "") -> Finding:
    reasons = [x.why for x in (own, *(e.region for e in edges)) if isinstance(x, Unresolved)]
    if why:
        reasons.append(why)
    ends = ", ".join(
        dict.fromkeys(
            f"{e.target or 'a region'} ({e.region if isinstance(e.region, str) else 'unknown region'})" for e in edges
        )
    )
    here = own if isinstance(own, str) else "an unknown region"
    return Finding(
        r.urn,
        r.type,
        r.name,
        _props(edges),
        f"→ {ends} from '{r.name}' in {here} cannot be compared ({'; '.join(dict.fromkeys(reasons))})",
        "both ends in one region, or a valid cross-region review",
        "",
        unverifiable=True,
    )


POLICY = PolicySpec(
    name=NAME,
    description="A dependency on a resource in another AWS region needs a recorded, unexpired review.",
    blocks="a resource depending (dependsOn, property dependencies, ARNs in inputs, replication/peering "
    "targets) on a resource in another region, with no valid review (ticket, approver, unexpired)",
    why="Every cross-region edge pays inter-region data transfer on each byte, doubles the failure domains a "
    "request crosses, and is easy to add by accident (a second provider, a copied ARN). Some are right "
    "(DR replicas, global tables): those deserve a deliberate, time-boxed decision on record.",
    fix="Create both resources through the same provider/region, or record a review in this policy's config: "
    "`reviews: [{from, to, resources: [glob], ticket, approvedBy, expires}]`.",
    scope="stack",
    check=check,
    config={
        "reviews": ConfigKey(
            {"type": "array", "items": REVIEW_ITEM_SCHEMA, "default": []},
            "Approved cross-region dependencies: `{from, to (region globs), resources: [name or URN glob], "
            "ticket, approvedBy, expires: YYYY-MM-DD, reason}`; `from` is the dependent resource's region.",
        ),
        "allowReviewTags": ConfigKey(
            {"type": "boolean", "default": False},
            f"Also accept a `{conv.CROSS_REGION_REVIEW_TAG}: <ticket>` tag on the resource (self-service).",
        ),
    },
)
