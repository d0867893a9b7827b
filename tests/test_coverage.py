"""Allocation coverage: the share of taggable resources (and of their cost) whose tags allocate them."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from finops_guard.coverage import NO_TEAM, _tag_map, _tag_value, allocation_coverage
from finops_guard.model import Finding, PolicyInfo, Registration, RunResult

PROVIDER_URN = "urn:pulumi:dev::p::pulumi:providers:aws::default"


def reg(name: str, type_: str, inputs: dict, provider: bool = True) -> Registration:
    return Registration(
        urn=f"urn:pulumi:dev::p::{type_}::{name}",
        type=type_,
        name=name,
        custom=True,
        parent=None,
        provider=f"{PROVIDER_URN}::id" if provider else None,
        dependencies=[],
        property_dependencies={},
        inputs=inputs,
    )


def finding(r: Registration, state: str = "violation") -> Finding:
    return Finding("cost-allocation-tags", "mandatory", state, r.urn, r.type, r.name, "tags.team is unset")  # type: ignore[arg-type]


def result(resources: list[Registration], findings: list[Finding]) -> RunResult:
    defaults = {"defaultTags": json.dumps({"tags": {"team": "platform"}})}
    provider = reg("default", "pulumi:providers:aws", defaults, provider=False)
    provider.urn = PROVIDER_URN
    policies = [PolicyInfo("cost-allocation-tags", "", "mandatory", "resource")]
    return RunResult("p", "dev", "finops-guardrails", "0.1.0", policies, [provider, *resources], findings)


def test_coverage_in_total_per_team_and_by_cost():
    tagged = reg("logs", "aws:s3/bucket:Bucket", {"tags": {"team": "payments"}})
    defaulted = reg("queue", "aws:sqs/queue:Queue", {})  # team from the provider's defaultTags
    untagged = reg("cache", "aws:s3/bucket:Bucket", {"tags": {}})
    unknown = reg("topic", "aws:sns/topic:Topic", {"tags": {"team": "payments"}})
    labelled = reg("api", "kubernetes:apps/v1:Deployment", {"metadata": {"labels": {"team": "payments"}}})
    not_taggable = reg("policy", "aws:iam/rolePolicy:RolePolicy", {})
    run = result(
        [tagged, defaulted, untagged, unknown, labelled, not_taggable],
        [finding(untagged), finding(unknown, "unverifiable"), finding(untagged)],
    )
    prices = {"logs": 10.0, "queue": 5.0, "cache": 30.0, "topic": 1.0, "api": 54.0}
    coverage = allocation_coverage(run, monthly_cost=lambda r: prices.get(r.name))
    assert coverage is not None
    total = coverage.total
    assert (total.taggable, total.allocated, total.unverifiable) == (5, 3, 1)
    assert total.cost == 100.0 and total.allocated_cost == 69.0 and total.cost_ratio == 0.69
    assert set(coverage.teams) == {"payments", "platform"}  # cache: its own empty tags, then the default
    assert (coverage.teams["payments"].taggable, coverage.teams["payments"].allocated) == (3, 2)
    assert coverage.as_dict()["total"]["share"] == 0.6
    assert "60% of 5 taggable resources (1 unverifiable), 69% of their estimated monthly cost" in coverage.line()


def test_without_prices_the_cost_share_stays_unknown():
    run = result([reg("x", "aws:s3/bucket:Bucket", {}, provider=False)], [])
    coverage = allocation_coverage(run)
    assert coverage is not None
    assert coverage.total.cost is None and coverage.as_dict()["total"]["costShare"] is None
    assert list(coverage.teams) == [NO_TEAM]


def test_no_coverage_without_the_tag_policy():
    run = result([reg("x", "aws:s3/bucket:Bucket", {})], [])
    run.policies = [PolicyInfo("something-else", "", "mandatory", "resource")]
    assert allocation_coverage(run) is None


def test_only_what_the_policy_judges_counts_as_taggable():
    """ConfigMaps (labels no cost tool reads) and S3 objects (tags that never reach a bill) are not
    judged by cost-allocation-tags, so coverage does not count them as allocated either."""
    queue = reg("queue", "aws:sqs/queue:Queue", {"tags": {"team": "payments"}})
    pod = reg("api", "kubernetes:core/v1:Pod", {"metadata": {"labels": {"team": "payments"}}})
    config_map = reg("settings", "kubernetes:core/v1:ConfigMap", {"metadata": {"labels": {}}})
    s3_object = reg("index", "aws:s3/bucketObjectv2:BucketObjectv2", {"tags": {}})
    coverage = allocation_coverage(result([queue, pod, config_map, s3_object], []))
    assert coverage is not None
    assert (coverage.total.taggable, coverage.total.allocated) == (2, 2)


_SECRET = "4dabf18193072939515e22adb298388d"
_tag_values = st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(["team", "payments", " ", "{", ""]))
_tags = st.recursive(
    _tag_values,
    lambda inner: st.one_of(
        st.dictionaries(st.sampled_from(["team", "Team", "service", "key", "value"]), inner, max_size=4),
        st.lists(
            st.fixed_dictionaries({}, optional={"key": inner, "value": inner, "propagateAtLaunch": st.booleans()}),
            max_size=4,
        ),
        st.builds(lambda v: {_SECRET: "1b47061264138c4ac30d75fd1eb44270", "value": v}, inner),
        st.builds(json.dumps, st.dictionaries(st.sampled_from(["team", "x"]), st.text(max_size=3), max_size=2)),
    ),
    max_leaves=8,
)


@settings(max_examples=400, deadline=None)
@given(_tags)
def test_one_tags_value_is_read_as_the_whole_map_reads_it(tags):
    """`team_of` reads one key without building the map; it must find what the map holds."""
    assert _tag_value(tags, "team") == _tag_map(tags).get("team")
