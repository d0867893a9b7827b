"""debug-telemetry-expiry beyond its cases: a pinned "today", the signal rules, secrets, odd input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from finops_policies import conventions as conv
from finops_policies.cases import Case, aws_provider, k8s_provider, one, urn_of
from finops_policies.clock import TODAY_ENV
from finops_policies.harness import run_case
from finops_policies.policies import _workloads as wl
from finops_policies.policies import debug_telemetry_expiry as debug
from finops_policies.resources import ProviderView, ResourceView
from finops_policies.values import UNKNOWN, UNKNOWN_ARRAY, UNKNOWN_OBJECT, UNKNOWN_STRING
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

POLICY = debug.POLICY
CONFIG = POLICY.effective_config(None)


def deployment(
    env: list[dict[str, Any]], *, environment: str | None = "prod", annotations: dict[str, Any] | None = None
) -> ResourceView:
    labels = {"environment": environment} if environment is not None else {}
    props = {
        "metadata": {"labels": labels, "annotations": annotations or {}},
        "spec": {"template": {"spec": {"containers": [{"name": "app", "env": env}]}}},
    }
    return ResourceView(conv.K8S_DEPLOYMENT, "orders-api", urn_of(conv.K8S_DEPLOYMENT, "orders-api"), props)


def findings(resource: ResourceView, config: dict[str, Any] | None = None) -> list[Any]:
    return list(debug.check(resource, {**CONFIG, **(config or {})}))


DEBUG = [{"name": "LOG_LEVEL", "value": "debug"}]


@pytest.mark.parametrize(
    ("value", "debug_on"),
    [
        ("debug", True),
        ("DEBUG", True),
        ("Trace", True),
        ("all", True),
        ("info,orders=debug", True),
        ("orders::db=trace", True),
        ("info", False),
        ("warn,orders=info", False),
        ("", False),
        ("debugger", False),
        ("verbose", False),
    ],
)
def test_debug_levels(value, debug_on):
    assert debug.is_debug_level(value) is debug_on


@pytest.mark.parametrize(
    ("env", "kinds"),
    [
        ({"OTEL_TRACES_SAMPLER": "always_on"}, ["100 % trace sampling"]),
        ({"OTEL_TRACES_SAMPLER": "ALWAYS_ON"}, ["100 % trace sampling"]),
        ({"OTEL_TRACES_SAMPLER": "always_off"}, []),
        ({"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1"}, ["100 % trace sampling"]),
        ({"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25"}, []),
        ({"OTEL_TRACES_SAMPLER_ARG": "1.0"}, []),
        (
            {"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": UNKNOWN},
            ["100 % trace sampling"],
        ),
        ({"TRACE_SAMPLING_RATE": "1"}, ["100 % trace sampling"]),
        ({"TRACE_SAMPLING_RATE": "0.05"}, []),
        ({"TRACE_SAMPLING_RATE": "not-a-number"}, []),
        (
            {"LOG_LEVEL": "debug", "OTEL_TRACES_SAMPLER": "always_on"},
            ["debug logging", "100 % trace sampling"],
        ),
    ],
)
def test_env_signals(env, kinds):
    assert [s.what for s in debug.env_signals("containers[0]", wl.Env(env))] == kinds


def test_unknown_sampler_is_reported_once_not_per_argument():
    env = wl.Env({"OTEL_TRACES_SAMPLER": UNKNOWN, "OTEL_TRACES_SAMPLER_ARG": "1"})
    assert [s.property for s in debug.env_signals("c", env)] == ["c env OTEL_TRACES_SAMPLER"]


class TestPinnedToday:
    """`clock.today()` can be pinned, so expiry verdicts are reproducible."""

    @pytest.fixture(autouse=True)
    def _pin(self, monkeypatch):
        monkeypatch.setenv(TODAY_ENV, "2030-01-10")

    @pytest.mark.parametrize(
        ("until", "problem"),
        [
            ("2030-01-09", "expired on 2030-01-09"),
            ("2030-01-10", None),
            ("2030-02-09", None),
            ("2030-02-10", "2030-02-10 is 31 days away"),
            ("2030-1-20", "is not a valid YYYY-MM-DD date"),
            ("20300120", "is not a valid YYYY-MM-DD date"),
            ("2030-01-20T00:00:00Z", "not a valid YYYY-MM-DD"),
        ],
    )
    def test_expiry_window(self, until, problem):
        found = findings(deployment(DEBUG, annotations={conv.DEBUG_UNTIL_KEY: until}))
        if problem is None:
            assert found == []
        else:
            assert len(found) == 1
            assert problem in found[0].message()

    def test_fix_suggests_a_date_within_the_window(self):
        (finding,) = findings(deployment(DEBUG))
        assert '"finops.dev/debug-until": "2030-01-17"' in finding.fix
        (finding,) = findings(deployment(DEBUG), {debug.MAX_DAYS_KEY: 3})
        assert '"finops.dev/debug-until": "2030-01-13"' in finding.fix

    def test_expiry_on_the_workload_wins_over_the_template(self):
        resource = deployment(DEBUG, annotations={conv.DEBUG_UNTIL_KEY: "2029-12-01"})
        template = resource.props["spec"]["template"]
        template["metadata"] = {"annotations": {conv.DEBUG_UNTIL_KEY: "2030-01-15"}}
        assert "expired on 2029-12-01" in findings(resource)[0].message()


def test_environment_precedence_for_aws_resources():
    prod_defaults = aws_provider(default_tags={"environment": "prod"})
    provider = ProviderView(prod_defaults.type, prod_defaults.name, prod_defaults.urn, prod_defaults.props)

    def env_of(tags: Any) -> Any:
        resource = ResourceView(conv.LAMBDA_FUNCTION, "fn", "urn", {"tags": tags}, provider)
        return debug.environment_of(resource, CONFIG).name

    assert env_of({"environment": "dev"}) == "dev"
    assert env_of({"Environment": "staging"}) == "staging"
    assert env_of({"environment": ""}) == "prod"  # an empty tag says nothing
    assert env_of(None) == "prod"
    assert env_of(UNKNOWN) is UNKNOWN


@settings(max_examples=60, deadline=None)
@given(
    secret=st.text(alphabet=st.characters(codec="ascii", categories=["L", "N"]), min_size=12, max_size=40),
    level=st.sampled_from(["debug", "TRACE", "all", "info,x=debug"]),
)
def test_only_the_checked_value_is_shown(secret, level):
    env = [
        {"name": "DB_PASSWORD", "value": secret},
        {"name": "LOG_LEVEL", "value": level},
        {"name": "OTEL_EXPORTER_OTLP_HEADERS", "value": f"authorization=Bearer {secret}"},
    ]
    outcome = run_case(
        POLICY,
        Case(
            "secret",
            one(
                conv.K8S_DEPLOYMENT,
                "orders-api",
                {
                    "metadata": {"labels": {"environment": "prod"}},
                    "spec": {"template": {"spec": {"containers": [{"name": "app", "env": env}]}}},
                },
                provider=k8s_provider(),
            ),
        ),
    )
    (message,) = outcome.messages()
    assert repr(level) in message
    assert secret not in message


SENTINELS = st.sampled_from([UNKNOWN_STRING, UNKNOWN_ARRAY, UNKNOWN_OBJECT])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
    st.sampled_from(["debug", "LOG_LEVEL", "always_on", "prod", "1"]),
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
                    "value",
                    "valueFrom",
                    "env",
                    "environment",
                    "labels",
                    "annotations",
                    conv.DEBUG_UNTIL_KEY,
                    "variables",
                    "applicationLogLevel",
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
        [conv.K8S_DEPLOYMENT, conv.K8S_CRONJOB, conv.K8S_POD, conv.ECS_TASK_DEFINITION, conv.LAMBDA_FUNCTION]
    ),
    env=JSONISH,
    metadata=JSONISH,
    tags=JSONISH,
    other=JSONISH,
)
def test_odd_input_never_breaks_the_check(type_, env, metadata, tags, other):
    container = {"name": "app", "env": env, "environment": env}
    props = {
        "metadata": metadata,
        "spec": {"template": {"metadata": other, "spec": {"containers": [container, other]}}},
        "containerDefinitions": json.dumps([container]) if not isinstance(other, str) else other,
        "environment": {"variables": env},
        "loggingConfig": other,
        "tags": tags,
    }
    provider = aws_provider(default_tags={"environment": "prod"})
    outcome = run_case(POLICY, Case("fuzz", one(type_, "fuzz", props, provider=provider)))
    assert not any("the check itself failed" in m for m in outcome.messages())
