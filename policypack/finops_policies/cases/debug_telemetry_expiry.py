"""Cases of `debug-telemetry-expiry`: log levels and trace sampling, environments, debug-until dates,
Lambda and ECS, unknowns and waivers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseProvider, CaseResource, Expect, aws_provider, one
from finops_policies.cases.builders import AWS_UNKNOWN_DEFAULT_TAGS, K8S, day, pod_spec, waivers
from finops_policies.cases.builders import workload as k8s_workload
from finops_policies.policies import debug_telemetry_expiry as policy
from finops_policies.values import UNKNOWN_ARRAY, UNKNOWN_OBJECT, UNKNOWN_STRING

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
    metadata: dict[str, Any] = {"labels": labels}
    if annotations is not None:
        metadata["annotations"] = dict(annotations)
    container = {"name": "app", "image": "ghcr.io/acme/orders:1.0", "env": env, "resources": _ENVELOPE}
    template_metadata: dict[str, Any] = {"labels": template_labels}
    if template_annotations is not None:
        template_metadata["annotations"] = dict(template_annotations)
    spec = pod_spec(
        [container],
        [{"name": "migrate", "image": "ghcr.io/acme/migrate:1.0", "env": init_env}] if init_env is not None else None,
    )
    return (k8s_workload(kind, name, spec, metadata=metadata, template_metadata=template_metadata),)


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


def _until(n: int) -> dict[str, str]:
    return {conv.DEBUG_UNTIL_KEY: day(n)}


def _waiver(expires: str, ticket: str = "FIN-77", approved_by: str = "sre-lead") -> dict[str, Any]:
    return waivers(
        "orders-api", expires=expires, ticket=ticket, approved_by=approved_by, reason="incident 2291 investigation"
    )


_DEBUG = _env(LOG_LEVEL="debug")
_PROD_DEFAULT_TAGS = aws_provider(default_tags={"environment": "prod", "team": "payments"})
_DEV_DEFAULT_TAGS = aws_provider(default_tags={"environment": "dev", "team": "payments"})
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
        config={policy.DEV_ENVS_KEY: ["qa", "dev"]},
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
        config={policy.DEFAULT_ENV_KEY: "dev"},
    ),
    Case(
        "default-environment-prod",
        workload("orders-api", _DEBUG, environment=None),
        config={policy.DEFAULT_ENV_KEY: "prod"},
        violations=(Expect("orders-api", "in environment 'prod' (defaultEnvironment)"),),
    ),
    # -- expiry
    Case("expiry-on-workload", workload("orders-api", _DEBUG, annotations=_until(5))),
    Case("expiry-on-pod-template", workload("orders-api", _DEBUG, template_annotations=_until(5))),
    Case("expiry-today-still-counts", workload("orders-api", _DEBUG, annotations=_until(0))),
    Case(
        "expiry-passed",
        workload("orders-api", _DEBUG, annotations=_until(-3)),
        violations=(Expect("orders-api", f"and its finops.dev/debug-until expired on {day(-3)}"),),
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
        violations=(Expect("orders-api", f"finops.dev/debug-until {day(400)} is 400 days away"),),
    ),
    Case(
        "longer-debug-window-configured",
        workload("orders-api", _DEBUG, annotations=_until(60)),
        config={policy.MAX_DAYS_KEY: 90},
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
        _lambda("orders-fn", variables={"LOG_LEVEL": "debug"}, provider=AWS_UNKNOWN_DEFAULT_TAGS),
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
                provider=K8S,
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
    Case("waiver-valid", workload("orders-api", _DEBUG), config=_waiver(day(7)), waived=("orders-api",)),
    Case(
        "waiver-expired",
        workload("orders-api", _DEBUG),
        config=_waiver(day(-2)),
        violations=(Expect("orders-api", "not waived: waiver 'FIN-77' expired on"),),
    ),
    Case(
        "waiver-malformed",
        workload("orders-api", _DEBUG),
        config=_waiver("someday"),
        violations=(Expect("orders-api", "expires 'someday' is not a YYYY-MM-DD date"),),
    ),
)
