"""Log groups AWS services create by themselves, and whether the stack declares them.

A Lambda function, an RDS instance exporting logs, an EKS cluster with control-plane logging and a
few more write to a CloudWatch log group that the service creates on first write when nobody
declared it, and a group created that way keeps its data forever:

    # CloudWatch Logs User Guide, "Change log data retention": "By default, log data is stored in
    # CloudWatch Logs indefinitely."

`groups_of` says which groups a resource makes AWS create (`ImplicitGroup`), or that it cannot be
told during preview (`Unreadable`). `DeclaredGroups` indexes the stack's `aws.cloudwatch.LogGroup`s
once and judges each implicit group: declared (by its exact name; by a name computed from the
service resource, i.e. a property dependency of the group's `name` on it; or as the group the
service is told to use), unknown until apply, or missing.

Names during preview. Offline there is no provider `Check`, so a name Pulumi generates (resource
name + random suffix) is absent; the real CLI sends it known, as `Check` computed it
(pulumi-terraform-bridge `pkg/tfbridge/info/autonaming.go`, `ComputeAutoNameDefault`: "if the resource
is named "deployer", the new value may look like "deployer-6587896""). A name that is absent or
unknown is never guessed: a declared group whose name could be it (a known name that fits the
pattern, or a name unknown until apply that is not computed from another service) makes the verdict
unverifiable; only when no declared group could be it is the group certainly undeclared, whatever
its name turns out to be. A group the service is *told* to use under a name unknown until apply
(`loggingConfig.logGroup` from another stack, say) is never reported as missing.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from finops_policies import cloudwatch
from finops_policies import conventions as conv
from finops_policies.resources import ResourceView, StackView
from finops_policies.values import MISSING, UNKNOWN, as_list, as_mapping, is_unknown, lookup, shown

#: Days the fix suggests for a group nobody classed: the unclassed default, snapped for CloudWatch.
FIX_RETENTION_DAYS: Final = (
    cloudwatch.cloudwatch_retention_days(conv.DEFAULT_UNCLASSED_RETENTION_DAYS) or conv.DEFAULT_UNCLASSED_RETENTION_DAYS
)


@dataclass(frozen=True)
class ImplicitService:
    """One kind of resource that makes AWS create a log group by itself (what `explain` lists)."""

    service: str
    resource_type: str
    when: str
    group: str
    #: the input that points the logs at another group, "" when the service cannot be told
    routed_by: str
    #: the AWS document that says the service creates the group (and names it)
    source: str


CHECKED: Final = (
    ImplicitService(
        "AWS Lambda",
        conv.LAMBDA_FUNCTION,
        "the function is first invoked",
        "/aws/lambda/<function name> (or the group loggingConfig.logGroup names)",
        "loggingConfig.logGroup",
        'Lambda Developer Guide, "Configuring CloudWatch log groups"; Lambda API Reference, LoggingConfig.LogGroup',
    ),
    ImplicitService(
        "Amazon RDS (DB instance log exports)",
        conv.RDS_INSTANCE,
        "enabledCloudwatchLogsExports lists a log type",
        "/aws/rds/instance/<identifier>/<log type> per exported log type",
        "",
        'RDS User Guide, "Publishing database logs to Amazon CloudWatch Logs"',
    ),
    ImplicitService(
        "Amazon Aurora and Multi-AZ DB clusters (log exports)",
        conv.RDS_CLUSTER,
        "enabledCloudwatchLogsExports lists a log type",
        "/aws/rds/cluster/<cluster identifier>/<log type> per exported log type",
        "",
        'Aurora User Guide, "Publishing Aurora PostgreSQL/MySQL logs to Amazon CloudWatch Logs"',
    ),
    ImplicitService(
        "Amazon EKS (control-plane logging)",
        conv.EKS_CLUSTER,
        "enabledClusterLogTypes lists a log type",
        "/aws/eks/<cluster name>/cluster",
        "",
        'EKS User Guide, "Send control plane logs to CloudWatch Logs"',
    ),
    ImplicitService(
        "Amazon ECS (awslogs driver)",
        conv.ECS_TASK_DEFINITION,
        "a container's logConfiguration uses the awslogs driver with awslogs-create-group 'true'",
        "the group options['awslogs-group'] names",
        "logConfiguration.options['awslogs-group']",
        "ECS API Reference, LogConfiguration.options (awslogs-create-group)",
    ),
    ImplicitService(
        "Amazon ECS Service Connect (awslogs driver)",
        conv.ECS_SERVICE,
        "serviceConnectConfiguration.logConfiguration uses the awslogs driver with awslogs-create-group 'true'",
        "the group options['awslogs-group'] names",
        "serviceConnectConfiguration.logConfiguration.options['awslogs-group']",
        "ECS API Reference, LogConfiguration.options (awslogs-create-group)",
    ),
    ImplicitService(
        "Amazon API Gateway REST APIs (execution logging)",
        conv.APIGATEWAY_METHOD_SETTINGS,
        "settings.loggingLevel is ERROR or INFO",
        "API-Gateway-Execution-Logs_<rest api id>/<stage name>",
        "",
        'API Gateway Developer Guide, "Execution logging for REST APIs"',
    ),
    ImplicitService(
        "AWS CodeBuild",
        conv.CODEBUILD_PROJECT,
        "a build runs, unless logsConfig.cloudwatchLogs.status is DISABLED (CloudWatch Logs are on by default)",
        "/aws/codebuild/<project name> (when logsConfig.cloudwatchLogs.groupName is unset)",
        "logsConfig.cloudwatchLogs.groupName",
        'CodeBuild API Reference, LogsConfig.cloudWatchLogs; CodeBuild User Guide, "View summarized build information"',
    ),
)

#: Services known or said to create log groups that are deliberately not checked, and why.
NOT_CHECKED: Final = (
    (
        "Lambda@Edge (CloudFront lambdaFunctionAssociations)",
        "its groups are created in each region where the function runs, under names not confirmed by AWS "
        "documentation",
    ),
    ("AWS AppSync (logConfig)", "the group's name is not confirmed by AWS documentation"),
    ("Amazon DocumentDB and Neptune (log exports)", "the groups' names are not confirmed by AWS documentation"),
    ("Amazon Redshift (logging to CloudWatch)", "the groups' names are not confirmed by AWS documentation"),
    (
        "Amazon MQ (logs.general, logs.audit)",
        "the group is named after the broker id, unknown until apply, and AWS documentation does not say the "
        "broker creates it",
    ),
    (
        "AWS Batch (/aws/batch/job), AWS Glue (/aws-glue/jobs/...), Amazon SageMaker",
        "that the service creates these shared groups itself is not confirmed by AWS documentation",
    ),
    (
        "ECS Container Insights (/aws/ecs/containerinsights/<cluster>/performance)",
        "its default retention is not stated in AWS documentation",
    ),
    (
        "CodeBuild with logsConfig.cloudwatchLogs.groupName",
        "AWS documentation does not say CodeBuild creates a group it is told to use",
    ),
    ("RDS Enhanced Monitoring (RDSOSMetrics)", "AWS keeps those metrics 30 days by default: finite"),
    (
        "VPC Flow Logs, Step Functions, MSK, OpenSearch, ElastiCache, API Gateway access logs",
        "their pulumi-aws inputs take the ARN or name of an existing group, which is then declared",
    ),
)


# --- what a resource makes AWS create -------------------------------------------------------------
@dataclass(frozen=True)
class ImplicitGroup:
    """A log group AWS will create for `resource` unless the stack declares it."""

    resource: ResourceView
    service: str
    #: why AWS writes to it, as a message says: "enabledCloudwatchLogsExports has 'postgresql'"
    trigger: str
    #: the name, or None while it is unknown (absent: Pulumi generates it; or computed)
    name: str | None
    #: the name as a message shows it ('/aws/rds/instance/<identifier of "db">/postgresql')
    shown_name: str
    #: the literal start of the name and a pattern for the rest: which known names it could be
    prefix: str
    pattern: re.Pattern[str]
    #: URNs the name is computed from (the resource itself, and what its naming input depends on)
    sources: frozenset[str]
    #: URNs feeding the input that tells the service which group to use
    routes: frozenset[str]
    #: True when the name is one the service is told to use (never reported missing while unknown)
    routed: bool
    #: names compared case-insensitively (RDS stores identifiers in lowercase)
    fold_case: bool
    fix: str
    #: what the stack should hold instead, as a message's "expected"
    expected: str


@dataclass(frozen=True)
class Unreadable:
    """An input that decides whether AWS creates a group is unknown until apply."""

    resource: ResourceView
    property: str
    routes: frozenset[str]
    expected: str


Found = ImplicitGroup | Unreadable


@dataclass(frozen=True)
class _Name:
    """A physical name a group name is built from: known, or unknown with what it derives from."""

    value: str | None
    shown: str
    sources: frozenset[str]
    #: regular expression for the name while unknown
    regex: str
    #: a literal start the unknown name is known to have ("" when none)
    literal: str = ""


def _physical_name(r: ResourceView, prop: str, prefix_prop: str = "") -> _Name:
    value = r.get(prop)
    own = frozenset({r.urn})
    if isinstance(value, str) and value:
        return _Name(value, value, own | frozenset(r.property_dependencies.get(prop, ())), re.escape(value), value)
    placeholder = f"<{prop} of {r.name}>"
    if is_unknown(value):
        return _Name(None, placeholder, own | frozenset(r.property_dependencies.get(prop, ())), "[^/]+")
    prefix = r.get(prefix_prop) if prefix_prop else MISSING
    if isinstance(prefix, str) and prefix:
        return _Name(None, f"<{prefix}...>", own, re.escape(prefix) + "[^/]*", prefix)
    if is_unknown(prefix):
        return _Name(None, placeholder, own | frozenset(r.property_dependencies.get(prefix_prop, ())), "[^/]+")
    # Absent: Pulumi generates it in Check from the resource name and a random suffix.
    return _Name(None, placeholder, own, re.escape(r.name) + "[^/]*", r.name)


def _group(
    r: ResourceView,
    service: str,
    trigger: str,
    template: str,
    name: _Name,
    *,
    fix: str,
    expected: str,
    fold_case: bool = False,
    routes: frozenset[str] = frozenset(),
    routed: bool = False,
) -> ImplicitGroup:
    """An implicit group named by `template`, whose single `{}` is the physical name."""
    head, tail = template.split("{}", 1)
    flags = re.IGNORECASE if fold_case else 0
    pattern = re.compile(re.escape(head) + name.regex + re.escape(tail), flags)
    full = head + name.value + tail if name.value is not None else None
    return ImplicitGroup(
        resource=r,
        service=service,
        trigger=trigger,
        name=full,
        shown_name=head + name.shown + tail,
        prefix=head + name.literal if name.value is None else (full or ""),
        pattern=pattern,
        sources=name.sources | routes,
        routes=routes,
        routed=routed,
        fold_case=fold_case,
        fix=fix,
        expected=expected,
    )


def _declare(r: ResourceView, suffix: str, group: str, owner: str) -> str:
    """The fix: the LogGroup to declare (a value pulumi-aws accepts) and the ordering it needs."""
    return (
        f'declare aws.cloudwatch.LogGroup("{r.name}-{suffix}", name="{group}", '
        f"retention_in_days={FIX_RETENTION_DAYS}) and pass opts=pulumi.ResourceOptions(depends_on=[<that log group>]) "
        f"to the {owner}, so the group exists before AWS writes to it"
    )


def _expected(shown_name: str, alternative: str = "") -> str:
    text = f"an aws.cloudwatch.LogGroup named {shown(shown_name, 120)} with a finite retention"
    text += ", declared before the service"
    return text + (f", or {alternative}" if alternative else "")


def _strings(value: object) -> list[str] | None:
    """The known strings of a list input, None when the list (or an item) is unknown until apply."""
    if is_unknown(value):
        return None
    items = as_list(value) if isinstance(value, str | list) else None
    if items is None:
        return []
    if any(is_unknown(item) for item in items):
        return None
    return [item for item in items if isinstance(item, str) and item]


# Valid physical names, to suggest the resource name as one only when AWS accepts it.
_RDS_IDENTIFIER = re.compile(conv.RDS_IDENTIFIER_PATTERN)
_EKS_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$")  # pulumi-aws eks.Cluster `name` docs


def _suggested(r: ResourceView, valid: re.Pattern[str], *, lower: bool = False) -> str:
    candidate = r.name.lower() if lower else r.name
    return candidate if valid.match(candidate) else "<name>"


def _lambda(r: ResourceView) -> Iterator[Found]:
    service = "Lambda"
    config = r.get("loggingConfig")
    routes = frozenset(r.property_dependencies.get("loggingConfig", ()))
    target = lookup(config, "logGroup") if isinstance(config, dict) else (UNKNOWN if is_unknown(config) else MISSING)
    routed_expected = "an aws.cloudwatch.LogGroup of that name with a finite retention, declared in the stack"
    # Lambda API Reference, LoggingConfig.LogGroup: "enter an existing log group or enter a new log group name".
    if isinstance(target, str) and target:
        name = _Name(target, target, frozenset(), re.escape(target), target)
        fix = _declare(r, "logs", target, "function")
        yield _group(
            r, service, "loggingConfig.logGroup names it", "{}", name, fix=fix, expected=routed_expected,
            routes=routes, routed=True,
        )  # fmt: skip
        return
    if is_unknown(target):
        name = _Name(None, f"<loggingConfig.logGroup of {r.name}>", frozenset(), ".+")
        yield _group(
            r, service, "loggingConfig.logGroup names it", "{}", name, fix="", expected=routed_expected,
            routes=routes, routed=True,
        )  # fmt: skip
        return
    function = _physical_name(r, "name")
    group = cloudwatch.lambda_log_group("{}")
    if function.value is not None:
        fix = _declare(r, "logs", cloudwatch.lambda_log_group(function.value), "function") + (
            ', or route the logs to a declared group with logging_config={"log_format": "Text", '
            '"log_group": <that log group>.name}'
        )
    else:
        fix = (
            f'declare aws.cloudwatch.LogGroup("{r.name}-logs", retention_in_days={FIX_RETENTION_DAYS}) and route '
            'the function\'s logs to it: logging_config={"log_format": "Text", "log_group": <that log group>.name}'
        )
    expected = _expected(cloudwatch.lambda_log_group(function.shown), "loggingConfig.logGroup naming a declared group")
    trigger = "on the function's first invocation"
    yield _group(r, service, trigger, group, function, fix=fix, expected=expected, routes=routes)


def _db_exports(r: ResourceView, *, cluster: bool) -> Iterator[Found]:
    exports = _strings(r.get("enabledCloudwatchLogsExports"))
    if exports is None:
        yield Unreadable(
            r,
            "enabledCloudwatchLogsExports",
            frozenset(),
            "each exported log type's log group declared with a finite retention",
        )
        return
    if not exports:
        return
    prop, prefix_prop = (
        ("clusterIdentifier", "clusterIdentifierPrefix") if cluster else ("identifier", "identifierPrefix")
    )
    setter = "cluster_identifier" if cluster else "identifier"
    owner = "cluster" if cluster else "DB instance"
    make = cloudwatch.rds_cluster_log_group if cluster else cloudwatch.rds_instance_log_group
    engine = r.get("engine")
    service = "Aurora" if isinstance(engine, str) and engine.startswith("aurora") else "RDS"
    identifier = _physical_name(r, prop, prefix_prop)
    for log_type in dict.fromkeys(exports):
        template = make("{}", log_type)
        trigger = f"enabledCloudwatchLogsExports has {shown(log_type)}"
        expected = _expected(make(identifier.shown, log_type))
        if identifier.value is not None:
            fix = _declare(r, f"{log_type}-logs", make(identifier.value, log_type), owner)
        else:
            chosen = _suggested(r, _RDS_IDENTIFIER, lower=True)
            fix = f'set {setter}="{chosen}" on the {owner}, then ' + _declare(
                r, f"{log_type}-logs", make(chosen, log_type), owner
            )
        # RDS API Reference, CreateDBInstance/CreateDBCluster: the identifier "is stored as a lowercase string".
        yield _group(r, service, trigger, template, identifier, fix=fix, expected=expected, fold_case=True)


def _eks(r: ResourceView) -> Iterator[Found]:
    types = _strings(r.get("enabledClusterLogTypes"))
    if types is None:
        yield Unreadable(
            r, "enabledClusterLogTypes", frozenset(), "the cluster's log group declared with a finite retention"
        )
        return
    if not types:
        return
    name = _physical_name(r, "name")
    template = cloudwatch.eks_cluster_log_group("{}")
    if name.value is not None:
        fix = _declare(r, "control-plane-logs", cloudwatch.eks_cluster_log_group(name.value), "cluster")
    else:
        chosen = _suggested(r, _EKS_NAME)
        fix = f'set name="{chosen}" on the cluster, then ' + _declare(
            r, "control-plane-logs", cloudwatch.eks_cluster_log_group(chosen), "cluster"
        )
    trigger = f"enabledClusterLogTypes is {shown(types)}"
    yield _group(
        r, "EKS", trigger, template, name, fix=fix, expected=_expected(cloudwatch.eks_cluster_log_group(name.shown))
    )


def _awslogs(r: ResourceView, config: object, where: str, routes: frozenset[str], owner: str) -> Iterator[Found]:
    """The group an `awslogs` log configuration asks ECS to create (`awslogs-create-group`)."""
    if not isinstance(config, dict) or config.get("logDriver") != "awslogs":
        return
    options = as_mapping(config.get("options"))
    if options is None:
        return
    create = options.get("awslogs-create-group")
    group = options.get("awslogs-group")
    if is_unknown(create) or is_unknown(group):
        yield Unreadable(r, f"{where}.options", routes, "the awslogs group declared with a finite retention")
        return
    # ECS API Reference, LogConfiguration.options: awslogs-create-group "defaults to false".
    if not (isinstance(create, str) and create.strip().lower() == "true") or not isinstance(group, str) or not group:
        return
    name = _Name(group, group, frozenset(), re.escape(group), group)
    trigger = f"{where} has awslogs-create-group 'true'"
    expected = "an aws.cloudwatch.LogGroup of that name with a finite retention, declared in the stack"
    fix = _declare(r, "logs", group, owner)
    yield _group(r, "ECS", trigger, "{}", name, fix=fix, expected=expected, routes=routes, routed=True)


def _ecs_task_definition(r: ResourceView) -> Iterator[Found]:
    raw = r.get("containerDefinitions")
    routes = frozenset(r.property_dependencies.get("containerDefinitions", ()))
    if is_unknown(raw):
        yield Unreadable(
            r, "containerDefinitions", routes, "every awslogs group ECS creates declared with a finite retention"
        )
        return
    containers = as_list(raw) if isinstance(raw, str | list) else None
    for i, container in enumerate(containers or []):
        if not isinstance(container, dict):
            continue
        label = container.get("name")
        where = (
            f"containerDefinitions[{i}]"
            + (f" ({shown(label)})" if isinstance(label, str) else "")
            + ".logConfiguration"
        )
        yield from _awslogs(r, container.get("logConfiguration"), where, routes, "task definition")


def _ecs_service(r: ResourceView) -> Iterator[Found]:
    connect = r.get("serviceConnectConfiguration")
    routes = frozenset(r.property_dependencies.get("serviceConnectConfiguration", ()))
    if is_unknown(connect):
        yield Unreadable(r, "serviceConnectConfiguration", routes, "the awslogs group declared with a finite retention")
        return
    if not isinstance(connect, dict) or connect.get("enabled") is False:
        return
    config = connect.get("logConfiguration")
    if is_unknown(config):
        yield Unreadable(
            r,
            "serviceConnectConfiguration.logConfiguration",
            routes,
            "the awslogs group declared with a finite retention",
        )
        return
    yield from _awslogs(r, config, "serviceConnectConfiguration.logConfiguration", routes, "service")


def _required_name(r: ResourceView, prop: str) -> _Name | None:
    """A required naming input: known, unknown until apply (computed from its dependencies), or absent."""
    value = r.get(prop)
    sources = frozenset({r.urn}) | frozenset(r.property_dependencies.get(prop, ()))
    if isinstance(value, str) and value:
        return _Name(value, value, sources, re.escape(value), value)
    if is_unknown(value):
        return _Name(None, f"<{prop} of {r.name}>", sources, "[^/]+")
    return None  # the provider rejects the resource: nothing is created


def _method_settings(r: ResourceView) -> Iterator[Found]:
    level = r.get("settings", "loggingLevel")
    expected_unknown = "the stage's execution log group declared with a finite retention"
    if is_unknown(level):
        yield Unreadable(r, "settings.loggingLevel", frozenset(), expected_unknown)
        return
    # pulumi-aws MethodSettings settings.loggingLevel: "The available levels are OFF, ERROR, and INFO."
    if not isinstance(level, str) or level.strip().upper() not in ("ERROR", "INFO"):
        return
    api, stage = _required_name(r, "restApi"), _required_name(r, "stageName")
    if api is None or stage is None:
        return
    head = cloudwatch.api_gateway_execution_log_group("{}", "{}").split("{}", 1)[0]
    both = api.value is not None and stage.value is not None
    name = _Name(
        f"{api.value}/{stage.value}" if both else None,
        f"{api.shown}/{stage.shown}",
        api.sources | stage.sources,
        f"{api.regex}/{stage.regex}",
        f"{api.value}/{stage.value}" if both else (f"{api.value}/" if api.value is not None else ""),
    )
    if both:
        fix = _declare(r, "execution-logs", head + f"{api.value}/{stage.value}", "method settings")
    else:
        api_expr = f'"{api.value}"' if api.value is not None else "<rest api>.id"
        stage_expr = f'"{stage.value}"' if stage.value is not None else "<stage>.stage_name"
        fix = (
            f'declare aws.cloudwatch.LogGroup("{r.name}-execution-logs", name=pulumi.Output.concat("{head}", '
            f'{api_expr}, "/", {stage_expr}), retention_in_days={FIX_RETENTION_DAYS}) and pass '
            "opts=pulumi.ResourceOptions(depends_on=[<that log group>]) to the method settings, so the group "
            "exists before API Gateway writes to it"
        )
    trigger = f"settings.loggingLevel is {shown(level)}"
    yield _group(r, "API Gateway", trigger, head + "{}", name, fix=fix, expected=_expected(head + name.shown))


def _codebuild(r: ResourceView) -> Iterator[Found]:
    logs = r.get("logsConfig", "cloudwatchLogs")
    routes = frozenset(r.property_dependencies.get("logsConfig", ()))
    expected_unknown = "the project's build log group declared with a finite retention"
    if is_unknown(r.get("logsConfig")) or is_unknown(logs):
        yield Unreadable(r, "logsConfig", routes, expected_unknown)
        return
    if lookup(logs, "groupName") not in (MISSING, None, ""):
        return  # a group it is told to use: whether CodeBuild creates it is not documented (explain lists it)
    status = lookup(logs, "status")
    if is_unknown(status):
        yield Unreadable(r, "logsConfig.cloudwatchLogs.status", routes, expected_unknown)
        return
    # CodeBuild API Reference, LogsConfig.cloudWatchLogs: "CloudWatch Logs are enabled by default."
    if isinstance(status, str) and status.strip().upper() == "DISABLED":
        return
    project = _physical_name(r, "name")
    template = cloudwatch.codebuild_log_group("{}")
    fix = (
        f'declare aws.cloudwatch.LogGroup("{r.name}-build-logs", retention_in_days={FIX_RETENTION_DAYS}) and send the '
        'builds there: logs_config={"cloudwatch_logs": {"group_name": <that log group>.name}}'
    )
    expected = _expected(
        cloudwatch.codebuild_log_group(project.shown), "logsConfig.cloudwatchLogs.groupName naming a declared group"
    )
    trigger = "logsConfig.cloudwatchLogs.status is not DISABLED: CloudWatch Logs are on by default"
    yield _group(r, "CodeBuild", trigger, template, project, fix=fix, expected=expected)


_READERS: Final = {
    conv.LAMBDA_FUNCTION: _lambda,
    conv.RDS_INSTANCE: lambda r: _db_exports(r, cluster=False),
    conv.RDS_CLUSTER: lambda r: _db_exports(r, cluster=True),
    conv.EKS_CLUSTER: _eks,
    conv.ECS_TASK_DEFINITION: _ecs_task_definition,
    conv.ECS_SERVICE: _ecs_service,
    conv.APIGATEWAY_METHOD_SETTINGS: _method_settings,
    conv.CODEBUILD_PROJECT: _codebuild,
}
#: The resource types whose log groups AWS creates by itself.
IMPLICIT_TYPES: Final = frozenset(_READERS)


def groups_of(r: ResourceView) -> list[Found]:
    """The log groups `r` makes AWS create (or the inputs that hide them until apply)."""
    reader = _READERS.get(r.type)
    return list(reader(r)) if reader is not None else []


# --- what the stack declares -------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    """Whether an implicit group is declared: "declared", "unknown" (until apply) or "missing"."""

    state: str
    reason: str = ""


class DeclaredGroups:
    """The stack's log groups, indexed once: by known name, and those named only at apply."""

    def __init__(self, stack: StackView, found: list[Found]) -> None:
        self.urns: set[str] = set()
        self.by_name: dict[str, str] = {}
        self.by_folded: dict[str, str] = {}
        #: log groups named only at apply, by each resource their name is computed from
        self.computed_from: dict[str, list[ResourceView]] = {}
        computed: list[tuple[ResourceView, frozenset[str]]] = []
        for group in stack.resources:
            if group.type != conv.LOG_GROUP:
                continue
            self.urns.add(group.urn)
            name = group.get("name")
            if isinstance(name, str) and name:
                self.by_name.setdefault(name, group.name)
                self.by_folded.setdefault(name.casefold(), group.name)
            elif is_unknown(name):
                deps = frozenset(group.property_dependencies.get("name", ()))
                computed.append((group, deps))
                for urn in deps:
                    self.computed_from.setdefault(urn, []).append(group)
            # absent: Pulumi names it after the resource (or namePrefix) with a random suffix: not a service's group
        self.names = sorted(self.by_name)
        self.folded = sorted(self.by_folded)
        # A computed group whose name derives from a service resource is that service's group, no one else's.
        owners: set[str] = set()
        for item in found:
            if isinstance(item, ImplicitGroup):
                owners.update(item.sources)
        self.unowned = [group for group, deps in computed if not deps & owners]

    def judge(self, need: ImplicitGroup) -> Verdict:
        if need.name is not None:
            if need.name in self.by_name or (need.fold_case and need.name.casefold() in self.by_folded):
                return Verdict("declared")
        elif need.routes & self.urns:
            return Verdict("declared")
        if any(urn in self.computed_from for urn in need.sources):
            return Verdict("declared")
        if self.unowned:
            names = ", ".join(sorted(g.name for g in self.unowned)[:3])
            return Verdict("unknown", f"declared log groups are named only at apply ({names})")
        if need.name is None:
            candidate = self._fits(need)
            if candidate is not None:
                return Verdict(
                    "unknown", f"its name is unknown until apply and could be the declared {shown(candidate)}"
                )
            if need.routed:
                return Verdict("unknown", "the group it is told to use is named only at apply")
        return Verdict("missing")

    def _fits(self, need: ImplicitGroup) -> str | None:
        """A declared name the unknown name could turn out to be (names sharing its literal start only)."""
        names, start = (self.folded, need.prefix.casefold()) if need.fold_case else (self.names, need.prefix)
        index = bisect.bisect_left(names, start)
        while index < len(names) and names[index].startswith(start):
            if need.pattern.fullmatch(names[index]):
                return names[index]
            index += 1
        return None
