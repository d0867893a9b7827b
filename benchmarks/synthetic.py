"""Synthetic stacks and programs for the benchmarks, shaped like a real service fleet.

`stack(n)` builds `n` registrations as the recorder hands them to the engine: the root stack, the
default AWS and Kubernetes providers (stack config as strings, `defaultTags` a JSON string), a
second AWS provider in another region, one component per service holding its resources, and a
mix of AWS and Kubernetes resources with cost tags, retention classes, unknown outputs, JSON
documents, `dependsOn` and property dependencies, a few of them across regions. Most resources
comply with the pack; a few do not, as in a real fleet, so findings are part of the work measured.

`program(n)` writes the same kind of fleet as a Pulumi Python program of about `n` resources.
Both are deterministic: the same `n` and seed always give the same stack or program.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finops_guard.model import Registration

STACK, PROJECT = "bench", "fleet"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
HOME, AWAY = "us-east-1", "eu-west-1"
ACCOUNT = "123456789012"
TEAMS = ("payments", "search", "checkout", "identity", "ledger", "catalog")
DOMAINS = ("commerce", "platform", "finance")


def urn(type_: str, name: str, parent_type: str | None = None) -> str:
    qualified = f"{parent_type}${type_}" if parent_type else type_
    return f"urn:pulumi:{STACK}::{PROJECT}::{qualified}::{name}"


def _tags(service: str, team: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        "service": service,
        "team": team,
        "domain": DOMAINS[TEAMS.index(team) % len(DOMAINS)],
        "environment": "prod",
        **(extra or {}),
    }


@dataclass
class _Fleet:
    rng: random.Random
    out: list[Registration] = field(default_factory=list)
    providers: dict[str, Registration] = field(default_factory=dict)

    def add(self, r: Registration) -> Registration:
        self.out.append(r)
        return r


def _provider(type_: str, name: str, inputs: dict[str, Any]) -> Registration:
    return Registration(
        urn=urn(type_, name),
        type=type_,
        name=name,
        custom=True,
        parent=None,
        provider=None,
        dependencies=[],
        property_dependencies={},
        inputs=inputs,
        synthesized=True,
    )


def stack(n: int, seed: int = 7) -> tuple[list[Registration], dict[str, Registration]]:
    """`n` registrations (providers, components and the stack included) and each one's provider."""
    rng = random.Random(seed)
    fleet = _Fleet(rng)
    root = fleet.add(
        Registration(
            urn=urn("pulumi:pulumi:Stack", f"{PROJECT}-{STACK}"),
            type="pulumi:pulumi:Stack",
            name=f"{PROJECT}-{STACK}",
            custom=False,
            parent=None,
            provider=None,
            dependencies=[],
            property_dependencies={},
            inputs={},
            synthesized=True,
        )
    )
    default_tags = json.dumps({"tags": {"domain": "platform", "environment": "prod"}}, separators=(",", ":"))
    aws_home = fleet.add(
        _provider(
            "pulumi:providers:aws", "default_7_51_1", {"region": HOME, "defaultTags": default_tags, "version": "7.51.1"}
        )
    )
    aws_away = fleet.add(
        _provider("pulumi:providers:aws", "eu", {"region": AWAY, "defaultTags": default_tags, "version": "7.51.1"})
    )
    k8s = fleet.add(_provider("pulumi:providers:kubernetes", "default_4_34_2", {"version": "4.34.2"}))
    service_number = 0
    while len(fleet.out) < n:
        service_number += 1
        _service(fleet, service_number, root=root, home=aws_home, away=aws_away, k8s=k8s, limit=n)
    del fleet.out[n:]
    kept = {r.urn for r in fleet.out}
    for r in fleet.out:  # resources cut off at the end leave dangling edges: drop them
        r.dependencies = [d for d in r.dependencies if d in kept]
        r.property_dependencies = {k: [u for u in v if u in kept] for k, v in r.property_dependencies.items()}
    providers = {u: p for u, p in fleet.providers.items() if u in kept}
    return fleet.out, providers


def _service(
    fleet: _Fleet,
    number: int,
    *,
    root: Registration,
    home: Registration,
    away: Registration,
    k8s: Registration,
    limit: int,
) -> None:
    rng = fleet.rng
    team = TEAMS[number % len(TEAMS)]
    service = f"svc{number:05d}"
    component_type = "finops:index:Service"
    component = fleet.add(
        Registration(
            urn=urn(component_type, service),
            type=component_type,
            name=service,
            custom=False,
            parent=root.urn,
            provider=None,
            dependencies=[],
            property_dependencies={},
            inputs={"contract": {"service": service, "team": team, "tier": rng.choice(["gold", "silver"])}},
        )
    )
    tags = _tags(service, team)
    # ~3% of services run a piece in the other region: a cross-region edge the review policy flags
    # (or a review covers).
    remote = rng.random() < 0.03
    made: dict[str, Registration] = {}

    def child(
        type_: str,
        name: str,
        inputs: dict[str, Any],
        *,
        provider: Registration | None = home,
        deps: tuple[str, ...] = (),
        pdeps: dict[str, tuple[str, ...]] | None = None,
    ) -> Registration:
        r = Registration(
            urn=urn(type_, f"{service}-{name}", component_type),
            type=type_,
            name=f"{service}-{name}",
            custom=True,
            parent=component.urn,
            provider=f"{provider.urn}::{UNKNOWN}" if provider is not None else None,
            dependencies=[made[d].urn for d in deps if d in made],
            property_dependencies={k: [made[d].urn for d in v if d in made] for k, v in (pdeps or {}).items()},
            inputs=inputs,
        )
        fleet.add(r)
        if provider is not None:
            fleet.providers[r.urn] = provider
        made[name] = r
        return r

    steps: list[Callable[[], Any]] = [
        lambda: child(
            "aws:cloudwatch/logGroup:LogGroup",
            "logs",
            {
                "name": f"/app/{service}",
                "retentionInDays": 14.0 if rng.random() > 0.02 else 0.0,
                "tags": {**tags, "retention-class": "logs"},
            },
        ),
        lambda: child(
            "aws:s3/bucket:Bucket",
            "access-logs",
            {"bucket": f"{service}-access-logs", "forceDestroy": False, "tags": {**tags, "retention-class": "logs"}},
        ),
        lambda: child(
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "access-logs-expiry",
            {
                "bucket": UNKNOWN,
                "rules": [{"id": "expire", "status": "Enabled", "filter": {}, "expiration": {"days": 90.0}}],
            },
            deps=("access-logs",),
            pdeps={"bucket": ("access-logs",)},
        ),
        lambda: child(
            "aws:sqs/queue:Queue",
            "dlq",
            {"messageRetentionSeconds": 1209600.0, "tags": {**tags, "retention-class": "dlq"}},
        ),
        lambda: child(
            "aws:sqs/queue:Queue",
            "jobs",
            {
                "visibilityTimeoutSeconds": 60.0,
                "redrivePolicy": json.dumps(
                    {"deadLetterTargetArn": f"arn:aws:sqs:{HOME}:{ACCOUNT}:{service}-dlq", "maxReceiveCount": 5}
                ),
                "tags": tags,
            },
            deps=("dlq",),
            pdeps={"redrivePolicy": ("dlq",)},
        ),
        lambda: child(
            "aws:iam/role:Role",
            "role",
            {
                "assumeRolePolicy": json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    }
                ),
                "tags": tags,
            },
        ),
        lambda: child(
            "aws:rds/instance:Instance",
            "db",
            {
                "engine": "postgres",
                "instanceClass": "db.r6g.large",
                "allocatedStorage": 50.0,
                "backupRetentionPeriod": 7.0,
                "skipFinalSnapshot": True,
                "username": "app",
                "password": {
                    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                    "value": f"secret-{service}",
                },
                "tags": tags,
            },
        ),
        lambda: child("aws:ecr/repository:Repository", "images", {"name": service, "tags": tags}),
        lambda: child(
            "aws:ecr/lifecyclePolicy:LifecyclePolicy",
            "images-expiry",
            {
                "repository": UNKNOWN,
                "policy": json.dumps(
                    {
                        "rules": [
                            {
                                "rulePriority": 1,
                                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30},
                                "action": {"type": "expire"},
                            }
                        ]
                    }
                ),
            },
            deps=("images",),
            pdeps={"repository": ("images",)},
        ),
        lambda: child(
            "kubernetes:core/v1:ConfigMap",
            "config",
            {
                "metadata": {"name": f"{service}-config", "namespace": team, "labels": dict(tags)},
                "data": {"LOG_LEVEL": "info", "FEATURES": ",".join(rng.sample(["a", "b", "c", "d"], 2))},
            },
            provider=k8s,
        ),
        lambda: child(
            "kubernetes:apps/v1:Deployment",
            "api",
            _deployment(rng, service, team, tags),
            provider=k8s,
            deps=("config",),
            pdeps={"spec": ("db", "config")},
        ),
        lambda: child(
            "kubernetes:core/v1:Service",
            "api-svc",
            {
                "metadata": {"name": service, "namespace": team, "labels": dict(tags)},
                "spec": {"selector": {"app": service}, "ports": [{"port": 80.0, "targetPort": 8080.0}]},
            },
            provider=k8s,
            deps=("api",),
        ),
        lambda: child(
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            "api-hpa",
            {
                "metadata": {"name": service, "namespace": team, "labels": dict(tags)},
                "spec": {
                    "minReplicas": 2.0,
                    "maxReplicas": 8.0,
                    "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": service},
                },
            },
            provider=k8s,
            deps=("api",),
        ),
    ]
    if remote:
        steps.append(
            lambda: child(
                "aws:sqs/queue:Queue",
                "replica-jobs",
                {
                    "redrivePolicy": json.dumps(
                        {"deadLetterTargetArn": f"arn:aws:sqs:{HOME}:{ACCOUNT}:{service}-dlq", "maxReceiveCount": 5}
                    ),
                    "tags": tags,
                },
                provider=away,
                deps=("dlq",),
                pdeps={"redrivePolicy": ("dlq",)},
            )
        )
    for step in steps:
        if len(fleet.out) >= limit:
            return
        step()


def _deployment(rng: random.Random, service: str, team: str, tags: dict[str, str]) -> dict[str, Any]:
    replicas = float(rng.choice([2, 3, 4]))
    pool = rng.choice([5, 8, 10])
    container = {
        "name": "app",
        "image": f"{ACCOUNT}.dkr.ecr.{HOME}.amazonaws.com/{service}:1.4.2",
        "ports": [{"containerPort": 8080.0}],
        "env": [
            {"name": "DB_POOL_SIZE", "value": str(pool)},
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "JAVA_TOOL_OPTIONS", "value": "-XX:MaxRAMPercentage=70"},
            {"name": "DB_HOST", "value": UNKNOWN},
        ],
        "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
    }
    labels = {"app": service, **tags}
    return {
        "metadata": {
            "name": service,
            "namespace": team,
            "labels": labels,
            "annotations": {"finops.dev/db": f"{service}-db"},
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": service}},
            "template": {
                "metadata": {"labels": labels, "annotations": {"finops.dev/db-pool-size": str(pool)}},
                "spec": {"containers": [container]},
            },
        },
    }


# --- a program -----------------------------------------------------------------------------------

_PROGRAM_HEAD = '''\
"""A generated fleet of {services} services (~{n} resources) for the finops-guard benchmarks."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

eu = aws.Provider("eu", region="eu-west-1")


class Service(pulumi.ComponentResource):
    def __init__(self, name, team, opts=None):
        super().__init__("fleet:index:Service", name, {{}}, opts)
        self.tags = {{"service": name, "team": team, "domain": "commerce", "environment": "prod"}}
        self.child = pulumi.ResourceOptions(parent=self)
        self.register_outputs({{}})


def redrive(arn):
    return json.dumps({{"deadLetterTargetArn": arn, "maxReceiveCount": 5}})


def deployment(s, name, team, db, config):
    labels = {{"app": name, **s.tags}}
    container = {{
        "name": "app",
        "image": "app:1.4.2",
        "env": [{{"name": "DB_POOL_SIZE", "value": "8"}}, {{"name": "DB_HOST", "value": db.address}}],
        "resources": {{"requests": {{"cpu": "250m", "memory": "512Mi"}}, "limits": {{"memory": "1Gi"}}}},
    }}
    return k8s.apps.v1.Deployment(
        f"{{name}}-api",
        metadata={{"namespace": team, "labels": s.tags, "annotations": {{"finops.dev/db": f"{{name}}-db"}}}},
        spec={{
            "replicas": 3,
            "selector": {{"match_labels": {{"app": name}}}},
            "template": {{
                "metadata": {{"labels": labels, "annotations": {{"finops.dev/db-pool-size": "8"}}}},
                "spec": {{"containers": [container]}},
            }},
        }},
        opts=pulumi.ResourceOptions(parent=s, depends_on=[config]),
    )

'''

_SERVICE = """\
s = Service("{name}", "{team}")
logs = aws.cloudwatch.LogGroup(
    "{name}-logs", retention_in_days=14, tags={{**s.tags, "retention-class": "logs"}}, opts=s.child
)
bucket = aws.s3.Bucket("{name}-access-logs", tags={{**s.tags, "retention-class": "logs"}}, opts=s.child)
aws.s3.BucketLifecycleConfiguration(
    "{name}-access-logs-expiry",
    bucket=bucket.id,
    rules=[{{"id": "expire", "status": "Enabled", "filter": {{}}, "expiration": {{"days": 90}}}}],
    opts=s.child,
)
dlq = aws.sqs.Queue(
    "{name}-dlq", message_retention_seconds=1209600, tags={{**s.tags, "retention-class": "dlq"}}, opts=s.child
)
aws.sqs.Queue("{name}-jobs", redrive_policy=dlq.arn.apply(redrive), tags=s.tags, opts=s.child)
db = aws.rds.Instance(
    "{name}-db",
    engine="postgres",
    instance_class="db.r6g.large",
    allocated_storage=50,
    username="app",
    manage_master_user_password=True,
    backup_retention_period=7,
    skip_final_snapshot=True,
    tags=s.tags,
    opts=s.child,
)
config = k8s.core.v1.ConfigMap(
    "{name}-config", metadata={{"namespace": "{team}", "labels": s.tags}}, data={{"LOG_LEVEL": "info"}}, opts=s.child
)
deployment(s, "{name}", "{team}", db, config)
k8s.autoscaling.v2.HorizontalPodAutoscaler(
    "{name}-api-hpa",
    metadata={{"namespace": "{team}", "labels": s.tags}},
    spec={{
        "min_replicas": 2,
        "max_replicas": 8,
        "scale_target_ref": {{"api_version": "apps/v1", "kind": "Deployment", "name": "{name}"}},
    }},
    opts=s.child,
)
"""
_REMOTE = """\
aws.sqs.Queue(
    "{name}-replica-jobs",
    redrive_policy=dlq.arn.apply(redrive),
    tags=s.tags,
    opts=pulumi.ResourceOptions(parent=s, provider=eu),
)
"""
#: Resources `_SERVICE` registers: the component and its nine children.
PER_SERVICE = 10


def program(directory: Path, n: int, seed: int = 7) -> Path:
    """Write a Pulumi Python program of about `n` resources (the stack and providers not counted)."""
    rng = random.Random(seed)
    services = max(1, n // PER_SERVICE)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(f"name: {PROJECT}\nruntime: python\n", encoding="utf-8")
    (directory / f"Pulumi.{STACK}.yaml").write_text(f"config:\n  aws:region: {HOME}\n", encoding="utf-8")
    parts = [_PROGRAM_HEAD.format(services=services, n=n)]
    for number in range(1, services + 1):
        name, team = f"svc{number:05d}", TEAMS[number % len(TEAMS)]
        parts.append(_SERVICE.format(name=name, team=team))
        if rng.random() < 0.03:
            parts.append(_REMOTE.format(name=name))
    (directory / "__main__.py").write_text("".join(parts), encoding="utf-8")
    return directory


def describe(registrations: list[Registration]) -> str:
    kinds: dict[str, int] = {}
    for r in registrations:
        kinds[r.type.split(":", 1)[0]] = kinds.get(r.type.split(":", 1)[0], 0) + 1
    edges = sum(len(r.dependencies) + sum(len(v) for v in r.property_dependencies.values()) for r in registrations)
    size = sum(len(json.dumps(r.inputs)) for r in registrations)
    mix = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))
    return f"{len(registrations):,} resources ({mix}), {edges:,} edges, {size / 1e6:.1f} MB of inputs"


__all__ = ["describe", "program", "stack"]
