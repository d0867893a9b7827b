"""Service: a Kubernetes Deployment, Service and HPA sized by the contract's runtime envelope.

From the contract (`spec.runtimeEnvelope`) it takes the replica range (HPA min/max), the CPU and
memory requests, the memory limit (the request unless `memoryLimitPerReplica` says otherwise) and
the pool size per replica. It then:

- puts the cost-allocation labels on the Deployment, its pod template, the Service and the HPA;
- sets the JVM heap (`JAVA_TOOL_OPTIONS=-Xmx<n>m`) to `jvmMaxHeapPercent` of the memory limit, so
  at least `conventions.DEFAULT_NON_HEAP_PERCENT` % stays for metaspace, threads and buffers;
- writes the pool size into `DB_POOL_SIZE` and the `finops.dev/db-pool-size` annotation;
- draws `max replicas × pool size` from the database's connection budget (Python: `database=`)
  and points `DB_HOST` at the database, so the Deployment depends on it;
- rolls out with `maxSurge: 0`, so a rollout never runs more than `replicas.max` pods and the
  draw is the true peak;
- refuses debug logging or 100 % trace sampling outside development unless `debug_until` (a date
  at most `conventions.DEFAULT_MAX_DEBUG_DAYS` ahead) says when it ends, and records that date as
  `finops.dev/debug-until`;
- creates its `TelemetryRetention` (log groups, audit bucket) as a child.
"""

# No `from __future__ import annotations` here: the SDK's schema inference reads the args' and
# outputs' annotations as live objects (see finops_components.__init__).
from typing import Any, NotRequired, TypedDict

import pulumi
import pulumi_kubernetes as k8s
from finops_policies import conventions as conv
from finops_policies.clock import today
from finops_policies.debug_window import (
    debug_window_state,
    is_debug_level,
    is_full_sampling,
    parse_debug_until,
)
from finops_policies.quantities import mebibytes, memory_bytes

from ._common import ArgsError, flag, resolve_contract, text, whole_number
from .allocation import Allocation
from .budget import Claim
from .contract import ServiceCostContract
from .database import PooledDatabase
from .retention import TelemetryRetention

TYPE_TOKEN = "finops:index:Service"
APP_LABEL = "app.kubernetes.io/name"
#: How far ahead a debug window may end: the bound the debug-telemetry-expiry policy applies.
MAX_DEBUG_WINDOW_DAYS = conv.DEFAULT_MAX_DEBUG_DAYS
DEFAULT_TRACE_SAMPLING = 0.1


class ServiceArgs(TypedDict):
    """Inputs of Service. Give the contract as exactly one of contractFile or contractYaml."""

    image: str
    """Container image of the service."""
    contract_file: NotRequired[str]
    """Path of the ServiceCostContract YAML file (relative to the program's working directory)."""
    contract_yaml: NotRequired[str]
    """The ServiceCostContract document itself, as YAML text."""
    port: NotRequired[int]
    """Container port serving HTTP (default 8080); the Kubernetes Service listens on 80."""
    database_endpoint: NotRequired[pulumi.Input[str]]
    """Host name of the database (a PooledDatabase's endpoint); becomes DB_HOST."""
    env: NotRequired[dict[str, str]]
    """Extra environment variables (names the component manages are refused)."""
    log_level: NotRequired[str]
    """LOG_LEVEL of the service (default info); debug outside dev needs debugUntil."""
    trace_sampling_ratio: NotRequired[float]
    """Trace sampling ratio 0..1 (default 0.1); 1 outside dev needs debugUntil."""
    debug_until: NotRequired[str]
    """ISO date (YYYY-MM-DD, at most 30 days ahead) when debug logging or full sampling ends."""
    jvm: NotRequired[bool]
    """The service runs on a JVM: size its heap inside the memory limit (default true)."""
    target_cpu_utilization: NotRequired[int]
    """Average CPU utilization (% of the request) the autoscaler aims for (default 70)."""
    telemetry: NotRequired[bool]
    """Create the service's TelemetryRetention (default true)."""
    audit_bucket: NotRequired[bool]
    """With telemetry: create the WORM audit evidence bucket (default true)."""
    snapshot_bucket: NotRequired[bool]
    """With telemetry: create an expiring snapshot bucket (default false)."""


class Service(pulumi.ComponentResource):
    """A Kubernetes Deployment, Service and HorizontalPodAutoscaler inside the contract's runtime
    envelope, drawing its database pools from a connection budget."""

    namespace: pulumi.Output[str]
    """Namespace of the workload."""
    deployment_name: pulumi.Output[str]
    """Name of the Deployment."""
    service_name: pulumi.Output[str]
    """Name of the Kubernetes Service."""
    max_db_connections: pulumi.Output[int]
    """Database connections the service can hold at most: max replicas × pool size per replica."""

    def __init__(
        self,
        name: str,
        args: ServiceArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        contract: ServiceCostContract | None = None,
        database: PooledDatabase | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, {}, opts)
        component = "Service"
        resolved = resolve_contract(component, args, contract)
        envelope = resolved.spec.runtime_envelope
        service = resolved.service
        namespace = resolved.namespace
        pool = envelope.max_db_connections_per_replica
        replicas = envelope.replicas

        allocation = Allocation.of(resolved)
        labels = {**allocation.labels(), APP_LABEL: service, "app.kubernetes.io/managed-by": "pulumi"}
        annotations = {conv.DB_POOL_ANNOTATION: str(pool)}
        debug_until = _debug_window(component, args, resolved)
        if debug_until is not None:
            annotations[conv.DEBUG_UNTIL_KEY] = debug_until

        port = whole_number(component, args, "port", 8080, minimum=1, maximum=65535)
        endpoint = database.endpoint if database is not None else args.get("database_endpoint")
        container_env = _environment(component, args, resolved, endpoint)
        utilization = whole_number(component, args, "target_cpu_utilization", 70, minimum=1, maximum=100)

        # Draw once the args are known good and before creating anything: an over-budget service
        # fails the program, not the rollout.
        self._claim: Claim | None = None
        if database is not None:
            self._claim = database.draw(service, replicas.max, pool)

        limits = {"memory": envelope.memory_limit}
        if envelope.cpu_limit_per_replica is not None:
            limits["cpu"] = envelope.cpu_limit_per_replica
        container = k8s.core.v1.ContainerArgs(
            name=service,
            image=text(component, args, "image"),
            ports=[k8s.core.v1.ContainerPortArgs(name="http", container_port=port)],
            env=container_env,
            resources=k8s.core.v1.ResourceRequirementsArgs(
                requests={
                    "cpu": envelope.cpu_request_per_replica,
                    "memory": envelope.memory_request_per_replica,
                },
                limits=limits,
            ),
        )

        def metadata(**extra: Any) -> k8s.meta.v1.ObjectMetaArgs:
            return k8s.meta.v1.ObjectMetaArgs(name=service, namespace=namespace, labels=labels, **extra)

        child = pulumi.ResourceOptions(parent=self)
        deployment = k8s.apps.v1.Deployment(
            name,
            metadata=metadata(annotations=annotations),
            spec=k8s.apps.v1.DeploymentSpecArgs(
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels={APP_LABEL: service}),
                # No surge: a rollout never runs more than replicas.max pods, so the budget draw
                # (max replicas × pool) is the true peak of connections.
                strategy=k8s.apps.v1.DeploymentStrategyArgs(
                    type="RollingUpdate",
                    rolling_update=k8s.apps.v1.RollingUpdateDeploymentArgs(max_surge=0, max_unavailable=1),
                ),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels=labels, annotations=annotations),
                    spec=k8s.core.v1.PodSpecArgs(containers=[container]),
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[database] if database is not None else None),
        )
        kubernetes_service = k8s.core.v1.Service(
            name,
            metadata=metadata(),
            spec=k8s.core.v1.ServiceSpecArgs(
                selector={APP_LABEL: service},
                ports=[k8s.core.v1.ServicePortArgs(name="http", port=80, target_port=port)],
            ),
            opts=child,
        )
        k8s.autoscaling.v2.HorizontalPodAutoscaler(
            name,
            metadata=metadata(),
            spec=k8s.autoscaling.v2.HorizontalPodAutoscalerSpecArgs(
                scale_target_ref=k8s.autoscaling.v2.CrossVersionObjectReferenceArgs(
                    api_version="apps/v1", kind="Deployment", name=service
                ),
                min_replicas=replicas.min,
                max_replicas=replicas.max,
                metrics=[
                    k8s.autoscaling.v2.MetricSpecArgs(
                        type="Resource",
                        resource=k8s.autoscaling.v2.ResourceMetricSourceArgs(
                            name="cpu",
                            target=k8s.autoscaling.v2.MetricTargetArgs(
                                type="Utilization", average_utilization=utilization
                            ),
                        ),
                    )
                ],
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[deployment]),
        )

        self._telemetry: TelemetryRetention | None = None
        if flag(component, args, "telemetry", True):
            self._telemetry = TelemetryRetention(
                f"{name}-telemetry",
                {
                    "audit_bucket": flag(component, args, "audit_bucket", True),
                    "snapshot_bucket": flag(component, args, "snapshot_bucket", False),
                },
                opts=child,
                contract=resolved,
            )

        self._deployment = deployment
        self.namespace = pulumi.Output.from_input(namespace)
        # The names are fixed by the contract; deriving them from the resources keeps the dependency.
        self.deployment_name = deployment.metadata.apply(lambda _: service)
        self.service_name = kubernetes_service.metadata.apply(lambda _: service)
        self.max_db_connections = pulumi.Output.from_input(replicas.max * pool)
        self.register_outputs(
            {
                "namespace": self.namespace,
                "deployment_name": self.deployment_name,
                "service_name": self.service_name,
                "max_db_connections": self.max_db_connections,
            }
        )

    @property
    def deployment(self) -> k8s.apps.v1.Deployment:
        return self._deployment

    @property
    def telemetry(self) -> TelemetryRetention | None:
        return self._telemetry

    @property
    def claim(self) -> Claim | None:
        """What the service drew from its database's budget (None without `database=`)."""
        return self._claim


def jvm_heap_mebibytes(memory_limit: str, heap_percent: int) -> int:
    """-Xmx in MiB: `heap_percent` of the memory limit, rounded down."""
    return mebibytes(memory_bytes(memory_limit) * heap_percent // 100)


def _debug_window(component: str, args: ServiceArgs, contract: ServiceCostContract) -> str | None:
    """The validated `debug_until` date, required for debug telemetry outside development."""
    level = str(args.get("log_level") or "info").lower()
    ratio = _sampling_ratio(component, args)
    noisy = is_debug_level(level) or is_full_sampling(ratio)
    until = args.get("debug_until")
    if until is None:
        if noisy and not contract.is_dev:
            raise ArgsError(
                f"'{component}.debug_until' is required: log_level {level!r} / "
                f"trace_sampling_ratio {ratio:g} in environment {contract.tags[conv.ENVIRONMENT_KEY]!r} "
                "must say when it ends "
                f"(a date at most {MAX_DEBUG_WINDOW_DAYS} days ahead)"
            )
        return None
    ends = parse_debug_until(until)
    if ends is None:
        raise ArgsError(f"'{component}.debug_until' must be a date YYYY-MM-DD: {until!r}")
    if debug_window_state(ends, today(), MAX_DEBUG_WINDOW_DAYS) != "ok":
        raise ArgsError(
            f"'{component}.debug_until' must be between today and {MAX_DEBUG_WINDOW_DAYS} days ahead: {until}"
        )
    return ends.isoformat()


def _sampling_ratio(component: str, args: ServiceArgs) -> float:
    value = args.get("trace_sampling_ratio", DEFAULT_TRACE_SAMPLING)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ArgsError(f"'{component}.trace_sampling_ratio' must be a number between 0 and 1: {value!r}")
    return float(value)


def _environment(
    component: str, args: ServiceArgs, contract: ServiceCostContract, endpoint: pulumi.Input[str] | None
) -> list[k8s.core.v1.EnvVarArgs]:
    envelope = contract.spec.runtime_envelope
    managed: dict[str, Any] = {
        "ENVIRONMENT": contract.spec.cost_allocation.tags[conv.ENVIRONMENT_KEY],
        "LOG_LEVEL": str(args.get("log_level") or "info"),
        "OTEL_SERVICE_NAME": contract.service,
        conv.OTEL_TRACES_SAMPLER_ENV: "parentbased_traceidratio",
        conv.TRACE_SAMPLING_ENV_NAMES[0]: f"{_sampling_ratio(component, args):g}",
        conv.DB_POOL_ENV_NAMES[0]: str(envelope.max_db_connections_per_replica),
    }
    if flag(component, args, "jvm", True):
        heap = jvm_heap_mebibytes(envelope.memory_limit, envelope.jvm_max_heap_percent)
        managed[conv.JAVA_OPTS_ENV_NAMES[0]] = f"-Xmx{heap}m"
    if endpoint is not None:
        managed["DB_HOST"] = endpoint
    extra = args.get("env") or {}
    clashes = sorted(set(extra) & set(managed))
    if clashes:
        raise ArgsError(f"'{component}.env' must not set variables the component manages: {', '.join(clashes)}")
    return [k8s.core.v1.EnvVarArgs(name=key, value=value) for key, value in {**managed, **extra}.items()]
