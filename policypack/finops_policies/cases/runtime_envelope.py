"""Cases of `runtime-envelope`: requests and limits, JVM heaps, replica caps, ECS task definitions,
unknowns and waivers."""

from __future__ import annotations

import json
from typing import Any, Final

from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseResource, Expect, one
from finops_policies.cases.builders import K8S, day, pod_spec, waivers, workload
from finops_policies.policies import runtime_envelope as policy
from finops_policies.values import UNKNOWN_ARRAY, UNKNOWN_NUMBER, UNKNOWN_OBJECT, UNKNOWN_STRING

HPA_V2: Final = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
HPA_V1: Final = "kubernetes:autoscaling/v1:HorizontalPodAutoscaler"
_LABELS: Final = {
    "app": "orders-api",
    "service": "orders",
    "team": "payments",
    "domain": "checkout",
    "environment": "prod",
}
_ENVELOPE: Final = {"requests": {"cpu": "500m", "memory": "1280Mi"}, "limits": {"memory": "1536Mi"}}


def _container(name: str = "app", resources: Any = _ENVELOPE, env: Any = None, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "image": f"ghcr.io/acme/{name}:1.0"}
    if resources is not None:
        spec["resources"] = resources
    if env is not None:
        spec["env"] = env
    spec.update(extra)
    return spec


def _java(options: str, variable: str = "JAVA_TOOL_OPTIONS", memory_limit: Any = "1536Mi") -> dict[str, Any]:
    return _container(
        env=[{"name": variable, "value": options}],
        resources={"requests": {"cpu": "500m", "memory": "1280Mi"}, "limits": {"memory": memory_limit}},
    )


def deployment(
    name: str, *containers: Any, init: list[Any] | None = None, kind: str = conv.K8S_DEPLOYMENT
) -> tuple[CaseResource, ...]:
    """A workload of `kind` as the engine sends it, with the given containers."""
    labels = {"labels": dict(_LABELS)}
    return (workload(kind, name, pod_spec(containers, init), metadata=labels, template_metadata=labels),)


def _hpa(name: str, max_replicas: Any, type_: str = HPA_V2) -> tuple[CaseResource, ...]:
    spec: dict[str, Any] = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
        "minReplicas": 2.0,
    }
    if max_replicas is not None:
        spec["maxReplicas"] = max_replicas
    return one(
        type_,
        name,
        {
            "apiVersion": type_.split(":")[1],
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": name},
            "spec": spec,
        },
        provider=K8S,
    )


def _task(name: str, definitions: Any, **task: Any) -> tuple[CaseResource, ...]:
    body = definitions if isinstance(definitions, str) else json.dumps(definitions)
    return one(conv.ECS_TASK_DEFINITION, name, {"family": name, "containerDefinitions": body, **task})


def _waiver(expires: str, ticket: str = "FIN-1234", approved_by: str = "platform-lead") -> dict[str, Any]:
    return waivers("orders-api", expires=expires, ticket=ticket, approved_by=approved_by, reason="load test this week")


_UNSET_MESSAGE: Final = (
    "containers[0] 'app' resources.limits.memory is unset; expected a memory limit (and requests.cpu, requests.memory)"
)

CASES: tuple[Case, ...] = (
    # -- requests and limits
    Case("deployment-with-full-envelope", deployment("orders-api", _container())),
    Case(
        "resources-unset",
        deployment("orders-api", _container(resources=None)),
        violations=(Expect("orders-api", _UNSET_MESSAGE),),
    ),
    Case(
        "memory-limit-unset",
        deployment("orders-api", _container(resources={"requests": {"cpu": "500m", "memory": "1280Mi"}})),
        violations=(Expect("orders-api", "resources.limits.memory is unset; expected a memory limit. Fix"),),
    ),
    Case(
        "cpu-request-unset",
        deployment(
            "orders-api",
            _container(resources={"requests": {"memory": "1280Mi"}, "limits": {"memory": "1536Mi"}}),
        ),
        violations=(
            Expect("orders-api", "containers[0] 'app' resources.requests.cpu is unset; expected a CPU request"),
        ),
    ),
    Case(
        "memory-request-defaults-to-limit",
        deployment("orders-api", _container(resources={"requests": {"cpu": "250m"}, "limits": {"memory": "1Gi"}})),
        note="Kubernetes copies an unset request from the limit",
    ),
    Case(
        "requests-default-to-limits",
        deployment("orders-api", _container(resources={"limits": {"cpu": "1", "memory": "1Gi"}})),
    ),
    Case(
        "init-container-checked",
        deployment("orders-api", _container(), init=[_container("migrate", resources=None)]),
        violations=(Expect("orders-api", "initContainers[0] 'migrate' resources.limits.memory is unset"),),
    ),
    Case(
        "second-container-checked",
        deployment("orders-api", _container(), _container("envoy", resources={"limits": {"memory": "128Mi"}})),
        violations=(Expect("orders-api", "containers[1] 'envoy' resources.requests.cpu is unset"),),
    ),
    Case(
        "statefulset-checked",
        deployment("orders-db", _container(resources=None), kind=conv.K8S_STATEFULSET),
        violations=(Expect("orders-db", "resources.limits.memory is unset"),),
    ),
    Case(
        "daemonset-checked",
        deployment("log-agent", _container(resources={"requests": {"cpu": "100m"}}), kind=conv.K8S_DAEMONSET),
        violations=(Expect("log-agent", "resources.limits.memory is unset"),),
    ),
    Case(
        "job-checked",
        deployment("backfill", _container(resources={}), kind=conv.K8S_JOB),
        violations=(Expect("backfill", "resources.limits.memory is unset"),),
    ),
    Case(
        "cronjob-template-checked",
        deployment("nightly-report", _container(resources=None), kind=conv.K8S_CRONJOB),
        violations=(Expect("nightly-report", "containers[0] 'app' resources.limits.memory is unset"),),
    ),
    Case(
        "pod-checked",
        deployment("debug-pod", _container(resources=None), kind=conv.K8S_POD),
        violations=(Expect("debug-pod", "Pod 'debug-pod': containers[0] 'app' resources.limits.memory"),),
    ),
    Case("pod-with-envelope", deployment("debug-pod", _container(), kind=conv.K8S_POD)),
    Case(
        "quantities-in-every-form",
        deployment(
            "orders-api",
            _container("a", {"requests": {"cpu": 0.5, "memory": "1280Mi"}, "limits": {"memory": "1.5Gi"}}),
            _container("b", {"requests": {"cpu": "1", "memory": "1G"}, "limits": {"memory": "2G"}}),
            _container("c", {"requests": {"cpu": "250m", "memory": "1e9"}, "limits": {"memory": 1073741824.0}}),
            _container("d", {"requests": {"cpu": 2.0, "memory": "524288Ki"}, "limits": {"memory": "0.5Gi"}}),
            _container("e", {"requests": {"cpu": "1e-1", "memory": "64M"}, "limits": {"memory": "128e6"}}),
        ),
    ),
    Case(
        "quantity-malformed",
        deployment(
            "orders-api",
            _container(resources={"requests": {"cpu": "half", "memory": "1280Mi"}, "limits": {"memory": "1.5GB"}}),
        ),
        violations=(
            Expect("orders-api", "resources.limits.memory is '1.5GB', not a Kubernetes quantity"),
            Expect("orders-api", "resources.requests.cpu is 'half', not a Kubernetes quantity"),
        ),
    ),
    Case(
        "quantity-zero",
        deployment(
            "orders-api",
            _container(resources={"requests": {"cpu": "0", "memory": "1280Mi"}, "limits": {"memory": "1536Mi"}}),
        ),
        violations=(Expect("orders-api", "resources.requests.cpu is '0'; expected a positive CPU quantity"),),
    ),
    Case(
        "resources-unknown",
        deployment("orders-api", _container(resources=UNKNOWN_OBJECT)),
        unverifiable=("orders-api",),
    ),
    Case(
        "memory-limit-unknown",
        deployment(
            "orders-api",
            _container(
                resources={
                    "requests": {"cpu": "500m", "memory": "1280Mi"},
                    "limits": {"memory": UNKNOWN_STRING},
                }
            ),
        ),
        unverifiable=("orders-api",),
    ),
    Case(
        "containers-unknown",
        one(
            conv.K8S_DEPLOYMENT,
            "orders-api",
            {"spec": {"template": {"spec": {"containers": UNKNOWN_ARRAY}}}},
            provider=K8S,
        ),
        unverifiable=("orders-api",),
    ),
    Case(
        "unknown-limit-does-not-hide-a-missing-request",
        deployment("orders-api", _container(resources={"limits": {"memory": UNKNOWN_STRING}})),
        violations=(Expect("orders-api", "resources.requests.cpu is unset"),),
        unverifiable=("orders-api",),
    ),
    # -- JVM heap
    Case(
        "heap-half-the-limit",
        deployment("orders-api", _java("-Xmx768m", memory_limit="1.5Gi")),
        note="a 768Mi heap under a 1.5Gi limit leaves half for non-heap memory",
    ),
    Case(
        "heap-equals-limit",
        deployment("orders-api", _java("-Xmx1536m")),
        violations=(
            Expect(
                "orders-api",
                "containers[0] 'app' JAVA_TOOL_OPTIONS -Xmx1536m leaves 0 % of the "
                "1536Mi limit for non-heap memory; expected at least 25 % (≤ 1152Mi "
                "heap). Fix: set -Xmx1152m",
            ),
        ),
    ),
    Case(
        "heap-above-limit",
        deployment("orders-api", _java("-Xmx2g", "JAVA_OPTS")),
        violations=(
            Expect(
                "orders-api",
                "JAVA_OPTS -Xmx2g leaves 0 % of the 1536Mi limit for non-heap memory (the heap alone exceeds it)",
            ),
        ),
    ),
    Case("heap-at-exactly-the-share", deployment("orders-api", _java("-Xmx1152m"))),
    Case(
        "heap-just-over-the-share",
        deployment("orders-api", _java("-Xmx1153m")),
        violations=(Expect("orders-api", "-Xmx1153m leaves 24.9 % of the 1536Mi limit"),),
    ),
    Case(
        "heap-in-gigabytes-under-decimal-limit",
        deployment("orders-api", _java("-Xmx1g", memory_limit="1G")),
        violations=(
            Expect(
                "orders-api",
                "-Xmx1g leaves 0 % of the 1G limit for non-heap memory (the heap alone "
                "exceeds it); expected at least 25 % (≤ 715Mi heap)",
            ),
        ),
    ),
    Case(
        "max-heap-size-flag",
        deployment("orders-api", _java("-XX:MaxHeapSize=1400m", "JDK_JAVA_OPTIONS")),
        violations=(Expect("orders-api", "JDK_JAVA_OPTIONS -XX:MaxHeapSize=1400m leaves 8.8 %"),),
    ),
    Case("ram-percentage-75", deployment("orders-api", _java("-XX:MaxRAMPercentage=75.0"))),
    Case(
        "ram-percentage-90",
        deployment("orders-api", _java("-XX:+UseContainerSupport -XX:MaxRAMPercentage=90.0")),
        violations=(
            Expect(
                "orders-api",
                "JAVA_TOOL_OPTIONS -XX:MaxRAMPercentage=90.0 leaves 10 % of the memory "
                "limit for non-heap memory; expected at least 25 % (MaxRAMPercentage "
                "≤ 75)",
            ),
        ),
    ),
    Case(
        "ram-fraction-1",
        deployment("orders-api", _java("-XX:MaxRAMFraction=1")),
        violations=(Expect("orders-api", "-XX:MaxRAMFraction=1 leaves 0 %"),),
    ),
    Case(
        "max-ram-above-limit",
        deployment("orders-api", _java("-XX:MaxRAM=4g -XX:MaxRAMPercentage=50")),
        violations=(Expect("orders-api", "-XX:MaxRAM=4g -XX:MaxRAMPercentage=50 leaves 0 % of the 1536Mi limit"),),
    ),
    Case(
        "container-support-disabled",
        deployment("orders-api", _java("-XX:-UseContainerSupport")),
        violations=(Expect("orders-api", "-XX:-UseContainerSupport sizes the heap from the node's memory"),),
    ),
    Case(
        "heap-in-args",
        deployment("orders-api", _container(args=["-Xmx1536m", "-jar", "/app/app.jar"])),
        violations=(Expect("orders-api", "containers[0] 'app' args -Xmx1536m leaves 0 %"),),
    ),
    Case(
        "heap-inside-shell-command",
        deployment("orders-api", _container(command=["sh", "-c", "exec java -Xmx1500m -jar /app/app.jar"])),
        violations=(Expect("orders-api", "containers[0] 'app' command -Xmx1500m leaves 2.3 %"),),
    ),
    Case(
        "command-line-overrides-env",
        deployment(
            "orders-api",
            _container(
                env=[{"name": "JAVA_TOOL_OPTIONS", "value": "-Xmx1536m"}],
                args=["-Xmx768m", "-jar", "/app/app.jar"],
            ),
        ),
    ),
    Case(
        "heap-checked-in-init-container",
        deployment("orders-api", _container(), init=[_java("-Xmx1536m")]),
        violations=(Expect("orders-api", "initContainers[0] 'app' JAVA_TOOL_OPTIONS -Xmx1536m"),),
    ),
    Case(
        "custom-non-heap-share",
        deployment("orders-api", _java("-Xmx768m", memory_limit="1.5Gi")),
        config={policy.NON_HEAP_KEY: 60},
        violations=(
            Expect(
                "orders-api",
                "-Xmx768m leaves 50 % of the 1.5Gi limit for non-heap memory; expected at least 60 % (≤ 614Mi heap)",
            ),
        ),
    ),
    Case(
        "java-options-from-configmap",
        deployment(
            "orders-api",
            _container(
                env=[
                    {
                        "name": "JAVA_TOOL_OPTIONS",
                        "valueFrom": {"configMapKeyRef": {"name": "jvm", "key": "opts"}},
                    }
                ]
            ),
        ),
        unverifiable=("orders-api",),
    ),
    Case("java-options-unknown", deployment("orders-api", _java(UNKNOWN_STRING)), unverifiable=("orders-api",)),
    Case(
        "heap-with-unknown-limit",
        deployment("orders-api", _java("-Xmx1g", memory_limit=UNKNOWN_STRING)),
        unverifiable=("orders-api",),
    ),
    Case("unknown-args-without-java-are-ignored", deployment("orders-api", _container(args=UNKNOWN_ARRAY))),
    Case(
        "java-options-never-show-other-flags",
        deployment(
            "orders-api",
            _java("-Djavax.net.ssl.keyStorePassword=hunter2-s3cret -Xmx1536m"),
        ),
        violations=(Expect("orders-api", "JAVA_TOOL_OPTIONS -Xmx1536m leaves 0 %"),),
        never_shown=("hunter2-s3cret", "keyStorePassword"),
    ),
    Case(
        "secret-env-never-shown",
        deployment(
            "orders-api",
            _container(
                resources=None,
                env=[
                    {"name": "DB_PASSWORD", "value": "correct-horse-battery-staple"},
                    {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "api", "key": "token"}}},
                ],
            ),
        ),
        violations=(Expect("orders-api", _UNSET_MESSAGE),),
        never_shown=("correct-horse-battery-staple",),
    ),
    # -- ECS task definitions
    Case(
        "ecs-container-envelope",
        _task(
            "orders-task",
            [
                {
                    "name": "app",
                    "image": "orders:1",
                    "cpu": 512,
                    "memory": 1536,
                    "memoryReservation": 1280,
                    "environment": [{"name": "JAVA_TOOL_OPTIONS", "value": "-Xmx768m"}],
                }
            ],
        ),
    ),
    Case(
        "ecs-fargate-task-level-sizes",
        _task(
            "orders-task",
            [{"name": "app", "image": "orders:1"}],
            cpu="512",
            memory="1 GB",
            requiresCompatibilities=["FARGATE"],
        ),
    ),
    Case(
        "ecs-container-without-memory",
        _task("orders-task", [{"name": "app", "image": "orders:1", "cpu": 256}]),
        violations=(
            Expect(
                "orders-task",
                "containerDefinitions[0] 'app' memory is unset (and the task sets none); expected a hard memory limit",
            ),
        ),
    ),
    Case(
        "ecs-heap-equals-memory",
        _task(
            "orders-task",
            [
                {
                    "name": "app",
                    "image": "orders:1",
                    "cpu": 512,
                    "memory": 1024,
                    "command": ["java", "-Xmx1g", "-jar", "app.jar"],
                }
            ],
        ),
        violations=(
            Expect("orders-task", "containerDefinitions[0] 'app' command -Xmx1g leaves 0 % of the 1024Mi limit"),
        ),
    ),
    Case(
        "ecs-heap-under-task-memory",
        _task(
            "orders-task",
            [
                {
                    "name": "app",
                    "image": "orders:1",
                    "environment": [{"name": "JAVA_OPTS", "value": "-Xmx1536m"}],
                }
            ],
            cpu="1024",
            memory="2048",
        ),
    ),
    Case("ecs-definitions-unknown", _task("orders-task", UNKNOWN_STRING), unverifiable=("orders-task",)),
    Case(
        "ecs-task-memory-unknown",
        _task("orders-task", [{"name": "app", "image": "orders:1", "cpu": 256}], memory=UNKNOWN_STRING),
        unverifiable=("orders-task",),
    ),
    # -- autoscaling
    Case("hpa-within-cap", _hpa("orders-api", 10.0)),
    Case(
        "hpa-above-cap",
        _hpa("orders-api", 500.0),
        violations=(
            Expect(
                "orders-api",
                "HorizontalPodAutoscaler 'orders-api': spec.maxReplicas is 500; expected at most 50 replicas",
            ),
        ),
    ),
    Case(
        "hpa-v1-above-configured-cap",
        _hpa("orders-api", 12.0, HPA_V1),
        config={policy.CAP_KEY: 8},
        violations=(Expect("orders-api", "spec.maxReplicas is 12; expected at most 8 replicas"),),
    ),
    Case(
        "hpa-max-as-string",
        _hpa("orders-api", "80"),
        violations=(Expect("orders-api", "spec.maxReplicas is '80'"),),
    ),
    Case(
        "hpa-max-unset",
        _hpa("orders-api", None),
        violations=(Expect("orders-api", "spec.maxReplicas is unset"),),
    ),
    Case("hpa-max-unknown", _hpa("orders-api", UNKNOWN_NUMBER), unverifiable=("orders-api",)),
    Case(
        "keda-default-max",
        one(
            conv.KEDA_SCALED_OBJECT,
            "orders-scaler",
            {"spec": {"scaleTargetRef": {"name": "orders-api"}}},
            provider=K8S,
        ),
        violations=(Expect("orders-scaler", "spec.maxReplicaCount is unset (KEDA defaults to 100)"),),
    ),
    Case(
        "ecs-autoscaling-above-cap",
        one(
            conv.APPAUTOSCALING_TARGET,
            "orders-scaling",
            {
                "serviceNamespace": "ecs",
                "maxCapacity": 120.0,
                "minCapacity": 2.0,
                "resourceId": "service/main/orders",
                "scalableDimension": "ecs:service:DesiredCount",
            },
        ),
        violations=(Expect("orders-scaling", "maxCapacity is 120; expected at most 50 replicas"),),
    ),
    Case(
        "dynamodb-autoscaling-ignored",
        one(conv.APPAUTOSCALING_TARGET, "table-read", {"serviceNamespace": "dynamodb", "maxCapacity": 4000.0}),
    ),
    # -- scope and robustness
    Case(
        "other-kinds-ignored",
        (
            *one(conv.K8S_SERVICE, "orders-api", {"spec": {"ports": [{"port": 80.0}]}}, provider=K8S),
            *one(conv.LOG_GROUP, "orders-logs", {"retentionInDays": 14.0}),
            *one(conv.STACK_TYPE, "case-dev", {}),
        ),
    ),
    Case(
        "odd-shapes-never-crash",
        (
            *one(conv.K8S_DEPLOYMENT, "odd-a", {"spec": {"template": {"spec": {"containers": "oops"}}}}),
            *one(
                conv.K8S_DEPLOYMENT,
                "odd-b",
                {"spec": {"template": {"spec": {"containers": [None, 7.0, "x"]}}}},
            ),
            *one(conv.K8S_DEPLOYMENT, "odd-c", {"spec": "nonsense"}),
            *_task("odd-d", "{not json"),
            *deployment("odd-e", _container(resources=["4Gi"], env={"JAVA_OPTS": "-Xmx9g"}, args=[None, 3.0])),
        ),
        violations=(Expect("odd-e", "resources.limits.memory is unset"),),
    ),
    # -- waivers
    Case(
        "waiver-valid",
        deployment("orders-api", _java("-Xmx1536m")),
        config=_waiver(day(14)),
        waived=("orders-api",),
    ),
    Case(
        "waiver-expired",
        deployment("orders-api", _java("-Xmx1536m")),
        config=_waiver(day(-1)),
        violations=(Expect("orders-api", "not waived: waiver 'FIN-1234' expired on"),),
    ),
    Case(
        "waiver-malformed",
        deployment("orders-api", _java("-Xmx1536m")),
        config=_waiver(day(14), ticket="please", approved_by=""),
        violations=(Expect("orders-api", "does not match"),),
    ),
)
