"""The rules components and policies share (`finops_policies` modules both import), and proof that
the two sides agree where each applies them: quantities, CloudWatch retention, pod templates and
label syntax, the debug window, the connection budget, the clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from finops_components import cloudwatch_retention_days as component_retention_days
from finops_components.budget import ConnectionBudget
from finops_components.contract import ServiceCostContract
from finops_components.retention import LOG_CLASSES
from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseResource, aws_provider, k8s_provider
from finops_policies.clock import TODAY_ENV, days_from_today, today
from finops_policies.cloudwatch import cloudwatch_retention_days
from finops_policies.connection_budget import connection_budget
from finops_policies.debug_window import debug_window_state, is_debug_level, parse_debug_until
from finops_policies.harness import run_case
from finops_policies.kubernetes import (
    is_kubernetes_object,
    is_label_name,
    is_label_value,
    label_key_problem,
    pod_template_path,
)
from finops_policies.policies import bounded_db_pool, no_infinite_retention
from finops_policies.policies._retention.stores import log_group_kept
from finops_policies.quantities import cpu_millicores, mebibytes, memory_bytes, memory_text, quantity
from finops_policies.resources import ResourceView
from hypothesis import given
from hypothesis import strategies as st


# --- Kubernetes quantities --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500m", Decimal("0.5")),
        ("1", Decimal(1)),
        ("1280Mi", Decimal(1280 * 2**20)),
        ("1.5Gi", Decimal(3 * 2**29)),
        ("1G", Decimal(10**9)),
        ("1e3", Decimal(1000)),
        ("1E-2", Decimal("0.01")),
        ("128e6", Decimal(128 * 10**6)),
        (".5", Decimal("0.5")),
        ("1.", Decimal(1)),
        ("+2Ki", Decimal(2048)),
        ("250u", Decimal("0.00025")),
        ("7n", Decimal("7E-9")),
        ("2k", Decimal(2000)),
        ("1Ei", Decimal(2**60)),
        ("3T", Decimal(3 * 10**12)),
        (0.5, Decimal("0.5")),
        (2.0, Decimal(2)),
        (1073741824.0, Decimal(2**30)),
        (3, Decimal(3)),
    ],
)
def test_quantity_reads_every_form(text, expected):
    assert quantity(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1.5GB",
        "",
        " 1Gi",
        "1Gi ",
        "Mi",
        "1gi",
        "1KiB",
        "1e",
        "1e1.5",
        "--1",
        "1,5Gi",
        "1e999",
        "0x10",
        "1 Gi",
        True,
        None,
        [],
        {},
        float("nan"),
        float("inf"),
    ],
)
def test_quantity_rejects_what_the_api_server_rejects(text):
    assert quantity(text) is None


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]))
def test_binary_suffixes_are_powers_of_two(number, suffix):
    power = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}[suffix]
    assert quantity(f"{number}{suffix}") == number * 2**power


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=-9, max_value=18))
def test_decimal_exponent_matches_decimal_suffixes(number, exponent):
    suffix = {-9: "n", -6: "u", -3: "m", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}.get(exponent)
    by_exponent = quantity(f"{number}e{exponent}")
    assert by_exponent == Decimal(number).scaleb(exponent)
    if suffix is not None:
        assert quantity(f"{number}{suffix}") == by_exponent


def test_memory_text_for_messages():
    assert memory_text(Decimal(1536 * 2**20)) == "1536Mi"
    assert memory_text(Decimal(10**9)) == "953.7Mi"


def test_mebibytes_round_down_and_are_whole():
    assert mebibytes(1536 * 2**20) == 1536
    assert mebibytes(Decimal(10**9)) == 953
    assert mebibytes(2**20 - 1) == 0


@pytest.mark.parametrize(
    ("text", "expected"), [("1280Mi", 1280 * 2**20), ("2Gi", 2 * 2**30), (" 1G ", 10**9), ("1e3", 1000)]
)
def test_memory_bytes_of_a_contract_value(text, expected):
    assert memory_bytes(text) == expected


@pytest.mark.parametrize("text", ["1280MB", "0", "-1Gi", "100m", "lots"])
def test_memory_bytes_refuses_what_is_not_a_positive_memory_quantity(text):
    with pytest.raises(ValueError, match="a Kubernetes memory quantity"):
        memory_bytes(text)


@pytest.mark.parametrize(("text", "expected"), [("500m", 500), ("2", 2000), ("0.25", 250), ("1k", 1_000_000)])
def test_cpu_millicores_of_a_contract_value(text, expected):
    assert cpu_millicores(text) == expected


@pytest.mark.parametrize("text", ["0", "0.1m", "-1", "2 cores"])
def test_cpu_millicores_refuses_what_is_not_a_positive_cpu_quantity(text):
    with pytest.raises(ValueError, match="a Kubernetes CPU quantity"):
        cpu_millicores(text)


# --- CloudWatch retention: rounded up, inside the class -----------------------------------------------
@pytest.mark.parametrize(
    ("requested", "bounds", "expected"),
    [
        (14, None, 14),
        (10, None, 14),  # rounded up: never shorter than asked
        (40, None, 60),
        (2555, None, 2557),
        (4000, None, None),  # longer than CloudWatch keeps anything
        (14, conv.RetentionBounds(max_days=10), 7),  # nothing between 14 and the maximum: the largest inside
        (3, conv.RetentionBounds(max_days=None, min_days=2555), 2557),
        (3, conv.RetentionBounds(max_days=None, min_days=4000), None),
    ],
)
def test_cloudwatch_retention_rounds_up_inside_the_bounds(
    requested: int, bounds: conv.RetentionBounds | None, expected: int | None
) -> None:
    assert cloudwatch_retention_days(requested, bounds) == expected


@given(st.integers(min_value=1, max_value=4000), st.sampled_from(sorted(conv.RETENTION_CLASSES)))
def test_the_pack_suggests_what_the_component_would_build(requested: int, retention_class: str) -> None:
    group = ResourceView(conv.LOG_GROUP, "g", "urn:pulumi:dev::p::aws:cloudwatch/logGroup:LogGroup::g", {})
    fix = log_group_kept(group).fix(requested, conv.RETENTION_CLASSES[retention_class])
    try:
        built = component_retention_days(requested, retention_class)
    except ValueError:
        assert "CloudWatch Logs keeps data at most 3653 days" in fix
        return
    assert fix.startswith(f"set retention_in_days={built} ")


@pytest.mark.parametrize("retention_class", sorted(conv.RETENTION_CLASSES))
def test_the_fix_for_a_log_group_kept_forever_is_the_class_default_the_component_builds(retention_class: str) -> None:
    tags = {conv.RETENTION_CLASS_KEY: retention_class}
    group = CaseResource(conv.LOG_GROUP, "app-logs", {"tags": tags}, provider=aws_provider())
    outcome = run_case(no_infinite_retention.POLICY, Case("forever", (group,)))
    [(name, message)] = outcome.violations
    built = component_retention_days(conv.DEFAULT_RETENTION_DAYS[retention_class], retention_class)
    assert name == "app-logs" and f"Fix: set retention_in_days={built} " in message


def test_component_log_classes_default_to_the_class_defaults() -> None:
    contract = ServiceCostContract.load("tests/data/contracts/valid-seed.yaml")
    telemetry = contract.spec.telemetry
    by_suffix = {log_class.suffix: log_class.requested_days(telemetry) for log_class in LOG_CLASSES}
    assert by_suffix["debug"] == conv.DEFAULT_RETENTION_DAYS["debug"]
    assert by_suffix["error-traces"] == conv.DEFAULT_ERROR_TRACE_RETENTION_DAYS
    assert telemetry.snapshot_retention_days == conv.DEFAULT_RETENTION_DAYS["snapshots"]


# --- Kubernetes: pod templates, objects, label syntax -------------------------------------------------
_TEMPLATE = ("spec", "template")


@pytest.mark.parametrize(
    ("type_", "path"),
    [
        ("kubernetes:core/v1:Pod", ()),
        ("kubernetes:apps/v1:Deployment", _TEMPLATE),
        ("kubernetes:apps/v1:StatefulSet", _TEMPLATE),
        ("kubernetes:apps/v1:DaemonSet", _TEMPLATE),
        ("kubernetes:apps/v1:ReplicaSet", _TEMPLATE),
        ("kubernetes:core/v1:ReplicationController", _TEMPLATE),
        ("kubernetes:batch/v1:Job", _TEMPLATE),
        ("kubernetes:batch/v1:CronJob", ("spec", "jobTemplate", "spec", "template")),
        ("kubernetes:batch/v1beta1:CronJob", ("spec", "jobTemplate", "spec", "template")),
        ("kubernetes:extensions/v1beta1:Deployment", _TEMPLATE),
        ("kubernetes:core/v1:ConfigMap", None),
        ("kubernetes:example.com/v1:Job", None),  # a custom resource's Job kind is not the built-in one
        ("kubernetes:yaml:ConfigFile", None),
        ("aws:ecs/taskDefinition:TaskDefinition", None),
    ],
)
def test_pod_template_path_per_kind(type_: str, path: tuple[str, ...] | None) -> None:
    assert pod_template_path(type_) == path


def test_a_yaml_config_file_is_a_component_for_both_sides() -> None:
    from finops_components import allocation

    assert not is_kubernetes_object("kubernetes:yaml:ConfigFile")
    assert allocation.is_kubernetes_object is is_kubernetes_object  # one predicate, not a copy


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("payments", True),
        ("payments_core.eu-1", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("-payments", False),
        ("payments.", False),
        ("payments team", False),
        ("", False),
    ],
)
def test_label_names(text: str, valid: bool) -> None:
    assert is_label_name(text) is valid
    assert is_label_value(text) is (valid or text == "")


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("team", None),
        ("example.com/team", None),
        ("Example.com/team", "has an invalid prefix"),
        ("a/b/team", "has more than one '/'"),
        ("cost center", "is not a valid label key"),
        ("example.com/", "is not a valid label key"),
    ],
)
def test_label_keys(key: str, problem: str | None) -> None:
    found = label_key_problem(key)
    assert (found[0] if found else None) == problem


# --- the debug window -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("days", "state"), [(-1, "expired"), (0, "ok"), (30, "ok"), (31, "too-far")])
def test_debug_window_state(days: int, state: str) -> None:
    on = dt.date(2030, 1, 10)
    assert debug_window_state(on + dt.timedelta(days=days), on) == state


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2030-01-05", dt.date(2030, 1, 5)),
        (" 2030-01-05 ", dt.date(2030, 1, 5)),
        ("20300105", None),
        ("2030-02-30", None),
        ("soon", None),
        (5, None),
    ],
)
def test_debug_until_is_a_yyyy_mm_dd_date(text: object, date: dt.date | None) -> None:
    assert parse_debug_until(text) == date


def test_debug_levels_include_directive_lists() -> None:
    assert is_debug_level("info,orders=debug")
    assert is_debug_level("TRACE")
    assert not is_debug_level("info")


# --- the connection budget --------------------------------------------------------------------------------
def test_the_reserve_is_rounded_up_and_computed_in_decimal() -> None:
    assert connection_budget(400, 10) == 360
    assert connection_budget(101, 10) == 90  # a reserve of 10.1 takes 11 connections
    assert connection_budget(1000, 0.7) == 993  # 0.7 % of 1000 is 7, not 7.000000000000001


def _pool_stack(max_connections: int, pool: int) -> tuple[CaseResource, ...]:
    aws, k8s = aws_provider(), k8s_provider()
    group = CaseResource(
        conv.RDS_PARAMETER_GROUP,
        "orders-pg",
        {
            "name": "orders-pg",
            "family": "postgres16",
            "parameters": [{"name": "max_connections", "value": str(max_connections)}],
        },
        aws,
    )
    database = CaseResource(
        conv.RDS_INSTANCE,
        "orders-db",
        {"engine": "postgres", "instanceClass": "db.t4g.medium", "parameterGroupName": "orders-pg"},
        aws,
        property_dependencies={"parameterGroupName": ("orders-pg",)},
    )
    env = [{"name": "DB_HOST", "value": "orders-db.internal"}, {"name": "DB_POOL_SIZE", "value": str(pool)}]
    template = {"metadata": {"labels": {"app": "orders"}}, "spec": {"containers": [{"name": "app", "env": env}]}}
    workload = CaseResource(
        conv.K8S_DEPLOYMENT,
        "orders-api",
        {"metadata": {"name": "orders-api"}, "spec": {"replicas": 1, "template": template}},
        k8s,
        property_dependencies={"spec": ("orders-db",)},
    )
    return (group, database, workload)


@pytest.mark.parametrize(("max_connections", "reserve"), [(400, 10), (101, 10), (120, 0), (9, 50), (1000, 25)])
@pytest.mark.parametrize("over", [0, 1])
def test_bounded_db_pool_accepts_exactly_what_the_component_budgets(
    max_connections: int, reserve: int, over: int
) -> None:
    budget = ConnectionBudget("orders-db", max_connections, reserve).total
    case = Case("budget", _pool_stack(max_connections, budget + over), config={"reservePercent": reserve})
    outcome = run_case(bounded_db_pool.POLICY, case)
    assert [name for name, _ in outcome.violations] == (["orders-db"] if over else [])


# --- the clock ---------------------------------------------------------------------------------------------
def test_the_clock_reads_the_pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TODAY_ENV, "2031-03-01")
    assert today() == dt.date(2031, 3, 1)
    assert days_from_today(-1) == dt.date(2031, 2, 28)
    monkeypatch.setenv(TODAY_ENV, "not a date")
    assert today() == dt.date.today()
