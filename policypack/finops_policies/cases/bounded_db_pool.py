"""Cases of `bounded-db-pool`: pool declarations, fleet demand against max_connections, Aurora, RDS Proxy,
ECS, unknowns and waivers."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseResource, Expect
from finops_policies.cases.builders import AWS, K8S, day, waivers
from finops_policies.values import UNKNOWN_NUMBER, UNKNOWN_OBJECT, UNKNOWN_STRING

_HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
_NEXT_YEAR = day(365)
_LAST_MONTH = day(-30)
_SECRET = "s3cr3t-hunter2"


def _pg(max_connections: Any = "200", name: str = "orders-pg") -> CaseResource:
    return CaseResource(
        conv.RDS_PARAMETER_GROUP,
        name,
        {
            "name": name,
            "family": "postgres16",
            "parameters": [{"name": "max_connections", "value": max_connections, "applyMethod": "pending-reboot"}],
        },
        AWS,
    )


def _db(group: str | None = "orders-pg", **props: Any) -> CaseResource:
    base: dict[str, Any] = {"engine": "postgres", "instanceClass": "db.t4g.medium", "identifier": "orders-db"}
    if group is not None:
        base["parameterGroupName"] = group
    base.update(props)
    in_stack = group is not None and not group.startswith(("default.", "shared"))
    deps = {"parameterGroupName": (group,)} if in_stack and group is not None else {}
    return CaseResource(conv.RDS_INSTANCE, "orders-db", base, AWS, property_dependencies=deps)


def _env(name: str = "DB_POOL_SIZE", value: Any = "12") -> dict[str, Any]:
    return {"name": name, "value": value}


def _app(
    name: str = "orders-api",
    *,
    env: Sequence[Mapping[str, Any]] = (_env(),),
    replicas: Any = None,
    annotations: Mapping[str, Any] | None = None,
    db: str = "orders-db",
    via: str = "spec",
    kind: str = conv.K8S_DEPLOYMENT,
    spec: Any = None,
) -> CaseResource:
    """A workload whose DB_HOST comes from the database's address (unknown in preview)."""
    containers = [
        {"name": "app", "image": "ghcr.io/example/app:1.0", "env": [{"name": "DB_HOST", "value": UNKNOWN_STRING}, *env]}
    ]
    template = {"metadata": {"labels": {"app": name}}, "spec": {"containers": containers}}
    built: dict[str, Any] = {"selector": {"matchLabels": {"app": name}}, "template": template}
    if replicas is not None:
        built["replicas"] = replicas
    metadata: dict[str, Any] = {"name": name, "namespace": "orders"}
    if annotations:
        metadata["annotations"] = dict(annotations)
    return CaseResource(
        kind,
        name,
        {"metadata": metadata, "spec": built if spec is None else spec},
        K8S,
        depends_on=(db,) if via == "dependsOn" else (),
        property_dependencies={"spec": (db,)} if via == "spec" else {},
    )


def _hpa(
    target: str = "orders-api",
    *,
    max_replicas: Any = 20,
    kind: str = "Deployment",
    namespace: str = "orders",
    ref_name: Any = None,
    depends: tuple[str, ...] = (),
) -> CaseResource:
    return CaseResource(
        _HPA,
        f"{target}-hpa",
        {
            "metadata": {"name": target, "namespace": namespace},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": ref_name or target},
                "minReplicas": 2,
                "maxReplicas": max_replicas,
            },
        },
        K8S,
        property_dependencies={"spec": depends} if depends else {},
    )


def _ecs(pool: str | None = "10", desired: Any = 4, max_capacity: Any = 20) -> tuple[CaseResource, ...]:
    env = [{"name": "DB_HOST", "value": "orders-db.abc.us-east-1.rds.amazonaws.com"}]
    if pool is not None:
        env.append({"name": "DB_POOL_SIZE", "value": pool})
    definitions = json.dumps([{"name": "api", "image": "app:1", "environment": env}])
    task = CaseResource(
        conv.ECS_TASK_DEFINITION,
        "orders-task",
        {"family": "orders", "containerDefinitions": definitions},
        AWS,
        property_dependencies={"containerDefinitions": ("orders-db",)},
    )
    service = CaseResource(
        conv.ECS_SERVICE,
        "orders-svc",
        {"name": "orders-svc", "desiredCount": desired, "taskDefinition": UNKNOWN_STRING},
        AWS,
        property_dependencies={"taskDefinition": ("orders-task",)},
    )
    scaling = CaseResource(
        conv.APPAUTOSCALING_TARGET,
        "orders-svc-scaling",
        {
            "serviceNamespace": "ecs",
            "scalableDimension": "ecs:service:DesiredCount",
            "minCapacity": 2,
            "maxCapacity": max_capacity,
            "resourceId": UNKNOWN_STRING,
        },
        AWS,
        property_dependencies={"resourceId": ("orders-svc",)},
    )
    return (task, service, scaling)


def _aurora(engine: str, instance_class: str, **cluster: Any) -> tuple[CaseResource, ...]:
    members = tuple(
        CaseResource(
            conv.RDS_CLUSTER_INSTANCE,
            f"ledger-{i}",
            {"instanceClass": instance_class, "engine": engine, "clusterIdentifier": UNKNOWN_STRING},
            AWS,
            property_dependencies={"clusterIdentifier": ("ledger",)},
        )
        for i in (1, 2)
    )
    props = {"engine": engine, "clusterIdentifier": "ledger", **cluster}
    return (CaseResource(conv.RDS_CLUSTER, "ledger", props, AWS), *members)


_OVER = "20 × 12 (orders-api) = 240 exceeds 180 = max_connections 200 (parameter group 'orders-pg') − 10 % reserve"

CASES: tuple[Case, ...] = (
    Case(
        "seed-8-replicas-x-12-fits-120",
        (_pg("134"), _db(), _app(replicas=8)),
        note="8 × 12 = 96 ≤ 120 = 134 − 10 %",
    ),
    Case(
        "hpa-max-replicas-exceed-the-database",
        (_pg(), _db(), _app(replicas=4), _hpa()),
        violations=(Expect("orders-db", f"fleet demand {_OVER}; expected ≤ 180"),),
    ),
    Case(
        "fleet-of-two-workloads",
        (_pg(), _db(), _app(replicas=4), _hpa(), _app("reports", env=(_env(value="10"),), replicas=4)),
        violations=(Expect("orders-db", "20 × 12 (orders-api) + 4 × 10 (reports) = 280 exceeds 180"),),
    ),
    Case("hpa-within-budget", (_pg(), _db(), _app(), _hpa(max_replicas=15))),
    Case("replicas-without-hpa", (_pg(), _db(), _app(replicas=15))),
    Case(
        "replicas-without-hpa-exceed",
        (_pg(), _db(), _app(replicas=16)),
        violations=(Expect("orders-db", "16 × 12 (orders-api) = 192 exceeds 180"),),
    ),
    Case(
        "replicas-default-to-one",
        (_pg(), _db(), _app(env=(_env(value="181"),))),
        violations=(Expect("orders-db", "1 × 181 (orders-api) = 181 exceeds 180"),),
    ),
    Case("replicas-as-float-and-string", (_pg(), _db(), _app(replicas=15.0, env=(_env(value=" 12 "),)))),
    *(
        Case(
            f"pool-from-env-{n.lower().replace('_', '-')}",
            (_pg(), _db(), _app(env=(_env(n, "20"),), replicas=10)),
            violations=(Expect("orders-db", "10 × 20 (orders-api) = 200 exceeds 180"),),
        )
        for n in conv.DB_POOL_ENV_NAMES
    ),
    Case(
        "pool-from-annotation",
        (_pg(), _db(), _app(env=(), annotations={conv.DB_POOL_ANNOTATION: "20"}, replicas=10)),
        violations=(Expect("orders-db", "10 × 20 (orders-api) = 200"),),
    ),
    Case("annotation-wins-over-env", (_pg(), _db(), _app(annotations={conv.DB_POOL_ANNOTATION: "5"}, replicas=30))),
    Case(
        "pool-summed-over-containers",
        (
            _pg(),
            _db(),
            _app(
                replicas=8,
                spec={
                    "replicas": 8,
                    "template": {
                        "spec": {
                            "containers": [
                                {"name": "api", "env": [_env(value="12")]},
                                {"name": "worker", "env": [_env("HIKARI_MAXIMUM_POOL_SIZE", "12")]},
                            ]
                        }
                    },
                },
            ),
        ),
        violations=(Expect("orders-db", "8 × 24 (orders-api) = 192 exceeds 180"),),
    ),
    Case(
        "pool-name-from-config",
        (_pg(), _db(), _app(env=(_env("SQLALCHEMY_POOL_SIZE", "20"),), replicas=10)),
        config={"poolEnvNames": ["SQLALCHEMY_POOL_SIZE"]},
        violations=(Expect("orders-db", "10 × 20 (orders-api) = 200"),),
    ),
    Case(
        "pool-unset",
        (_pg(), _db(), _app(env=(_env("DB_PASSWORD", _SECRET),))),
        violations=(Expect("orders-api", "DB pool size per replica is unset although it uses Instance 'orders-db'"),),
        never_shown=(_SECRET,),
    ),
    Case(
        "pool-unbounded",
        (_pg(), _db(), _app(env=(_env(value="0"),))),
        violations=(Expect("orders-api", "env DB_POOL_SIZE is '0', not a bounded pool size"),),
    ),
    Case(
        "pool-not-an-integer",
        (_pg(), _db(), _app(env=(_env(value="12.5"),))),
        violations=(Expect("orders-api", "env DB_POOL_SIZE is '12.5'"),),
    ),
    Case(
        "pool-unknown-until-apply",
        (_pg(), _db(), _app(env=(_env(value=UNKNOWN_STRING),))),
        unverifiable=("orders-api",),
    ),
    Case(
        "pool-from-secret-ref",
        (
            _pg(),
            _db(),
            _app(env=({"name": "DB_POOL_SIZE", "valueFrom": {"configMapKeyRef": {"name": "pool", "key": "size"}}},)),
        ),
        unverifiable=("orders-api",),
    ),
    Case("pod-spec-unknown-until-apply", (_pg(), _db(), _app(spec=UNKNOWN_OBJECT)), unverifiable=("orders-api",)),
    Case("no-database-no-requirement", (_pg(), _db(), CaseResource(conv.K8S_DEPLOYMENT, "web", {"spec": {}}, K8S))),
    Case(
        "hpa-matched-through-property-dependency",
        (_pg(), _db(), _app(replicas=2), _hpa(ref_name=UNKNOWN_STRING, depends=("orders-api",))),
        violations=(Expect("orders-db", _OVER),),
    ),
    Case("hpa-of-another-namespace-does-not-apply", (_pg(), _db(), _app(replicas=2), _hpa(namespace="reports"))),
    Case(
        "hpa-of-a-statefulset-does-not-scale-the-deployment", (_pg(), _db(), _app(replicas=2), _hpa(kind="StatefulSet"))
    ),
    Case(
        "statefulset-with-hpa",
        (_pg(), _db(), _app(kind=conv.K8S_STATEFULSET, replicas=3), _hpa(kind="StatefulSet")),
        violations=(Expect("orders-db", _OVER),),
    ),
    Case(
        "hpa-max-replicas-unknown",
        (_pg(), _db(), _app(), _hpa(max_replicas=UNKNOWN_NUMBER)),
        unverifiable=("orders-api", "orders-api-hpa"),
    ),
    Case(
        "depends-on-only", (_pg(), _db(), _app(via="dependsOn", replicas=20)), violations=(Expect("orders-db", _OVER),)
    ),
    Case(
        "database-named-by-annotation",
        (_pg(), _db(), _app(via="none", replicas=20, annotations={conv.DB_TARGET_ANNOTATION: "orders-db"})),
        violations=(Expect("orders-db", _OVER),),
    ),
    Case(
        "endpoint-through-a-secret",
        (
            _pg(),
            _db(),
            CaseResource(
                conv.K8S_SECRET,
                "orders-db-conn",
                {"stringData": UNKNOWN_OBJECT},
                K8S,
                property_dependencies={"stringData": ("orders-db",)},
            ),
            _app(db="orders-db-conn", replicas=20),
        ),
        violations=(Expect("orders-db", _OVER),),
    ),
    Case(
        "engine-default-formula-fits",
        (_db(group=None, instanceClass="db.t3.medium"), _app(replicas=25)),
        note="25 × 12 = 300 ≤ 303 = 337 − 10 %; 337 = LEAST(DBInstanceClassMemory/9531392, 5000) at 0.75 of 4 GiB",
    ),
    Case(
        "engine-default-formula-range-is-unverifiable",
        (_db(group=None, instanceClass="db.t3.medium"), _app(replicas=30)),
        unverifiable=("orders-db",),
        note="360 fits the formula at the full 4 GiB (405) but not at 0.75 of it (303): AWS does not publish "
        "DBInstanceClassMemory for RDS, so neither verdict is safe",
    ),
    Case(
        "engine-default-formula-exceeded",
        (_db(group=None, instanceClass="db.t3.medium"), _app(replicas=34)),
        violations=(
            Expect(
                "orders-db",
                "34 × 12 (orders-api) = 408 exceeds 405 = max_connections at most 450 "
                "(postgres default LEAST({DBInstanceClassMemory/9531392},5000) "
                "for db.t3.medium",
            ),
        ),
    ),
    Case(
        "aws-default-parameter-group-uses-the-engine-default",
        (_db(group="default.postgres16", instanceClass="db.t3.medium"), _app(replicas=34)),
        violations=(Expect("orders-db", "exceeds 405 = max_connections at most 450"),),
    ),
    Case(
        "formula-in-the-parameter-group",
        (_pg("LEAST({DBInstanceClassMemory/9531392},5000)"), _db(instanceClass="db.t3.medium"), _app(replicas=34)),
        violations=(Expect("orders-db", "exceeds 405 = max_connections at most 450 (parameter group 'orders-pg'"),),
    ),
    Case("explicit-max-connections-beats-unknown-class", (_pg(), _db(instanceClass="db.z9.large"), _app())),
    Case(
        "unknown-instance-class-is-unverifiable",
        (_db(group=None, instanceClass="db.z9.large"), _app()),
        unverifiable=("orders-db",),
    ),
    Case(
        "newer-classes-are-sized-from-their-published-memory",
        (_db(group=None, instanceClass="db.r7i.large"), _app(replicas=113, env=(_env(value="15"),))),
        violations=(Expect("orders-db", "113 × 15 (orders-api) = 1695 exceeds 1621 = max_connections at most 1802"),),
        note="db.r7i.large has 16 GiB (the EC2 r7i.large), a class the 2023 RDS table does not list",
    ),
    Case(
        "aurora-postgresql-published-default-fits",
        (*_aurora("aurora-postgresql", "db.r6g.large"), _app(db="ledger", env=(_env(value="75"),), replicas=20)),
        note="20 × 75 = 1500 ≤ 1549 = 1722 − 10 %; AWS publishes 1722 for Aurora PostgreSQL on db.r6g.large",
    ),
    Case(
        "aurora-postgresql-sized-by-its-instances",
        (*_aurora("aurora-postgresql", "db.r6g.large"), _app(db="ledger", env=(_env(value="15"),), replicas=104)),
        violations=(
            Expect(
                "ledger",
                "104 × 15 (orders-api) = 1560 exceeds 1549 = max_connections 1722 (ClusterInstance 'ledger-1', "
                "aurora-postgresql default for db.r6g.large (AWS's published table))",
            ),
        ),
    ),
    Case(
        "aurora-postgresql-class-outside-the-table-uses-the-formula-range",
        (*_aurora("aurora-postgresql", "db.r7g.large"), _app(db="ledger", env=(_env(value="15"),), replicas=100)),
        unverifiable=("ledger", "ledger-1"),
        note="1500 is between 1215 and 1621 (the formula at 0.75 × and all of 16 GiB, less 10 %)",
    ),
    Case(
        "aurora-mysql-documented-default",
        (*_aurora("aurora-mysql", "db.r6g.large"), _app(db="ledger", env=(_env(value="10"),), replicas=90)),
    ),
    Case(
        "aurora-mysql-documented-default-exceeded",
        (*_aurora("aurora-mysql", "db.r6g.large"), _app(db="ledger", env=(_env(value="10"),), replicas=91)),
        violations=(Expect("ledger", "91 × 10 (orders-api) = 910 exceeds 900 = max_connections 1000"),),
    ),
    Case(
        "aurora-mysql-r5-24xlarge",
        (*_aurora("aurora-mysql", "db.r5.24xlarge"), _app(db="ledger", env=(_env(value="100"),), replicas=64)),
        violations=(Expect("ledger", "64 × 100 (orders-api) = 6400 exceeds 6300 = max_connections 7000"),),
    ),
    Case(
        "aurora-mysql-class-outside-the-table-is-unverifiable",
        (*_aurora("aurora-mysql", "db.r7g.large"), _app(db="ledger")),
        unverifiable=("ledger", "ledger-1"),
    ),
    Case(
        "aurora-serverless-v2-sized-by-max-acu",
        (
            *_aurora(
                "aurora-postgresql",
                "db.serverless",
                serverlessv2ScalingConfiguration={"minCapacity": 0.5, "maxCapacity": 8},
            ),
            _app(db="ledger", env=(_env(value="15"),), replicas=101),
        ),
        violations=(Expect("ledger", "= 1515 exceeds 1502 = max_connections 1669"),),
    ),
    Case(
        "aurora-serverless-v2-postgresql-min-half-acu-caps-at-2000",
        (
            *_aurora(
                "aurora-postgresql",
                "db.serverless",
                serverlessv2ScalingConfiguration={"minCapacity": 0.5, "maxCapacity": 16},
            ),
            _app(db="ledger", env=(_env(value="20"),), replicas=91),
        ),
        violations=(Expect("ledger", "= 1820 exceeds 1800 = max_connections 2000"),),
        note="3360 at 16 ACU, capped at 2000 for a minimum of 0.5 ACU",
    ),
    Case(
        "aurora-serverless-v2-min-one-acu-is-not-capped",
        (
            *_aurora(
                "aurora-postgresql",
                "db.serverless",
                serverlessv2ScalingConfiguration={"minCapacity": 1, "maxCapacity": 16},
            ),
            _app(db="ledger", env=(_env(value="20"),), replicas=150),
        ),
        note="3000 ≤ 3024 = 3360 − 10 %",
    ),
    Case(
        "aurora-serverless-v2-between-published-rows",
        (
            *_aurora(
                "aurora-postgresql",
                "db.serverless",
                serverlessv2ScalingConfiguration={"minCapacity": 1, "maxCapacity": 6},
            ),
            _app(db="ledger", env=(_env(value="10"),), replicas=100),
        ),
        unverifiable=("ledger", "ledger-1"),
        note="6 ACU is not published: between 823 (4 ACU) and 1669 (8 ACU), 1000 is neither cleared nor blocked",
    ),
    Case(
        "aurora-serverless-v2-between-rows-over-the-higher-row",
        (
            *_aurora(
                "aurora-mysql",
                "db.serverless",
                serverlessv2ScalingConfiguration={"minCapacity": 1, "maxCapacity": 6},
            ),
            _app(db="ledger", env=(_env(value="10"),), replicas=91),
        ),
        violations=(Expect("ledger", "= 910 exceeds 900 = max_connections at most 1000"),),
        note="over the budget of the next published row (8 ACU: 1000) is over whatever 6 ACU gives",
    ),
    Case(
        "depends-on-a-cluster-instance-counts-for-the-cluster",
        (*_aurora("aurora-mysql", "db.r6g.large"), _app(db="ledger-1", env=(_env(value="10"),), replicas=91)),
        violations=(Expect("ledger", "91 × 10 (orders-api) = 910 exceeds 900"),),
    ),
    Case(
        "rds-proxy-share-of-the-target",
        (
            _pg(),
            _db(),
            CaseResource(conv.RDS_PROXY, "orders-proxy", {"name": "orders-proxy", "engineFamily": "POSTGRESQL"}, AWS),
            CaseResource(
                conv.RDS_PROXY_DEFAULT_TARGET_GROUP,
                "orders-proxy-tg",
                {"dbProxyName": "orders-proxy", "connectionPoolConfig": {"maxConnectionsPercent": 50}},
                AWS,
            ),
            CaseResource(
                conv.RDS_PROXY_TARGET,
                "orders-proxy-target",
                {"dbProxyName": "orders-proxy", "targetGroupName": "default", "dbInstanceIdentifier": "orders-db"},
                AWS,
            ),
            _app(db="orders-proxy", env=(_env(value="10"),), replicas=10),
        ),
        violations=(
            Expect(
                "orders-proxy",
                "10 × 10 (orders-api) = 100 exceeds 90 = max_connections 100 "
                "(50 % of max_connections 200 of Instance 'orders-db'",
            ),
        ),
    ),
    Case(
        "rds-proxy-without-target-is-unverifiable",
        (CaseResource(conv.RDS_PROXY, "orders-proxy", {"name": "orders-proxy"}, AWS), _app(db="orders-proxy")),
        unverifiable=("orders-proxy",),
    ),
    Case(
        "ecs-service-scaled-by-app-autoscaling",
        (_pg(), _db(), *_ecs()),
        violations=(Expect("orders-db", "20 × 10 (orders-svc) = 200 exceeds 180"),),
    ),
    Case("ecs-service-within-budget", (_pg(), _db(), *_ecs(max_capacity=18))),
    Case(
        "ecs-service-desired-count",
        (_pg(), _db(), *_ecs(desired=19)[:2]),
        violations=(Expect("orders-db", "19 × 10 (orders-svc) = 190 exceeds 180"),),
    ),
    Case(
        "ecs-service-without-pool",
        (_pg(), _db(), *_ecs(pool=None)),
        violations=(Expect("orders-svc", "DB pool size per replica is unset"),),
    ),
    Case(
        "ecs-task-definition-found-by-family",
        (
            _pg(),
            _db(),
            _ecs(desired=19)[0],
            CaseResource(
                conv.ECS_SERVICE,
                "orders-svc",
                {"name": "orders-svc", "desiredCount": 19, "taskDefinition": "orders:7"},
                AWS,
            ),
        ),
        violations=(Expect("orders-db", "19 × 10 (orders-svc) = 190 exceeds 180"),),
    ),
    Case(
        "ecs-task-definition-outside-the-stack",
        (
            _pg(),
            _db(),
            CaseResource(
                conv.ECS_SERVICE,
                "orders-svc",
                {"name": "orders-svc", "taskDefinition": "billing:3"},
                AWS,
                depends_on=("orders-db",),
            ),
        ),
        unverifiable=("orders-svc",),
    ),
    Case(
        "multi-az-db-cluster-sized-by-its-instance-class",
        (
            CaseResource(
                conv.RDS_CLUSTER, "ledger", {"engine": "postgres", "dbClusterInstanceClass": "db.m6g.large"}, AWS
            ),
            _app(db="ledger", replicas=68),
        ),
        violations=(Expect("ledger", "68 × 12 (orders-api) = 816 exceeds 810 = max_connections at most 901"),),
    ),
    Case(
        "cluster-without-instances-uses-its-parameter-group",
        (
            CaseResource(
                conv.RDS_CLUSTER_PARAMETER_GROUP,
                "ledger-cpg",
                {"name": "ledger-cpg", "parameters": [{"name": "max_connections", "value": "500"}]},
                AWS,
            ),
            CaseResource(
                conv.RDS_CLUSTER,
                "ledger",
                {"engine": "aurora-postgresql", "dbClusterParameterGroupName": "ledger-cpg"},
                AWS,
            ),
            _app(db="ledger", replicas=40),
        ),
        violations=(
            Expect(
                "ledger", "40 × 12 (orders-api) = 480 exceeds 450 = max_connections 500 (parameter group 'ledger-cpg')"
            ),
        ),
    ),
    Case(
        "cluster-without-instances-or-parameters",
        (CaseResource(conv.RDS_CLUSTER, "ledger", {"engine": "aurora-postgresql"}, AWS), _app(db="ledger")),
        unverifiable=("ledger",),
    ),
    Case(
        "hpa-matched-when-the-namespace-is-unknown",
        (
            _pg(),
            _db(),
            CaseResource(
                conv.K8S_DEPLOYMENT,
                "orders-api",
                {
                    "metadata": {"name": "orders-api", "namespace": UNKNOWN_STRING},
                    "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "app", "env": [_env()]}]}}},
                },
                K8S,
                property_dependencies={"spec": ("orders-db",), "metadata": ("orders-ns",)},
            ),
            _hpa(),
        ),
        violations=(Expect("orders-db", _OVER),),
    ),
    Case(
        "reserve-from-config",
        (_pg(), _db(), _app(replicas=4), _hpa()),
        config={"reservePercent": 0},
        violations=(
            Expect("orders-db", "= 240 exceeds 200 = max_connections 200 (parameter group 'orders-pg') − 0 % reserve"),
        ),
    ),
    Case(
        "waived",
        (_pg(), _db(), _app(replicas=20)),
        waived=("orders-db",),
        config=waivers("orders-db", expires=_NEXT_YEAR, ticket="FIN-88", reason="pool cut lands next sprint"),
    ),
    Case(
        "expired-waiver",
        (_pg(), _db(), _app(replicas=20)),
        config=waivers("orders-db", expires=_LAST_MONTH, ticket="FIN-88", reason="pool cut lands next sprint"),
        violations=(Expect("orders-db", "not waived: waiver 'FIN-88' expired"),),
    ),
)
