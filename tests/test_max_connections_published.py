"""The default max_connections against AWS's own published tables, row by row (issue 13 rows 1 and 2).

The tables are in `tests/data/aws_max_connections/`, verbatim from the Aurora User Guide's sources
(each file names its page and commit). Every row must come out exact, and through `bounded-db-pool`
a fleet of exactly the row's budget passes while one connection more is a violation. Between two
rows of the Serverless v2 table nothing is interpolated: a fleet that fits the lower row passes, one
over the higher row fails, one in between is unverifiable.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from finops_policies import conventions as conv
from finops_policies import db_capacity as capacity
from finops_policies.cases import urn_of
from finops_policies.connection_budget import connection_budget
from finops_policies.policies import bounded_db_pool as policy
from finops_policies.resources import ResourceView, StackView

DATA = Path(__file__).parent / "data" / "aws_max_connections"


def _rows(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        cells = [c.replace("\\", "").replace(",", "").strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and re.fullmatch(r"[\d.]+|db\.[a-z0-9.]+", cells[0]):
            rows.append(cells)
    return rows


AURORA_POSTGRESQL = [(c, int(v)) for c, v in _rows("aurora_postgresql.md")]
AURORA_MYSQL = [(c, int(v)) for c, v in _rows("aurora_mysql.md")]
SERVERLESS = [(float(acu), int(mysql), int(pg)) for acu, mysql, pg in _rows("aurora_serverless_v2.md")]


def test_the_tables_were_read_whole():
    assert (len(AURORA_POSTGRESQL), len(AURORA_MYSQL), len(SERVERLESS)) == (32, 49, 7)


def _stack(engine: str, instance_class: str, demand: int, scaling: dict[str, float] | None = None) -> StackView:
    """An Aurora cluster with one instance and one Deployment drawing `demand` connections (1 replica)."""
    cluster = urn_of(conv.RDS_CLUSTER, "ledger")
    props: dict[str, object] = {"engine": engine, "clusterIdentifier": "ledger"}
    if scaling is not None:
        props["serverlessv2ScalingConfiguration"] = scaling
    env = [{"name": "DB_POOL_SIZE", "value": str(demand)}]
    return StackView(
        (
            ResourceView(conv.RDS_CLUSTER, "ledger", cluster, props),
            ResourceView(
                conv.RDS_CLUSTER_INSTANCE,
                "ledger-1",
                urn_of(conv.RDS_CLUSTER_INSTANCE, "ledger-1"),
                {"engine": engine, "instanceClass": instance_class},
                None,
                None,
                (),
                {"clusterIdentifier": (cluster,)},
            ),
            ResourceView(
                conv.K8S_DEPLOYMENT,
                "api",
                urn_of(conv.K8S_DEPLOYMENT, "api"),
                {
                    "metadata": {"name": "api"},
                    "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "a", "env": env}]}}},
                },
                None,
                None,
                (cluster,),
                {},
            ),
        )
    )


def _verdict(stack: StackView) -> str:
    findings = [f for f in policy.check(stack, policy.POLICY.effective_config({})) if f.property == "fleet demand"]
    if not findings:
        return "pass"
    assert len(findings) == 1
    return "unverifiable" if findings[0].unverifiable else "violation"


@pytest.mark.parametrize(("instance_class", "published"), AURORA_POSTGRESQL)
def test_aurora_postgresql_defaults_are_the_published_table(instance_class, published):
    default = capacity.engine_default("aurora-postgresql", instance_class)
    assert (default.low, default.high) == (published, published)
    budget = connection_budget(published)
    assert _verdict(_stack("aurora-postgresql", instance_class, budget)) == "pass"
    assert _verdict(_stack("aurora-postgresql", instance_class, budget + 1)) == "violation"


@pytest.mark.parametrize(("instance_class", "published"), AURORA_MYSQL)
def test_aurora_mysql_defaults_are_the_published_table(instance_class, published):
    default = capacity.engine_default("aurora-mysql", instance_class)
    assert (default.low, default.high) == (published, published)
    budget = connection_budget(published)
    assert _verdict(_stack("aurora-mysql", instance_class, budget)) == "pass"
    assert _verdict(_stack("aurora-mysql", instance_class, budget + 1)) == "violation"


@pytest.mark.parametrize(("acu", "mysql", "postgresql"), SERVERLESS)
def test_serverless_v2_defaults_are_the_published_table(acu, mysql, postgresql):
    scaling = {"minCapacity": 1.0, "maxCapacity": acu}
    for engine, published in (("aurora-mysql", mysql), ("aurora-postgresql", postgresql)):
        default = capacity.engine_default(engine, "db.serverless", serverless=capacity.ServerlessCapacity(1, acu))
        assert (default.low, default.high) == (published, published), engine
        budget = connection_budget(published)
        assert _verdict(_stack(engine, "db.serverless", budget, scaling)) == "pass"
        assert _verdict(_stack(engine, "db.serverless", budget + 1, scaling)) == "violation"


# The same page's worked examples (`show max_connections` after a reboot, per capacity range):
# Aurora MySQL 8–32 ACU 3000, 12.5–80 ACU 4000, 0.5–128 ACU 5000; Aurora PostgreSQL 0.5–1 ACU 189,
# 8–32 ACU 5000, 12.5–80 ACU 5000, 0.5–128 ACU 2000 ("capped at 2,000" for a minimum of 0.5 ACU).
@pytest.mark.parametrize(
    ("engine", "min_acu", "max_acu", "shown"),
    [
        ("aurora-mysql", 8, 32, 3000),
        ("aurora-mysql", 12.5, 80, 4000),
        ("aurora-mysql", 0.5, 128, 5000),
        ("aurora-postgresql", 0.5, 1, 189),
        ("aurora-postgresql", 8, 32, 5000),
        ("aurora-postgresql", 12.5, 80, 5000),
        ("aurora-postgresql", 0.5, 128, 2000),
    ],
)
def test_serverless_v2_worked_examples(engine, min_acu, max_acu, shown):
    default = capacity.engine_default(engine, "db.serverless", serverless=capacity.ServerlessCapacity(min_acu, max_acu))
    assert (default.low, default.high) == (shown, shown)


_BETWEEN = [(a, b) for (a, *_), (b, *_) in itertools.pairwise(SERVERLESS)]


@pytest.mark.parametrize(("below", "above"), _BETWEEN)
@pytest.mark.parametrize("column", [1, 2], ids=["aurora-mysql", "aurora-postgresql"])
def test_between_published_rows_nothing_is_interpolated(below, above, column):
    engine = "aurora-mysql" if column == 1 else "aurora-postgresql"
    table = {row[0]: row[column] for row in SERVERLESS}
    low, high = table[below], table[above]
    acu = (below + above) / 2
    if acu in capacity.SERVERLESS_V2_DEFAULTS:  # published elsewhere on the page (a worked example)
        acu += 0.5
    scaling = {"minCapacity": 1.0, "maxCapacity": acu}
    default = capacity.engine_default(engine, "db.serverless", serverless=capacity.ServerlessCapacity(1, acu))
    if engine == "aurora-postgresql" and low == capacity.SERVERLESS_V2_POSTGRESQL_MAX:
        assert (default.low, default.high) == (low, low)  # LEAST(..., 5000): exact from 32 ACU on
        return
    assert default.low is not None and default.high is not None
    assert low <= default.low <= default.high <= high
    assert _verdict(_stack(engine, "db.serverless", connection_budget(low), scaling)) == "pass"
    assert _verdict(_stack(engine, "db.serverless", connection_budget(high) + 1, scaling)) == "violation"
    if connection_budget(default.low) < connection_budget(default.high):
        middle = connection_budget(default.high)
        assert _verdict(_stack(engine, "db.serverless", middle, scaling)) == "unverifiable"


def test_postgresql_minimum_of_half_an_acu_caps_at_2000_and_zero_gives_a_range():
    half = capacity.engine_default(
        "aurora-postgresql", "db.serverless", serverless=capacity.ServerlessCapacity(0.5, 16)
    )
    zero = capacity.engine_default("aurora-postgresql", "db.serverless", serverless=capacity.ServerlessCapacity(0, 16))
    one = capacity.engine_default("aurora-postgresql", "db.serverless", serverless=capacity.ServerlessCapacity(1, 16))
    assert (half.low, half.high) == (2000, 2000)
    assert (zero.low, zero.high) == (2000, 3360)  # "0 or 0.5" is the current wording, read second-hand
    assert (one.low, one.high) == (3360, 3360)
    mysql = capacity.engine_default("aurora-mysql", "db.serverless", serverless=capacity.ServerlessCapacity(0.5, 16))
    assert (mysql.low, mysql.high) == (2000, 2000)  # the cap is PostgreSQL's only


def test_the_issue_s_fleet_fits_aws_s_published_default():
    # 20 replicas × 75 = 1500 on Aurora PostgreSQL db.r6g.large: AWS's 1722 − 10 % = 1549 fits
    assert _verdict(_stack("aurora-postgresql", "db.r6g.large", 1500)) == "pass"
