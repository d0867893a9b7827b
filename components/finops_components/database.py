"""PooledDatabase: an RDS or Aurora database whose connections are a budget that services draw from.

It creates a parameter group that sets `max_connections` explicitly (never the memory formula of
the engine default; when the program gives none, the engine's default for the instance class as
`finops_policies.db_capacity` knows it, the figure `bounded-db-pool` judges with), the database
(an RDS PostgreSQL/MySQL instance, or an Aurora cluster with its instances) with backups of
bounded retention, and a `ConnectionBudget` of `max_connections - reserve`. A Python `Service`
given `database=` draws `max replicas × pool size` from it; programs in other languages declare
the same draws as `claims`. A draw that does not fit is an error at program time.

Deletion keeps no forever-snapshot: `skip_final_snapshot` is on and automated backups (bounded by
`backup_retention_days`) are retained after deletion instead; deletion protection is on by default.

Log exports (`log_exports`) never create a log group that keeps logs forever: RDS would create
`/aws/rds/instance/<identifier>/<log type>` (Aurora: `/aws/rds/cluster/...`) on first write, with no
expiry. The component declares each of those groups first, with the contract's log retention and
class `logs`, and the database depends on them. Naming a group before the database exists needs a
known identifier: `identifier` if given, else `<name>-<stack>`. Giving a database created without
log exports an identifier replaces it, so pass its current identifier when turning exports on.
"""

# No `from __future__ import annotations` here: the SDK's schema inference reads the args' and
# outputs' annotations as live objects (see finops_components.__init__).
import re
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws
from finops_policies import cloudwatch
from finops_policies import conventions as conv
from finops_policies.db_capacity import engine_default

from ._common import ArgsError, flag, resolve_contract, text, whole_number
from .allocation import Allocation
from .budget import Claim, ConnectionBudget
from .contract import ServiceCostContract
from .retention import cloudwatch_retention_days

TYPE_TOKEN = "finops:index:PooledDatabase"
DEFAULT_BACKUP_RETENTION_DAYS = 7
#: RDS accepts 1..35 days of automated backups (0 would switch backups off).
MAX_BACKUP_RETENTION_DAYS = 35
#: The retention class of the database's exported logs (engine, error and slow-query logs).
EXPORTED_LOGS_CLASS = "logs"
#: Aurora User Guide, Maximum connections to an Aurora MySQL DB instance: max_connections can be set "up to 16,000".
MAX_AURORA_MYSQL_CONNECTIONS = 16_000


@dataclass(frozen=True)
class Engine:
    """How one engine is created and how its `max_connections` parameter is applied."""

    name: str
    aurora: bool
    default_version: str
    family_prefix: str
    #: `max_connections` is a static parameter in PostgreSQL (needs a reboot), dynamic in MySQL.
    apply_method: str
    default_port: int

    def family(self, version: str) -> str:
        parts = version.split(".")
        # PostgreSQL families carry the major version only ("postgres16"), MySQL ones major.minor.
        major = parts[0] if "postgres" in self.name else ".".join(parts[:2])
        return f"{self.family_prefix}{major}"


ENGINES: dict[str, Engine] = {
    engine.name: engine
    for engine in (
        Engine("postgres", False, "16", "postgres", "pending-reboot", 5432),
        Engine("mysql", False, "8.0", "mysql", "immediate", 3306),
        Engine("aurora-postgresql", True, "16.4", "aurora-postgresql", "pending-reboot", 5432),
        Engine("aurora-mysql", True, "8.0.mysql_aurora.3.08.0", "aurora-mysql", "immediate", 3306),
    )
}


class ConnectionClaim(TypedDict):
    """A service's share of the connection budget, declared where the database is created."""

    service: str
    """The service drawing the connections."""
    max_replicas: int
    """Its maximum number of replicas (the autoscaler's max)."""
    pool_size_per_replica: int
    """Its database pool size per replica."""


class PooledDatabaseArgs(TypedDict):
    """Inputs of PooledDatabase. Give the contract as exactly one of contractFile or contractYaml."""

    engine: str
    """Database engine: postgres, mysql, aurora-postgresql or aurora-mysql."""
    instance_class: str
    """Instance class, e.g. db.r6g.large."""
    max_connections: NotRequired[int]
    """The `max_connections` parameter, set explicitly in the parameter group. Defaults to the engine's
    default for the instance class where AWS publishes it (the Aurora tables), else to the lowest value
    the engine's memory formula can give for the class; required where neither is known."""
    contract_file: NotRequired[str]
    """Path of the owning service's ServiceCostContract YAML file (its tags go on the database)."""
    contract_yaml: NotRequired[str]
    """The owning service's ServiceCostContract document, as YAML text."""
    engine_version: NotRequired[str]
    """Engine version; defaults to a current major version of the engine."""
    parameter_group_family: NotRequired[str]
    """Parameter group family; derived from the engine and version when omitted."""
    reserve_percent: NotRequired[int]
    """Share of max_connections kept out of the budget for admins and migrations (default 10)."""
    backup_retention_days: NotRequired[int]
    """Automated backup retention, 1..35 days (default 7)."""
    allocated_storage_gb: NotRequired[int]
    """Storage of an RDS instance in GiB (default 20; Aurora grows by itself)."""
    instance_count: NotRequired[int]
    """Aurora only: number of cluster instances (default 1, the writer)."""
    database_name: NotRequired[str]
    """Name of the initial database; defaults to the service name with '_' for '-'."""
    username: NotRequired[str]
    """Master user name (default app_admin); its password is managed in Secrets Manager by RDS."""
    subnet_group_name: NotRequired[pulumi.Input[str]]
    """DB subnet group to place the database in."""
    security_group_ids: NotRequired[list[pulumi.Input[str]]]
    """VPC security groups of the database."""
    deletion_protection: NotRequired[bool]
    """Refuse deletion until switched off (default true)."""
    claims: NotRequired[list[ConnectionClaim]]
    """Draws on the budget declared up front (for programs in other languages; Python services draw
    themselves with `Service(database=...)`)."""
    log_exports: NotRequired[list[str]]
    """Log types to publish to CloudWatch Logs (e.g. postgresql, upgrade; error, slowquery): each gets its
    log group first, with the contract's log retention."""
    identifier: NotRequired[str]
    """DB instance (Aurora: cluster) identifier; generated when omitted, `<name>-<stack>` with log exports."""


def _max_connections(component: str, args: PooledDatabaseArgs, engine: str, instance_class: str) -> int:
    """The explicit `max_connections`, else the engine default for the class (its floor where AWS gives a range)."""
    if args.get("max_connections") is None:
        default = engine_default(engine, instance_class)
        if default.low is None:
            raise ArgsError(
                f"'{component}.max_connections' is required: no default is known for {engine} on {instance_class} "
                f"({default.source})"
            )
        return default.low
    maximum = MAX_AURORA_MYSQL_CONNECTIONS if engine == "aurora-mysql" else None
    return whole_number(component, args, "max_connections", minimum=1, maximum=maximum)


class PooledDatabase(pulumi.ComponentResource):
    """An RDS/Aurora database with an explicit max_connections, bounded backups, and a connection
    budget that services draw from."""

    endpoint: pulumi.Output[str]
    """Host name applications connect to (the writer endpoint for Aurora)."""
    port: pulumi.Output[int]
    """Port of the database."""
    max_connections: pulumi.Output[int]
    """The max_connections set in the parameter group."""
    connection_budget: pulumi.Output[int]
    """Connections services may draw in total: max_connections minus the reserve."""
    parameter_group_name: pulumi.Output[str]
    """Name of the parameter group that sets max_connections."""

    def __init__(
        self,
        name: str,
        args: PooledDatabaseArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        contract: ServiceCostContract | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, {}, opts)
        component = "PooledDatabase"
        resolved = resolve_contract(component, args, contract)
        tags = Allocation.of(resolved).aws_tags()
        engine_name = text(component, args, "engine")
        engine = ENGINES.get(engine_name)
        if engine is None:
            raise ArgsError(f"'{component}.engine' must be one of {', '.join(ENGINES)}: {engine_name!r}")
        version = text(component, args, "engine_version", engine.default_version)
        instance_class = text(component, args, "instance_class")
        max_connections = _max_connections(component, args, engine.name, instance_class)
        backup_days = whole_number(
            component,
            args,
            "backup_retention_days",
            DEFAULT_BACKUP_RETENTION_DAYS,
            minimum=1,
            maximum=MAX_BACKUP_RETENTION_DAYS,
        )
        self._budget = ConnectionBudget(
            name,
            max_connections,
            whole_number(component, args, "reserve_percent", conv.DEFAULT_DB_RESERVE_PERCENT, minimum=0, maximum=99),
        )
        for claim in args.get("claims") or []:
            self._budget.draw(
                text(component, claim, "service"),
                whole_number(component, claim, "max_replicas", minimum=1),
                whole_number(component, claim, "pool_size_per_replica", minimum=1),
            )

        log_exports = _log_exports(component, args)
        identifier = _identifier(component, args, name, bool(log_exports))

        child = pulumi.ResourceOptions(parent=self)
        parameter_group = aws.rds.ParameterGroup(
            name,
            family=text(component, args, "parameter_group_family", engine.family(version)),
            description=f"{resolved.service}: max_connections {max_connections}, set explicitly",
            parameters=[
                {
                    "name": "max_connections",
                    "value": str(max_connections),
                    "apply_method": engine.apply_method,
                }
            ],
            tags=tags,
            opts=child,
        )
        common: dict[str, Any] = {
            "db_subnet_group_name": args.get("subnet_group_name"),
            "vpc_security_group_ids": args.get("security_group_ids"),
            "backup_retention_period": backup_days,
            "copy_tags_to_snapshot": True,
            "deletion_protection": flag(component, args, "deletion_protection", True),
            "skip_final_snapshot": True,
            "delete_automated_backups": False,
            "storage_encrypted": True,
            "manage_master_user_password": True,
            "tags": tags,
        }
        self._log_groups = _export_log_groups(name, engine, identifier, log_exports, resolved, opts=child)
        # The groups exist before RDS first writes, so RDS uses them instead of creating its own.
        database_opts = pulumi.ResourceOptions(parent=self, depends_on=self._log_groups) if self._log_groups else child
        if log_exports:
            common["enabled_cloudwatch_logs_exports"] = log_exports
        database_name = args.get("database_name") or re.sub(r"[^A-Za-z0-9]", "_", resolved.service)
        username = text(component, args, "username", "app_admin")
        if engine.aurora:
            cluster = aws.rds.Cluster(
                name,
                engine=engine.name,
                engine_version=version,
                database_name=database_name,
                master_username=username,
                cluster_identifier=identifier,
                opts=database_opts,
                **common,
            )
            count = whole_number(component, args, "instance_count", 1, minimum=1, maximum=15)
            self._instances = [
                aws.rds.ClusterInstance(
                    f"{name}-{index}",
                    cluster_identifier=cluster.id,
                    engine=aws.rds.EngineType(engine.name),
                    engine_version=version,
                    instance_class=instance_class,
                    db_parameter_group_name=parameter_group.name,
                    copy_tags_to_snapshot=True,
                    tags=tags,
                    opts=child,
                )
                for index in range(count)
            ]
            self._database: pulumi.CustomResource = cluster
            self.endpoint = cluster.endpoint
            self.port = cluster.port.apply(lambda port: port or engine.default_port)
        else:
            instance = aws.rds.Instance(
                name,
                engine=engine.name,
                engine_version=version,
                instance_class=instance_class,
                allocated_storage=whole_number(component, args, "allocated_storage_gb", 20, minimum=20),
                parameter_group_name=parameter_group.name,
                db_name=database_name,
                username=username,
                publicly_accessible=False,
                identifier=identifier,
                opts=database_opts,
                **common,
            )
            self._instances = []
            self._database = instance
            self.endpoint = instance.address
            self.port = instance.port.apply(lambda port: port or engine.default_port)

        self.max_connections = pulumi.Output.from_input(max_connections)
        self.connection_budget = pulumi.Output.from_input(self._budget.total)
        self.parameter_group_name = parameter_group.name
        self.register_outputs(
            {
                "endpoint": self.endpoint,
                "port": self.port,
                "max_connections": self.max_connections,
                "connection_budget": self.connection_budget,
                "parameter_group_name": self.parameter_group_name,
            }
        )

    @property
    def budget(self) -> ConnectionBudget:
        """The connection budget; `Service(database=...)` draws from it."""
        return self._budget

    @property
    def database(self) -> pulumi.CustomResource:
        """The RDS instance or Aurora cluster."""
        return self._database

    @property
    def log_groups(self) -> list[aws.cloudwatch.LogGroup]:
        """The log groups of the exported logs, one per log type (none without `log_exports`)."""
        return list(self._log_groups)

    def draw(self, service: str, max_replicas: int, pool_size_per_replica: int) -> Claim:
        """Reserve `max_replicas × pool_size_per_replica` connections for `service`, or raise."""
        return self._budget.draw(service, max_replicas, pool_size_per_replica)


def _log_exports(component: str, args: PooledDatabaseArgs) -> list[str]:
    value = args.get("log_exports") or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ArgsError(f"'{component}.log_exports' must be a list of log types, e.g. ['postgresql']: {value!r}")
    exports = [v.strip() for v in value]
    if len(set(exports)) != len(exports):
        raise ArgsError(f"'{component}.log_exports' names a log type twice: {value!r}")
    return exports


def _identifier(component: str, args: PooledDatabaseArgs, name: str, needed: bool) -> str | None:
    """The identifier to set: the one given (in lowercase, as RDS stores it), `<name>-<stack>` when the log
    groups need a name before the database exists, else None (generated)."""
    if args.get("identifier") is not None:
        given = text(component, args, "identifier")
        if not re.match(conv.RDS_IDENTIFIER_PATTERN, given):
            raise ArgsError(
                f"'{component}.identifier' must be 1..63 letters, digits or hyphens, start with a letter, and "
                f"neither end with a hyphen nor hold two in a row: {given!r}"
            )
        return given.lower()
    if not needed:
        return None
    derived = re.sub(r"[^a-z0-9]+", "-", f"{name}-{pulumi.get_stack()}".lower()).strip("-")
    if not derived[:1].isalpha():
        derived = f"db-{derived}".rstrip("-")
    return derived[:63].rstrip("-")


def _export_log_groups(
    name: str,
    engine: Engine,
    identifier: str | None,
    log_exports: list[str],
    contract: ServiceCostContract,
    *,
    opts: pulumi.ResourceOptions,
) -> list[aws.cloudwatch.LogGroup]:
    """The group RDS would create for each exported log type, declared with the contract's retention."""
    if not log_exports or identifier is None:
        return []
    days = cloudwatch_retention_days(contract.spec.telemetry.log_retention_days, EXPORTED_LOGS_CLASS)
    tags = Allocation.of(contract).aws_tags(EXPORTED_LOGS_CLASS)
    group_name = cloudwatch.rds_cluster_log_group if engine.aurora else cloudwatch.rds_instance_log_group
    return [
        aws.cloudwatch.LogGroup(
            f"{name}-{log_type}",
            name=group_name(identifier, log_type),
            retention_in_days=days,
            tags=tags,
            opts=opts,
        )
        for log_type in log_exports
    ]
