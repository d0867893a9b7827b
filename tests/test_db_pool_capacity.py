"""bounded-db-pool beyond its cases: max_connections arithmetic, odd inputs, and scale."""

from __future__ import annotations

import math
from typing import Any

import pytest
from finops_policies import conventions as conv
from finops_policies import db_capacity as capacity
from finops_policies.cases import Case, CaseResource, aws_provider, urn_of
from finops_policies.harness import run_case
from finops_policies.policies import bounded_db_pool as policy
from finops_policies.resources import ResourceView, StackView
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workcount import lines_executed

# Nominal memory (GiB) of classes as AWS's hardware tables give it, and the two engine formulas at that
# full memory (the ceiling of the default; integer division): RDS User Guide, "Hardware specifications
# for DB instance classes"; "Maximum number of database connections".
_TABLE = [
    ("db.t4g.micro", 1, 85, 112),
    ("db.t3.small", 2, 170, 225),
    ("db.t3.medium", 4, 341, 450),
    ("db.t4g.large", 8, 682, 901),
    ("db.t3.2xlarge", 32, 2730, 3604),
    ("db.m6g.large", 8, 682, 901),
    ("db.m5.large", 8, 682, 901),
    ("db.m6g.4xlarge", 64, 5461, 5000),
    ("db.m6g.16xlarge", 256, 21845, 5000),
    ("db.r6g.large", 16, 1365, 1802),
    ("db.r7g.large", 16, 1365, 1802),
    ("db.r6g.2xlarge", 64, 5461, 5000),
    ("db.r6g.16xlarge", 512, 43690, 5000),
]


@pytest.mark.parametrize(("instance_class", "gib", "mysql", "postgres"), _TABLE)
def test_the_formula_at_full_memory_is_the_ceiling_of_the_default(instance_class, gib, mysql, postgres):
    assert capacity.instance_memory_gib(instance_class) == gib
    assert capacity.engine_default("mysql", instance_class).high == mysql
    assert capacity.engine_default("mariadb", instance_class).high == mysql
    assert capacity.engine_default("postgres", instance_class).high == postgres


@pytest.mark.parametrize(("instance_class", "gib", "mysql", "postgres"), _TABLE)
def test_the_formula_at_the_memory_floor_is_the_floor_of_the_default(instance_class, gib, mysql, postgres):
    floor = capacity.DEFAULT_MEMORY_FLOOR
    default = capacity.engine_default("postgres", instance_class, floor)
    assert default.low == min(math.floor(gib * 2**30 * floor) // 9531392, 5000)
    assert default.low <= default.high == postgres
    assert capacity.engine_default("mysql", instance_class, 1.0).low == mysql  # a floor of 1: exact


def test_measured_rds_defaults_lie_inside_the_range():
    # community-measured RDS for PostgreSQL defaults (t2.medium 413, t2/m4.large 856, r4.large 1660): the
    # range we judge with contains each, so neither end of it is a false verdict for these classes
    for instance_class, measured in (
        ("db.t2.medium", 413),
        ("db.t2.large", 856),
        ("db.m4.large", 856),
        ("db.r4.large", 1660),
    ):
        default = capacity.engine_default("postgres", instance_class)
        assert default.low is not None and default.high is not None
        assert default.low <= measured <= default.high, (instance_class, default)


def test_the_memory_floor_is_below_every_share_the_published_postgresql_defaults_imply():
    shares = [
        value * 9531392 / (capacity.instance_memory_gib(name) * 2**30)
        for name, value in capacity.AURORA_POSTGRESQL_DEFAULTS.items()
        if value < 5000
    ]
    shares += [
        pg * 9531392 / (acu * capacity.GIB_PER_ACU * 2**30)
        for acu, (_, pg) in capacity.SERVERLESS_V2_DEFAULTS.items()
        if pg < 5000
    ]
    assert capacity.DEFAULT_MEMORY_FLOOR < min(shares) < max(shares) < 1
    assert policy.POLICY.config["instanceMemoryFactor"].default == capacity.DEFAULT_MEMORY_FLOOR


@pytest.mark.parametrize(
    ("formula", "memory", "expected"),
    [
        ("{DBInstanceClassMemory/12582880}", 2**30, 85),
        ("LEAST({DBInstanceClassMemory/9531392},5000)", 64 * 2**30, 5000),
        ("GREATEST({DBInstanceClassMemory/9531392}, 100)", 2**20, 100),
        ("{DBInstanceClassMemory*3/4/12582880}", 2**30, 64),
        ("SUM(10,20)", None, 30),
        ("500", None, 500),
    ],
)
def test_formula_evaluation(formula, memory, expected):
    assert capacity.evaluate(formula, memory) == expected


@pytest.mark.parametrize(
    "formula",
    [
        "GREATEST({log(DBInstanceClassMemory/805306368)*45},1)",
        "{DBInstanceClassMemory/0}",
        "{AllocatedStorage/2}",
        "{DBInstanceClassMemory/12582880",
        "LEAST(",
        "",
        "((((((((((",
        "1 2",
        "x" * 1000,
    ],
)
def test_formulas_we_do_not_understand_are_unknown(formula):
    assert capacity.evaluate(formula, 2**30) is None


def test_memory_is_needed_for_memory_formulas():
    assert capacity.evaluate("{DBInstanceClassMemory/12582880}", None) is None
    assert not capacity.formula_connections("{DBInstanceClassMemory/12582880}", None, "group").known
    assert capacity.formula_connections("SUM(10,20)", None, "group").exact


@pytest.mark.parametrize("instance_class", ["db.z9.large", "db.r6g.99xlarge", "db.t3.nano", "db.serverless", "r6g"])
def test_classes_outside_the_memory_data_are_unknown(instance_class):
    assert capacity.instance_memory_gib(instance_class) is None
    assert not capacity.engine_default("postgres", instance_class).known


@pytest.mark.parametrize(
    ("instance_class", "gib"),
    [
        ("db.r7i.large", 16),
        ("db.r7i.48xlarge", 1536),
        ("db.x2g.16xlarge", 1024),
        ("db.r6i.32xlarge", 1024),
        ("db.m6i.24xlarge", 384),
        ("db.r5.24xlarge", 768),
        ("db.r8g.large", 16),
    ],
)
def test_classes_the_old_table_missed_have_their_published_memory(instance_class, gib):
    assert capacity.instance_memory_gib(instance_class) == gib
    assert capacity.engine_default("postgres", instance_class).known


def test_aurora_mysql_uses_the_published_defaults_only():
    assert capacity.engine_default("aurora-mysql", "db.r6g.xlarge").low == 2000
    assert capacity.engine_default("aurora", "db.t3.medium").high == 90
    assert not capacity.engine_default("aurora-mysql", "db.r7g.large").known  # its formula uses log()
    assert not capacity.engine_default("oracle-ee", "db.r6g.large").known


def test_a_proxy_share_rounds_both_ends_down():
    share = capacity.Connections(337, 450, "x").share(50)
    assert (share.low, share.high) == (168, 225)


# --- never raises --------------------------------------------------------------------------------
def _values(finite: bool) -> st.SearchStrategy[Any]:
    """JSON-ish values with unknown sentinels; `finite` for what protobuf can carry."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 10**6),
        st.floats(allow_nan=not finite, allow_infinity=not finite),
        st.text(max_size=12),
        st.sampled_from(
            [
                "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
                "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
                "12",
                "0",
                "db.t3.medium",
                "postgres",
                "DB_POOL_SIZE",
            ]
        ),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(
                st.sampled_from(
                    [
                        "name",
                        "value",
                        "env",
                        "containers",
                        "spec",
                        "template",
                        "metadata",
                        "annotations",
                        "replicas",
                        "maxReplicas",
                        "scaleTargetRef",
                        "kind",
                    ]
                ),
                inner,
                max_size=4,
            ),
        ),
        max_leaves=25,
    )


_VALUES = _values(finite=False)
_WIRE_VALUES = _values(finite=True)
_TYPES = st.sampled_from(
    [
        conv.K8S_DEPLOYMENT,
        conv.K8S_STATEFULSET,
        conv.ECS_SERVICE,
        conv.ECS_TASK_DEFINITION,
        conv.RDS_INSTANCE,
        conv.RDS_CLUSTER,
        conv.RDS_CLUSTER_INSTANCE,
        conv.RDS_PROXY,
        conv.RDS_PARAMETER_GROUP,
        conv.K8S_HPA_TYPES[0],
        conv.RDS_PROXY_TARGET,
    ]
)
_KEYS = st.sampled_from(
    [
        "spec",
        "metadata",
        "engine",
        "instanceClass",
        "parameters",
        "parameterGroupName",
        "containerDefinitions",
        "desiredCount",
        "taskDefinition",
        "dbProxyName",
        "clusterIdentifier",
    ]
)
_PROPS = st.dictionaries(_KEYS, _VALUES, max_size=6)
_WIRE_PROPS = st.dictionaries(_KEYS, _WIRE_VALUES, max_size=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(_TYPES, _PROPS), min_size=1, max_size=6),
    st.dictionaries(
        st.sampled_from(["reservePercent", "poolEnvNames", "instanceMemoryFactor", "poolAnnotation"]), _VALUES
    ),
)
def test_never_raises_on_odd_inputs(resources, config):
    urns = [urn_of(t, f"r{i}") for i, (t, _) in enumerate(resources)]
    views = tuple(
        ResourceView(
            t,
            f"r{i}",
            urns[i],
            props,
            None,
            None,
            tuple(urns),
            {
                "spec": tuple(urns),
                "taskDefinition": tuple(urns),
                "parameterGroupName": tuple(urns),
                "clusterIdentifier": tuple(urns),
                "dbProxyName": tuple(urns),
            },
        )
        for i, (t, props) in enumerate(resources)
    )
    for finding in policy.check(StackView(views), policy.POLICY.effective_config(config)):
        assert finding.message()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_TYPES, _WIRE_PROPS), min_size=1, max_size=5))
def test_never_fails_through_the_served_pack(resources):
    """The same odd inputs through protobuf and pulumi-policy's unknown-raising proxies, as served."""
    names = [f"r{i}" for i in range(len(resources))]
    case = Case(
        "odd",
        tuple(
            CaseResource(
                t,
                names[i],
                props,
                aws_provider(),
                depends_on=tuple(names),
                property_dependencies={
                    "spec": tuple(names),
                    "taskDefinition": tuple(names),
                    "parameterGroupName": tuple(names),
                    "dbProxyName": tuple(names),
                },
            )
            for i, (t, props) in enumerate(resources)
        ),
    )
    outcome = run_case(policy.POLICY, case)
    assert not any("the check itself failed" in m for m in outcome.messages()), outcome.messages()


# --- scale ---------------------------------------------------------------------------------------
def fleet(databases: int) -> StackView:
    """Per database: a parameter group, a Deployment with an HPA, and an unrelated Service."""
    views: list[ResourceView] = []
    for i in range(databases):
        db = urn_of(conv.RDS_INSTANCE, f"db{i}")
        views += [
            ResourceView(
                conv.RDS_PARAMETER_GROUP,
                f"pg{i}",
                urn_of(conv.RDS_PARAMETER_GROUP, f"pg{i}"),
                {"name": f"pg{i}", "parameters": [{"name": "max_connections", "value": "200"}]},
            ),
            ResourceView(
                conv.RDS_INSTANCE,
                f"db{i}",
                db,
                {"engine": "postgres", "instanceClass": "db.t3.medium", "parameterGroupName": f"pg{i}"},
            ),
            ResourceView(
                conv.K8S_DEPLOYMENT,
                f"app{i}",
                urn_of(conv.K8S_DEPLOYMENT, f"app{i}"),
                {
                    "metadata": {"name": f"app{i}", "namespace": "apps"},
                    "spec": {
                        "replicas": 2,
                        "template": {
                            "spec": {"containers": [{"name": "app", "env": [{"name": "DB_POOL_SIZE", "value": "12"}]}]}
                        },
                    },
                },
                None,
                None,
                (db,),
                {"spec": (db,)},
            ),
            ResourceView(
                conv.K8S_HPA_TYPES[0],
                f"hpa{i}",
                urn_of(conv.K8S_HPA_TYPES[0], f"hpa{i}"),
                {
                    "metadata": {"namespace": "apps"},
                    "spec": {
                        "maxReplicas": 20 if i % 2 else 10,
                        "scaleTargetRef": {"kind": "Deployment", "name": f"app{i}"},
                    },
                },
            ),
            ResourceView(conv.K8S_SERVICE, f"svc{i}", urn_of(conv.K8S_SERVICE, f"svc{i}"), {"spec": {}}),
        ]
    return StackView(tuple(views))


def test_linear_in_the_size_of_the_stack():
    config = policy.POLICY.effective_config({})
    work = []
    for databases in (100, 1_000):
        stack = fleet(databases)
        findings, lines = lines_executed(lambda stack=stack: list(policy.check(stack, config)))
        work.append(lines)
        # odd databases: 20 × 12 = 240 > 180; even ones: 10 × 12 = 120 fits
        assert sorted(f.resource_name for f in findings) == sorted(f"db{i}" for i in range(1, databases, 2))
    # ten times the databases may not take much more than ten times the work (no quadratic join);
    # the time it takes is in benchmarks/run.py
    assert work[1] <= 11 * work[0], work
