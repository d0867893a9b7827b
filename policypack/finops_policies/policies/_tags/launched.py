"""The tags of what a resource launches: an Auto Scaling group's instances and volumes, an ECS
service's tasks. Where the cost is, and only readable with the rest of the stack at hand.

Auto Scaling (Amazon EC2 Auto Scaling API Reference, CreateAutoScalingGroup `Tags`; EC2 Auto
Scaling User Guide, "Tag Auto Scaling groups and instances"):

- instances get the launch template's `tagSpecifications` for `instance` and the group's tags that
  have `propagateAtLaunch`; on the same key the group's value wins;
- volumes get only the launch template's `tagSpecifications` for `volume`: "Tags are not
  propagated to Amazon EBS volumes. To add tags to Amazon EBS volumes, specify the tags in a
  launch template";
- provider `defaultTags` reach neither (pulumi-aws `ec2.LaunchTemplate.tagSpecifications`: "Default
  tags are currently not propagated to ASG created resources").

The launch template is the one the group names (`launchTemplate`, or `mixedInstancesPolicy`'s
specification and overrides) found in the stack by property dependency or by its `name`; its
declared inputs are read as the version the group launches. One the stack does not hold, or whose
reference is unknown during preview, makes the verdict unverifiable.

ECS (Amazon ECS Developer Guide, "Tagging your resources for billing"): tasks carry tags only
through `propagateTags`: `SERVICE` copies the service's, `TASK_DEFINITION` the task definition's,
`DAEMON` a daemon's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from finops_policies import conventions as conv
from finops_policies.resources import ResourceView, StackView
from finops_policies.values import MISSING, UNKNOWN, as_bool, is_absent, is_unknown, shown

from .parts import Part, Source, as_tag_map, key_map, key_parts, listed, required_parts
from .settings import Settings

LAUNCH_TEMPLATE: Final = "aws:ec2/launchTemplate:LaunchTemplate"
ECS_DAEMON: Final = "aws:ecs/daemon:Daemon"
#: ECS types whose tasks get tags only via `propagateTags`, and the values that propagate tags.
TASK_PROPAGATION: Final[Mapping[str, tuple[str, ...]]] = {
    conv.ECS_SERVICE: ("SERVICE", "TASK_DEFINITION"),
    ECS_DAEMON: ("DAEMON",),
}
#: Types whose verdict needs the rest of the stack: the policy judges them at `AnalyzeStack`.
STACK_TYPES: Final = frozenset({conv.ASG, *TASK_PROPAGATION})


# --- what the stack holds, indexed once per AnalyzeStack ---------------------------------------------
class Index:
    """The stack and its launch templates by name and task definitions by family, built on first use
    so that judging every group and service of a stack stays linear in its size."""

    def __init__(self, stack: StackView) -> None:
        self.stack = stack
        self._templates: dict[str, ResourceView] | None = None
        self._tasks: dict[str, ResourceView] | None = None

    def template_named(self, name: str) -> ResourceView | None:
        if self._templates is None:
            self._templates = {}
            for r in self.stack.of_type(LAUNCH_TEMPLATE):
                named = r.get("name")
                if isinstance(named, str):
                    self._templates.setdefault(named, r)
        return self._templates.get(name)

    def task_definition(self, family: str) -> ResourceView | None:
        if self._tasks is None:
            self._tasks = {}
            for r in self.stack.of_type(conv.ECS_TASK_DEFINITION):
                named = r.get("family")
                if isinstance(named, str):
                    self._tasks.setdefault(named, r)
        return self._tasks.get(family)


# --- launch templates -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Template:
    """A launch template a group launches from, or why it cannot be read."""

    label: str
    resource: ResourceView | None
    #: when `resource` is None: why ("is unknown until apply", "is not in this stack")
    unreadable: str = ""


def _specs(group: ResourceView) -> list[tuple[Any, Any]]:
    """(id, name) of every launch template specification the group holds."""
    specs: list[tuple[Any, Any]] = []
    direct = group.get("launchTemplate")
    if isinstance(direct, dict):
        specs.append((direct.get("id", MISSING), direct.get("name", MISSING)))
    elif is_unknown(direct):
        specs.append((UNKNOWN, UNKNOWN))
    mixed = group.get("mixedInstancesPolicy", "launchTemplate")
    if is_unknown(mixed):
        specs.append((UNKNOWN, UNKNOWN))
    elif isinstance(mixed, dict):
        entries = [mixed.get("launchTemplateSpecification")]
        overrides = mixed.get("overrides")
        entries += (
            [o.get("launchTemplateSpecification") for o in overrides if isinstance(o, dict)]
            if isinstance(overrides, list)
            else ([UNKNOWN] if is_unknown(overrides) else [])
        )
        for spec in entries:
            if isinstance(spec, dict):
                specs.append((spec.get("launchTemplateId", MISSING), spec.get("launchTemplateName", MISSING)))
            elif is_unknown(spec):
                specs.append((UNKNOWN, UNKNOWN))
    return specs


def templates(index: Index, group: ResourceView) -> list[Template]:
    """The launch templates the group launches instances from, as far as the stack tells."""
    stack = index.stack
    referenced = [
        r
        for prop in ("launchTemplate", "mixedInstancesPolicy")
        for r in stack.resolve(group.property_dependencies.get(prop, ()))
        if r.type == LAUNCH_TEMPLATE
    ]
    referenced += [r for r in stack.resolve(group.dependencies) if r.type == LAUNCH_TEMPLATE and r not in referenced]
    found: dict[str, Template] = {}
    needs_reference = False
    for template_id, name in _specs(group):
        if isinstance(name, str) and not is_unknown(name):
            match = index.template_named(name)
            found[name] = (
                Template(f"launch template '{match.name}'", match)
                if match is not None
                else Template(f"launch template {shown(name)}", None, "is not in this stack")
            )
        elif isinstance(template_id, str) and not is_unknown(template_id):
            # a literal id names a template created elsewhere: its inputs are not in this stack
            found[template_id] = Template(f"launch template {shown(template_id)}", None, "is not in this stack")
        else:
            needs_reference = True
    if needs_reference:
        if referenced:
            for r in referenced:
                found.setdefault(r.urn, Template(f"launch template '{r.name}'", r))
        else:
            found["?"] = Template("the launch template", None, "is unknown until apply")
    return list(found.values())


def _tag_specifications(template: ResourceView, resource_type: str) -> Any:
    """The tags the template's `tagSpecifications` give `resource_type`: a dict, or UNKNOWN."""
    raw = template.get("tagSpecifications")
    if is_unknown(raw):
        return UNKNOWN
    merged: dict[str, Any] = {}
    for spec in raw if isinstance(raw, list) else ():
        if not isinstance(spec, dict):
            continue
        kind = spec.get("resourceType")
        if is_unknown(kind):
            return UNKNOWN
        if kind != resource_type:
            continue
        tags = as_tag_map(spec.get("tags"))
        if tags is UNKNOWN:
            return UNKNOWN
        merged.update(tags)
    return merged


# --- Auto Scaling groups ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _GroupTags:
    #: keys propagated to instances (value), and keys whose propagateAtLaunch is unknown (UNKNOWN)
    propagated: dict[str, Any]
    #: keys the group has without propagateAtLaunch, for the message
    kept: tuple[str, ...]
    entries_unknown: bool
    own: dict[str, Any]


def _group_tags(group: ResourceView) -> _GroupTags:
    raw = group.get("tags")
    propagated: dict[str, Any] = {}
    kept: list[str] = []
    own: dict[str, Any] = {}
    unknown = is_unknown(raw)
    for item in raw if isinstance(raw, list) else ():
        key = item.get("key") if isinstance(item, dict) else item
        if is_unknown(key):
            unknown = True
            continue
        if not isinstance(key, str) or not isinstance(item, dict) or key in own:
            continue
        own[key] = item.get("value")
        propagate = item.get("propagateAtLaunch", MISSING)
        if is_unknown(propagate):
            propagated[key] = UNKNOWN
        elif as_bool(propagate) is True:
            propagated[key] = item.get("value")
        else:
            kept.append(key)
    return _GroupTags(propagated, tuple(kept), unknown, own)


def group_parts(index: Index, group: ResourceView, conf: Settings, *, blocking: bool) -> list[Part]:
    """The parts about the instances and volumes an Auto Scaling group launches."""
    tags = _group_tags(group)
    parts = list(
        key_parts(Source(tags.own, "tags"), "aws", group.type, blocking=blocking, subject=lambda k: f"tags[{k}]")
    )
    defaults = group.provider.default_tags if group.provider is not None else {}
    used = templates(index, group)
    group_source = Source(tags.propagated, "tags", key_format="tags[{key}].value")
    unknown_group = [Source(UNKNOWN, "tags")] if tags.entries_unknown else []

    def group_fix(key: str, _source: Source) -> str:
        return f'set the value of the "{key}" tag to a valid cost-allocation value'

    def hints_for(keys: Iterable[str], hints: Mapping[str, str]) -> list[str]:
        out = [hints[k] for k in keys if k in hints]
        kept = [k for k in keys if k in tags.kept]
        if kept:
            out.append(f"the group's {listed(kept)} tag{'s have' if len(kept) > 1 else ' has'} no propagateAtLaunch")
        if isinstance(defaults, dict) and any(k in defaults for k in keys):
            out.append("provider defaultTags do not reach the instances an Auto Scaling group launches")
        return out

    if not used:
        # no launch template: only the group's propagated tags reach the instances
        parts += required_parts(
            [group_source, *unknown_group],
            conf,
            "aws",
            missing=lambda keys, hints: Part(
                "tags",
                f"lack {listed(keys)} for the instances it launches ("
                + "; ".join(["no tag with propagateAtLaunch true", *hints_for(keys, hints)])
                + ")",
                f"a cost-allocation tag propagated to the instances for {listed(keys)}",
                "add "
                + ", ".join(f'{{"key": "{k}", "value": ..., "propagate_at_launch": True}}' for k in keys)
                + " to tags",
                keys,
                "missing",
                blocking,
            ),
            fix_value=group_fix,
            blocking=blocking,
            type_=group.type,
        )
    for template in used:
        if template.resource is None:
            # volumes need every key from the template, whatever the group propagates
            parts.append(
                Part(
                    "tags",
                    f"of the instances and volumes it launches cannot be read: {template.label} {template.unreadable}",
                    f"cost-allocation tags on the instances and volumes for {listed(conf.required)}",
                    "",
                    tuple(conf.required),
                    "unknown",
                )
            )
            continue
        parts += _instance_parts(
            group,
            template=template,
            group_source=group_source,
            unknown_group=unknown_group,
            conf=conf,
            blocking=blocking,
            hints_for=hints_for,
        )
        parts += _volume_parts(group, template, conf, blocking)
    if not used and not is_absent(group.get("launchConfiguration")):
        parts.append(
            Part(
                "tags",
                f"lack {listed(conf.required)} for the volumes it launches (a launch configuration cannot tag "
                "volumes, and group tags never reach them)",
                "volumes tagged by a launch template's tag specifications",
                'launch from a launch template whose tag_specifications include resource_type "volume"',
                tuple(conf.required),
                "missing",
                # the fix is a migration, not a tag: said, never blocking
                False,
            )
        )
    return parts


def _instance_parts(
    group: ResourceView,
    *,
    template: Template,
    group_source: Source,
    unknown_group: list[Source],
    conf: Settings,
    blocking: bool,
    hints_for: Callable[[Iterable[str], Mapping[str, str]], list[str]],
) -> list[Part]:
    assert template.resource is not None
    name = template.resource.name
    lt_source = Source(
        _tag_specifications(template.resource, "instance"),
        f"{template.label} tagSpecifications (instance)",
        key_format=f"{template.label} instance tag {{key}}",
    )

    def fix_value(key: str, source: Source) -> str:
        if source is lt_source:
            return f'set the "{key}" instance tag of {template.label} to a valid cost-allocation value'
        return f'set the value of the group\'s "{key}" tag to a valid cost-allocation value'

    return required_parts(
        [group_source, *unknown_group, lt_source],
        conf,
        "aws",
        missing=lambda keys, hints: Part(
            "tags",
            f"lack {listed(keys)} for the instances it launches ("
            + "; ".join(
                [f"no group tag propagated at launch, no instance tag in {template.label}", *hints_for(keys, hints)]
            )
            + ")",
            f"a cost-allocation tag on the instances for {listed(keys)}",
            f"add {key_map(keys)} to the tag_specifications of launch template '{name}' with resource_type "
            '"instance", or to the group\'s tags with propagate_at_launch=True',
            keys,
            "missing",
            blocking,
        ),
        fix_value=fix_value,
        blocking=blocking,
        type_=group.type,
    )


def _volume_parts(group: ResourceView, template: Template, conf: Settings, blocking: bool) -> list[Part]:
    assert template.resource is not None
    name = template.resource.name
    source = Source(
        _tag_specifications(template.resource, "volume"),
        f"{template.label} tagSpecifications (volume)",
        key_format=f"{template.label} volume tag {{key}}",
    )
    return required_parts(
        [source],
        conf,
        "aws",
        missing=lambda keys, _hints: Part(
            "tags",
            f"lack {listed(keys)} for the volumes it launches (group tags never reach EBS volumes; {template.label} "
            "has no volume tag for them)",
            f"a cost-allocation tag on the volumes for {listed(keys)}",
            f"add {key_map(keys)} to the tag_specifications of launch template '{name}' with resource_type \"volume\"",
            keys,
            "missing",
            blocking,
        ),
        fix_value=lambda key, _s: f'set the "{key}" volume tag of {template.label} to a valid cost-allocation value',
        blocking=blocking,
        type_=group.type,
    )


# --- ECS services and daemons -------------------------------------------------------------------------
def _task_definition(index: Index, service: ResourceView) -> ResourceView | Any | None:
    """The task definition a service runs: a view, UNKNOWN when the stack cannot tell, None when the
    service names one the stack does not hold."""
    for r in index.stack.resolve(service.property_dependencies.get("taskDefinition", ())):
        if r.type == conv.ECS_TASK_DEFINITION:
            return r
    named = service.get("taskDefinition")
    if isinstance(named, str) and not is_unknown(named):
        # an ARN `...:task-definition/<family>:<revision>`, `<family>:<revision>` or `<family>`
        return index.task_definition(named.rsplit("/", 1)[-1].split(":", 1)[0])
    return UNKNOWN


def task_parts(
    index: Index,
    service: ResourceView,
    conf: Settings,
    *,
    blocking: bool,
    map_sources: Callable[[ResourceView], tuple[Source, list[Source]]],
) -> list[Part]:
    """The parts about the tags an ECS service's or daemon's tasks start with."""
    accepted = TASK_PROPAGATION[service.type]
    value = service.get("propagateTags")
    expected = f"{' or '.join(accepted)}, so that the tasks (where the cost is reported) carry the tags"
    if is_unknown(value):
        return [Part("propagateTags", "is unknown until apply", expected, "", (), "unknown")]
    if not (isinstance(value, str) and value in accepted):
        found = "is unset" if is_absent(value) else f"is {shown(value)}"
        return [
            Part(
                "propagateTags",
                f"{found}: tasks start without the cost-allocation tags",
                expected,
                f'set propagate_tags="{accepted[0]}"',
                (),
                "invalid",
                blocking,
            )
        ]
    if value != "TASK_DEFINITION":
        return []  # the tasks get the service's (or daemon's) own tags, which are checked as its tags
    task = _task_definition(index, service)
    if not isinstance(task, ResourceView):
        why = "is unknown until apply" if task is UNKNOWN else "is not in this stack"
        return [
            Part(
                "tags",
                "of the tasks it starts cannot be read: propagateTags is TASK_DEFINITION and its task "
                f"definition {why}",
                f"the task definition's tags for {listed(conf.required)}",
                "",
                tuple(conf.required),
                "unknown",
            )
        ]
    _own, sources = map_sources(task)
    label = f"task definition '{task.name}'"
    return required_parts(
        [Source(s.values, s.path, s.origin, s.from_provider, key_format=f"{label} tags.{{key}}") for s in sources],
        conf,
        "aws",
        missing=lambda keys, _hints: Part(
            "tags",
            f"lack {listed(keys)} for the tasks it starts (propagateTags is TASK_DEFINITION, and {label} has no "
            "such tag)",
            f"a cost-allocation tag on the tasks for {listed(keys)}",
            f'add tags={key_map(keys)} to {label}, or set propagate_tags="SERVICE"',
            keys,
            "missing",
            blocking,
        ),
        fix_value=lambda key, _s: f'set a valid "{key}" in the tags of {label}',
        blocking=blocking,
        type_=task.type,
    )
