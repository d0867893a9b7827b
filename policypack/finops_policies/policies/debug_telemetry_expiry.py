"""Debug-level logging or 100 % trace sampling outside dev carries an expiry date that has not passed.

Reads the env of every container and init container of Kubernetes workloads (Deployment,
StatefulSet, DaemonSet, Job, CronJob, Pod) and ECS task definitions, and a Lambda function's env
and `loggingConfig`. The environment comes from the `environment` label/tag of the resource, then
its pod template, then the provider's default tags, then the `defaultEnvironment` config. The
expiry is `finops.dev/debug-until: YYYY-MM-DD`, an annotation or label on the workload or its pod
template, or a tag on an AWS resource; it must lie between today and `maxDebugDays` ahead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from finops_policies import conventions as conv
from finops_policies.clock import today
from finops_policies.debug_window import (
    debug_window_state,
    is_debug_level,
    is_dev_environment,
    is_full_sampling,
    parse_debug_until,
    suggested_debug_until,
)
from finops_policies.findings import Finding
from finops_policies.resources import ResourceView
from finops_policies.spec import ConfigKey, PolicySpec
from finops_policies.values import (
    MISSING,
    UNKNOWN,
    as_number,
    is_absent,
    is_unknown,
    lookup,
    shown,
)

from . import _workloads as wl

DEFAULT_ENV_KEY: Final = "defaultEnvironment"
DEV_ENVS_KEY: Final = "devEnvironments"
MAX_DAYS_KEY: Final = "maxDebugDays"

#: OpenTelemetry samplers that keep every trace, and those that read a ratio from the argument.
FULL_SAMPLERS: Final = frozenset({"always_on", "parentbased_always_on"})
RATIO_SAMPLERS: Final = frozenset({"traceidratio", "parentbased_traceidratio"})
OTEL_SAMPLER_ARG: Final = conv.TRACE_SAMPLING_ENV_NAMES[0]
#: Lambda's own log levels that are debug telemetry (application: TRACE..FATAL; system: DEBUG..WARN).
LAMBDA_DEBUG_LEVELS: Final = frozenset({"TRACE", "DEBUG"})
DEBUG_LOGGING: Final = "debug logging"
FULL_SAMPLING: Final = "100 % trace sampling"


@dataclass(frozen=True)
class Signal:
    """One setting that turns on debug telemetry (or may: `value` is UNKNOWN)."""

    property: str
    value: Any
    what: str
    #: how to turn it off, for the fix
    reset: str


def env_signals(prefix: str, env: wl.Env) -> list[Signal]:
    """Debug logging and full trace sampling switched on by environment variables."""
    signals: list[Signal] = []
    where = f"{prefix} env " if prefix else "env "
    for name, value in env.find(conv.LOG_LEVEL_ENV_NAMES):
        if is_unknown(value) or (isinstance(value, str) and is_debug_level(value)):
            signals.append(Signal(where + name, value, DEBUG_LOGGING, f"set {name}=info"))
    sampler: Any = MISSING
    for name, value in env.find((conv.OTEL_TRACES_SAMPLER_ENV,)):
        sampler = value
        if is_unknown(value) or (isinstance(value, str) and value.strip().lower() in FULL_SAMPLERS):
            reset = f"set {name}=parentbased_traceidratio with {OTEL_SAMPLER_ARG}=0.1"
            signals.append(Signal(where + name, value, FULL_SAMPLING, reset))
    ratio_sampler = isinstance(sampler, str) and sampler.strip().lower() in RATIO_SAMPLERS
    for name, value in env.find(conv.TRACE_SAMPLING_ENV_NAMES):
        if name.upper() == OTEL_SAMPLER_ARG and not ratio_sampler:
            continue  # only the ratio samplers read it as a ratio (an unknown sampler is reported)
        number = as_number(value)
        if is_unknown(value) or (number is not None and is_full_sampling(number)):
            signals.append(Signal(where + name, value, FULL_SAMPLING, f"set {name}=0.1"))
    if env.opaque:
        signals.append(Signal(where.strip(), UNKNOWN, DEBUG_LOGGING, "set the log level to info"))
    return signals


def _lambda_signals(resource: ResourceView) -> list[Signal]:
    environment = resource.get("environment")
    env = wl.Env(opaque=True) if is_unknown(environment) else wl.env_from(lookup(environment, "variables"))
    signals = env_signals("", env)
    logging = resource.get("loggingConfig")
    if is_unknown(logging):
        return [*signals, Signal("loggingConfig", UNKNOWN, DEBUG_LOGGING, "set the log levels to INFO")]
    for key, python_name in (
        ("applicationLogLevel", "application_log_level"),
        ("systemLogLevel", "system_log_level"),
    ):
        level = lookup(logging, key)
        if is_unknown(level) or (isinstance(level, str) and level.strip().upper() in LAMBDA_DEBUG_LEVELS):
            signals.append(
                Signal(f"loggingConfig.{key}", level, DEBUG_LOGGING, f"set logging_config.{python_name}='INFO'")
            )
    return signals


def signals_of(resource: ResourceView) -> list[Signal]:
    if resource.type == conv.LAMBDA_FUNCTION:
        return _lambda_signals(resource)
    scan = wl.containers(resource)
    signals = [Signal(path, UNKNOWN, DEBUG_LOGGING, "set the log level to info") for path in scan.unknown]
    for c in scan.containers:
        if is_unknown(c.spec):
            signals.append(Signal(c.label, UNKNOWN, DEBUG_LOGGING, "set the log level to info"))
        elif isinstance(c.spec, dict):
            signals.extend(env_signals(c.label, wl.container_env(c)))
    return signals


# --- environment and expiry ---------------------------------------------------------------------
def _key(mapping: Any, key: str) -> Any:
    """`mapping[key]`, matching the key case-insensitively (tags are often `Environment`)."""
    if is_unknown(mapping):
        return UNKNOWN
    if not isinstance(mapping, dict):
        return MISSING
    if key in mapping:
        return mapping[key]
    for name, value in mapping.items():
        if name.lower() == key.lower():
            return value
    return MISSING


@dataclass(frozen=True)
class Environment:
    """The resource's environment: a name, UNKNOWN, or "" when nothing says; `source` says where from."""

    name: Any
    source: str

    def text(self) -> str:
        if is_unknown(self.name):
            return f"an environment unknown until apply ({self.source})"
        if not self.name:
            return "an environment not known to be dev (no 'environment' label or tag, no defaultEnvironment)"
        suffix = f" ({self.source})" if self.source in {DEFAULT_ENV_KEY, "provider default tags"} else ""
        return f"environment {shown(self.name)}{suffix}"


def environment_of(resource: ResourceView, config: Mapping[str, Any]) -> Environment:
    places: list[tuple[Any, str]]
    if wl.is_kubernetes_workload(resource.type):
        places = [
            (wl.metadata_labels(resource), "metadata.labels"),
            (wl.template_labels(resource), "pod template labels"),
        ]
    else:
        defaults = resource.provider.default_tags if resource.provider is not None else {}
        places = [(wl.resource_tags(resource), "tags"), (defaults, "provider default tags")]
    for mapping, source in places:
        value = _key(mapping, conv.ENVIRONMENT_KEY)
        if is_unknown(value):
            return Environment(UNKNOWN, source)
        if isinstance(value, str) and value.strip():
            return Environment(value.strip(), source)
    default = config.get(DEFAULT_ENV_KEY)
    if isinstance(default, str) and default.strip():
        return Environment(default.strip(), DEFAULT_ENV_KEY)
    return Environment("", "")


def _dev_environments(config: Mapping[str, Any]) -> frozenset[str]:
    names = config.get(DEV_ENVS_KEY)
    if not isinstance(names, list):
        return conv.DEV_ENVIRONMENTS
    return frozenset(n.strip() for n in names if isinstance(n, str))


@dataclass(frozen=True)
class Expiry:
    """The debug-until date: `state` is ok, missing, unknown, malformed, expired or too-far."""

    state: str
    value: Any = MISSING
    where: str = ""
    days_ahead: int = 0


def expiry_of(resource: ResourceView, on: dt.date, max_days: int) -> Expiry:
    if wl.is_kubernetes_workload(resource.type):
        places = [
            (wl.metadata_annotations(resource), "metadata.annotations"),
            (wl.metadata_labels(resource), "metadata.labels"),
            (wl.template_annotations(resource), "pod template annotations"),
            (wl.template_labels(resource), "pod template labels"),
        ]
    else:
        places = [(wl.resource_tags(resource), "tags")]
    unknown_place = ""
    for mapping, where in places:
        if is_unknown(mapping):
            unknown_place = unknown_place or where
            continue
        value = mapping.get(conv.DEBUG_UNTIL_KEY, MISSING) if isinstance(mapping, dict) else MISSING
        if is_unknown(value):
            return Expiry("unknown", UNKNOWN, where)
        if not is_absent(value):
            return _judge_expiry(value, where, on, max_days)
    if unknown_place:
        return Expiry("unknown", UNKNOWN, unknown_place)
    return Expiry("missing")


def _judge_expiry(value: Any, where: str, on: dt.date, max_days: int) -> Expiry:
    until = parse_debug_until(value)
    if until is None:
        return Expiry("malformed", value, where)
    return Expiry(debug_window_state(until, on, max_days), value, where, (until - on).days)


def _expiry_text(expiry: Expiry) -> str:
    key = conv.DEBUG_UNTIL_KEY
    if expiry.state == "missing":
        return f"with no {key} date"
    if expiry.state == "malformed":
        return f"and its {key} {shown(expiry.value)} is not a valid YYYY-MM-DD date"
    if expiry.state == "expired":
        return f"and its {key} expired on {expiry.value.strip()}"
    if expiry.state == "too-far":
        return f"and its {key} {expiry.value.strip()} is {expiry.days_ahead} days away"
    return f"and its {key} is unknown until apply"


# --- the check ------------------------------------------------------------------------------------
def _max_days(config: Mapping[str, Any]) -> int:
    number = as_number(config.get(MAX_DAYS_KEY))
    return int(number) if number is not None and number >= 1 else conv.DEFAULT_MAX_DEBUG_DAYS


def _fix(resource: ResourceView, signal: Signal, on: dt.date, max_days: int) -> str:
    until = suggested_debug_until(on, max_days).isoformat()
    entry = f'{{"{conv.DEBUG_UNTIL_KEY}": "{until}"}}'
    if wl.is_kubernetes_workload(resource.type):
        return f"add metadata.annotations={entry} to the {resource.type.rsplit(':', 1)[-1]}, or {signal.reset}"
    return f"add tags={entry}, or {signal.reset}"


def check(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[Finding]:
    if not (wl.is_workload(resource.type) or resource.type == conv.LAMBDA_FUNCTION):
        return
    signals = signals_of(resource)
    if not signals:
        return
    env = environment_of(resource, config)
    if isinstance(env.name, str) and is_dev_environment(env.name, _dev_environments(config)):
        return
    on = today()
    max_days = _max_days(config)
    expiry = expiry_of(resource, on, max_days)
    if expiry.state == "ok":
        return
    expected = (
        f"a {conv.DEBUG_UNTIL_KEY}: YYYY-MM-DD date at most {max_days} days ahead, or no debug telemetry outside dev"
    )
    for s in signals:
        urn, type_, name = resource.urn, resource.type, resource.name
        if is_unknown(s.value):
            found = f"is unknown until apply and may turn on {s.what} in {env.text()}"
            yield Finding(urn, type_, name, s.property, found, expected, "", unverifiable=True)
            continue
        setting = f"is {shown(s.value)} ({s.what})"
        if is_unknown(env.name):
            yield Finding(urn, type_, name, s.property, f"{setting} in {env.text()}", expected, "", unverifiable=True)
        elif expiry.state == "unknown":
            yield Finding(
                urn,
                type_,
                name,
                s.property,
                f"{setting} in {env.text()} {_expiry_text(expiry)}",
                expected,
                "",
                unverifiable=True,
            )
        else:
            yield Finding(
                urn,
                type_,
                name,
                s.property,
                f"{setting} in {env.text()} {_expiry_text(expiry)}",
                expected,
                _fix(resource, s, on, max_days),
            )


POLICY = PolicySpec(
    name="debug-telemetry-expiry",
    description="Debug logging or 100 % trace sampling outside dev carries a finops.dev/debug-until date "
    "that has not passed.",
    blocks="debug-level logging or 100 % trace sampling in a non-dev environment without an expiry date",
    why="Debug logs and full trace sampling multiply telemetry volume (ingestion, storage, indexing) for "
    "every request; turned on to chase an incident, they are rarely turned off. Telemetry cost should "
    "follow business value: outside dev, debug telemetry is an exception with an end date.",
    fix="Set LOG_LEVEL (or LOGGING_LEVEL_ROOT, RUST_LOG, Lambda loggingConfig) to info and sample a ratio of "
    "traces (OTEL_TRACES_SAMPLER=parentbased_traceidratio, OTEL_TRACES_SAMPLER_ARG=0.1); to debug for a "
    "while, annotate the workload (or tag the AWS resource) finops.dev/debug-until: YYYY-MM-DD at most "
    "maxDebugDays ahead.",
    scope="resource",
    check=check,
    enforcement="advisory",
    config={
        DEFAULT_ENV_KEY: ConfigKey(
            {"type": "string", "default": ""},
            "Environment of resources with no 'environment' label or tag; empty: unknown, judged as not dev.",
        ),
        DEV_ENVS_KEY: ConfigKey(
            {"type": "array", "items": {"type": "string"}, "default": sorted(conv.DEV_ENVIRONMENTS)},
            "Environment names (case-insensitive) where debug telemetry needs no expiry.",
        ),
        MAX_DAYS_KEY: ConfigKey(
            {"type": "integer", "minimum": 1, "default": conv.DEFAULT_MAX_DEBUG_DAYS},
            "How many days ahead a finops.dev/debug-until date may lie.",
        ),
    },
)
