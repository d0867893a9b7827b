"""How many connections a database's application pools may hold: `max_connections` minus a reserve.

The `PooledDatabase` component sizes its budget with this and refuses a draw that does not fit; the
`bounded-db-pool` policy judges a fleet's demand against the same number.
"""

from __future__ import annotations

import math
from decimal import Decimal

from . import conventions as conv


def connection_budget(max_connections: int, reserve_percent: float = conv.DEFAULT_DB_RESERVE_PERCENT) -> int:
    """`max_connections` minus `reserve_percent` of it, the reserve rounded up.

    The reserve (administrators, migrations, the engine's own sessions) is rounded up so the budget
    never promises a connection the reserve needs. Computed in decimal, so `0.7` % of 1000 is 7.
    """
    reserved = math.ceil(Decimal(max_connections) * Decimal(str(reserve_percent)) / 100)
    return max_connections - reserved
