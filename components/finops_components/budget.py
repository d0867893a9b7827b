"""A database's connection budget, and the services that draw from it.

The budget is what is left of `max_connections` after a reserve for administrators, migrations and
the engine's own sessions: `budget = max_connections - ceil(max_connections × reserve% / 100)`.
Each service draws `max replicas × pool size per replica`; a draw that does not fit fails at program
time, before anything is deployed and before the policy pack would report it::

    budget = ConnectionBudget("decisions-db", max_connections=400)   # 360 after the 10 % reserve
    budget.draw("case-decision-service", max_replicas=20, pool_size_per_replica=12)   # 240, 120 left
"""

from __future__ import annotations

from dataclasses import dataclass

from finops_policies import conventions as conv
from finops_policies.connection_budget import connection_budget
from pulumi.errors import RunError


class ConnectionBudgetError(RunError, ValueError):
    """A draw (or a declared claim) that the database cannot serve (a `pulumi.RunError`: no stack trace)."""


@dataclass(frozen=True)
class Claim:
    """One service's share of a database's connections."""

    service: str
    max_replicas: int
    pool_size_per_replica: int

    @property
    def connections(self) -> int:
        return self.max_replicas * self.pool_size_per_replica

    def __str__(self) -> str:
        return f"{self.service} {self.max_replicas} × {self.pool_size_per_replica} = {self.connections}"


class ConnectionBudget:
    """The connections a database can give to application pools, and who has drawn how many."""

    def __init__(
        self, database: str, max_connections: int, reserve_percent: int = conv.DEFAULT_DB_RESERVE_PERCENT
    ) -> None:
        if max_connections < 1:
            raise ConnectionBudgetError(f"database '{database}': max_connections must be >= 1: {max_connections}")
        if not 0 <= reserve_percent < 100:
            raise ConnectionBudgetError(
                f"database '{database}': reserve_percent must be between 0 and 99: {reserve_percent}"
            )
        self.database = database
        self.max_connections = max_connections
        self.reserve_percent = reserve_percent
        self.total = connection_budget(max_connections, reserve_percent)
        self.reserved = max_connections - self.total
        self._claims: list[Claim] = []

    @property
    def claims(self) -> tuple[Claim, ...]:
        return tuple(self._claims)

    @property
    def claimed(self) -> int:
        return sum(claim.connections for claim in self._claims)

    @property
    def remaining(self) -> int:
        return self.total - self.claimed

    def draw(self, service: str, max_replicas: int, pool_size_per_replica: int) -> Claim:
        """Reserve `max_replicas × pool_size_per_replica` connections for `service`, or raise."""
        if max_replicas < 1 or pool_size_per_replica < 1:
            raise ConnectionBudgetError(
                f"database '{self.database}': service '{service}' must draw at least "
                f"1 replica × 1 connection: {max_replicas} × {pool_size_per_replica}"
            )
        if any(claim.service == service for claim in self._claims):
            raise ConnectionBudgetError(
                f"database '{self.database}': service '{service}' has already drawn from this budget; "
                "each service draws once, for its maximum replicas"
            )
        claim = Claim(service, max_replicas, pool_size_per_replica)
        if claim.connections > self.remaining:
            others = "; ".join(str(c) for c in self._claims) or "nothing"
            raise ConnectionBudgetError(
                f"database '{self.database}': service '{service}' needs {max_replicas} replicas × "
                f"{pool_size_per_replica} connections = {claim.connections}, but only "
                f"{self.remaining} of the budget of {self.total} are left (max_connections "
                f"{self.max_connections} minus a {self.reserve_percent} % reserve of {self.reserved}; "
                f"already drawn: {others}). "
                "Fix: lower the pool size per replica or the maximum replicas, raise max_connections "
                "(a larger instance class), or put RDS Proxy / PgBouncer in front of the database."
            )
        self._claims.append(claim)
        return claim
