"""Every workload of a database declares its pool, and the fleet's demand fits the database.

A workload (Kubernetes Deployment/StatefulSet, ECS service) depends on a database (RDS instance,
Aurora cluster, RDS Proxy) through `dependsOn`, a property dependency (e.g. an env value built
from `db.address`; also one hop through a Secret/ConfigMap, or for ECS through its task
definition), or the `finops.dev/db` annotation naming the database. Such a workload must declare
its pool per replica (env `DB_POOL_SIZE` & co., or the `finops.dev/db-pool-size` annotation).
Per database, Σ max replicas × pool (max replicas from the HorizontalPodAutoscaler or App Auto
Scaling target, else `replicas`/`desiredCount`) must not exceed its `max_connections` (parameter
group, else the engine default for the instance class, `finops_policies.db_capacity`) minus a
reserve. Unknown values and instance classes of unknown memory make the verdict unverifiable,
never a failure.

Where AWS publishes the default (Aurora PostgreSQL and Aurora MySQL per instance class, Serverless v2
per maximum ACU) it is exact. Elsewhere the engine formula is evaluated over the memory AWS may
leave the engine: from `instanceMemoryFactor` × the class's memory up to all of it (AWS subtracts an
unpublished amount). A fleet that fits the lower figure passes, one over the higher figure fails,
and one in between is unverifiable: no guessed figure ever blocks a deploy. `instanceMemoryFactor`
was 0.85 and was the one figure used for blocking too, which blocked valid fleets by 4–12 %; it is
now only the floor for passing, 0.75, below every share AWS's published defaults imply (0.84 for
Serverless v2 at 1 ACU, 0.89–0.97 for Aurora PostgreSQL classes).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from finops_policies import conventions as conv
from finops_policies import db_capacity as capacity
from finops_policies.connection_budget import connection_budget
from finops_policies.findings import Finding
from finops_policies.policies import _workloads as wl
from finops_policies.resources import ResourceView, StackView
from finops_policies.spec import ConfigKey, PolicySpec
from finops_policies.values import (
    MISSING,
    UNKNOWN,
    as_list,
    as_number,
    is_absent,
    is_unknown,
    lookup,
    shown,
)

NAME = "bounded-db-pool"
DATABASES = (conv.RDS_INSTANCE, conv.RDS_CLUSTER, conv.RDS_PROXY)
K8S_WORKLOADS = (conv.K8S_DEPLOYMENT, conv.K8S_STATEFULSET)
WORKLOADS = (*K8S_WORKLOADS, conv.ECS_SERVICE)
#: Kubernetes objects that commonly carry a DB endpoint from RDS outputs to a workload.
_CARRIERS = (conv.K8S_SECRET, conv.K8S_CONFIGMAP)


def _kind(type_token: str) -> str:
    return type_token.rsplit(":", 1)[-1]


def _describe(r: ResourceView) -> str:
    return f"{_kind(r.type)} '{r.name}'"


@dataclass(frozen=True)
class Count:
    """A number read from the stack (pool size, replicas, max_connections) or why it is not one."""

    state: Literal["ok", "missing", "invalid", "unknown"]
    value: int = 0
    #: where it comes from ("env DB_POOL_SIZE", "maxReplicas of HorizontalPodAutoscaler 'x'"), or
    #: for an unknown count why it cannot be read
    source: str = ""
    #: for invalid values, the value as shown in the message
    found: str = ""


def _positive_int(raw: Any, source: str) -> Count:
    if is_unknown(raw):
        return Count("unknown", source=f"{source} is unknown until apply")
    number = as_number(raw)
    if number is None or number < 1 or number != math.floor(number):
        return Count("invalid", source=source, found=shown(raw))
    return Count("ok", int(number), source)


# --- pool per replica ------------------------------------------------------------------------------
def _pool_from_env(containers: Any, names: Sequence[str], where: str, env_key: str) -> Count:
    """Σ over containers of the first pool variable each declares (each process owns its pool)."""
    if is_unknown(containers):
        return Count("unknown", source=f"{where} is unknown until apply")
    if not isinstance(containers, list):
        return Count("missing")
    total, sources = 0, []
    for container in containers:
        env = lookup(container, env_key)
        if is_unknown(env):
            return Count("unknown", source=f"the {env_key} of {where} is unknown until apply")
        entries = {lookup(e, "name"): e for e in env} if isinstance(env, list) else {}
        if any(is_unknown(name) for name in entries):
            return Count("unknown", source=f"a variable name in {where} is unknown until apply")
        for name in names:
            if name in entries:
                entry = entries[name]
                value = lookup(entry, "value")
                if is_absent(value) and not is_absent(lookup(entry, "valueFrom")):
                    return Count("unknown", source=f"env {name} comes from valueFrom, outside the stack")
                count = _positive_int(value, f"env {name}")
                if count.state != "ok":
                    return count
                total += count.value
                sources.append(f"env {name}")
                break
    if not sources:
        return Count("missing")
    return Count("ok", total, " + ".join(dict.fromkeys(sources)))


def _annotation(r: ResourceView, key: str) -> Any:
    """`key` of the workload's annotations, else of its pod template's."""
    value = r.get("metadata", "annotations", key)
    if value is MISSING:
        template = wl.template_metadata(r, "annotations")
        value = lookup(template[1], key) if template is not None else MISSING
    return value


def _k8s_pool(r: ResourceView, names: Sequence[str], annotation: str) -> Count:
    declared = _annotation(r, annotation)
    if is_unknown(wl.pod_template(r)) and is_absent(r.get("metadata", "annotations", annotation)):
        return Count("unknown", source=f"{wl.dotted(wl.template_path(r.type) or ())} is unknown until apply")
    if not is_absent(declared):
        return _positive_int(declared, f"annotation {annotation}")
    # Pools are opened by the app containers; init containers run before the app starts.
    scan = wl.containers(r)
    unknown = [path for path in scan.unknown if not path.endswith("initContainers")]
    if unknown:
        return Count("unknown", source=f"{unknown[0]} is unknown until apply")
    app = [c for c in scan.containers if c.list_name == "containers"]
    where = app[0].path.rsplit("[", 1)[0] if app else "containers"
    return _pool_from_env([c.spec for c in app], names, where, "env")


def _ecs_pool(task_definition: ResourceView | None, names: Sequence[str]) -> Count:
    if task_definition is None:
        return Count("unknown", source="its taskDefinition is not defined in this stack")
    raw = task_definition.get("containerDefinitions")
    if is_unknown(raw):
        where = f"containerDefinitions of {_describe(task_definition)}"
        return Count("unknown", source=f"{where} is unknown until apply")
    containers = as_list(raw)
    return _pool_from_env(
        containers if containers is not None else MISSING,
        names,
        f"containerDefinitions of {_describe(task_definition)}",
        "environment",
    )


# --- the stack, indexed once -----------------------------------------------------------------------
def _name_of(r: ResourceView, *path: str) -> str | None:
    value = r.get(*path)
    return value if isinstance(value, str) and value else None


class _Stack:
    """Indexes every join the policy needs, in one pass over the resources."""

    def __init__(self, stack: StackView) -> None:
        self.by_urn = stack.by_urn
        self.by_type: dict[str, list[ResourceView]] = {}
        for r in stack.resources:
            self.by_type.setdefault(r.type, []).append(r)
        self.param_groups = self._by_prop(conv.RDS_PARAMETER_GROUP, "name")
        self.cluster_param_groups = self._by_prop(conv.RDS_CLUSTER_PARAMETER_GROUP, "name")
        self.task_definitions = self._by_prop(conv.ECS_TASK_DEFINITION, "arn") | self._by_prop(
            conv.ECS_TASK_DEFINITION, "family"
        )
        # databases by Pulumi name and by identifier, for annotations and identifier-valued inputs
        self.databases: dict[str, ResourceView] = {}
        for r in self.of(*DATABASES, conv.RDS_CLUSTER_INSTANCE):
            keys = (r.name, _name_of(r, "identifier"), _name_of(r, "clusterIdentifier"), _name_of(r, "name"))
            for key in keys:
                if key:
                    self.databases.setdefault(key, r)
        self.cluster_of: dict[str, ResourceView] = {}
        self.members: dict[str, list[ResourceView]] = {}
        for member in self.of(conv.RDS_CLUSTER_INSTANCE):
            cluster = self.linked(member, "clusterIdentifier", conv.RDS_CLUSTER)
            if cluster is not None:
                self.cluster_of[member.urn] = cluster
                self.members.setdefault(cluster.urn, []).append(member)
        self.proxy_targets: dict[str, list[ResourceView]] = {}
        for target in self.of(conv.RDS_PROXY_TARGET):
            proxy = self.linked(target, "dbProxyName", conv.RDS_PROXY)
            db = self.linked(target, "dbInstanceIdentifier", conv.RDS_INSTANCE) or self.linked(
                target, "dbClusterIdentifier", conv.RDS_CLUSTER
            )
            if proxy is not None and db is not None:
                self.proxy_targets.setdefault(proxy.urn, []).append(db)
        self.proxy_groups: dict[str, ResourceView] = {}
        for group in self.of(conv.RDS_PROXY_DEFAULT_TARGET_GROUP):
            proxy = self.linked(group, "dbProxyName", conv.RDS_PROXY)
            if proxy is not None:
                self.proxy_groups[proxy.urn] = group
        # (namespace, kind, name) of the scale target; namespace "*" when it is unknown until apply
        self.hpa_by_ref: dict[tuple[str, str, str], ResourceView] = {}
        self.hpa_by_target_name: dict[tuple[str, str], ResourceView] = {}
        self.hpa_by_urn: dict[str, ResourceView] = {}
        for hpa in self.of(*conv.K8S_HPA_TYPES):
            kind, name = hpa.get("spec", "scaleTargetRef", "kind"), hpa.get("spec", "scaleTargetRef", "name")
            if isinstance(kind, str) and isinstance(name, str):
                self.hpa_by_ref.setdefault((_namespace(hpa) or "*", kind, name), hpa)
                self.hpa_by_target_name.setdefault((kind, name), hpa)
            for urn in hpa.property_dependencies.get("spec", ()):
                self.hpa_by_urn.setdefault(urn, hpa)
        self.scaling_by_urn: dict[str, ResourceView] = {}
        self.scaling_by_service: dict[str, ResourceView] = {}
        for target in self.of(conv.APPAUTOSCALING_TARGET):
            if target.get("serviceNamespace") != "ecs":
                continue
            resource_id = target.get("resourceId")
            if isinstance(resource_id, str) and resource_id.startswith("service/"):
                self.scaling_by_service.setdefault(resource_id.rsplit("/", 1)[-1], target)
            for urn in target.property_dependencies.get("resourceId", ()):
                self.scaling_by_urn.setdefault(urn, target)

    def of(self, *types: str) -> Iterator[ResourceView]:
        for type_ in types:
            yield from self.by_type.get(type_, ())

    def _by_prop(self, type_: str, prop: str) -> dict[str, ResourceView]:
        out: dict[str, ResourceView] = {}
        for r in self.of(type_):
            value = _name_of(r, prop)
            if value:
                out.setdefault(value, r)
        return out

    def linked(self, r: ResourceView, prop: str, type_: str) -> ResourceView | None:
        """The `type_` resource input `prop` refers to: by property dependency, else by its name."""
        for urn in r.property_dependencies.get(prop, ()):
            dep = self.by_urn.get(urn)
            if dep is not None and dep.type == type_:
                return dep
        value = r.get(prop)
        found = self.databases.get(value) if isinstance(value, str) else None
        return found if found is not None and found.type == type_ else None


def _namespace(r: ResourceView) -> str | None:
    """The object's namespace ("default" when unset), or None when it is unknown until apply."""
    ns = r.get("metadata", "namespace")
    if is_unknown(ns):
        return None
    return ns if isinstance(ns, str) and ns else "default"


# --- max connections -----------------------------------------------------------------------------
#: A database's connection limit: exact, a range, or unknown with why (`db_capacity.Connections`).
Limit = capacity.Connections


def _param(group: ResourceView) -> Any:
    """`max_connections` of a parameter group: a string, UNKNOWN, or MISSING when it sets none."""
    parameters = group.get("parameters")
    if is_unknown(parameters):
        return UNKNOWN
    for entry in parameters if isinstance(parameters, list) else []:
        name = lookup(entry, "name")
        if is_unknown(name):
            return UNKNOWN
        if isinstance(name, str) and name.strip().lower() == "max_connections":
            return lookup(entry, "value")
    return MISSING


def _serverless(cluster: ResourceView | None) -> capacity.ServerlessCapacity | None:
    """The cluster's Serverless v2 capacity range; an unknown or odd bound is None."""
    if cluster is None:
        return None

    def acu(key: str) -> float | None:
        value = cluster.get("serverlessv2ScalingConfiguration", key)
        return None if is_unknown(value) else as_number(value)

    return capacity.ServerlessCapacity(acu("minCapacity"), acu("maxCapacity"))


class _Limits:
    def __init__(self, index: _Stack, memory_floor: float) -> None:
        self.index = index
        self.floor = memory_floor
        self._cache: dict[str, Limit] = {}

    def of(self, db: ResourceView) -> Limit:
        if db.urn not in self._cache:
            if db.type == conv.RDS_PROXY:
                self._cache[db.urn] = self._proxy(db)
            elif db.type == conv.RDS_CLUSTER:
                self._cache[db.urn] = self._cluster(db)
            else:
                self._cache[db.urn] = self._instance(db, None)
        return self._cache[db.urn]

    def _group(
        self, r: ResourceView, prop: str, type_: str, by_name: Mapping[str, ResourceView]
    ) -> ResourceView | Limit | None:
        """The parameter group `prop` names; a Limit when that is unknowable; None when unset."""
        for urn in r.property_dependencies.get(prop, ()):
            dep = self.index.by_urn.get(urn)
            if dep is not None and dep.type == type_:
                return dep
        name = r.get(prop)
        if is_absent(name):
            return None
        if is_unknown(name):
            return Limit.unknown(f"{prop} is unknown until apply")
        if isinstance(name, str) and name in by_name:
            return by_name[name]
        if isinstance(name, str) and name.startswith("default."):
            return None  # an AWS default group: the engine default applies
        return Limit.unknown(f"parameter group {shown(name)} is not defined in this stack")

    def _explicit(self, group: ResourceView, memory: tuple[int, int] | None) -> Limit | None:
        raw = _param(group)
        where = f"parameter group '{group.name}'"
        if raw is MISSING or raw is None:
            return None
        if is_unknown(raw):
            return Limit.unknown(f"max_connections of {where} is unknown until apply")
        text = str(raw).strip()
        number = as_number(text)
        if number is not None:
            if number <= 0:
                return Limit.unknown(f"{where} sets max_connections {text}")
            return Limit.exactly(int(number), where)
        if not capacity.is_formula(text):
            return Limit.unknown(f"max_connections {shown(text)} of {where} cannot be evaluated")
        return capacity.formula_connections(text, memory, f"{where}: {shown(text)}")

    def _instance(self, db: ResourceView, cluster: ResourceView | None) -> Limit:
        instance_class = db.get("instanceClass")
        serverless = _serverless(cluster)
        memory = (
            capacity.memory_bounds(instance_class, self.floor, serverless) if isinstance(instance_class, str) else None
        )
        # AWS documents max_connections as instance-level: the instance's group, then the cluster's
        instance_groups, cluster_groups = self.index.param_groups, self.index.cluster_param_groups
        own = "parameterGroupName" if db.type == conv.RDS_INSTANCE else "dbParameterGroupName"
        groups: list[tuple[str, str, Mapping[str, ResourceView], ResourceView]] = [
            (own, conv.RDS_PARAMETER_GROUP, instance_groups, db)
        ]
        if cluster is not None:
            groups += [
                ("dbInstanceParameterGroupName", conv.RDS_PARAMETER_GROUP, instance_groups, cluster),
                ("dbClusterParameterGroupName", conv.RDS_CLUSTER_PARAMETER_GROUP, cluster_groups, cluster),
            ]
        for prop, type_, by_name, holder in groups:
            group = self._group(holder, prop, type_, by_name)
            if isinstance(group, Limit):
                return group
            if group is not None:
                explicit = self._explicit(group, memory)
                if explicit is not None:
                    return explicit
        engine = (cluster or db).get("engine") if is_absent(db.get("engine")) else db.get("engine")
        if is_unknown(engine) or is_unknown(instance_class):
            return Limit.unknown("engine or instanceClass is unknown until apply")
        if not isinstance(engine, str) or not isinstance(instance_class, str):
            return Limit.unknown("no engine/instanceClass to derive the default max_connections from")
        return capacity.engine_default(engine, instance_class, self.floor, serverless)

    def _cluster(self, cluster: ResourceView) -> Limit:
        members = self.index.members.get(cluster.urn, [])
        if not members:
            if not is_absent(cluster.get("dbClusterInstanceClass")):  # Multi-AZ DB cluster
                return self._instance(_as_instance(cluster), cluster)
            instance_groups, cluster_groups = self.index.param_groups, self.index.cluster_param_groups
            for prop, type_, by_name in (
                ("dbInstanceParameterGroupName", conv.RDS_PARAMETER_GROUP, instance_groups),
                ("dbClusterParameterGroupName", conv.RDS_CLUSTER_PARAMETER_GROUP, cluster_groups),
            ):
                group = self._group(cluster, prop, type_, by_name)
                if isinstance(group, Limit):
                    return group
                explicit = self._explicit(group, None) if group is not None else None
                if explicit is not None:
                    return explicit
            return Limit.unknown("the cluster has no cluster instance in this stack to size max_connections")
        limits = [(m, self._instance(m, cluster)) for m in members]
        unknown = [(m, lim) for m, lim in limits if not lim.known]
        if unknown:
            member, lim = unknown[0]
            return Limit.unknown(f"{_describe(member)}: {lim.source}")
        # any member may be the writer: the smallest one bounds the cluster
        member, lim = min(limits, key=lambda pair: (pair[1].low or 0, pair[1].high or math.inf))
        high = min((lim.high for _, lim in limits if lim.high is not None), default=None)
        return Limit(lim.low, high, f"{_describe(member)}, {lim.source}")

    def _proxy(self, proxy: ResourceView) -> Limit:
        targets = self.index.proxy_targets.get(proxy.urn, [])
        if not targets:
            return Limit.unknown("no aws.rds.ProxyTarget in this stack links the proxy to its database")
        group = self.index.proxy_groups.get(proxy.urn)
        raw = group.get("connectionPoolConfig", "maxConnectionsPercent") if group is not None else MISSING
        if is_unknown(raw):
            return Limit.unknown("maxConnectionsPercent is unknown until apply")
        percent = as_number(raw) if not is_absent(raw) else 100.0
        if percent is None or not 0 < percent <= 100:
            return Limit.unknown(f"maxConnectionsPercent {shown(raw)} is not 1..100")
        db = targets[0]
        target = self.of(db)
        if not target.known:
            return Limit.unknown(f"{_describe(db)}: {target.source}")
        part = target.share(percent)
        share = f"{percent:g} % of max_connections {target.shown()} of {_describe(db)}"
        return Limit(part.low, part.high, f"{share} ({target.source})")


def _as_instance(cluster: ResourceView) -> ResourceView:
    """A Multi-AZ DB cluster sized like an instance of its `dbClusterInstanceClass`."""
    props = {"instanceClass": cluster.get("dbClusterInstanceClass"), "engine": cluster.get("engine")}
    return ResourceView(conv.RDS_CLUSTER_INSTANCE, cluster.name, cluster.urn, props)


# --- workloads -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Workload:
    view: ResourceView
    databases: tuple[ResourceView, ...]
    pool: Count
    replicas: Count


def _names(value: Any) -> list[str]:
    return [n.strip() for n in value.split(",") if n.strip()] if isinstance(value, str) else []


def _task_definition(index: _Stack, service: ResourceView) -> ResourceView | None:
    for urn in service.property_dependencies.get("taskDefinition", ()):
        dep = index.by_urn.get(urn)
        if dep is not None and dep.type == conv.ECS_TASK_DEFINITION:
            return dep
    value = service.get("taskDefinition")
    if isinstance(value, str):
        family = value.rsplit("/", 1)[-1].split(":")[0]  # arn:...:task-definition/<family>:<revision>
        return index.task_definitions.get(value) or index.task_definitions.get(family)
    return None


def _databases(index: _Stack, w: ResourceView, extra: Iterable[ResourceView], annotation: str) -> list[ResourceView]:
    urns: list[str] = [*w.dependencies, *(u for urns in w.property_dependencies.values() for u in urns)]
    for carrier in extra:
        urns.extend(carrier.dependencies)
        urns.extend(u for us in carrier.property_dependencies.values() for u in us)
    for urn in list(urns):
        dep = index.by_urn.get(urn)
        if dep is not None and dep.type in _CARRIERS:  # one hop: Secret/ConfigMap holding the endpoint
            urns.extend(dep.dependencies)
            urns.extend(u for us in dep.property_dependencies.values() for u in us)
    found: dict[str, ResourceView] = {}
    for urn in urns:
        dep = index.by_urn.get(urn)
        if dep is None:
            continue
        if dep.type == conv.RDS_CLUSTER_INSTANCE:
            dep = index.cluster_of.get(dep.urn, dep)
        if dep.type in DATABASES:
            found.setdefault(dep.urn, dep)
    for name in _names(_annotation(w, annotation)) if w.is_kubernetes else []:
        db = index.databases.get(name)
        if db is not None:
            db = index.cluster_of.get(db.urn, db)
            found.setdefault(db.urn, db)
    return list(found.values())


def _k8s_replicas(index: _Stack, w: ResourceView) -> Count:
    name = _name_of(w, "metadata", "name") or w.name
    kind = _kind(w.type)
    namespace = _namespace(w)
    hpa = (
        index.hpa_by_ref.get((namespace or "*", kind, name))
        or index.hpa_by_urn.get(w.urn)
        or index.hpa_by_ref.get(("*", kind, name))
        or (index.hpa_by_target_name.get((kind, name)) if namespace is None else None)
    )
    if hpa is not None:
        return _positive_int(hpa.get("spec", "maxReplicas"), f"maxReplicas of {_describe(hpa)}")
    raw = w.get("spec", "replicas")
    if is_absent(raw):
        return Count("ok", 1, "replicas (default 1)")
    count = _positive_int(raw, "replicas")
    if count.state == "invalid" and as_number(raw) == 0:
        return Count("ok", 0, "replicas")
    return count


def _ecs_replicas(index: _Stack, service: ResourceView) -> Count:
    target = index.scaling_by_urn.get(service.urn)
    name = _name_of(service, "name")
    if target is None and name:
        target = index.scaling_by_service.get(name)
    if target is not None:
        return _positive_int(target.get("maxCapacity"), f"maxCapacity of {_describe(target)}")
    if service.get("schedulingStrategy") == "DAEMON":
        return Count(
            "unknown", source="a DAEMON service runs one task per container instance, a count outside the stack"
        )
    raw = service.get("desiredCount")
    if is_absent(raw):
        return Count("ok", 1, "desiredCount (unset, counted as 1)")
    count = _positive_int(raw, "desiredCount")
    if count.state == "invalid" and as_number(raw) == 0:
        return Count("ok", 0, "desiredCount")
    return count


def _pool_env_names(config: Mapping[str, Any]) -> list[str]:
    configured = config.get("poolEnvNames")
    names = configured if isinstance(configured, list) else conv.DB_POOL_ENV_NAMES
    return [n for n in names if isinstance(n, str) and n]


def _workloads(index: _Stack, config: Mapping[str, Any]) -> list[Workload]:
    names = _pool_env_names(config)
    pool_annotation = str(config.get("poolAnnotation") or conv.DB_POOL_ANNOTATION)
    db_annotation = str(config.get("dbAnnotation") or conv.DB_TARGET_ANNOTATION)
    out: list[Workload] = []
    for w in index.of(*WORKLOADS):
        task = _task_definition(index, w) if w.type == conv.ECS_SERVICE else None
        dbs = _databases(index, w, [task] if task is not None else [], db_annotation)
        declared = not is_absent(_annotation(w, db_annotation)) if w.is_kubernetes else False
        if not dbs and not declared:
            continue
        if w.type == conv.ECS_SERVICE:
            pool, replicas = _ecs_pool(task, names), _ecs_replicas(index, w)
        else:
            pool, replicas = _k8s_pool(w, names, pool_annotation), _k8s_replicas(index, w)
        out.append(Workload(w, tuple(dbs), pool, replicas))
    return out


# --- the check -------------------------------------------------------------------------------------
def _pool_finding(w: Workload, names: Sequence[str], annotation: str) -> Finding | None:
    dbs = ", ".join(_describe(db) for db in w.databases) or "a database named by annotation"
    view = w.view
    where = "containerDefinitions environment" if view.type == conv.ECS_SERVICE else "pod template env"
    expected = f"a positive integer in {where} {' / '.join(names[:2])} (or {', '.join(names[2:])})" + (
        "" if view.type == conv.ECS_SERVICE else f", or annotation {annotation}"
    )
    fix = (
        f"declare the pool per replica, e.g. {names[0] if names else 'DB_POOL_SIZE'}=10 on the container "
        f"that opens it (and configure the client with it), so fleet demand on {dbs} can be checked"
    )
    if w.pool.state == "missing":
        return Finding(
            view.urn,
            view.type,
            view.name,
            "DB pool size per replica",
            f"is unset although it uses {dbs}",
            expected,
            fix,
        )
    if w.pool.state == "invalid":
        return Finding(
            view.urn,
            view.type,
            view.name,
            w.pool.source,
            f"is {w.pool.found}, not a bounded pool size (it uses {dbs})",
            "a positive integer",
            fix,
        )
    if w.pool.state == "unknown":
        return Finding(
            view.urn,
            view.type,
            view.name,
            "DB pool size per replica",
            f"cannot be read: {w.pool.source}",
            expected,
            "",
            unverifiable=True,
        )
    return None


def _replicas_finding(w: Workload) -> Finding | None:
    view = w.view
    if w.replicas.state == "unknown":
        return Finding(
            view.urn,
            view.type,
            view.name,
            "max replicas",
            f"cannot be read: {w.replicas.source}",
            "a known replica bound",
            "",
            unverifiable=True,
        )
    if w.replicas.state == "invalid":
        return Finding(
            view.urn,
            view.type,
            view.name,
            w.replicas.source,
            f"is {w.replicas.found}",
            "a positive integer",
            "set an explicit replica bound (maxReplicas on the autoscaler)",
        )
    return None


def check(stack: StackView, config: Mapping[str, Any]) -> Iterator[Finding]:
    index = _Stack(stack)
    reserve = as_number(config.get("reservePercent"))
    reserve = conv.DEFAULT_DB_RESERVE_PERCENT if reserve is None or not 0 <= reserve < 100 else reserve
    floor = as_number(config.get("instanceMemoryFactor"))
    floor = capacity.DEFAULT_MEMORY_FLOOR if floor is None or not 0 < floor <= 1 else floor
    names = _pool_env_names(config)
    annotation = str(config.get("poolAnnotation") or conv.DB_POOL_ANNOTATION)
    limits = _Limits(index, floor)
    demand: dict[str, list[Workload]] = {}
    databases: dict[str, ResourceView] = {}
    for w in _workloads(index, config):
        for finding in (_pool_finding(w, names, annotation), _replicas_finding(w)):
            if finding is not None:
                yield finding
        for db in w.databases:
            databases.setdefault(db.urn, db)
            demand.setdefault(db.urn, []).append(w)
    for urn, workloads in demand.items():
        db = databases[urn]
        counted = [w for w in workloads if w.pool.state == "ok" and w.replicas.state == "ok"]
        limit = limits.of(db)
        is_proxy = db.type == conv.RDS_PROXY
        if limit.low is None:
            expected = (
                "a ProxyTarget linking it to a database whose max_connections is known"
                if is_proxy
                else "an explicit max_connections in the DB parameter group, or an instance class of known memory"
            )
            yield Finding(
                db.urn,
                db.type,
                db.name,
                "max_connections",
                f"cannot be determined: {limit.source}",
                expected,
                "",
                unverifiable=True,
            )
            continue
        total = sum(w.replicas.value * w.pool.value for w in counted)
        surely_allowed = connection_budget(limit.low, reserve)
        if total <= surely_allowed:
            continue
        terms = " + ".join(f"{w.replicas.value} × {w.pool.value} ({w.view.name})" for w in counted)
        skipped = len(workloads) - len(counted)
        unknown_part = f" (plus {skipped} workload(s) whose pool or replicas are not known)" if skipped else ""
        at_most = connection_budget(limit.high, reserve) if limit.high is not None else None
        if at_most is None or total <= at_most:
            # the default lies in a range AWS does not narrow: a fleet inside it is neither cleared nor blocked
            budget = f"{surely_allowed}..{at_most}" if at_most is not None else f"at least {surely_allowed}"
            yield Finding(
                db.urn,
                db.type,
                db.name,
                "fleet demand",
                f"{terms} = {total}{unknown_part} may exceed the budget of {budget} = max_connections "
                f"{limit.shown()} ({limit.source}) − {reserve:g} % reserve",
                f"≤ {surely_allowed}, or an explicit max_connections in the DB parameter group",
                "",
                unverifiable=True,
                unverifiable_because="cannot be verified: AWS publishes no exact default for it",
            )
            continue
        shown_limit = limit.shown() if limit.exact else f"at most {limit.high}"
        found = (
            f"{terms} = {total} exceeds {at_most} = max_connections {shown_limit} ({limit.source}) "
            f"− {reserve:g} % reserve{unknown_part}"
        )
        raise_limit = (
            "raise maxConnectionsPercent or the target's max_connections"
            if is_proxy
            else "put RDS Proxy in front, or raise max_connections in the parameter group"
        )
        yield Finding(
            db.urn,
            db.type,
            db.name,
            "fleet demand",
            found,
            f"≤ {at_most}",
            f"lower the pool per replica, cap maxReplicas (or the ECS autoscaling maxCapacity), {raise_limit}",
        )


POLICY = PolicySpec(
    name=NAME,
    description="Workloads declare a bounded DB pool, and Σ max replicas × pool fits the database.",
    blocks="a workload with a DB pool that is unset/unbounded, or a database whose fleet demand "
    "Σ(max replicas × pool per replica) exceeds its max connections minus a reserve",
    why="A pool is a capacity decision per replica; the database sees the whole fleet. At peak (HPA "
    "maxReplicas) the pools add up, and past max_connections new pods fail to connect exactly when load "
    "is highest, so teams buy a bigger instance instead. Sizing by fleet pressure (8 replicas × a pool "
    "of 12 = 96 ≤ 120 connections) keeps the database as small as the fleet really needs.",
    fix="Declare the pool per replica (env DB_POOL_SIZE or the finops.dev/db-pool-size annotation), then "
    "make Σ maxReplicas × pool ≤ max_connections − reserve: smaller pools, a lower maxReplicas, an RDS "
    "Proxy, or an explicit, larger max_connections in the parameter group.",
    scope="stack",
    check=check,
    config={
        "reservePercent": ConfigKey(
            {"type": "number", "minimum": 0, "maximum": 90, "default": conv.DEFAULT_DB_RESERVE_PERCENT},
            "Share of max_connections kept free for admins, migrations and replication (percent).",
        ),
        "poolEnvNames": ConfigKey(
            {"type": "array", "items": {"type": "string"}, "default": list(conv.DB_POOL_ENV_NAMES)},
            "Environment variables that declare a container's DB pool size, first match per container.",
        ),
        "poolAnnotation": ConfigKey(
            {"type": "string", "default": conv.DB_POOL_ANNOTATION},
            "Workload (or pod template) annotation declaring the pool per replica; wins over env.",
        ),
        "dbAnnotation": ConfigKey(
            {"type": "string", "default": conv.DB_TARGET_ANNOTATION},
            "Workload annotation naming its database(s) by resource name or identifier, comma-separated.",
        ),
        "instanceMemoryFactor": ConfigKey(
            {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": capacity.DEFAULT_MEMORY_FLOOR},
            "Where AWS publishes no default max_connections, the lowest share of the class's memory taken as "
            "DBInstanceClassMemory: a fleet that fits at this share passes, one over the default at the full "
            "memory fails, one in between is unverifiable.",
        ),
    },
)
