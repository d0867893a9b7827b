"""Every value a policy's fix suggests is one the provider accepts (issue 13: "check every suggested fix").

The fixes are collected from every case of every policy, from every bad example run through the
engine, and from a sweep of each retention store over every class; each `name=<number>` a fix
suggests must lie in the range AWS documents for that input on that resource type
(`finops_policies.provider_limits`), or, for a setting that is not a provider input (a pool size,
a sampling ratio), in the range its own documentation gives (`_OTHER_SETTINGS`). A setting in
neither table fails the test: a new kind of suggestion must come with its documented range.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseResource, aws_provider
from finops_policies.harness import run_case
from finops_policies.policies import retention_tier
from finops_policies.provider_limits import RANGES, documented_range
from finops_policies.registry import all_policies

from finops_guard.preview import PreviewOptions, run_preview

#: Suggested settings that are not AWS inputs, with the range their own documentation gives.
_OTHER_SETTINGS: dict[str, tuple[float, float | None, str]] = {
    "DB_POOL_SIZE": (1, None, "a pool of at least one connection"),
    "OTEL_TRACES_SAMPLER_ARG": (0, 1, "OpenTelemetry SDK configuration: the traceidratio sampler takes a ratio 0..1"),
    "TRACES_SAMPLE_RATE": (0, 1, "a sampling ratio 0..1"),
    "MaxRAMPercentage": (0, 100, "HotSpot -XX:MaxRAMPercentage: a percentage of the container's memory, 0..100"),
    "max_replicas": (1, None, "Kubernetes HorizontalPodAutoscaler maxReplicas: at least 1 (autoscaling/v2 API)"),
    "maxReplicaCount": (1, None, "KEDA ScaledObject maxReplicaCount: at least 1"),
    "max_capacity": (1, None, "Application Auto Scaling RegisterScalableTarget MaxCapacity: a positive count here"),
}
_ASSIGNMENT = re.compile(r"(?<![\w])([A-Za-z_][\w.]*)\s*=\s*(-?\d+(?:\.\d+)?)(?![\w.])")
_AT_LEAST = re.compile(r"raise ([A-Za-z_][\w.]*) to at least (\d+(?:\.\d+)?)")


def _fix(message: str) -> str:
    text = message.split(". Fix: ", 1)[1] if ". Fix: " in message else ""
    return re.sub(r" \(not waived: .*$", "", text)


def suggestions(fix: str) -> Iterator[tuple[str, float]]:
    """Every `name=<number>` (and "raise name to at least <number>") a fix suggests."""
    for pattern in (_ASSIGNMENT, _AT_LEAST):
        for name, value in pattern.findall(fix):
            yield name, float(value)


_CONSTRUCTOR = re.compile(r"\baws\.(\w+)\.([A-Z]\w*)\(")


def declared_types(fix: str) -> list[str]:
    """Type tokens of the resources a fix tells the user to declare (`aws.cloudwatch.LogGroup(...)`)."""
    return [f"aws:{module}/{cls[0].lower()}{cls[1:]}:{cls}" for module, cls in _CONSTRUCTOR.findall(fix)]


def problems(resource_type: str, fix: str) -> list[str]:
    """What in `fix` lies outside a documented range, or has none.

    A value is judged as an input of the flagged resource, or of a resource the fix declares."""
    found = []
    types = [resource_type, *declared_types(fix)]
    for name, value in suggestions(fix):
        parts = name.split(".")
        candidates = [".".join(parts[i:]) for i in range(len(parts))]  # rules[0].lifecycle.delete_after -> delete_after
        limit = next(
            (r for t in types for c in candidates if (r := documented_range(t, c)) is not None),
            None,
        )
        if limit is not None:
            if not limit.admits(value):
                found.append(f"{resource_type}: {name}={value:g} is outside {limit.shown()} ({limit.source})")
            continue
        other = next((_OTHER_SETTINGS[c] for c in candidates if c in _OTHER_SETTINGS), None)
        if other is None:
            found.append(f"{resource_type}: {name}={value:g} has no documented range in this test's tables")
        elif value < other[0] or (other[1] is not None and value > other[1]):
            found.append(f"{resource_type}: {name}={value:g} is outside {other[0]:g}..{other[1]} ({other[2]})")
    return found


def test_a_value_inside_a_declared_resource_is_judged_as_that_resource_s_input():
    fix = 'declare aws.cloudwatch.LogGroup("fn-logs", name="/aws/lambda/fn", retention_in_days=14)'
    assert declared_types(fix) == ["aws:cloudwatch/logGroup:LogGroup"]
    assert problems("aws:lambda/function:Function", fix) == []
    assert problems("aws:lambda/function:Function", fix.replace("=14", "=15")) != []


def test_the_parser_sees_the_suggestions_fixes_make():
    fix = (
        "set message_retention_seconds=259200; set rules[1].lifecycle.delete_after=30 "
        "or raise expiration.days to at least 2555"
    )
    assert list(suggestions(fix)) == [
        ("message_retention_seconds", 259200.0),
        ("lifecycle.delete_after", 30.0),
        ("expiration.days", 2555.0),
    ]
    assert list(suggestions("--storage.tsdb.retention.time=15d, LOG_LEVEL=info, -Xmx1152m, (604800000 = 7 days)")) == []
    # what the pack suggested before issue 13, caught
    assert problems("aws:sqs/queue:Queue", "set message_retention_seconds=220924800")
    assert problems(conv.RDS_INSTANCE, "set backup_retention_period=2557")
    assert problems(conv.LOG_GROUP, "set retention_in_days=2555")
    assert problems("aws:sqs/queue:Queue", "set unheard_of=3") == [
        "aws:sqs/queue:Queue: unheard_of=3 has no documented range in this test's tables"
    ]


def _case_fixes() -> Iterator[tuple[str, str, str]]:
    for spec in all_policies():
        for case in spec.cases:
            outcome = run_case(spec, case)
            types = {r.name: r.type for r in case.resources}
            for name, message in outcome.violations + outcome.waived + outcome.advisory:
                yield f"{spec.name}:{case.name}", types.get(name, ""), _fix(message)


def test_every_fix_of_every_case_suggests_accepted_values():
    found, seen = [], 0
    for where, resource_type, fix in _case_fixes():
        seen += bool(list(suggestions(fix)))
        found += [f"{where}: {p}" for p in problems(resource_type, fix)]
    assert seen > 50  # the walk sees the suggestions, not an empty set
    assert found == []


@pytest.mark.parametrize("spec", all_policies(), ids=lambda s: s.name)
def test_every_fix_of_the_bad_examples_suggests_accepted_values(spec, tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text("name: example\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(spec.bad_example)
    config = None
    if spec.example_config is not None:  # policies that judge nothing without config (budgets, a baseline)
        config = tmp_path / "policy-config.json"
        config.write_text(json.dumps(spec.example_config))
    result = run_preview(PreviewOptions(program_dir=tmp_path, policy_pack_config=config))
    fixes = [(f.type, _fix(f.message)) for f in result.findings if ". Fix: " in f.message]
    assert fixes
    assert [p for resource_type, fix in fixes for p in problems(resource_type, fix)] == []


# --- every retention store against every class -------------------------------------------------------------
_STORES = [r for r in RANGES if r.per_day and "[]" not in r.property and "." not in r.property]
_CLASSES = {
    **{name: {} for name in conv.RETENTION_CLASSES},
    "long": {"minDays": 4000},
    "scratch": {"maxDays": 2},
    "quarter": {"minDays": 60, "maxDays": 120},
}


def _sweep() -> Iterator[tuple[str, str, float]]:
    """(type, class, value): each store's documented ends and a value far beyond, under every class."""
    for limit in _STORES:
        values = {v for v in (limit.minimum, limit.maximum) if v is not None} | set(limit.allowed)
        values |= {limit.per_day * 10_000, limit.per_day / 2}
        for resource_type in limit.types:
            for name in _CLASSES:
                for value in sorted(values):
                    yield resource_type, name, value


def test_every_store_under_every_class_is_told_an_accepted_value_or_advised():
    config = {"classes": {k: v for k, v in _CLASSES.items() if v}}
    found, advised, fixed = [], 0, 0
    for resource_type, name, value in _sweep():
        limit = documented_range(resource_type, next(r.property for r in _STORES if resource_type in r.types))
        assert limit is not None
        props = {limit.property: value, "tags": {conv.RETENTION_CLASS_KEY: name}}
        case = Case("sweep", (CaseResource(resource_type, "store", props, aws_provider()),), config=config)
        outcome = run_case(retention_tier.POLICY, case)
        for _, message in outcome.violations:
            fixed += 1
            found += problems(resource_type, _fix(message))
        advised += len(outcome.advisory)
        assert not (outcome.violations and outcome.advisory), (resource_type, name, value)
    assert found == []
    assert fixed > 20 and advised > 20  # both kinds of verdict were reached
