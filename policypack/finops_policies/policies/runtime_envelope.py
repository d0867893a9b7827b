"""Containers declare their runtime envelope, JVM heaps leave room for non-heap memory, autoscaling is capped.

Checks every container and init container of Kubernetes pod specs (Deployment, StatefulSet,
DaemonSet, Job, CronJob, Pod) and of ECS task definitions (`containerDefinitions`) for a CPU
request, a memory request and a memory limit; a JVM heap set by `-Xmx`/`-XX:MaxHeapSize`,
`-XX:MaxRAMPercentage`, `-XX:MaxRAMFraction` or `-XX:MaxRAM` (in `JAVA_TOOL_OPTIONS`,
`JDK_JAVA_OPTIONS`, `JAVA_OPTS` or the command line) against the container's memory limit; and the
maximum of HorizontalPodAutoscalers, KEDA ScaledObjects and ECS Application Auto Scaling targets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any, Final

from finops_policies import conventions as conv
from finops_policies.findings import Finding
from finops_policies.quantities import MI, memory_text, quantity
from finops_policies.resources import ResourceView
from finops_policies.spec import ConfigKey, PolicySpec
from finops_policies.values import (
    UNKNOWN,
    as_number,
    is_absent,
    is_unknown,
    lookup,
    shown,
)

from . import _workloads as wl

_MI: Final = Decimal(MI)
NON_HEAP_KEY: Final = "nonHeapPercent"
CAP_KEY: Final = "maxReplicasCap"
#: KEDA scales to 100 replicas when a ScaledObject sets no maxReplicaCount.
KEDA_DEFAULT_MAX_REPLICAS: Final = 100

K8S_FIX: Final = (
    'set resources={"requests": {"cpu": "500m", "memory": "1280Mi"}, "limits": {"memory": "1536Mi"}} '
    "or use finops_components.Service"
)
ECS_FIX: Final = (
    'set "cpu": 512, "memoryReservation": 1280, "memory": 1536 in the container definition '
    "(or the task's cpu and memory)"
)


# --- findings -----------------------------------------------------------------------------------
def _finding(resource: ResourceView, prop: str, found: str, expected: str, fix: str) -> Finding:
    return Finding(resource.urn, resource.type, resource.name, prop, found, expected, fix)


def _unverifiable(resource: ResourceView, prop: str, found: str, expected: str) -> Finding:
    return Finding(resource.urn, resource.type, resource.name, prop, found, expected, "", unverifiable=True)


def _unknown_text(names: list[str]) -> str:
    return "are unknown until apply" if len(names) > 1 else "is unknown until apply"


def _config_number(config: Mapping[str, Any], key: str, default: float) -> Decimal:
    number = as_number(config.get(key))
    return Decimal(repr(number if number is not None else float(default)))


def _number_text(value: Decimal) -> str:
    """`75`, `75.5`: a number without a float's trailing zeros."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _percent_text(value: Decimal) -> str:
    return _number_text(value.quantize(Decimal("0.1"), rounding=ROUND_DOWN))


# --- requests and limits --------------------------------------------------------------------------
@dataclass(frozen=True)
class Quantity:
    """One requests/limits value: `state` is "ok", "unset", "unknown" or "invalid"."""

    state: str
    amount: Decimal | None = None
    raw: Any = None


def _read_quantity(value: Any) -> Quantity:
    if is_unknown(value):
        return Quantity("unknown", raw=value)
    if is_absent(value):
        return Quantity("unset")
    amount = quantity(value)
    if amount is None or amount <= 0:
        return Quantity("invalid", raw=value)
    return Quantity("ok", amount, value)


@dataclass(frozen=True)
class MemoryLimit:
    """A container's memory limit as far as it is known, for the JVM check."""

    amount: Decimal | None = None
    unknown: bool = False
    text: str = ""
    property: str = ""


_K8S_EXPECTED: Final = {
    "limits.memory": "a memory limit",
    "requests.cpu": "a CPU request",
    "requests.memory": "a memory request",
}


def _invalid(resource: ResourceView, prop: str, value: Any, unit: str, fix: str) -> Finding:
    amount = quantity(value)
    found = f"is {shown(value)}, not a Kubernetes quantity" if amount is None else f"is {shown(value)}"
    return _finding(resource, prop, found, f"a positive {unit} quantity", fix)


def _check_k8s_resources(resource: ResourceView, c: wl.Container) -> tuple[list[Finding], MemoryLimit]:
    findings: list[Finding] = []
    res = lookup(c.spec, "resources")
    if is_unknown(res):
        findings.append(
            _unverifiable(
                resource,
                f"{c.label} resources",
                "is unknown until apply",
                "CPU and memory requests and a memory limit",
            )
        )
        return findings, MemoryLimit(unknown=True, property=f"{c.label} resources")
    read = {
        "requests.cpu": _read_quantity(lookup(res, "requests", "cpu")),
        "requests.memory": _read_quantity(lookup(res, "requests", "memory")),
        "limits.memory": _read_quantity(lookup(res, "limits", "memory")),
        "limits.cpu": _read_quantity(lookup(res, "limits", "cpu")),
    }
    # Kubernetes copies a limit into an unset request (unless a LimitRange default applies first).
    effective = {
        "limits.memory": read["limits.memory"],
        "requests.cpu": read["requests.cpu"] if read["requests.cpu"].state != "unset" else read["limits.cpu"],
        "requests.memory": (
            read["requests.memory"] if read["requests.memory"].state != "unset" else read["limits.memory"]
        ),
    }
    missing = [key for key, q in effective.items() if q.state == "unset"]
    if missing:
        first, rest = missing[0], missing[1:]
        expected = _K8S_EXPECTED[first] + (f" (and {', '.join(rest)})" if rest else "")
        findings.append(_finding(resource, f"{c.label} resources.{first}", "is unset", expected, K8S_FIX))
    for key, q in read.items():
        if q.state == "invalid":
            unit = "CPU" if key.endswith("cpu") else "memory"
            findings.append(_invalid(resource, f"{c.label} resources.{key}", q.raw, unit, K8S_FIX))
    unknown = [key for key, q in effective.items() if q.state == "unknown"]
    if unknown:
        findings.append(
            _unverifiable(
                resource,
                f"{c.label} resources.{', '.join(unknown)}",
                _unknown_text(unknown),
                "CPU and memory requests and a memory limit",
            )
        )
    limit = read["limits.memory"]
    prop = f"{c.label} resources.limits.memory"
    if limit.state == "unknown":
        return findings, MemoryLimit(unknown=True, property=prop)
    if limit.state == "ok" and limit.amount is not None:
        text = limit.raw if isinstance(limit.raw, str) else memory_text(limit.amount)
        return findings, MemoryLimit(limit.amount, text=text, property=prop)
    return findings, MemoryLimit(property=prop)


_ECS_SIZE: Final = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(GB|vCPU)?\s*", re.IGNORECASE)


def _ecs_amount(value: Any, unit_multiplier: int) -> Quantity:
    """ECS sizes: numbers (MiB, CPU units) or task-level strings like "1024", "1 GB", "0.5 vCPU"."""
    if is_unknown(value):
        return Quantity("unknown", raw=value)
    if is_absent(value):
        return Quantity("unset")
    number: Decimal | None = None
    plain_number = as_number(value)
    if plain_number is not None:
        number = Decimal(repr(plain_number))
    elif isinstance(value, str) and (match := _ECS_SIZE.fullmatch(value)):
        number = Decimal(match.group(1)) * (unit_multiplier if match.group(2) else 1)
    if number is None:
        return Quantity("invalid", raw=value)
    if number <= 0:
        return Quantity("unset", raw=value)  # ECS treats cpu 0 as "no reservation"
    return Quantity("ok", number, value)


def _first_set(*quantities: Quantity) -> Quantity:
    for q in quantities:
        if q.state != "unset":
            return q
    return Quantity("unset")


_ECS_EXPECTED: Final = {
    "memory": "a hard memory limit",
    "cpu": "CPU units",
    "memoryReservation": "a memory reservation",
}


def _check_ecs_resources(resource: ResourceView, c: wl.Container) -> tuple[list[Finding], MemoryLimit]:
    findings: list[Finding] = []
    task_cpu = _ecs_amount(resource.get("cpu"), 1024)
    task_memory = _ecs_amount(resource.get("memory"), 1024)
    cpu = _ecs_amount(lookup(c.spec, "cpu"), 1024)
    memory = _ecs_amount(lookup(c.spec, "memory"), 1024)
    reservation = _ecs_amount(lookup(c.spec, "memoryReservation"), 1024)
    # A container may use its task's memory and CPU; ECS reserves `memory` when no reservation is set.
    effective = {
        "memory": _first_set(memory, task_memory),
        "cpu": _first_set(cpu, task_cpu),
        "memoryReservation": _first_set(reservation, memory, task_memory),
    }
    missing = [key for key, q in effective.items() if q.state == "unset"]
    if missing:
        first, rest = missing[0], missing[1:]
        expected = _ECS_EXPECTED[first] + (f" (and {', '.join(rest)})" if rest else "")
        findings.append(
            _finding(resource, f"{c.label} {first}", "is unset (and the task sets none)", expected, ECS_FIX)
        )
    for prop, q in (("cpu", task_cpu), ("memory", task_memory)):
        if q.state == "invalid":
            findings.append(
                _finding(
                    resource,
                    prop,
                    f"is {shown(q.raw)}, not a size ECS accepts",
                    "a number (MiB, CPU units) or a string like '1 GB' or '0.5 vCPU'",
                    ECS_FIX,
                )
            )
    for prop, q in (("cpu", cpu), ("memory", memory), ("memoryReservation", reservation)):
        if q.state == "invalid":
            findings.append(
                _finding(
                    resource,
                    f"{c.label} {prop}",
                    f"is {shown(q.raw)}, not a number",
                    "a positive integer",
                    ECS_FIX,
                )
            )
    unknown = [key for key, q in effective.items() if q.state == "unknown"]
    if unknown:
        findings.append(
            _unverifiable(
                resource,
                f"{c.label} {', '.join(unknown)}",
                _unknown_text(unknown),
                "CPU units, a memory reservation and a hard memory limit",
            )
        )
    limit = effective["memory"]
    prop = f"{c.label} memory" if limit is memory else "memory"
    if limit.state == "unknown":
        return findings, MemoryLimit(unknown=True, property=prop)
    if limit.state == "ok" and limit.amount is not None:
        amount = limit.amount * _MI
        return findings, MemoryLimit(amount, text=memory_text(amount), property=prop)
    return findings, MemoryLimit(property=prop)


# --- JVM heap -----------------------------------------------------------------------------------
#: The JVM reads JAVA_TOOL_OPTIONS first, the `java` launcher prepends JDK_JAVA_OPTIONS to the
#: command line, and JAVA_OPTS is a start-script convention expanded into the command line: a later
#: setting of the same flag wins, so sources are read in that order, then the command line.
_ENV_PRECEDENCE: Final = ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")
_JVM_ENV_NAMES: Final = (*_ENV_PRECEDENCE, *(n for n in conv.JAVA_OPTS_ENV_NAMES if n not in _ENV_PRECEDENCE))
_SIZE_UNITS: Final = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
_SIZE: Final = r"([0-9]+)([kKmMgGtT]?)"
_MAX_HEAP: Final = re.compile(rf"-(?:Xmx|XX:MaxHeapSize=){_SIZE}")
_MAX_RAM: Final = re.compile(rf"-XX:MaxRAM={_SIZE}")
_RAM_PERCENT: Final = re.compile(r"-XX:MaxRAMPercentage=([0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_RAM_FRACTION: Final = re.compile(r"-XX:MaxRAMFraction=([0-9]+)")
_CONTAINER_SUPPORT: Final = re.compile(r"-XX:([+-])UseContainerSupport")
#: The JVM's own default MaxRAMPercentage.
_DEFAULT_RAM_PERCENT: Final = Decimal(25)


@dataclass(frozen=True)
class Flag:
    source: str
    token: str
    value: Decimal
    order: int


@dataclass
class JvmFlags:
    """The heap-related flags in effect (the last of each kind wins) and the unreadable sources."""

    max_heap: Flag | None = None
    max_ram: Flag | None = None
    ram_percent: Flag | None = None
    ram_fraction: Flag | None = None
    container_support_off: Flag | None = None
    #: (order, source, is a Java options variable)
    unknown_sources: tuple[tuple[int, str, bool], ...] = ()
    has_java_env: bool = False

    @property
    def any_flag(self) -> bool:
        return any((self.max_heap, self.max_ram, self.ram_percent, self.ram_fraction, self.container_support_off))


def _size(match: re.Match[str]) -> Decimal:
    return Decimal(match.group(1)) * _SIZE_UNITS[match.group(2).lower()]


def _tokens(value: str) -> list[str]:
    # command lines like ["sh", "-c", "exec java -Xmx1g -jar app.jar"] carry flags inside one string
    return [t.strip("'\"") for t in value.split()]


def _read_flag(flags: JvmFlags, source: str, token: str, order: int) -> None:
    if match := _MAX_HEAP.fullmatch(token):
        flags.max_heap = Flag(source, token, _size(match), order)
    elif match := _MAX_RAM.fullmatch(token):
        flags.max_ram = Flag(source, token, _size(match), order)
    elif match := _RAM_PERCENT.fullmatch(token):
        flags.ram_percent = Flag(source, token, Decimal(match.group(1)), order)
    elif (match := _RAM_FRACTION.fullmatch(token)) and int(match.group(1)) > 0:
        flags.ram_fraction = Flag(source, token, Decimal(match.group(1)), order)
    elif match := _CONTAINER_SUPPORT.fullmatch(token):
        off = match.group(1) == "-"
        flags.container_support_off = Flag(source, token, Decimal(0), order) if off else None


def jvm_flags(c: wl.Container) -> JvmFlags:
    """Heap flags of one container, from its Java options env and its command line."""
    flags = JvmFlags()
    env = wl.container_env(c)
    sources: list[tuple[str, Any, bool]] = []
    for name in _JVM_ENV_NAMES:
        value = env.get(name)
        if not is_absent(value):
            flags.has_java_env = True
            sources.append((name, value, True))
    if env.opaque:
        sources.append(("env", UNKNOWN, True))
    for field_name, items in wl.command_lines(c):
        if is_unknown(items):
            sources.append((field_name, UNKNOWN, False))
            continue
        for item in items:
            sources.append((field_name, item, False))
    unknown: list[tuple[int, str, bool]] = []
    for order, (source, value, is_env) in enumerate(sources):
        if is_unknown(value):
            unknown.append((order, source, is_env))
        elif isinstance(value, str):
            for token in _tokens(value):
                _read_flag(flags, source, token, order)
    flags.unknown_sources = tuple(unknown)
    return flags


def _heap_fix(c: wl.Container, source: str, max_heap: Decimal, non_heap: Decimal) -> str:
    raise_limit = "the container memory" if c.is_ecs else "resources.limits.memory"
    max_mib = int(max_heap / _MI)
    return (
        f"set -Xmx{max_mib}m or lower in {source} (or -XX:MaxRAMPercentage="
        f"{_number_text(Decimal(100) - non_heap)}), or raise {raise_limit}"
    )


def _check_jvm(resource: ResourceView, c: wl.Container, limit: MemoryLimit, non_heap: Decimal) -> Iterator[Finding]:
    flags = jvm_flags(c)
    evidence = flags.has_java_env or flags.any_flag
    relevant_unknown = [u for u in flags.unknown_sources if u[2] or evidence]
    expected_share = f"a heap leaving at least {_number_text(non_heap)} % of the memory limit for non-heap memory"
    deciding = flags.max_heap
    late = [u for u in relevant_unknown if deciding is None or u[0] > deciding.order]
    if late:
        source = late[-1][1]
        overrides = f" and may override {deciding.token}" if deciding else " and may set the heap size"
        yield _unverifiable(resource, f"{c.label} {source}", f"is unknown until apply{overrides}", expected_share)
        return
    percent = None
    if flags.ram_percent is not None:
        percent = flags.ram_percent
    elif flags.ram_fraction is not None:
        fraction = flags.ram_fraction
        percent = Flag(fraction.source, fraction.token, Decimal(100) / fraction.value, fraction.order)
    heap: Decimal | None = None
    setting: Flag | None = None
    if flags.max_heap is not None:
        heap, setting = flags.max_heap.value, flags.max_heap
    elif flags.max_ram is not None:
        ratio = percent.value if percent is not None else _DEFAULT_RAM_PERCENT
        heap = flags.max_ram.value * ratio / 100
        token = f"{flags.max_ram.token} {percent.token}" if percent is not None else flags.max_ram.token
        setting = Flag(flags.max_ram.source, token, heap, flags.max_ram.order)
    elif percent is not None:
        # a share of whatever memory the JVM sees: judged without the limit
        left = Decimal(100) - percent.value
        if left < non_heap:
            yield _finding(
                resource,
                f"{c.label} {percent.source}",
                f"{percent.token} leaves {_percent_text(max(left, Decimal(0)))} % of the memory limit "
                "for non-heap memory",
                f"at least {_number_text(non_heap)} % (MaxRAMPercentage ≤ {_number_text(100 - non_heap)})",
                f"set -XX:MaxRAMPercentage={_number_text(100 - non_heap)} or lower in {percent.source}",
            )
        return
    elif flags.container_support_off is not None:
        off = flags.container_support_off
        yield _finding(
            resource,
            f"{c.label} {off.source}",
            f"{off.token} sizes the heap from the node's memory, not the container's limit",
            expected_share,
            f"remove {off.token} or set -Xmx explicitly in {off.source}",
        )
        return
    if heap is None or setting is None:
        return
    if limit.unknown:
        yield _unverifiable(
            resource,
            limit.property,
            f"is unknown until apply, so {setting.token} cannot be compared with it",
            expected_share,
        )
        return
    if limit.amount is None:
        return  # no usable limit: already reported as a missing or invalid limit
    max_heap = limit.amount * (Decimal(100) - non_heap) / 100
    if heap <= max_heap:
        return
    left = (limit.amount - heap) / limit.amount * 100
    if left <= 0:
        found = f"{setting.token} leaves 0 % of the {limit.text} limit for non-heap memory" + (
            " (the heap alone exceeds it)" if left < 0 else ""
        )
    else:
        found = f"{setting.token} leaves {_percent_text(left)} % of the {limit.text} limit for non-heap memory"
    whole_mib = (max_heap / _MI).to_integral_value(ROUND_DOWN) * _MI
    yield _finding(
        resource,
        f"{c.label} {setting.source}",
        found,
        f"at least {_number_text(non_heap)} % (≤ {memory_text(whole_mib)} heap)",
        _heap_fix(c, setting.source, max_heap, non_heap),
    )


# --- autoscaling ----------------------------------------------------------------------------------
def _check_max_replicas(
    resource: ResourceView,
    path: tuple[str, ...],
    cap: Decimal,
    fix: str,
    *,
    default: int | None = None,
    default_note: str = "",
) -> Iterator[Finding]:
    prop = wl.dotted(path)
    expected = f"at most {_number_text(cap)} replicas (maxReplicasCap)"
    value = resource.get(*path)
    if is_unknown(value):
        yield _unverifiable(resource, prop, "is unknown until apply", expected)
        return
    if is_absent(value):
        if default is None:
            yield _finding(resource, prop, "is unset", expected, fix)
        elif default > cap:
            yield _finding(resource, prop, f"is unset ({default_note} {default})", expected, fix)
        return
    number = as_number(value)
    if number is None:
        yield _finding(resource, prop, f"is {shown(value)}, not a number", expected, fix)
    elif Decimal(repr(number)) > cap:
        found = shown(value) if isinstance(value, str) else _number_text(Decimal(repr(number)))
        yield _finding(resource, prop, f"is {found}", expected, fix)


def _cap_fix(setting: str, cap: Decimal) -> str:
    return (
        f"set {setting}={_number_text(cap)} or lower, or raise maxReplicasCap in the policy config "
        "after a capacity review"
    )


# --- the check ------------------------------------------------------------------------------------
def check(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[Finding]:
    if resource.type in conv.K8S_HPA_TYPES:
        cap = _config_number(config, CAP_KEY, conv.DEFAULT_MAX_REPLICAS_CAP)
        yield from _check_max_replicas(resource, ("spec", "maxReplicas"), cap, _cap_fix("max_replicas", cap))
        return
    if resource.type == conv.KEDA_SCALED_OBJECT:
        cap = _config_number(config, CAP_KEY, conv.DEFAULT_MAX_REPLICAS_CAP)
        yield from _check_max_replicas(
            resource,
            ("spec", "maxReplicaCount"),
            cap,
            _cap_fix("maxReplicaCount", cap),
            default=KEDA_DEFAULT_MAX_REPLICAS,
            default_note="KEDA defaults to",
        )
        return
    if resource.type == conv.APPAUTOSCALING_TARGET:
        namespace = resource.get("serviceNamespace")
        if isinstance(namespace, str) and namespace.lower() == "ecs":
            cap = _config_number(config, CAP_KEY, conv.DEFAULT_MAX_REPLICAS_CAP)
            yield from _check_max_replicas(resource, ("maxCapacity",), cap, _cap_fix("max_capacity", cap))
        return
    if not wl.is_workload(resource.type):
        return
    non_heap = _config_number(config, NON_HEAP_KEY, conv.DEFAULT_NON_HEAP_PERCENT)
    scan = wl.containers(resource)
    for path in scan.unknown:
        yield _unverifiable(
            resource,
            path,
            "is unknown until apply",
            "containers with CPU and memory requests and a memory limit",
        )
    for c in scan.containers:
        if is_unknown(c.spec):
            yield _unverifiable(
                resource, c.label, "is unknown until apply", "CPU and memory requests and a memory limit"
            )
            continue
        if not isinstance(c.spec, dict):
            continue
        findings, limit = _check_ecs_resources(resource, c) if c.is_ecs else _check_k8s_resources(resource, c)
        yield from findings
        yield from _check_jvm(resource, c, limit, non_heap)


POLICY = PolicySpec(
    name="runtime-envelope",
    description="Containers set CPU/memory requests and a memory limit, JVM heaps leave non-heap room, "
    "autoscaling has a capped maximum.",
    blocks="containers without CPU/memory requests and memory limit; a JVM heap (`-Xmx`, `MaxRAMPercentage`) "
    "leaving no non-heap room under the container limit; autoscaling without a max",
    why="Requests are what the scheduler reserves and what you pay for; without them pods are packed blindly "
    "and cost cannot be attributed. Without a memory limit one pod can starve its node. A JVM uses memory "
    "beyond its heap (metaspace, thread stacks, direct buffers, code cache, GC, agents): '-Xmx = container "
    "limit' gets the pod OOM-killed while the heap looks fine. An autoscaler without a "
    "bounded maximum turns a traffic spike or a bug into an unbounded bill and exhausts database pools.",
    fix="Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on each container "
    "(ECS: cpu, memoryReservation, memory); size the heap at most (100 - nonHeapPercent) % of the limit, "
    "e.g. -Xmx768m under 1.5Gi or -XX:MaxRAMPercentage=75; set maxReplicas at most maxReplicasCap. "
    "finops_components.Service does all of this from the cost contract's runtimeEnvelope.",
    scope="resource",
    check=check,
    enforcement="mandatory",
    config={
        NON_HEAP_KEY: ConfigKey(
            {"type": "number", "minimum": 0, "maximum": 90, "default": conv.DEFAULT_NON_HEAP_PERCENT},
            "Share of the container memory limit (percent) a JVM heap must leave for non-heap memory.",
        ),
        CAP_KEY: ConfigKey(
            {"type": "integer", "minimum": 1, "default": conv.DEFAULT_MAX_REPLICAS_CAP},
            "Largest maxReplicas (HPA), maxReplicaCount (KEDA) or maxCapacity (ECS autoscaling) allowed.",
        ),
    },
)
