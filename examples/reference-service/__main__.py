"""A case-decision service, cost-compliant by construction.

Everything comes from `cost-contract.yaml`: a PostgreSQL database with an explicit
`max_connections` whose connection budget the service draws from (20 replicas × 12 = 240 of
400 − 10 % = 360), the service's Deployment, Service and HorizontalPodAutoscaler inside the
contract's runtime envelope, and its telemetry (log groups per class, WORM audit bucket) with
bounded retention. Every resource carries the contract's cost-allocation tags or labels.
"""

from pathlib import Path

import pulumi
from finops_components import PooledDatabase, Service, ServiceCostContract

HERE = Path(__file__).resolve().parent
config = pulumi.Config()

# A bad contract raises ContractError naming file, line, field, found and expected.
contract = ServiceCostContract.load(HERE / (config.get("contract") or "cost-contract.yaml"))

database = PooledDatabase(
    "decisions-db",
    {
        "engine": "postgres",
        "instance_class": config.get("dbInstanceClass") or "db.r6g.large",
        "max_connections": config.get_int("dbMaxConnections") or 400,
        "backup_retention_days": 7,
    },
    contract=contract,
)

service = Service(
    "case-decision",
    {"image": config.get("image") or "ghcr.io/example/case-decision-service:1.4.2"},
    contract=contract,
    database=database,
)

pulumi.export("namespace", service.namespace)
pulumi.export("databaseEndpoint", database.endpoint)
pulumi.export("connectionBudget", database.connection_budget)
pulumi.export("connectionsDrawn", service.max_db_connections)
