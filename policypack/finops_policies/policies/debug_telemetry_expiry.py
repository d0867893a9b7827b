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
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseProvider, CaseResource, Expect, aws_provider, k8s_provider, one
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
    UNKNOWN_ARRAY,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
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


# --- documentation, examples and cases ---------------------------------------------------------------
BAD_EXAMPLE = '''"""Debug logging and every trace kept in production, with no end date."""
import pulumi_kubernetes as k8s

labels = {"app": "orders-api", "service": "orders", "team": "payments", "domain": "checkout",
          "environment": "prod"}
k8s.apps.v1.Deployment(
    "orders-api",
    metadata={"labels": labels},
    spec={
        "selector": {"match_labels": {"app": "orders-api"}},
        "template": {
            "metadata": {"labels": labels},
            "spec": {
                "containers": [{
                    "name": "app",
                    "image": "ghcr.io/acme/orders-api:1.4.2",
                    "env": [
                        {"name": "LOG_LEVEL", "value": "debug"},
                        {"name": "OTEL_TRACES_SAMPLER", "value": "always_on"},
                    ],
                    "resources": {"requests": {"cpu": "500m", "memory": "1280Mi"},
                                  "limits": {"memory": "1536Mi"}},
                }],
            },
        },
    },
)
'''

GOOD_EXAMPLE = '''"""Production logs at info and samples 10 % of traces; dev may debug freely.

To debug in production for a while, annotate the Deployment with an end date, e.g.
metadata={"annotations": {"finops.dev/debug-until": "2025-07-01"}, ...}, and remove it afterwards.
"""
import pulumi_kubernetes as k8s


def service(name: str, environment: str, env: list[dict[str, str]]) -> k8s.apps.v1.Deployment:
    labels = {"app": name, "service": "orders", "team": "payments", "domain": "checkout",
              "environment": environment}
    return k8s.apps.v1.Deployment(
        name,
        metadata={"labels": labels},
        spec={
            "selector": {"match_labels": {"app": name}},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [{
                        "name": "app",
                        "image": "ghcr.io/acme/orders-api:1.4.2",
                        "env": env,
                        "resources": {"requests": {"cpu": "500m", "memory": "1280Mi"},
                                      "limits": {"memory": "1536Mi"}},
                    }],
                },
            },
        },
    )


service("orders-api", "prod", [
    {"name": "LOG_LEVEL", "value": "info"},
    {"name": "OTEL_TRACES_SAMPLER", "value": "parentbased_traceidratio"},
    {"name": "OTEL_TRACES_SAMPLER_ARG", "value": "0.1"},
])
service("orders-api-dev", "dev", [{"name": "LOG_LEVEL", "value": "debug"}])
'''

_K8S = k8s_provider()
_ENVELOPE: Final = {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}


def _env(**variables: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name, value in variables.items():
        if isinstance(value, dict):
            out.append({"name": name, "valueFrom": value})
        else:
            out.append({"name": name, "value": value})
    return out


def workload(
    name: str,
    env: Any,
    *,
    environment: Any = "prod",
    annotations: Mapping[str, Any] | None = None,
    template_annotations: Mapping[str, Any] | None = None,
    template_environment: Any = None,
    kind: str = conv.K8S_DEPLOYMENT,
    init_env: Any = None,
) -> tuple[CaseResource, ...]:
    """A Kubernetes workload with one container whose env is `env`."""
    labels: dict[str, Any] = {"app": name}
    if environment is not None:
        labels[conv.ENVIRONMENT_KEY] = environment
    template_labels: dict[str, Any] = {"app": name}
    if template_environment is not None:
        template_labels[conv.ENVIRONMENT_KEY] = template_environment
    metadata: dict[str, Any] = {"name": name, "labels": labels}
    if annotations is not None:
        metadata["annotations"] = dict(annotations)
    container = {"name": "app", "image": "ghcr.io/acme/orders:1.0", "env": env, "resources": _ENVELOPE}
    pod_spec: dict[str, Any] = {"containers": [container]}
    if init_env is not None:
        pod_spec["initContainers"] = [{"name": "migrate", "image": "ghcr.io/acme/migrate:1.0", "env": init_env}]
    template_metadata: dict[str, Any] = {"labels": template_labels}
    if template_annotations is not None:
        template_metadata["annotations"] = dict(template_annotations)
    template = {"metadata": template_metadata, "spec": pod_spec}
    if kind == conv.K8S_POD:
        props: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": pod_spec}
    elif kind == conv.K8S_CRONJOB:
        props = {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": metadata,
            "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": template}}},
        }
    else:
        props = {
            "apiVersion": "apps/v1",
            "kind": kind.rsplit(":", 1)[-1],
            "metadata": metadata,
            "spec": {"selector": {"matchLabels": {"app": name}}, "template": template},
        }
    return one(kind, name, props, provider=_K8S)


def _lambda(
    name: str,
    *,
    variables: Any = None,
    logging: Any = None,
    tags: Any = None,
    provider: CaseProvider | None = None,
) -> tuple[CaseResource, ...]:
    props: dict[str, Any] = {
        "runtime": "python3.12",
        "handler": "app.handler",
        "role": "arn:aws:iam::1:role/x",
    }
    if variables is not None:
        props["environment"] = {"variables": variables}
    if logging is not None:
        props["loggingConfig"] = logging
    if tags is not None:
        props["tags"] = tags
    return one(conv.LAMBDA_FUNCTION, name, props, provider=provider or aws_provider())


def _task(name: str, environment: list[dict[str, str]], tags: Any) -> tuple[CaseResource, ...]:
    definitions = [{"name": "app", "image": "orders:1", "cpu": 256, "memory": 512, "environment": environment}]
    return one(
        conv.ECS_TASK_DEFINITION,
        name,
        {"family": name, "containerDefinitions": json.dumps(definitions), "tags": tags},
        provider=aws_provider(),
    )


def _days(n: int) -> str:
    return (today() + dt.timedelta(days=n)).isoformat()


def _until(n: int) -> dict[str, str]:
    return {conv.DEBUG_UNTIL_KEY: _days(n)}


def _waiver(expires: str, ticket: str = "FIN-77", approved_by: str = "sre-lead") -> dict[str, Any]:
    return {
        "waivers": [
            {
                "resources": ["orders-api"],
                "ticket": ticket,
                "reason": "incident 2291 investigation",
                "approvedBy": approved_by,
                "expires": expires,
            }
        ]
    }


_DEBUG = _env(LOG_LEVEL="debug")
_PROD_DEFAULT_TAGS = aws_provider(default_tags={"environment": "prod", "team": "payments"})
_DEV_DEFAULT_TAGS = aws_provider(default_tags={"environment": "dev", "team": "payments"})
_UNKNOWN_DEFAULT_TAGS = CaseProvider(
    "pulumi:providers:aws", "default_7_51_1", {"region": "us-east-1", "defaultTags": UNKNOWN_STRING}
)
_CONFIGMAP_REF: Final = {"configMapKeyRef": {"name": "orders-config", "key": "log-level"}}

CASES: tuple[Case, ...] = (
    # -- log levels
    Case("prod-info-logging", workload("orders-api", _env(LOG_LEVEL="info", DB_HOST="db.internal"))),
    Case(
        "prod-debug-without-expiry",
        workload("orders-api", _DEBUG),
        violations=(
            Expect(
                "orders-api",
                "Deployment 'orders-api': containers[0] 'app' env LOG_LEVEL is 'debug' "
                "(debug logging) in environment 'prod' with no finops.dev/debug-until "
                "date; expected a finops.dev/debug-until: YYYY-MM-DD date at most 30 "
                "days ahead",
            ),
        ),
    ),
    Case(
        "trace-level-any-case",
        workload("orders-api", _env(LOG_LEVEL="TRACE")),
        violations=(Expect("orders-api", "env LOG_LEVEL is 'TRACE' (debug logging)"),),
    ),
    Case(
        "spring-root-level-all",
        workload("orders-api", _env(LOGGING_LEVEL_ROOT="ALL")),
        violations=(Expect("orders-api", "env LOGGING_LEVEL_ROOT is 'ALL'"),),
    ),
    Case(
        "rust-log-directive",
        workload("orders-api", _env(RUST_LOG="info,orders=debug")),
        violations=(Expect("orders-api", "env RUST_LOG is 'info,orders=debug'"),),
    ),
    Case("rust-log-info", workload("orders-api", _env(RUST_LOG="warn,orders=info"))),
    Case(
        "lowercase-variable-name",
        workload("orders-api", _env(log_level="debug")),
        violations=(Expect("orders-api", "env log_level is 'debug'"),),
    ),
    Case(
        "init-container-checked",
        workload("orders-api", _env(LOG_LEVEL="info"), init_env=_DEBUG),
        violations=(Expect("orders-api", "initContainers[0] 'migrate' env LOG_LEVEL is 'debug'"),),
    ),
    Case(
        "cronjob-checked",
        workload("nightly-report", _DEBUG, kind=conv.K8S_CRONJOB),
        violations=(Expect("nightly-report", "CronJob 'nightly-report': containers[0] 'app' env LOG_LEVEL"),),
    ),
    Case(
        "pod-checked",
        workload("debug-pod", _DEBUG, kind=conv.K8S_POD),
        violations=(Expect("debug-pod", "Pod 'debug-pod': containers[0] 'app' env LOG_LEVEL"),),
    ),
    # -- trace sampling
    Case(
        "otel-always-on",
        workload("orders-api", _env(OTEL_TRACES_SAMPLER="always_on")),
        violations=(Expect("orders-api", "env OTEL_TRACES_SAMPLER is 'always_on' (100 % trace sampling)"),),
    ),
    Case(
        "otel-parentbased-always-on",
        workload("orders-api", _env(OTEL_TRACES_SAMPLER="parentbased_always_on")),
        violations=(Expect("orders-api", "OTEL_TRACES_SAMPLER is 'parentbased_always_on'"),),
    ),
    Case(
        "otel-ratio-one",
        workload("orders-api", _env(OTEL_TRACES_SAMPLER="traceidratio", OTEL_TRACES_SAMPLER_ARG="1")),
        violations=(Expect("orders-api", "env OTEL_TRACES_SAMPLER_ARG is '1' (100 % trace sampling)"),),
    ),
    Case(
        "otel-ratio-one-point-zero",
        workload("orders-api", _env(OTEL_TRACES_SAMPLER="parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG="1.0")),
        violations=(Expect("orders-api", "OTEL_TRACES_SAMPLER_ARG is '1.0'"),),
    ),
    Case(
        "otel-ratio-tenth",
        workload("orders-api", _env(OTEL_TRACES_SAMPLER="parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG="0.1")),
    ),
    Case(
        "otel-argument-without-ratio-sampler",
        workload("orders-api", _env(OTEL_TRACES_SAMPLER="jaeger_remote", OTEL_TRACES_SAMPLER_ARG="1")),
    ),
    Case(
        "traces-sample-rate-one",
        workload("orders-api", _env(TRACES_SAMPLE_RATE="1.0")),
        violations=(Expect("orders-api", "env TRACES_SAMPLE_RATE is '1.0' (100 % trace sampling)"),),
    ),
    # -- environments
    Case("dev-may-debug", workload("orders-api", _DEBUG, environment="dev")),
    Case("dev-names-any-case", workload("orders-api", _DEBUG, environment="Sandbox")),
    Case(
        "configured-dev-environments",
        workload("orders-api", _DEBUG, environment="qa"),
        config={DEV_ENVS_KEY: ["qa", "dev"]},
    ),
    Case(
        "staging-is-not-dev",
        workload("orders-api", _DEBUG, environment="staging"),
        violations=(Expect("orders-api", "in environment 'staging'"),),
    ),
    Case(
        "environment-from-pod-template",
        workload("orders-api", _DEBUG, environment=None, template_environment="dev"),
    ),
    Case(
        "no-environment-is-not-dev",
        workload("orders-api", _DEBUG, environment=None),
        violations=(Expect("orders-api", "in an environment not known to be dev"),),
    ),
    Case(
        "default-environment-dev",
        workload("orders-api", _DEBUG, environment=None),
        config={DEFAULT_ENV_KEY: "dev"},
    ),
    Case(
        "default-environment-prod",
        workload("orders-api", _DEBUG, environment=None),
        config={DEFAULT_ENV_KEY: "prod"},
        violations=(Expect("orders-api", "in environment 'prod' (defaultEnvironment)"),),
    ),
    # -- expiry
    Case("expiry-on-workload", workload("orders-api", _DEBUG, annotations=_until(5))),
    Case("expiry-on-pod-template", workload("orders-api", _DEBUG, template_annotations=_until(5))),
    Case("expiry-today-still-counts", workload("orders-api", _DEBUG, annotations=_until(0))),
    Case(
        "expiry-passed",
        workload("orders-api", _DEBUG, annotations=_until(-3)),
        violations=(Expect("orders-api", f"and its finops.dev/debug-until expired on {_days(-3)}"),),
    ),
    Case(
        "expiry-malformed",
        workload("orders-api", _DEBUG, annotations={conv.DEBUG_UNTIL_KEY: "next week"}),
        violations=(Expect("orders-api", "finops.dev/debug-until 'next week' is not a valid YYYY-MM-DD date"),),
    ),
    Case(
        "expiry-not-a-calendar-date",
        workload("orders-api", _DEBUG, annotations={conv.DEBUG_UNTIL_KEY: "2030-02-30"}),
        violations=(Expect("orders-api", "'2030-02-30' is not a valid YYYY-MM-DD date"),),
    ),
    Case(
        "expiry-too-far-ahead",
        workload("orders-api", _DEBUG, annotations=_until(400)),
        violations=(Expect("orders-api", f"finops.dev/debug-until {_days(400)} is 400 days away"),),
    ),
    Case(
        "longer-debug-window-configured",
        workload("orders-api", _DEBUG, annotations=_until(60)),
        config={MAX_DAYS_KEY: 90},
    ),
    # -- ECS and Lambda
    Case(
        "ecs-debug-in-prod",
        _task("orders-task", _DEBUG, {"environment": "prod"}),
        violations=(
            Expect(
                "orders-task",
                "TaskDefinition 'orders-task': containerDefinitions[0] 'app' env LOG_LEVEL is 'debug'",
            ),
        ),
    ),
    Case("ecs-debug-with-expiry-tag", _task("orders-task", _DEBUG, {"environment": "prod", **_until(3)})),
    Case(
        "lambda-application-log-level",
        _lambda(
            "orders-fn",
            logging={"logFormat": "JSON", "applicationLogLevel": "DEBUG"},
            provider=_PROD_DEFAULT_TAGS,
        ),
        violations=(
            Expect(
                "orders-fn",
                "Function 'orders-fn': loggingConfig.applicationLogLevel is 'DEBUG' "
                "(debug logging) in environment 'prod' (provider default tags)",
            ),
        ),
    ),
    Case(
        "lambda-system-log-level",
        _lambda("orders-fn", logging={"logFormat": "JSON", "systemLogLevel": "DEBUG"}, tags={"Environment": "prd"}),
        violations=(Expect("orders-fn", "loggingConfig.systemLogLevel is 'DEBUG'"),),
    ),
    Case(
        "lambda-env-log-level",
        _lambda("orders-fn", variables={"LOG_LEVEL": "debug"}, provider=_PROD_DEFAULT_TAGS),
        violations=(Expect("orders-fn", "env LOG_LEVEL is 'debug'"),),
    ),
    Case(
        "lambda-dev-default-tags",
        _lambda("orders-fn", variables={"LOG_LEVEL": "debug"}, provider=_DEV_DEFAULT_TAGS),
    ),
    Case(
        "lambda-resource-tag-beats-default-tags",
        _lambda(
            "orders-fn",
            variables={"LOG_LEVEL": "debug"},
            tags={"environment": "prod"},
            provider=_DEV_DEFAULT_TAGS,
        ),
        violations=(Expect("orders-fn", "in environment 'prod'"),),
    ),
    Case(
        "lambda-info",
        _lambda(
            "orders-fn",
            logging={"logFormat": "JSON", "applicationLogLevel": "INFO"},
            variables={"LOG_LEVEL": "info"},
            provider=_PROD_DEFAULT_TAGS,
        ),
    ),
    # -- unknown values
    Case(
        "log-level-from-configmap",
        workload("orders-api", _env(LOG_LEVEL=_CONFIGMAP_REF)),
        unverifiable=("orders-api",),
    ),
    Case(
        "log-level-from-configmap-in-dev",
        workload("orders-api", _env(LOG_LEVEL=_CONFIGMAP_REF), environment="dev"),
    ),
    Case(
        "log-level-unknown",
        workload("orders-api", _env(LOG_LEVEL=UNKNOWN_STRING)),
        unverifiable=("orders-api",),
    ),
    Case("env-list-unknown", workload("orders-api", UNKNOWN_ARRAY), unverifiable=("orders-api",)),
    Case(
        "environment-label-unknown",
        workload("orders-api", _DEBUG, environment=UNKNOWN_STRING),
        unverifiable=("orders-api",),
    ),
    Case(
        "expiry-unknown",
        workload("orders-api", _DEBUG, annotations={conv.DEBUG_UNTIL_KEY: UNKNOWN_STRING}),
        unverifiable=("orders-api",),
    ),
    Case(
        "lambda-logging-config-unknown",
        _lambda("orders-fn", logging=UNKNOWN_OBJECT, provider=_PROD_DEFAULT_TAGS),
        unverifiable=("orders-fn",),
    ),
    Case(
        "lambda-default-tags-unknown",
        _lambda("orders-fn", variables={"LOG_LEVEL": "debug"}, provider=_UNKNOWN_DEFAULT_TAGS),
        unverifiable=("orders-fn",),
    ),
    # -- secrets, scope, robustness
    Case(
        "secret-values-never-shown",
        workload(
            "orders-api",
            _env(
                DB_PASSWORD="correct-horse-battery-staple",
                LOG_LEVEL="debug",
                API_TOKEN={"secretKeyRef": {"name": "api", "key": "token"}},
            ),
        ),
        violations=(Expect("orders-api", "env LOG_LEVEL is 'debug'"),),
        never_shown=("correct-horse-battery-staple", "DB_PASSWORD"),
    ),
    Case(
        "other-resources-ignored",
        (
            *one(
                conv.K8S_SERVICE,
                "orders-api",
                {"metadata": {"labels": {"LOG_LEVEL": "debug"}}},
                provider=_K8S,
            ),
            *one(conv.LOG_GROUP, "orders-logs", {"tags": {"LOG_LEVEL": "debug"}}),
        ),
    ),
    Case(
        "odd-shapes-never-crash",
        (
            *one(conv.K8S_DEPLOYMENT, "odd-a", {"spec": {"template": {"spec": {"containers": [{"env": "x"}]}}}}),
            *one(conv.K8S_DEPLOYMENT, "odd-b", {"metadata": {"labels": ["environment"]}, "spec": 3.0}),
            *workload("odd-c", [None, {"name": 5.0, "value": "debug"}, {"value": "debug"}]),
            *workload("odd-d", _DEBUG, annotations={conv.DEBUG_UNTIL_KEY: 20300101.0}),
            *_lambda("odd-e", variables=["LOG_LEVEL=debug"], logging="DEBUG", tags="prod"),
        ),
        violations=(Expect("odd-d", "finops.dev/debug-until 20300101.0 is not a valid YYYY-MM-DD date"),),
    ),
    # -- waivers
    Case("waiver-valid", workload("orders-api", _DEBUG), config=_waiver(_days(7)), waived=("orders-api",)),
    Case(
        "waiver-expired",
        workload("orders-api", _DEBUG),
        config=_waiver(_days(-2)),
        violations=(Expect("orders-api", "not waived: waiver 'FIN-77' expired on"),),
    ),
    Case(
        "waiver-malformed",
        workload("orders-api", _DEBUG),
        config=_waiver("someday"),
        violations=(Expect("orders-api", "expires 'someday' is not a YYYY-MM-DD date"),),
    ),
)

POLICY = PolicySpec(
    name="debug-telemetry-expiry",
    description="Debug logging or 100 % trace sampling outside dev carries a finops.dev/debug-until date "
    "that has not passed.",
    blocks="debug-level logging or 100 % trace sampling in a non-dev environment without an expiry date",
    why="Debug logs and full trace sampling multiply telemetry volume (ingestion, storage, indexing) for "
    "every request; turned on to chase an incident, they are rarely turned off. Telemetry cost should "
    "follow business value (seed 002 §4): outside dev, debug telemetry is an exception with an end date.",
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
    bad_example=BAD_EXAMPLE,
    good_example=GOOD_EXAMPLE,
    cases=CASES,
)
