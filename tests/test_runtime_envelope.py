"""runtime-envelope beyond its cases: JVM flag precedence, the heap arithmetic,
and never raising on odd input."""

from __future__ import annotations

from typing import Any

import pytest
from finops_policies import conventions as conv
from finops_policies.cases import Case, k8s_provider, one, urn_of
from finops_policies.harness import run_case
from finops_policies.policies import _workloads as wl
from finops_policies.policies import runtime_envelope as envelope
from finops_policies.resources import ResourceView
from finops_policies.values import UNKNOWN, UNKNOWN_ARRAY, UNKNOWN_NUMBER, UNKNOWN_OBJECT, UNKNOWN_STRING
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

POLICY = envelope.POLICY
CONFIG = POLICY.effective_config(None)


def view(props: dict[str, Any], type_: str = conv.K8S_DEPLOYMENT, name: str = "orders-api") -> ResourceView:
    return ResourceView(type_, name, urn_of(type_, name), props)


def deployment(*containers: dict[str, Any]) -> ResourceView:
    return view({"spec": {"template": {"spec": {"containers": list(containers)}}}})


def java(heap_flag: str, limit: Any, variable: str = "JAVA_TOOL_OPTIONS") -> dict[str, Any]:
    return {
        "name": "app",
        "env": [{"name": variable, "value": heap_flag}],
        "resources": {"requests": {"cpu": "500m", "memory": "256Mi"}, "limits": {"memory": limit}},
    }


def messages(resource: ResourceView, config: dict[str, Any] | None = None) -> list[str]:
    return [f.message() for f in envelope.check(resource, {**CONFIG, **(config or {})})]


# --- JVM flags ----------------------------------------------------------------------------------------
def container(env: list[dict[str, Any]] | None = None, **fields: Any) -> wl.Container:
    spec: dict[str, Any] = {"name": "app", **fields}
    if env is not None:
        spec["env"] = env
    return wl.Container("containers", 0, "app", spec, "spec.template.spec.containers[0]")


@pytest.mark.parametrize(
    ("token", "size"),
    [
        ("-Xmx1073741824", 2**30),
        ("-Xmx1048576k", 2**30),
        ("-Xmx1024m", 2**30),
        ("-Xmx1g", 2**30),
        ("-Xmx1G", 2**30),
        ("-Xmx1t", 2**40),
        ("-XX:MaxHeapSize=768M", 768 * 2**20),
    ],
)
def test_heap_sizes_use_binary_units(token, size):
    flags = envelope.jvm_flags(container([{"name": "JAVA_OPTS", "value": token}]))
    assert flags.max_heap is not None
    assert flags.max_heap.value == size


def test_later_sources_override_earlier_ones():
    env = [
        {"name": "JAVA_OPTS", "value": "-Xmx3g"},
        {"name": "JDK_JAVA_OPTIONS", "value": "-Xmx2g"},
        {"name": "JAVA_TOOL_OPTIONS", "value": "-Xmx1g -Xmx4g"},
    ]
    # JAVA_TOOL_OPTIONS < JDK_JAVA_OPTIONS < JAVA_OPTS < command < args, whatever the env order
    assert envelope.jvm_flags(container(env)).max_heap.source == "JAVA_OPTS"
    flags = envelope.jvm_flags(container(env, command=["java", "-Xmx512m"], args=["-Xmx256m", "-jar", "a.jar"]))
    assert (flags.max_heap.source, flags.max_heap.token) == ("args", "-Xmx256m")


def test_ram_percentage_wins_over_the_deprecated_fraction():
    resource = deployment(java("-XX:MaxRAMFraction=1 -XX:MaxRAMPercentage=60", "1Gi"))
    assert messages(resource) == []


def test_container_support_can_be_turned_back_on():
    resource = deployment(java("-XX:-UseContainerSupport -XX:+UseContainerSupport", "1Gi"))
    assert messages(resource) == []


def test_quoted_flags_in_shell_commands_are_read():
    c = container(command=["/bin/sh", "-c", "exec java '-Xmx2g' -jar /app.jar"])
    assert envelope.jvm_flags(c).max_heap.value == 2 * 2**30


def test_unknown_source_before_the_heap_flag_does_not_matter():
    env = [{"name": "JAVA_TOOL_OPTIONS", "valueFrom": {"configMapKeyRef": {"name": "jvm", "key": "opts"}}}]
    resource = deployment({**java("-Xmx512m", "1Gi"), "env": env, "args": ["-Xmx512m"]})
    assert [f for f in envelope.check(resource, CONFIG) if f.unverifiable] == []


def test_unknown_source_after_the_heap_flag_is_unverifiable():
    resource = deployment({**java("-Xmx512m", "1Gi"), "args": UNKNOWN})
    found = list(envelope.check(resource, CONFIG))
    assert [f.unverifiable for f in found] == [True]
    assert "may override -Xmx512m" in found[0].message()


@settings(max_examples=300, deadline=None)
@given(
    limit_mib=st.integers(min_value=64, max_value=65536),
    heap_mib=st.integers(min_value=1, max_value=70000),
    non_heap=st.integers(min_value=0, max_value=90),
)
def test_heap_verdict_is_exact(limit_mib, heap_mib, non_heap):
    resource = deployment(java(f"-Xmx{heap_mib}m", f"{limit_mib}Mi"))
    found = messages(resource, {envelope.NON_HEAP_KEY: non_heap})
    # the heap may use at most (100 - non_heap) % of the limit, in exact integer arithmetic
    assert bool(found) == (heap_mib * 100 > limit_mib * (100 - non_heap))
    if found:
        assert f"-Xmx{heap_mib}m leaves" in found[0]
        assert f"of the {limit_mib}Mi limit" in found[0]


def test_heap_in_a_job_and_a_cronjob_is_checked():
    spec = {"template": {"spec": {"containers": [java("-Xmx1g", "1Gi")]}}}
    job = view({"spec": spec}, conv.K8S_JOB)
    cron = view({"spec": {"jobTemplate": {"spec": spec}}}, conv.K8S_CRONJOB)
    assert "leaves 0 %" in messages(job)[0]
    assert "leaves 0 %" in messages(cron)[0]


# --- ECS --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cpu", "memory", "ok"),
    [
        ("512", "1024", True),
        ("0.5 vCPU", "1 GB", True),
        ("1 vcpu", "2GB", True),
        (512.0, 1024.0, True),
        (None, "1024", False),
        ("lots", "1024", False),
    ],
)
def test_ecs_task_level_sizes(cpu, memory, ok):
    props: dict[str, Any] = {"containerDefinitions": '[{"name": "app", "image": "x"}]', "memory": memory}
    if cpu is not None:
        props["cpu"] = cpu
    assert (messages(view(props, conv.ECS_TASK_DEFINITION)) == []) is ok


def test_ecs_heap_uses_task_memory_when_the_container_sets_none():
    props = {
        "containerDefinitions": '[{"name": "app", "command": ["java", "-Xmx2g", "-jar", "a.jar"]}]',
        "cpu": "1024",
        "memory": "2 GB",
    }
    assert "-Xmx2g leaves 0 % of the 2048Mi limit" in messages(view(props, conv.ECS_TASK_DEFINITION))[0]


# --- robustness ---------------------------------------------------------------------------------------
SENTINELS = st.sampled_from([UNKNOWN_STRING, UNKNOWN_NUMBER, UNKNOWN_ARRAY, UNKNOWN_OBJECT])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["1Gi", "500m", "-Xmx1g", "-XX:MaxRAMPercentage=99", "JAVA_OPTS", "name", "env"]),
    SENTINELS,
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "env",
                    "value",
                    "valueFrom",
                    "resources",
                    "limits",
                    "requests",
                    "memory",
                    "cpu",
                    "args",
                    "command",
                    "containers",
                    "spec",
                ]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    type_=st.sampled_from(
        [
            conv.K8S_DEPLOYMENT,
            conv.K8S_CRONJOB,
            conv.K8S_POD,
            conv.ECS_TASK_DEFINITION,
            conv.K8S_HPA_TYPES[0],
            conv.KEDA_SCALED_OBJECT,
            conv.APPAUTOSCALING_TARGET,
        ]
    ),
    containers=JSONISH,
    resources=JSONISH,
    env=JSONISH,
    other=JSONISH,
)
def test_odd_input_never_breaks_the_check(type_, containers, resources, env, other):
    c = {"name": "app", "resources": resources, "env": env, "args": other}
    props = {
        "spec": {
            "template": {"spec": {"containers": [c, containers]}},
            "maxReplicas": other,
            "maxReplicaCount": other,
        },
        "containerDefinitions": other if isinstance(other, str) else [c],
        "serviceNamespace": "ecs",
        "maxCapacity": other,
        "memory": other,
    }
    outcome = run_case(POLICY, Case("fuzz", one(type_, "fuzz", props, provider=k8s_provider())))
    assert not any("the check itself failed" in m for m in outcome.messages())
