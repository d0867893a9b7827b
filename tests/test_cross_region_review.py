"""cross-region-review beyond its cases: the shipped region data, ARN parsing, config schema, scale."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseResource, aws_provider, urn_of
from finops_policies.harness import run_case
from finops_policies.policies import _regions
from finops_policies.policies import cross_region_review as policy
from finops_policies.resources import ProviderView, ResourceView, StackView
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workcount import lines_executed

ROOT = Path(__file__).resolve().parents[1]

# Run in a child process: importing all of pulumi-aws costs ≈270 MB and ~12 s.
_GENERATE = """
import importlib, inspect, json, sys
sys.path.insert(0, sys.argv[1])
from pulumi import _types
from tools.gen_aws_taggable import args_class, resource_registry
all_types, no_region, inputs = {}, [], {}
wanted = set(json.loads(sys.argv[2]))
for entry in resource_registry():
    module = importlib.import_module(entry["fqn"])
    for token, class_name in entry["classes"].items():
        args = args_class(getattr(module, class_name))
        names = set(_types.input_type_py_to_pulumi_names(args).values()) if args is not None else set()
        all_types[token] = "region" in names
        if token in wanted:
            inputs[token] = sorted(names)
print(json.dumps({"types": all_types, "inputs": inputs}))
"""


@pytest.fixture(scope="module")
def sdk() -> dict[str, Any]:
    wanted = sorted({*_regions.REGION_INPUT_NAMES_OTHER_REGION, *(t for t, _ in _regions.HOME_REGION_BY_DESIGN)})
    run = subprocess.run(
        [sys.executable, "-c", _GENERATE, str(ROOT), json.dumps(wanted)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    data: dict[str, Any] = json.loads(run.stdout)
    return data


def test_global_types_are_exactly_the_sdk_types_without_a_region_input(sdk):
    types: dict[str, bool] = sdk["types"]
    assert len(types) == 1748
    without_region = {t for t, has_region in types.items() if not has_region}
    assert len(without_region) == 180
    assert {t for t in types if _regions.is_global(t)} == without_region
    # every module listed as global is wholly without region inputs, and the listed types exist
    assert without_region >= _regions.GLOBAL_TYPES
    for module in _regions.GLOBAL_MODULES:
        assert any(_regions.module_of(t) == module for t in types), module


def test_special_region_types_exist_with_the_inputs_we_read(sdk):
    for token in _regions.REGION_INPUT_NAMES_OTHER_REGION:
        assert "region" in sdk["inputs"][token], token
    for token, prop in _regions.HOME_REGION_BY_DESIGN:
        assert prop in sdk["inputs"][token], (token, prop)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("arn:aws:sqs:eu-west-1:123456789012:orders", [("sqs", "eu-west-1")]),
        ("arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/abc", [("kms", "us-gov-west-1")]),
        ("arn:aws-cn:rds:cn-north-1:123456789012:db:x", [("rds", "cn-north-1")]),
        ("arn:aws:s3:::bucket/key", []),
        ("arn:aws:iam::123456789012:role/x", []),
        ("arn:aws:route53:::hostedzone/Z1", []),
        (
            '{"Resource": ["arn:aws:sns:us-east-1:1:a", "arn:aws:sqs:ap-southeast-5:1:b"]}',
            [("sns", "us-east-1"), ("sqs", "ap-southeast-5")],
        ),
        ("not an arn: aws", []),
    ],
)
def test_arns_with_region(text, expected):
    assert [(service, region) for _, service, region in _regions.arns_with_region(text)] == expected


def test_region_keys_and_values():
    for key in ("peerRegion", "destinationRegion", "regionName", "regionLists", "region", "supportedRegions"):
        assert _regions.is_region_key(key), key
    for key in ("regionalCertificateArn", "availabilityZone", "regionalDomainName"):
        assert not _regions.is_region_key(key), key
    assert _regions.is_region("us-east-1") and _regions.is_region("us-gov-west-1")
    assert not _regions.is_region("us-east-1a") and not _regions.is_region("global")


def test_review_schema_accepts_from_and_to_and_nothing_unexpected():
    schema = policy.POLICY.config_schema()["reviews"]
    review = {
        "from": "us-east-1",
        "to": "eu-west-1",
        "resources": ["ledger-*"],
        "ticket": "ARB-1042",
        "approvedBy": "architecture-review-board",
        "expires": "2027-12-31",
        "reason": "DR",
    }
    jsonschema.validate([review], schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**review, "approver": "someone"}], schema)
    assert schema["default"] == []
    assert policy.POLICY.config_schema()["allowReviewTags"]["default"] is False


# --- never raises --------------------------------------------------------------------------------
_SENTINELS = st.sampled_from(
    [
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    ]
)


def _values(finite: bool) -> st.SearchStrategy[Any]:
    """JSON-ish values with unknown sentinels, ARNs and regions; `finite` for what protobuf can carry."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.floats(allow_nan=not finite, allow_infinity=not finite),
        st.text(max_size=30),
        _SENTINELS,
        st.sampled_from(["eu-west-1", "arn:aws:sqs:eu-west-1:1:q", "arn:aws:s3:::b", "us-east-1"]),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(
                st.sampled_from(["region", "peerRegion", "arn", "tags", "rules", "regionName", "x"]), inner, max_size=4
            ),
        ),
        max_leaves=20,
    )


_VALUES = _values(finite=False)
_WIRE_VALUES = _values(finite=True)
_TYPES = st.sampled_from(
    [
        conv.RDS_INSTANCE,
        "aws:iam/role:Role",
        "aws:sqs/queue:Queue",
        conv.K8S_DEPLOYMENT,
        "aws:cfg/aggregateAuthorization:AggregateAuthorization",
        conv.AWS_PROVIDER,
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            _TYPES,
            st.dictionaries(
                st.sampled_from(["region", "arn", "tags", "peerRegion", "replicas", "redrivePolicy"]),
                _VALUES,
                max_size=5,
            ),
            _VALUES,
        ),
        min_size=1,
        max_size=5,
    ),
    _VALUES,
)
def test_never_raises_on_odd_inputs(resources, reviews):
    views = []
    for i, (type_, props, provider_props) in enumerate(resources):
        provider = ProviderView(conv.AWS_PROVIDER, "p", urn_of(conv.AWS_PROVIDER, "p"), provider_props)
        urns = tuple(urn_of(t, f"r{j}") for j, (t, _, _) in enumerate(resources) if j != i)
        views.append(ResourceView(type_, f"r{i}", urn_of(type_, f"r{i}"), props, provider, None, urns, {"x": urns}))
    config = policy.POLICY.effective_config({"reviews": reviews, "allowReviewTags": True})
    for finding in policy.check(StackView(tuple(views)), config):
        assert finding.message()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            _TYPES,
            st.dictionaries(
                st.sampled_from(["region", "arn", "tags", "peerRegion", "replicas", "redrivePolicy"]),
                _WIRE_VALUES,
                max_size=5,
            ),
            _WIRE_VALUES,
        ),
        min_size=1,
        max_size=4,
    ),
    _WIRE_VALUES,
)
def test_never_fails_through_the_served_pack(resources, reviews):
    """The same odd inputs through protobuf and pulumi-policy's unknown-raising proxies, as served."""
    names = [f"r{i}" for i in range(len(resources))]
    case = Case(
        "odd",
        tuple(
            CaseResource(
                t,
                names[i],
                props,
                aws_provider(str(region) if isinstance(region, str) else "eu-west-1"),
                depends_on=tuple(names),
                property_dependencies={"x": tuple(names)},
            )
            for i, (t, props, region) in enumerate(resources)
        ),
        config={"reviews": reviews, "allowReviewTags": True},
    )
    outcome = run_case(policy.POLICY, case)
    assert not any("the check itself failed" in m for m in outcome.messages()), outcome.messages()


# --- scale ---------------------------------------------------------------------------------------
def _chain_region(i: int) -> str:
    return "us-east-1" if i % 2 else "eu-west-1"


def _chain(n: int) -> StackView:
    """n queues alternating between two regions, each redriving to (and depending on) the previous."""
    us = ProviderView(
        conv.AWS_PROVIDER, "default_7_51_1", urn_of(conv.AWS_PROVIDER, "default_7_51_1"), {"region": "us-east-1"}
    )
    eu = ProviderView(conv.AWS_PROVIDER, "eu", urn_of(conv.AWS_PROVIDER, "eu"), {"region": "eu-west-1"})
    queue = "aws:sqs/queue:Queue"
    views = []
    for i in range(n):
        previous = (urn_of(queue, f"q{i - 1}"),) if i else ()
        dlq = max(i - 1, 0)
        props = {
            "name": f"q{i}",
            "arn": f"arn:aws:sqs:{_chain_region(i)}:123456789012:q{i}",
            "redrivePolicy": json.dumps(
                {"deadLetterTargetArn": f"arn:aws:sqs:{_chain_region(dlq)}:123456789012:q{dlq}"}
            ),
            "tags": {"service": "orders", "team": "core"},
            "policy": {"Statement": [{"Resource": ["arn:aws:s3:::bucket/*"] * 5}]},
        }
        views.append(
            ResourceView(
                queue,
                f"q{i}",
                urn_of(queue, f"q{i}"),
                props,
                us if i % 2 else eu,
                None,
                previous,
                {"redrivePolicy": previous} if previous else {},
            )
        )
    return StackView(tuple(views))


def test_linear_in_the_size_of_the_stack():
    config = policy.POLICY.effective_config({})
    work = []
    for n in (300, 3_000):
        stack = _chain(n)
        findings, lines = lines_executed(lambda stack=stack: list(policy.check(stack, config)))
        work.append(lines)
        assert len(findings) == n - 1  # every queue but the first crosses regions
    # ten times the resources may not take much more than ten times the work (no quadratic join);
    # the time it takes is in benchmarks/run.py
    assert work[1] <= 11 * work[0], work
