"""Synthetic Terraform plans (`terraform show -json` format 1.2) for comparing check's paths.

`plan(n, seed)` mixes what the policies judge and what the reader translates: log groups with
every retention (unset, 0, in and over their class), buckets with and without lifecycle rules and
retention classes, queues and topics linked across two provider regions by references and
`depends_on`, a database with a sensitive password, values unknown until apply (whole tags maps,
single tags, retention), placeholder and missing cost tags, provider `default_tags`, a module,
and deleted resources. Deterministic for a given `n` and seed.
"""

from __future__ import annotations

import random
from typing import Any

REGIONS = {"aws": "us-east-1", "aws.eu": "eu-west-1"}
FULL_TAGS = {"service": "orders", "team": "payments", "domain": "checkout", "environment": "prod"}


def _tags(rng: random.Random, i: int) -> tuple[Any, Any]:
    """(tags, their after_unknown mark)."""
    roll = i % 7
    if roll == 0:
        return dict(FULL_TAGS), {}
    if roll == 1:
        return {"team": "payments", "service": "TBD"}, {}
    if roll == 2:
        return None, True  # the whole map unknown until apply
    if roll == 3:
        return {"service": "search", "team": None}, {"team": True}
    if roll == 4:
        return {"Team": "ledger", "retention-class": rng.choice(["logs", "audit", "traces", "debug"])}, {}
    if roll == 5:
        return {**FULL_TAGS, "retention-class": "logs"}, {}
    return None, {}


def plan(n: int, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    changes: list[dict[str, Any]] = []
    configs: dict[str, list[dict[str, Any]]] = {"": [], "module.app": []}
    buckets: list[str] = []
    topics: list[str] = []

    def add(tf_type: str, name: str, after: dict[str, Any], unknown: dict[str, Any], **extra: Any) -> None:
        module = "module.app" if rng.random() < 0.25 else ""
        address = f"{module}.{tf_type}.{name}" if module else f"{tf_type}.{name}"
        provider = "aws.eu" if rng.random() < 0.3 else "aws"
        actions = ["delete"] if rng.random() < 0.04 else rng.choice([["create"], ["create"], ["update"], ["no-op"]])
        change: dict[str, Any] = {
            "address": address,
            "mode": "managed",
            "type": tf_type,
            "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": actions,
                "before": None,
                "after": after,
                "after_unknown": {"arn": True, "id": True, **unknown},
                "before_sensitive": False,
                "after_sensitive": extra.pop("sensitive", {}),
            },
        }
        if module:
            change["module_address"] = module
        changes.append(change)
        expressions: dict[str, Any] = {k: {"constant_value": v} for k, v in after.items() if v is not None}
        expressions.update(extra.pop("references", {}))
        config: dict[str, Any] = {
            "address": f"{tf_type}.{name}",
            "mode": "managed",
            "type": tf_type,
            "name": name,
            "provider_config_key": provider if not module else f"{module}:{provider}",
            "expressions": expressions,
            "schema_version": 0,
        }
        if "depends_on" in extra:
            config["depends_on"] = extra.pop("depends_on")
        configs[module].append(config)

    for i in range(n):
        tags, tags_unknown = _tags(rng, i)
        unknown: dict[str, Any] = {"tags": tags_unknown} if tags_unknown else {}
        kind = i % 6
        if kind == 0:
            retention = rng.choice([None, 0, 7, 14, 30, 90, 400, 3653])
            if rng.random() < 0.1:
                retention, unknown["retention_in_days"] = None, True
            add(
                "aws_cloudwatch_log_group",
                f"lg{i}",
                {"name": f"/app/lg-{i}", "retention_in_days": retention, "tags": tags, "skip_destroy": False},
                unknown,
            )
        elif kind == 1:
            buckets.append(f"aws_s3_bucket.b{i}")
            add("aws_s3_bucket", f"b{i}", {"bucket": f"bucket-{i}", "tags": tags, "force_destroy": False}, unknown)
        elif kind == 2 and buckets:
            bucket = rng.choice(buckets)
            rule = {"id": "expire", "status": "Enabled", "expiration": [{"days": rng.choice([7, 30, 400])}]}
            add(
                "aws_s3_bucket_lifecycle_configuration",
                f"lc{i}",
                {"bucket": None, "rule": [rule]},
                {"bucket": True},
                references={"bucket": {"references": [f"{bucket}.id", bucket]}},
            )
        elif kind == 3:
            topics.append(f"aws_sns_topic.t{i}")
            add("aws_sns_topic", f"t{i}", {"name": f"topic-{i}", "tags": tags}, unknown)
        elif kind == 4 and topics:
            topic = rng.choice(topics)
            add(
                "aws_sqs_queue",
                f"q{i}",
                {"name": f"queue-{i}", "tags": tags, "message_retention_seconds": rng.choice([60, 345600, 1209600])},
                unknown,
                references={"policy": {"references": [f"{topic}.arn", topic]}},
                depends_on=[rng.choice(topics)] if rng.random() < 0.3 else [],
            )
        else:
            add(
                "aws_db_instance",
                f"db{i}",
                {
                    "identifier": f"db-{i}",
                    "instance_class": rng.choice(["db.t3.micro", "db.m6g.large"]),
                    "password": f"s3cret-password-{i}",
                    "backup_retention_period": rng.choice([0, 7, 35]),
                    "tags": tags,
                },
                unknown,
                sensitive={"password": True},
            )
    provider_config = {
        key: {
            "name": "aws",
            "full_name": "registry.terraform.io/hashicorp/aws",
            **({"alias": key.split(".", 1)[1]} if "." in key else {}),
            "expressions": {
                "region": {"constant_value": region},
                "default_tags": [{"tags": {"constant_value": {"team": "payments"} if key == "aws" else FULL_TAGS}}],
            },
        }
        for key, region in REGIONS.items()
    }
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "variables": {},
        "resource_changes": changes,
        "configuration": {
            "provider_config": provider_config,
            "root_module": {
                "resources": configs[""],
                "module_calls": {"app": {"source": "./modules/app", "module": {"resources": configs["module.app"]}}},
            },
        },
    }
