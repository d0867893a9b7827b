"""Pulumi components that are cost-compliant by construction, driven by a ServiceCostContract.

- `ServiceCostContract` / `load_contract`: the validated contract;
  `ContractError` carries a clean, user-facing message (file, line, field, found, expected).
- `Service`: Deployment + Service + HPA inside the contract's runtime envelope, with its telemetry.
- `PooledDatabase`: RDS/Aurora with an explicit `max_connections` and a connection budget.
- `TelemetryRetention`: log groups, WORM audit bucket and snapshot bucket with bounded retention.
- `register_auto_tagging`: opt-in stack-wide transform applying the contract's tags and labels.

Type tokens are `finops:index:<Name>`; `components/__main__.py` hosts the components as a Pulumi
plugin package so other languages can `pulumi package add` them. Modules that define components
and their args do not use `from __future__ import annotations`: the SDK's schema inference
(`pulumi.provider.experimental.analyzer`) reads annotations with `inspect.get_annotations` and
cannot resolve them from strings.
"""

from __future__ import annotations

from .allocation import Allocation, cost_allocation_transform, register_auto_tagging
from .budget import Claim, ConnectionBudget, ConnectionBudgetError
from .contract import ContractError, ServiceCostContract, load_contract
from .database import ConnectionClaim, PooledDatabase, PooledDatabaseArgs
from .retention import TelemetryRetention, TelemetryRetentionArgs, cloudwatch_retention_days
from .service import Service, ServiceArgs

PACKAGE_NAME = "finops"
#: Every component the package publishes (the provider host and the schema test use this list).
COMPONENTS = (Service, PooledDatabase, TelemetryRetention)

__all__ = [
    "COMPONENTS",
    "PACKAGE_NAME",
    "Allocation",
    "Claim",
    "ConnectionBudget",
    "ConnectionBudgetError",
    "ConnectionClaim",
    "ContractError",
    "PooledDatabase",
    "PooledDatabaseArgs",
    "Service",
    "ServiceArgs",
    "ServiceCostContract",
    "TelemetryRetention",
    "TelemetryRetentionArgs",
    "cloudwatch_retention_days",
    "cost_allocation_transform",
    "load_contract",
    "register_auto_tagging",
]
