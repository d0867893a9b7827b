"""How many connections an RDS or Aurora database accepts: the engine default, or a parameter formula.

`bounded-db-pool` judges a fleet against this and `PooledDatabase` sets `max_connections` from it,
so both read the same figures:

- **Published defaults** are used as published: AWS's tables of default `max_connections` per
  instance class for Aurora PostgreSQL and Aurora MySQL, and per maximum capacity for Aurora
  Serverless v2. These are exact.
- **Elsewhere the engine's formula** (`LEAST({DBInstanceClassMemory/9531392},5000)` for PostgreSQL,
  `{DBInstanceClassMemory/12582880}` for MySQL and MariaDB) is evaluated with `DBInstanceClassMemory`
  as AWS defines it: the class's memory minus what the operating system and RDS reserve, "always
  somewhat lower than the memory figures shown in the instance class tables", by an amount AWS
  does not publish. So the default lies between the formula at a floor share of the class's memory
  (`memory_floor`) and the formula at its full memory: a `Connections` range, never one guessed figure.
- Between two rows of a published table nothing is interpolated: the value lies between the two rows.

Anything else (an instance class of unknown memory, Oracle and SQL Server defaults, `log()` in a
formula, Aurora MySQL classes missing from AWS's table) is unknown.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import Final

GIB: Final = 2**30
#: Lowest share of a class's memory taken for DBInstanceClassMemory where AWS publishes no default.
#: Below every share AWS's published PostgreSQL defaults imply (max_connections × 9531392 / memory):
#: Serverless v2 at 1 ACU 189 → 0.84 of 2 GiB, Aurora PostgreSQL db.r5.large 1600 → 0.89, the others
#: up to 0.97; the smallest classes (1 GiB) reserve a larger share for the OS, hence the margin.
DEFAULT_MEMORY_FLOOR: Final = 0.75
#: Aurora User Guide, "Performance and scaling for Aurora Serverless v2": "each ACU corresponds to
#: approximately 2 GiB of memory"; every published Serverless v2 default implies less (used as a ceiling).
GIB_PER_ACU: Final = 2

#: Engine default formulas, by `engine` input.
#: RDS User Guide, "Quotas and constraints", Maximum number of database connections: the remainder of
#: DBInstanceClassMemory "is then divided by 12,582,880" (MySQL); MariaDB shares the MySQL formula
#: there (the engine table is rendered on the website only).
_MYSQL: Final = "{DBInstanceClassMemory/12582880}"
#: AWS Prescriptive Guidance, "Tuning PostgreSQL parameters", max_connections: "Default value:
#: LEAST(DBInstanceClassMemory/9531392,5000)" (RDS for PostgreSQL and Aurora PostgreSQL); the Aurora
#: PostgreSQL User Guide (AuroraPostgreSQL.Managing) states the same LEAST function.
_POSTGRES: Final = "LEAST({DBInstanceClassMemory/9531392},5000)"
DEFAULT_FORMULAS: Final = {
    "mysql": _MYSQL,
    "mariadb": _MYSQL,
    "postgres": _POSTGRES,
    "aurora-postgresql": _POSTGRES,
}
AURORA_MYSQL_ENGINES: Final = frozenset({"aurora-mysql", "aurora"})
AURORA_POSTGRESQL: Final = "aurora-postgresql"

#: Aurora User Guide, "Maximum connections to an Aurora PostgreSQL DB instance" (AuroraPostgreSQL.Managing),
#: table "Default max_connections value" (awsdocs/amazon-aurora-user-guide@287c6040, 2023-06-09).
AURORA_POSTGRESQL_DEFAULTS: Final[dict[str, int]] = {
    "db.x2g.16xlarge": 5000,
    "db.x2g.12xlarge": 5000,
    "db.x2g.8xlarge": 5000,
    "db.x2g.4xlarge": 5000,
    "db.x2g.2xlarge": 5000,
    "db.x2g.xlarge": 5000,
    "db.x2g.large": 3479,
    "db.r6g.16xlarge": 5000,
    "db.r6g.12xlarge": 5000,
    "db.r6g.8xlarge": 5000,
    "db.r6g.4xlarge": 5000,
    "db.r6g.2xlarge": 5000,
    "db.r6g.xlarge": 3479,
    "db.r6g.large": 1722,
    "db.r5.24xlarge": 5000,
    "db.r5.16xlarge": 5000,
    "db.r5.12xlarge": 5000,
    "db.r5.8xlarge": 5000,
    "db.r5.4xlarge": 5000,
    "db.r5.2xlarge": 5000,
    "db.r5.xlarge": 3300,
    "db.r5.large": 1600,
    "db.r4.16xlarge": 5000,
    "db.r4.8xlarge": 5000,
    "db.r4.4xlarge": 5000,
    "db.r4.2xlarge": 5000,
    "db.r4.xlarge": 3200,
    "db.r4.large": 1600,
    "db.t4g.large": 844,
    "db.t4g.medium": 405,
    "db.t3.large": 844,
    "db.t3.medium": 420,
}
#: Aurora User Guide, "Maximum connections to an Aurora MySQL DB instance" (AuroraMySQL.Managing.Performance),
#: table "max_connections default value" (awsdocs/amazon-aurora-user-guide@287c6040, 2023-06-09); its
#: formula uses log(), which we do not evaluate, so classes missing here are unknown.
AURORA_MYSQL_DEFAULTS: Final[dict[str, int]] = {
    "db.t2.small": 45,
    "db.t2.medium": 90,
    "db.t3.small": 45,
    "db.t3.medium": 90,
    "db.t3.large": 135,
    "db.t4g.medium": 90,
    "db.t4g.large": 135,
    "db.r3.large": 1000,
    "db.r3.xlarge": 2000,
    "db.r3.2xlarge": 3000,
    "db.r3.4xlarge": 4000,
    "db.r3.8xlarge": 5000,
    "db.r4.large": 1000,
    "db.r4.xlarge": 2000,
    "db.r4.2xlarge": 3000,
    "db.r4.4xlarge": 4000,
    "db.r4.8xlarge": 5000,
    "db.r4.16xlarge": 6000,
    "db.r5.large": 1000,
    "db.r5.xlarge": 2000,
    "db.r5.2xlarge": 3000,
    "db.r5.4xlarge": 4000,
    "db.r5.8xlarge": 5000,
    "db.r5.12xlarge": 6000,
    "db.r5.16xlarge": 6000,
    "db.r5.24xlarge": 7000,
    "db.r6g.large": 1000,
    "db.r6g.xlarge": 2000,
    "db.r6g.2xlarge": 3000,
    "db.r6g.4xlarge": 4000,
    "db.r6g.8xlarge": 5000,
    "db.r6g.12xlarge": 6000,
    "db.r6g.16xlarge": 6000,
    "db.r6i.large": 1000,
    "db.r6i.xlarge": 2000,
    "db.r6i.2xlarge": 3000,
    "db.r6i.4xlarge": 4000,
    "db.r6i.8xlarge": 5000,
    "db.r6i.12xlarge": 6000,
    "db.r6i.16xlarge": 6000,
    "db.r6i.24xlarge": 7000,
    "db.r6i.32xlarge": 7000,
    "db.x2g.large": 2000,
    "db.x2g.xlarge": 3000,
    "db.x2g.2xlarge": 4000,
    "db.x2g.4xlarge": 5000,
    "db.x2g.8xlarge": 6000,
    "db.x2g.12xlarge": 7000,
    "db.x2g.16xlarge": 7000,
}
#: Aurora User Guide, "Maximum connections for Aurora Serverless v2" (aurora-serverless-v2.setting-capacity,
#: awsdocs/amazon-aurora-user-guide@287c6040): default by maximum ACUs, (Aurora MySQL, Aurora PostgreSQL).
#: 80 ACUs is the page's own worked example (range 12.5–80: MySQL 4000, PostgreSQL 5000).
SERVERLESS_V2_DEFAULTS: Final[dict[float, tuple[int, int]]] = {
    1: (90, 189),
    4: (135, 823),
    8: (1000, 1669),
    16: (2000, 3360),
    32: (3000, 5000),
    64: (4000, 5000),
    80: (4000, 5000),
    128: (5000, 5000),
}
#: Same page: "max_connections has a maximum value of 5000 for an Aurora Serverless v2 DB cluster running
#: Aurora PostgreSQL" (the formula's LEAST(..., 5000)).
SERVERLESS_V2_POSTGRESQL_MAX: Final = 5000
#: Same page: "when you specify a minimum capacity of 0.5 ACUs on PostgreSQL-compatible DB instances, the
#: maximum value of max_connections is capped at 2,000" (2023 text). The current text reads "0 or 0.5 ACUs"
#: (quoted by an AWS re:Post article, not read in the page itself): a minimum of 0 gives a range.
SERVERLESS_V2_POSTGRESQL_LOW_MIN_CAP: Final = 2000

_CLASS: Final = re.compile(r"db\.[a-z0-9]+\.[a-z0-9]+(?:\.[a-z0-9]+)*")
MEMORY_DATA: Final = "rds_instance_memory.json"


@functools.cache
def _memory_table() -> dict[str, float]:
    text = resources.files(__package__ or "finops_policies").joinpath("data", MEMORY_DATA).read_text(encoding="utf-8")
    return {name: float(gib) for name, gib in json.loads(text)["memoryGiB"].items()}


def _normal(instance_class: str) -> str:
    return instance_class.strip().lower()


def instance_memory_gib(instance_class: str) -> float | None:
    """Memory (GiB) of a DB instance class as AWS publishes it, or None when we have no figure.

    From `data/rds_instance_memory.json`, generated by `tools/gen_rds_instance_memory.py` from the RDS and
    Aurora user guides' hardware tables and, for newer classes, the EC2 instance type of the same name.
    """
    name = _normal(instance_class)
    return _memory_table().get(name) if _CLASS.fullmatch(name) else None


@dataclass(frozen=True)
class Connections:
    """A database's `max_connections` as far as the published facts tell.

    Exact when `low == high`; a range when AWS publishes the formula but not the memory it uses, or only
    the table rows around the value; unknown when `low` is None. `high` None (with `low` known) means
    no upper bound is known.
    """

    low: int | None
    high: int | None
    #: where the figure comes from, e.g. "Aurora PostgreSQL default for db.r6g.large (AWS's published table)"
    source: str

    @classmethod
    def exactly(cls, value: int, source: str) -> Connections:
        return cls(value, value, source)

    @classmethod
    def unknown(cls, why: str) -> Connections:
        return cls(None, None, why)

    @property
    def known(self) -> bool:
        return self.low is not None

    @property
    def exact(self) -> bool:
        return self.low is not None and self.low == self.high

    def shown(self) -> str:
        """`1722`, `1351..1802`, `at least 5000`."""
        if self.low is None:
            return "unknown"
        if self.exact:
            return str(self.low)
        return f"{self.low}..{self.high}" if self.high is not None else f"at least {self.low}"

    def share(self, percent: float) -> Connections:
        """`percent` of these connections, rounded down (RDS Proxy's maxConnectionsPercent)."""

        def part(value: int | None) -> int | None:
            return None if value is None else math.floor(value * percent / 100)

        return Connections(part(self.low), part(self.high), self.source)


@dataclass(frozen=True)
class ServerlessCapacity:
    """An Aurora Serverless v2 cluster's `serverlessv2ScalingConfiguration` (ACUs); None where unknown."""

    min_acu: float | None
    max_acu: float | None


# --- parameter formulas ----------------------------------------------------------------------------
_TOKEN: Final = re.compile(r"\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(.))")


class _UnsupportedFormulaError(Exception):
    """A formula outside the small subset we evaluate."""


class _Parser:
    """`{expr}`, `(expr)`, integers, `*`, `/` (integer), `LEAST/GREATEST/SUM(...)`, DBInstanceClassMemory."""

    def __init__(self, text: str, memory: int | None) -> None:
        self.tokens: list[tuple[str, str]] = []
        for number, name, symbol in _TOKEN.findall(text):
            if number:
                self.tokens.append(("num", number))
            elif name:
                self.tokens.append(("name", name))
            elif symbol.strip():
                self.tokens.append(("sym", symbol))
        self.pos = 0
        self.memory = memory

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, symbol: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (symbol is not None and token != ("sym", symbol)):
            raise _UnsupportedFormulaError
        self.pos += 1
        return token

    def parse(self) -> int:
        value = self.expr()
        if self.peek() is not None:
            raise _UnsupportedFormulaError
        return value

    def expr(self) -> int:
        value = self.factor()
        while self.peek() in {("sym", "*"), ("sym", "/")}:
            op = self.take()[1]
            right = self.factor()
            if op == "*":
                value *= right
            elif right == 0:
                raise _UnsupportedFormulaError
            else:
                value //= right
        return value

    def factor(self) -> int:
        kind, text = self.take()
        if kind == "num":
            return int(text)
        if kind == "sym" and text in "{(":
            value = self.expr()
            self.take("}" if text == "{" else ")")
            return value
        if kind == "name" and text == "DBInstanceClassMemory":
            if self.memory is None:
                raise _UnsupportedFormulaError
            return self.memory
        if kind == "name" and text.upper() in {"LEAST", "GREATEST", "SUM"}:
            self.take("(")
            args = [self.expr()]
            while self.peek() == ("sym", ","):
                self.take(",")
                args.append(self.expr())
            self.take(")")
            name = text.upper()
            return min(args) if name == "LEAST" else max(args) if name == "GREATEST" else sum(args)
        raise _UnsupportedFormulaError


def evaluate(formula: str, memory_bytes: int | None) -> int | None:
    """The value of an RDS parameter formula, or None when it uses something we do not evaluate."""
    if len(formula) > 500:
        return None
    try:
        return _Parser(formula, memory_bytes).parse()
    except (_UnsupportedFormulaError, RecursionError):
        return None


def is_formula(value: str) -> bool:
    return "{" in value or "(" in value


def formula_connections(formula: str, memory: tuple[int, int] | None, source: str) -> Connections:
    """A formula evaluated over the range DBInstanceClassMemory may take (`memory`, bytes; None: unknown)."""
    ends = [evaluate(formula, None)] if memory is None else [evaluate(formula, memory[0]), evaluate(formula, memory[1])]
    values = [v for v in ends if v is not None]
    if len(values) != len(ends):
        return Connections.unknown(f"{source} cannot be evaluated")
    return Connections(min(values), max(values), source)


# --- what DBInstanceClassMemory may be -------------------------------------------------------------
def memory_bounds(
    instance_class: str, memory_floor: float, serverless: ServerlessCapacity | None = None
) -> tuple[int, int] | None:
    """The range DBInstanceClassMemory (bytes) lies in for a class, or None when its memory is unknown.

    A share `memory_floor` of the class's memory up to all of it: AWS subtracts an unpublished amount
    for the operating system and RDS. `db.serverless` is sized by its maximum ACUs.
    """
    if _normal(instance_class) == "db.serverless":
        if serverless is None or serverless.max_acu is None or serverless.max_acu <= 0:
            return None
        gib: float = serverless.max_acu * GIB_PER_ACU
    else:
        found = instance_memory_gib(instance_class)
        if found is None:
            return None
        gib = found
    return math.floor(gib * GIB * memory_floor), math.floor(gib * GIB)


# --- engine defaults -------------------------------------------------------------------------------
def _serverless_default(engine: str, capacity: ServerlessCapacity | None) -> Connections:
    postgres = engine == AURORA_POSTGRESQL
    if capacity is None or capacity.max_acu is None or capacity.max_acu < 1:
        return Connections.unknown("db.serverless without a known serverlessv2ScalingConfiguration.maxCapacity (≥ 1)")
    acu = capacity.max_acu
    column = 1 if postgres else 0
    rows = sorted(SERVERLESS_V2_DEFAULTS)
    where = f"{engine} Serverless v2 default at maxCapacity {acu:g} ACU"
    i = bisect.bisect_left(rows, acu)
    if i < len(rows) and rows[i] == acu:
        low: int = SERVERLESS_V2_DEFAULTS[acu][column]
        high: int | None = low
        source = f"{where} (AWS's published table)"
    else:
        below, above = rows[i - 1], rows[i] if i < len(rows) else None
        low = SERVERLESS_V2_DEFAULTS[below][column]
        high = SERVERLESS_V2_DEFAULTS[above][column] if above is not None else None
        source = f"{where} (not published; AWS's table gives {low} at {below:g} ACU" + (
            f" and {high} at {above:g} ACU)" if above is not None else ")"
        )
        if postgres and low == SERVERLESS_V2_POSTGRESQL_MAX:
            high = low  # the PostgreSQL formula's LEAST(..., 5000): every larger maximum gives 5000 too
            source = f"{where} (AWS's published maximum of {low})"
    if not postgres:
        return Connections(low, high, source)
    minimum = capacity.min_acu
    cap = SERVERLESS_V2_POSTGRESQL_LOW_MIN_CAP
    if high is not None and high <= cap:
        return Connections(low, high, source)  # under the cap whatever the minimum
    if minimum == 0.5:
        capped_high = cap if high is None else min(high, cap)
        return Connections(min(low, cap), capped_high, f"{source}, capped at {cap} for minCapacity 0.5")
    if minimum is None or minimum < 0.5:
        # minCapacity 0 (capped per the current page, not read here) or unknown: capped or not
        why = "minCapacity unknown" if minimum is None else "minCapacity 0"
        return Connections(min(low, cap), high, f"{source}; {why}: AWS caps it at {cap} for a minimum of 0.5")
    return Connections(low, high, source)


def engine_default(
    engine: str,
    instance_class: str,
    memory_floor: float = DEFAULT_MEMORY_FLOOR,
    serverless: ServerlessCapacity | None = None,
) -> Connections:
    """The default `max_connections` of `engine` on `instance_class` (a range where AWS does not publish it)."""
    engine = engine.strip().lower()
    name = _normal(instance_class)
    if engine in AURORA_MYSQL_ENGINES:
        engine = "aurora-mysql"
    if name == "db.serverless" and engine in ("aurora-mysql", AURORA_POSTGRESQL):
        return _serverless_default(engine, serverless)
    if engine == "aurora-mysql":
        value = AURORA_MYSQL_DEFAULTS.get(name)
        if value is None:
            return Connections.unknown(f"AWS publishes no aurora-mysql default for {instance_class}")
        return Connections.exactly(value, f"aurora-mysql default for {instance_class} (AWS's published table)")
    if engine == AURORA_POSTGRESQL and name in AURORA_POSTGRESQL_DEFAULTS:
        value = AURORA_POSTGRESQL_DEFAULTS[name]
        return Connections.exactly(value, f"aurora-postgresql default for {instance_class} (AWS's published table)")
    formula = DEFAULT_FORMULAS.get(engine)
    if formula is None:
        return Connections.unknown(f"no known default max_connections for engine {engine!r}")
    bounds = memory_bounds(instance_class, memory_floor, serverless)
    if bounds is None:
        return Connections.unknown(f"instance class {instance_class!r} is not in the memory table")
    where = f"{engine} default {formula} for {instance_class}"
    memory = f"DBInstanceClassMemory {memory_floor:g} × to all of {bounds[1] / GIB:g} GiB"
    return formula_connections(formula, bounds, f"{where}, {memory}")
