"""Resources that cost money carry the cost-allocation keys, with real values valid for their platform.

Checked: every AWS resource type whose `tags` input is a map (the set generated from pulumi-aws into
`data/aws_taggable.json`), Auto Scaling groups (the instances and volumes they launch), ECS
services (the tasks they start), and the labels of Kubernetes objects and workloads' pod
templates. Each required key (the cost contract's `costAllocation.tags`) must be present,
non-empty, not a placeholder, valid for the platform, and within the configured allowed values or
pattern. A resource gets one finding naming every key that is missing or invalid; reports list
the keys in the finding's `details`.

**Which resources block.** Tags matter where they reach a bill. Each resource falls in a class, and
each class is reported as `mandatory` (at the policy's level), `advisory` (never blocks) or `skip`
(config `levels`):

- `awsCostBearing` (mandatory): AWS types that bill by the hour or by use, priced by Infracost's
  registry, the cost estimate's own rules or AWS's pricing pages (`data/prices/priced_types.json`);
- `awsFree` (advisory): AWS types that cost nothing by themselves, the list the cost estimate uses
  (`data/prices/free_types.json`): IAM, VPC plumbing, security groups, parameter and subnet
  groups, task definitions, target groups, listeners... Some are free only under a condition on
  their inputs (a gateway VPC endpoint, a public ACM certificate, a standard SSM parameter);
- `awsUnclassified` (mandatory): AWS types in neither list;
- `kubernetesAllocationLabels` (mandatory): the labels cost tools allocate by: pods and workloads'
  pod templates, namespaces, nodes;
- `kubernetesCostObjects` (advisory): workloads' own labels, Services, persistent volumes and
  claims, Ingresses;
- `kubernetesOther` (skip): ConfigMaps, Secrets, ServiceAccounts, RBAC, network policies, custom
  resources...

Never checked: the tags of S3 objects (cost allocation tags "can only be used to label buckets",
Amazon S3 User Guide) and of Elastic IPs ("Elastic IP addresses that are tagged do not appear on
your cost allocation report", Amazon EC2 User Guide).

Why an unclassified AWS type blocks: the free list holds the 450 types Infracost and AWS's pricing
pages show to cost nothing, so a type outside it is more often a billed service resource (a
cluster, an endpoint, a reservation) than configuration. Missing tags on it leave its whole bill
unallocated, while a wrong block costs one line of config (`levels.awsUnclassified: advisory`, or
`excludeTypes`).

Why Kubernetes Services, volume claims and Ingresses are advisory: OpenCost, the open-source cost
model Kubecost builds on, reads the labels of pods (from their pod templates), namespaces and nodes;
it reaches Services and workloads only through their selectors and volume claims only by size
(opencost/opencost, `pkg/costmodel/allocation_helpers.go`, `pkg/metrics/*`). Their labels help
people find owners but put no cost anywhere; a pod template without the keys leaves the cost
unallocated, so that blocks.

Where the tags come from, in order of precedence:

- AWS map-tagged types: the resource's `tags`, then `tagsAll` (the provider's merge, present in
  `pulumi preview` but not offline), then the provider's `defaultTags` (an explicit provider, or
  the default provider built from the stack's `aws:defaultTags`).
- Auto Scaling groups: the instances get the launch template's instance `tagSpecifications` and the
  group's tags with `propagateAtLaunch` (the group's value wins on the same key); the volumes only
  the template's volume `tagSpecifications`; provider default tags reach neither. The template is
  the one the group names, found in the stack; one unknown during preview or outside the stack makes
  the verdict unverifiable.
- ECS services and daemons: their tasks carry tags only through `propagateTags`: `SERVICE` (the
  service's own tags), `TASK_DEFINITION` (the task definition's, read from the stack) or `DAEMON`.
  Unset or `NONE` is a finding.
- Kubernetes: an object's own labels, and separately its pod template's labels, since Kubernetes
  does not copy a workload's labels to its pods.

**Key and value syntax.** AWS reserves the `aws:` prefix, and allows keys of at most 128 and values
of at most 256 characters; a key or value breaking these blocks. Characters differ by service:
what every service accepts is letters, digits, spaces and `_ . : / = + - @`, while EC2 (and the
ElastiCache, EFS and MemoryDB user guides) accept any character (Amazon EC2 User Guide, "Tag
restrictions"). A character blocks only where the service's API rejects it (the tag key and value
patterns of its API model, e.g. Lambda, IAM, ECS, ELB, EFS, SSM, CloudWatch Logs:
`data/aws_tag_rules.json`, generated from botocore by `tools/gen_aws_tag_rules.py`); elsewhere a key
outside the common set is an advisory note that some services would reject it. Kubernetes label
keys and values follow the Kubernetes label syntax, which the API server enforces.

Only required keys have their values checked (so an unrelated tag value, say a token someone put
in a tag, never appears in a message); every key the resource itself sets has its key syntax
checked.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from typing import Any, Final

from finops_policies import conventions as conv
from finops_policies.cost_classes import (
    COST_CLASSES,
    CostClass,
    aws_cost_class,
    kubernetes_label_class,
    tags_never_billed,
)
from finops_policies.findings import Finding
from finops_policies.kubernetes import is_kubernetes_object
from finops_policies.policies import _workloads as wl
from finops_policies.policies._tags import launched
from finops_policies.policies._tags.parts import (
    Part,
    Source,
    as_tag_map,
    compose,
    key_map,
    key_parts,
    listed,
    required_parts,
)
from finops_policies.policies._tags.settings import DEFAULT_LEVELS, LEVELS, Settings, settings
from finops_policies.resources import ResourceView, StackView
from finops_policies.spec import ConfigKey, PolicySpec
from finops_policies.taggable import taggable_types
from finops_policies.values import UNKNOWN

NAME: Final = "cost-allocation-tags"
#: Re-exported for callers of the old module layout.
ECS_DAEMON: Final = launched.ECS_DAEMON


# --- scope ------------------------------------------------------------------------------------------
def _excluded(type_: str, conf: Settings) -> bool:
    return any(fnmatch.fnmatchcase(type_, pattern) for pattern in conf.exclude)


def _why_advisory(resource: ResourceView, cost_class: CostClass) -> str:
    """Why a finding of this class does not block, said after its fix."""
    kind = resource.type.rsplit(":", 1)[-1]
    if DEFAULT_LEVELS[cost_class] != "advisory":
        return f"levels.{cost_class} is advisory in the policy config"
    if cost_class == "awsFree":
        return f"a {kind} costs nothing by itself"
    return f"cost tools read the labels of pods, namespaces and nodes, not a {kind}'s own"


def _finding(resource: ResourceView, parts: list[Part], advisory_classes: list[CostClass]) -> Finding | None:
    """One finding for the parts; an advisory one says why it does not block when its class is advisory."""
    finding = compose(resource, parts)
    if finding is None or not finding.advisory or not advisory_classes:
        return finding
    notes = "; ".join(dict.fromkeys(_why_advisory(resource, c) for c in advisory_classes))
    return Finding(
        finding.urn,
        finding.resource_type,
        finding.resource_name,
        finding.property,
        finding.found,
        finding.expected,
        f"{finding.fix} (not blocking: {notes})",
        advisory=True,
        details=finding.details,
    )


# --- AWS --------------------------------------------------------------------------------------------
def map_sources(resource: ResourceView) -> tuple[Source, list[Source]]:
    """The resource's own tags and every map its effective tags merge, in order of precedence."""
    own = Source(as_tag_map(resource.get("tags")), "tags")
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
    return own, sources


def aws_tag_parts(
    resource: ResourceView, conf: Settings, *, blocking: bool, mapped: tuple[Source, list[Source]] | None = None
) -> list[Part]:
    """The parts about an AWS resource's own (map) tags: required keys, then key syntax.
    `mapped`: what `map_sources(resource)` returns, when the caller has it already."""
    own, sources = map_sources(resource) if mapped is None else mapped

    def missing(keys: tuple[str, ...], hints: Mapping[str, str]) -> Part:
        why = "; ".join(["no resource tag, no provider default tag", *(hints[k] for k in keys if k in hints)])
        return Part(
            "tags",
            f"lack {listed(keys)} ({why})",
            f"a non-empty cost-allocation value for {listed(keys)}",
            f"add tags={key_map(keys)} or set aws:defaultTags / use finops_components tagging",
            keys,
            "missing",
            blocking,
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

    parts = required_parts(
        sources, conf, "aws", missing=missing, fix_value=fix_value, blocking=blocking, type_=resource.type
    )
    return parts + list(key_parts(own, "aws", resource.type, blocking=blocking))


def _aws_level(resource: ResourceView, conf: Settings) -> tuple[CostClass, bool] | None:
    """The resource's class and whether its findings block, or None when it is not checked."""
    if _excluded(resource.type, conf) or tags_never_billed(resource.type) is not None:
        return None
    cost_class, _source = aws_cost_class(resource)
    level = conf.levels[cost_class]
    return None if level == "skip" else (cost_class, level == "mandatory")


def _check_aws(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[Finding]:
    conf = settings(config)
    judged = _aws_level(resource, conf)
    if judged is None:
        return
    cost_class, blocking = judged
    own, sources = map_sources(resource)
    key = _verdict_key(resource.type, cost_class, blocking, sources, conf)
    known = _VERDICTS.get(key) if key is not None else None
    if known is not None and known[0] is conf:
        if known[1] is not None:
            yield Finding(resource.urn, resource.type, resource.name, *known[1])
        return
    parts = aws_tag_parts(resource, conf, blocking=blocking, mapped=(own, sources))
    finding = _finding(resource, parts, [] if blocking else [cost_class])
    if key is not None:
        if len(_VERDICTS) >= _VERDICTS_KEPT:
            _VERDICTS.clear()
        _VERDICTS[key] = (conf, None if finding is None else _verdict_of(finding))
    if finding is not None:
        yield finding


# --- the same tags, the same verdict ----------------------------------------------------------------
# Resources of a stack carry the same few tag keys with the same values for the required ones (a Name
# tag aside): the verdict on one is the verdict on the next of its type and class. A verdict is kept
# by everything `aws_tag_parts` and `_finding` read besides the resource's URN and name: its type,
# class, blocking, the policy's settings (by identity, the same object while the config is the
# same), and for each map of tags, where it comes from, its keys in order (key syntax, case hints)
# and the required keys' values with their types (True, 1 and 1.0 are equal keys but read
# differently). A map holding something unhashable is judged afresh.

#: Verdicts kept before the table is emptied (a stack with more distinct tag sets only judges afresh).
_VERDICTS_KEPT = 4096
_VERDICTS: dict[tuple[Any, ...], tuple[Settings, tuple[Any, ...] | None]] = {}


def _verdict_key(
    type_: str, cost_class: CostClass, blocking: bool, sources: list[Source], conf: Settings
) -> tuple[Any, ...] | None:
    key: list[Any] = [type_, cost_class, blocking, id(conf)]
    for source in sources:
        values = source.values
        if values is UNKNOWN:
            key.append((source.path, source.origin, source.from_provider, source.key_format, None))
            continue
        if type(values) is not dict:
            return None
        required = tuple((type(v), v) for v in map(values.get, conf.required))
        key.append((source.path, source.origin, source.from_provider, source.key_format, tuple(values), required))
    found = tuple(key)
    try:
        hash(found)
    except TypeError:  # a tag value that is a map or a list: judged afresh
        return None
    return found


def _verdict_of(finding: Finding) -> tuple[Any, ...]:
    """A finding's fields after its URN, type and name (`Finding(urn, type, name, *verdict)`)."""
    return (
        finding.property,
        finding.found,
        finding.expected,
        finding.fix,
        finding.unverifiable,
        finding.unverifiable_because,
        finding.advisory,
        finding.details,
    )


# --- Kubernetes -------------------------------------------------------------------------------------
def _label_parts(resource: ResourceView, source: Source, conf: Settings, *, blocking: bool, pods: bool) -> list[Part]:
    kind = resource.type.rsplit(":", 1)[-1]
    why = f" (the {kind}'s own labels are not copied to its pods)" if pods else ""
    where = "the pod template's metadata" if pods else "metadata"

    def missing(keys: tuple[str, ...], hints: Mapping[str, str]) -> Part:
        hint = "; ".join(hints[k] for k in keys if k in hints)
        return Part(
            source.path,
            f"lack {listed(keys)}{why}" + (f" ({hint})" if hint else ""),
            f"a non-empty cost-allocation label for {listed(keys)}",
            f"add labels={key_map(keys)} to {where} (finops_components labels every object)",
            keys,
            "missing",
            blocking,
        )

    def fix_value(key: str, _source: Source) -> str:
        return f'set labels["{key}"] in {where} to a valid label value'

    parts = required_parts([source], conf, "kubernetes", missing=missing, fix_value=fix_value, blocking=blocking)
    return parts + list(key_parts(source, "kubernetes", resource.type, blocking=blocking))


def _check_kubernetes(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[Finding]:
    conf = settings(config)
    if not conf.check_kubernetes or _excluded(resource.type, conf):
        return
    parts: list[Part] = []
    classes: list[CostClass] = []
    template = wl.template_metadata(resource, "labels")
    if template is not None:
        cost_class, _ = kubernetes_label_class(resource.type, pod_template=True)
        level = conf.levels[cost_class]
        if level != "skip":
            path, labels = template
            pods = Source(as_tag_map(labels), path)
            parts += _label_parts(resource, pods, conf, blocking=level == "mandatory", pods=True)
            classes.append(cost_class)
    cost_class, _ = kubernetes_label_class(resource.type)
    level = conf.levels[cost_class]
    if level != "skip":
        own = Source(as_tag_map(resource.get("metadata", "labels")), "metadata.labels")
        parts += _label_parts(resource, own, conf, blocking=level == "mandatory", pods=False)
        classes.append(cost_class)
    finding = _finding(resource, parts, [c for c in classes if conf.levels[c] == "advisory"])
    if finding is not None:
        yield finding


# --- the checks -------------------------------------------------------------------------------------
def judges_type(type_: str) -> bool:
    """Whether this policy, with its default config, judges resources of `type_`: taggable AWS types
    whose tags can reach a bill, and Kubernetes objects whose labels (or pod template's) a class
    does not skip. What allocation coverage (`finops_guard.coverage`) counts as taggable."""
    if type_.startswith("aws:"):
        data = taggable_types()
        return (type_ in data.map_tags or type_ in data.list_tags) and tags_never_billed(type_) is None
    if not is_kubernetes_object(type_):
        return False
    own, _ = kubernetes_label_class(type_)
    return DEFAULT_LEVELS[own] != "skip" or wl.is_workload(type_)


def check(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[Finding]:
    """The resource-time check: every resource but those `check_stack` judges."""
    # Scope first, cheaply: this runs on every resource of every stack.
    if resource.is_aws:
        if resource.type not in taggable_types().map_tags or resource.type in launched.STACK_TYPES:
            return
        yield from _check_aws(resource, config)
    elif resource.is_kubernetes and is_kubernetes_object(resource.type):
        yield from _check_kubernetes(resource, config)


def check_stack(stack: StackView, config: Mapping[str, Any]) -> Iterator[Finding]:
    """The stack-time check: Auto Scaling groups and ECS services, whose launched instances, volumes
    and tasks carry tags from other resources of the stack (launch templates, task definitions)."""
    chosen = [r for r in stack.resources if r.type in launched.STACK_TYPES]
    if not chosen:
        return
    conf = settings(config)
    index = launched.Index(stack)
    for resource in chosen:
        judged = _aws_level(resource, conf)
        if judged is None:
            continue
        cost_class, blocking = judged
        if resource.type == conv.ASG:
            parts = launched.group_parts(index, resource, conf, blocking=blocking)
        else:
            parts = aws_tag_parts(resource, conf, blocking=blocking) + launched.task_parts(
                index, resource, conf, blocking=blocking, map_sources=map_sources
            )
        finding = _finding(resource, parts, [] if blocking else [cost_class])
        if finding is not None:
            yield finding


# --- documentation, config ------------------------------------------------------------------------
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
    "levels": ConfigKey(
        {
            "type": "object",
            "properties": {name: {"type": "string", "enum": list(LEVELS)} for name in COST_CLASSES},
            "additionalProperties": False,
            "default": dict(DEFAULT_LEVELS),
        },
        "Per class of resource, how its missing or invalid tags are reported: mandatory (at the policy's level), "
        "advisory or skip; classes not given keep their default. awsCostBearing, awsFree (costs nothing by "
        "itself), awsUnclassified, kubernetesAllocationLabels (pods, pod templates, namespaces, nodes), "
        "kubernetesCostObjects (workloads' own labels, Services, volumes, claims, Ingresses), kubernetesOther.",
    ),
    "checkKubernetes": ConfigKey(
        {"type": "boolean", "default": True},
        "Also require the keys as labels on Kubernetes objects and on workloads' pod templates (per `levels`).",
    ),
    "excludeTypes": ConfigKey(
        {"type": "array", "items": {"type": "string"}, "default": []},
        'Type-token globs this policy skips, e.g. ["aws:cloudwatch/metricAlarm:*"].',
    ),
}


POLICY: Final = PolicySpec(
    name=NAME,
    description="Resources that cost money carry the cost-allocation tags (service, team, domain, environment) "
    "with real, valid values.",
    blocks="an AWS resource that costs money (or whose cost is unclassified), or a Kubernetes pod template, "
    "pod or namespace, lacking a required cost-allocation key or with an empty, placeholder, malformed or "
    "disallowed value; one finding per resource naming every key. Counts provider defaultTags, Auto Scaling "
    "launch templates and propagated tags (ASG propagateAtLaunch, ECS propagateTags); free resources and "
    "Services, volume claims and Ingresses are advisory",
    why="Cost Explorer, the CUR and Kubecost/OpenCost can only split the bill by the tags and labels that "
    "are on the resource that incurs the cost: an untagged or 'TODO'-tagged resource lands in an "
    "unallocated bucket no team owns, and tags added after the fact do not fix past bills. "
    "So the keys block where they reach a bill: AWS resources that bill by the hour or by use (priced by "
    "Infracost's registry, the cost estimate or AWS's pricing pages), AWS types no source classifies "
    "(presumed to bill: a cluster or endpoint left untagged loses its whole bill, a wrong block costs one "
    "line of config), and the labels OpenCost allocates by: pods and workloads' pod templates, namespaces. "
    "Resources that cost nothing by themselves (IAM, VPC plumbing, security groups, task definitions, "
    "target groups, listeners; the list the cost estimate uses) and the Services, volume claims and "
    "Ingresses whose own labels no cost tool reads are advisory; ConfigMaps, Secrets, RBAC and the like "
    "are skipped; S3 object and Elastic IP tags never reach a cost report and are not checked (config "
    "`levels`). A tag character blocks only where the service's API rejects it (EC2 accepts any); "
    "elsewhere a character outside the set every service accepts is an advisory note. An Auto Scaling "
    "group's instances get its launch template's instance tags and its propagated tags (the group's "
    "value wins), its volumes only the template's volume tags, and provider default tags reach neither.",
    fix="Tag through the provider (aws:defaultTags) and finops_components, which label every object from the "
    "cost contract; tag what Auto Scaling groups launch through their launch template's tag_specifications "
    "(instances and volumes) and propagate_at_launch, and set propagate_tags on ECS services.",
    scope="resource",
    check=check,
    stack_check=check_stack,
    config=CONFIG,
)
