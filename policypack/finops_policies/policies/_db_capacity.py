"""How many connections an RDS or Aurora database accepts, from what the stack declares.

An explicit `max_connections` in a parameter group wins (a number, or an RDS formula such as
`LEAST({DBInstanceClassMemory/9531392},5000)`). Without one the engine default applies, computed
from the instance class memory (the engine formulas are in "Maximum number of database connections"
of the Amazon RDS User Guide, the memory per class in its "DB instance classes" hardware
specifications). Those memory sizes are nominal and RDS keeps
part of the memory for itself, so `DBInstanceClassMemory` is estimated as nominal × a factor (policy
config). Anything we cannot know for sure (an instance class outside the table, Oracle/SQL Server
defaults, `log()` in a formula) is "unknown", never guessed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final

GIB: Final = 2**30

#: Burstable classes: memory (GiB) by size.
_BURSTABLE_FAMILIES: Final = frozenset({"t3", "t4g"})
_BURSTABLE_GIB: Final = {"micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32}
#: Standard (m) and memory-optimized (r) classes: GiB per vCPU, and vCPUs by size.
_GIB_PER_VCPU: Final = {"m5": 4, "m6g": 4, "m6i": 4, "m7g": 4, "r5": 8, "r6g": 8, "r6i": 8, "r7g": 8}
_VCPUS: Final = {
    "large": 2,
    "xlarge": 4,
    "2xlarge": 8,
    "4xlarge": 16,
    "8xlarge": 32,
    "12xlarge": 48,
    "16xlarge": 64,
}
#: Aurora Serverless v2: one ACU is about 2 GiB of memory.
GIB_PER_ACU: Final = 2

#: Engine default `max_connections` formulas, by `engine` input.
_MYSQL: Final = "{DBInstanceClassMemory/12582880}"
_POSTGRES: Final = "LEAST({DBInstanceClassMemory/9531392},5000)"
DEFAULT_FORMULAS: Final = {
    "mysql": _MYSQL,
    "mariadb": _MYSQL,
    "postgres": _POSTGRES,
    "aurora-postgresql": _POSTGRES,
}
AURORA_MYSQL_ENGINES: Final = frozenset({"aurora-mysql", "aurora"})
#: Aurora MySQL's documented defaults (its formula uses log(); the table is what AWS publishes).
_AURORA_MYSQL_BURSTABLE: Final = {("t3", "small"): 45, ("t3", "medium"): 90, ("t3", "large"): 135}
_AURORA_MYSQL_R_FAMILIES: Final = frozenset({"r5", "r6g"})
_AURORA_MYSQL_R: Final = {
    "large": 1000,
    "xlarge": 2000,
    "2xlarge": 3000,
    "4xlarge": 4000,
    "8xlarge": 5000,
    "12xlarge": 6000,
    "16xlarge": 6000,
}

_CLASS: Final = re.compile(r"db\.([a-z0-9]+)\.([a-z0-9]+)")


def _parts(instance_class: str) -> tuple[str, str] | None:
    match = _CLASS.fullmatch(instance_class.strip().lower())
    return (match.group(1), match.group(2)) if match else None


def instance_memory_gib(instance_class: str) -> int | None:
    """Nominal memory of a DB instance class, or None when it is not in our table."""
    parts = _parts(instance_class)
    if parts is None:
        return None
    family, size = parts
    if family in _BURSTABLE_FAMILIES:
        return _BURSTABLE_GIB.get(size)
    per_vcpu = _GIB_PER_VCPU.get(family)
    vcpus = _VCPUS.get(size)
    return per_vcpu * vcpus if per_vcpu is not None and vcpus is not None else None


def aurora_mysql_default(instance_class: str) -> int | None:
    parts = _parts(instance_class)
    if parts is None:
        return None
    family, size = parts
    if family in _AURORA_MYSQL_R_FAMILIES:
        return _AURORA_MYSQL_R.get(size)
    return _AURORA_MYSQL_BURSTABLE.get(parts)


# --- RDS parameter formulas ------------------------------------------------------------------------
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


@dataclass(frozen=True)
class EngineDefault:
    """An engine default `max_connections`, or why it cannot be known."""

    value: int | None
    #: e.g. "postgres default LEAST({DBInstanceClassMemory/9531392},5000) for db.t3.medium (4 GiB × 0.85)"
    source: str


def engine_default(
    engine: str, instance_class: str, memory_factor: float, serverless_max_acu: float | None = None
) -> EngineDefault:
    engine = engine.strip().lower()
    where = f"for {instance_class}"
    if engine in AURORA_MYSQL_ENGINES:
        value = aurora_mysql_default(instance_class)
        if value is None:
            return EngineDefault(None, f"no documented aurora-mysql default {where}")
        return EngineDefault(value, f"aurora-mysql documented default {where}")
    formula = DEFAULT_FORMULAS.get(engine)
    if formula is None:
        return EngineDefault(None, f"no known default max_connections for engine {engine!r}")
    if instance_class.strip().lower() == "db.serverless":
        if serverless_max_acu is None or serverless_max_acu <= 0:
            return EngineDefault(None, "db.serverless without a known serverlessv2ScalingConfiguration.maxCapacity")
        gib: float = serverless_max_acu * GIB_PER_ACU
        where = f"for db.serverless at {serverless_max_acu:g} ACU"
    else:
        nominal = instance_memory_gib(instance_class)
        if nominal is None:
            return EngineDefault(None, f"instance class {instance_class!r} is not in the memory table")
        gib = nominal
    value = evaluate(formula, math.floor(gib * GIB * memory_factor))
    return EngineDefault(value, f"{engine} default {formula} {where} ({gib:g} GiB × {memory_factor:g})")
