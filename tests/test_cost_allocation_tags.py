"""cost-allocation-tags beyond its cases: message shape, one finding per resource, config schema, scope
by cost class, robustness, the engine (levels and details in JSON and SARIF)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from enginetools import AWS_DEFAULT_PROVIDER
from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseProvider, CaseResource, aws_provider, k8s_provider
from finops_policies.harness import run_case
from finops_policies.kubernetes import is_kubernetes_object
from finops_policies.policies import cost_allocation_tags as cat
from finops_policies.resources import ResourceView
from finops_policies.values import UNKNOWN_ARRAY, UNKNOWN_BOOL, UNKNOWN_OBJECT, UNKNOWN_STRING
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
SPEC = cat.POLICY
FULL = {"service": "orders", "team": "payments", "domain": "commerce", "environment": "prod"}


def test_message_reads_as_specified():
    case = Case(
        "spec-example",
        (CaseResource(conv.S3_BUCKET, "audit-evidence", {"tags": {**FULL, "team": None}}, provider=aws_provider()),),
    )
    outcome = run_case(SPEC, case)
    assert [m for _, m in outcome.violations] == [
        "Bucket 'audit-evidence': tags lack team (no resource tag, no provider default tag); expected a "
        'non-empty cost-allocation value for team. Fix: add tags={"team": ...} or set aws:defaultTags / use '
        "finops_components tagging"
        '\nfinops-guardrails/details {"keys": ["team"], "missing": ["team"]}'
    ]


def test_one_finding_per_resource_names_every_key():
    tags = {"team": "TODO", "environment": "production", "Name#1": "web", "domain": UNKNOWN_STRING}
    resource = ResourceView("aws:ec2/instance:Instance", "web", "urn:web", {"tags": tags}, None)
    config = SPEC.effective_config({"allowedValues": {"environment": ["dev", "prod"]}})
    [finding] = cat.check(resource, config)
    assert not finding.advisory and not finding.unverifiable
    assert finding.details == {
        "keys": ["service", "team", "domain", "environment", "Name#1"],
        "missing": ["service"],
        "invalid": ["team", "environment", "Name#1"],
        "unknown": ["domain"],
    }
    message = finding.message()
    assert message.startswith("Instance 'web': tags lack service (")
    for clause in (
        "tags.team is 'TODO', a placeholder",
        "tags.environment is 'production', not an allowed value",
        "tags.Name#1 has characters some AWS services reject in tags ('#')",
        "tags.domain is unknown until apply",
    ):
        assert clause in message


def test_config_defaults_follow_the_conventions_and_their_schemas():
    defaults = SPEC.effective_config(None)
    assert defaults["requiredKeys"] == list(conv.REQUIRED_TAG_KEYS)
    assert set(defaults["placeholders"]) == set(conv.PLACEHOLDER_VALUES)
    assert defaults["checkKubernetes"] is True
    assert defaults["levels"] == {
        "awsCostBearing": "mandatory",
        "awsFree": "advisory",
        "awsUnclassified": "mandatory",
        "kubernetesAllocationLabels": "mandatory",
        "kubernetesCostObjects": "advisory",
        "kubernetesOther": "skip",
    }
    for key, spec in SPEC.all_config.items():
        jsonschema.validate(spec.default, spec.schema)
        assert spec.doc.strip(), key
    parsed = cat.settings(defaults)
    assert parsed.required == conv.REQUIRED_TAG_KEYS
    assert cat.settings(dict(defaults)) is parsed  # normalised once per distinct config


def test_settings_follow_the_config_whichever_objects_carry_it():
    """The same value objects give the kept settings; other objects, equal or not, are read again."""
    defaults = {key: spec.default for key, spec in SPEC.all_config.items()}
    first = cat.settings(dict(defaults))
    other = dict(defaults, requiredKeys=["team"])
    assert cat.settings(other).required == ("team",)
    assert cat.settings(dict(other)).required == ("team",)  # a fresh copy of the same objects
    assert cat.settings(dict(defaults)) is first  # back to the first config
    levels = cat.settings(dict(defaults, levels={**defaults["levels"], "awsFree": "mandatory"}))  # not the first key
    assert levels.levels["awsFree"] == "mandatory" and first.levels["awsFree"] == "advisory"
    equal = dict(defaults, requiredKeys=list(defaults["requiredKeys"]))  # equal values, new objects
    assert cat.settings(equal) is first
    assert cat.settings({}).required == conv.REQUIRED_TAG_KEYS  # nothing set: the defaults


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("allowedValues", {"environment": "prod"}),
        ("requiredKeys", "team"),
        ("patterns", {"team": 3}),
        ("checkKubernetes", "yes"),
        ("excludeTypes", [1]),
        ("levels", {"awsFree": "ignore"}),
        ("levels", {"awsFreeTypes": "skip"}),
    ],
)
def test_schema_rejects_malformed_config(key, value):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(value, SPEC.all_config[key].schema)


def _kubernetes_tokens() -> list[str]:
    # Read the SDK's registry from source: importing pulumi_kubernetes is not needed for a list of names.
    origin = importlib.util.find_spec("pulumi_kubernetes").origin
    text = Path(origin).read_text(encoding="utf-8")
    registry = json.loads(re.search(r'resource_modules="""\s*(\[.*?\])\s*"""', text, re.S).group(1))
    return [token for module in registry for token in module["classes"]]


def test_kubernetes_objects_are_every_kind_but_components_lists_and_patches():
    tokens = _kubernetes_tokens()
    objects = {t for t in tokens if is_kubernetes_object(t)}
    assert {
        "kubernetes:apps/v1:Deployment",
        "kubernetes:batch/v1:CronJob",
        "kubernetes:core/v1:Namespace",
        "kubernetes:core/v1:ConfigMap",
    } <= objects
    rest = set(tokens) - objects
    assert all(
        t.endswith(("List", "Patch")) or t.split(":")[1].split("/")[0] in {"helm.sh", "yaml", "kustomize"} for t in rest
    )
    for component in (
        "kubernetes:helm.sh/v4:Chart",
        "kubernetes:helm.sh/v3:Chart",
        "kubernetes:helm.sh/v3:Release",
        "kubernetes:yaml/v2:ConfigGroup",
        "kubernetes:yaml:ConfigFile",
        "kubernetes:kustomize:Directory",
    ):
        assert not is_kubernetes_object(component)
    assert is_kubernetes_object(conv.K8S_PROMETHEUS_CR)  # custom resources are objects too


class Recording(Mapping[str, Any]):
    """Props that remember which top-level keys a check read."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return self.data[key]

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return key in self.data

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("a check must not walk all props")

    def __len__(self) -> int:
        raise AssertionError("a check must not walk all props")


BIG = {f"p{i}": {"nested": list(range(50))} for i in range(200)}


@pytest.mark.parametrize(
    ("type_", "wanted"),
    [
        ("aws:iam/rolePolicy:RolePolicy", set()),
        (conv.STACK_TYPE, set()),
        ("finops:index:Service", set()),
        (conv.S3_BUCKET, {"tags", "tagsAll"}),
        # free only as a gateway endpoint: the condition's input is read too
        ("aws:ec2/vpcEndpoint:VpcEndpoint", {"vpcEndpointType", "tags", "tagsAll"}),
        # judged with the stack (their launch templates and task definitions), not one by one
        (conv.ECS_SERVICE, set()),
        (conv.ASG, set()),
        (conv.K8S_CRONJOB, {"metadata", "spec"}),
        ("aws:s3/bucketObjectv2:BucketObjectv2", set()),
    ],
)
def test_reads_only_the_props_it_needs(type_, wanted):
    props = Recording({**BIG, "tags": dict(FULL)})
    view = ResourceView(type_, "r", f"urn:pulumi:dev::p::{type_}::r", props)
    list(cat.check(view, SPEC.effective_config(None)))
    assert props.read <= wanted


def test_unknown_tags_all_and_missing_provider():
    view = ResourceView(conv.S3_BUCKET, "b", "urn:b", {"tags": FULL, "tagsAll": UNKNOWN_OBJECT})
    assert list(cat.check(view, SPEC.effective_config(None))) == []


# --- robustness: arbitrary shapes never crash the check -------------------------------------------
SENTINELS = st.sampled_from([UNKNOWN_STRING, UNKNOWN_OBJECT, UNKNOWN_ARRAY, UNKNOWN_BOOL])
SCALARS = (
    st.none() | st.booleans() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=80) | SENTINELS
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
TAG_KEYS = st.sampled_from([*FULL, "Team", "aws:x", "", "a b", "k8s.io/x", "x" * 70])
TAGS = JSONISH | st.dictionaries(TAG_KEYS, SCALARS, max_size=6)
TYPES = st.sampled_from(
    [
        conv.S3_BUCKET,
        conv.ASG,
        conv.ECS_SERVICE,
        cat.ECS_DAEMON,
        conv.K8S_DEPLOYMENT,
        conv.K8S_CRONJOB,
        "kubernetes:core/v1:ConfigMap",
        "aws:iam/rolePolicy:RolePolicy",
    ]
)
ASG_ITEMS = st.lists(
    st.fixed_dictionaries({}, optional={"key": TAG_KEYS | SCALARS, "value": SCALARS, "propagateAtLaunch": SCALARS})
    | SCALARS,
    max_size=5,
)


@st.composite
def resources(draw: st.DrawFn) -> tuple[CaseResource, ...]:
    type_ = draw(TYPES)
    if type_.startswith("kubernetes:"):
        labels = draw(TAGS)
        props = draw(
            st.sampled_from(
                [
                    {
                        "metadata": {"labels": labels},
                        "spec": {"template": {"metadata": {"labels": draw(TAGS)}}},
                    },
                    {"metadata": labels, "spec": {"jobTemplate": {"spec": {"template": draw(JSONISH)}}}},
                    {"metadata": draw(JSONISH), "spec": draw(JSONISH)},
                ]
            )
        )
        return (CaseResource(type_, "r", props, provider=k8s_provider()),)
    tags = draw(ASG_ITEMS) if type_ == conv.ASG and draw(st.booleans()) else draw(TAGS)
    props = {"tags": tags, "tagsAll": draw(TAGS), "propagateTags": draw(SCALARS)}
    others: list[CaseResource] = []
    dependencies: dict[str, tuple[str, ...]] = {}
    if type_ == conv.ASG and draw(st.booleans()):
        specs = st.lists(
            st.fixed_dictionaries({}, optional={"resourceType": SCALARS | st.just("instance"), "tags": TAGS}) | SCALARS,
            max_size=3,
        )
        template = {"name": draw(SCALARS), "tagSpecifications": draw(specs | SENTINELS), "tags": draw(TAGS)}
        others.append(CaseResource("aws:ec2/launchTemplate:LaunchTemplate", "lt", template, provider=aws_provider()))
        prop = draw(st.sampled_from(["launchTemplate", "mixedInstancesPolicy"]))
        props[prop] = draw(JSONISH)
        dependencies = {prop: ("lt",)}
    elif type_ == conv.ECS_SERVICE and draw(st.booleans()):
        others.append(CaseResource(conv.ECS_TASK_DEFINITION, "td", {"family": draw(SCALARS), "tags": draw(TAGS)}))
        props["taskDefinition"] = draw(SCALARS)
        dependencies = {"taskDefinition": ("td",)} if draw(st.booleans()) else {}
    default_tags = draw(
        st.one_of(
            st.none(),
            SENTINELS,
            st.text(max_size=20),
            TAGS.map(lambda t: json.dumps({"tags": t})),
            JSONISH.map(json.dumps),
        )
    )
    provider_props = {
        "region": "us-east-1",
        **({} if default_tags is None else {"defaultTags": default_tags}),
    }
    provider = CaseProvider(conv.AWS_PROVIDER, "p", provider_props)
    return (*others, CaseResource(type_, "r", props, provider=provider, property_dependencies=dependencies))


CONFIGS = st.fixed_dictionaries(
    {},
    optional={
        "requiredKeys": st.lists(TAG_KEYS, max_size=4),
        "allowedValues": st.dictionaries(TAG_KEYS, st.lists(st.text())),
        "patterns": st.dictionaries(TAG_KEYS, st.sampled_from(["[a-z]+", "(", ".*"])),
        "placeholders": st.lists(st.text(max_size=5)),
        "excludeTypes": st.lists(st.sampled_from(["aws:*", "*Map"])),
        "levels": st.dictionaries(
            st.sampled_from(["awsCostBearing", "awsFree", "awsUnclassified", "kubernetesOther"]),
            st.sampled_from(["mandatory", "advisory", "skip"]),
        ),
    },
)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resources(), CONFIGS)
def test_never_crashes(case_resources, config):
    outcome = run_case(SPEC, Case("fuzz", case_resources, config=config))
    assert not any("the check itself failed" in m for m in outcome.unverifiable), outcome.unverifiable
    for message in outcome.messages():
        assert len(message) < 2000


# --- through the offline engine, as a user runs it --------------------------------------------------
PROGRAM = """\
import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

aws.s3.Bucket("stack-tagged")
aws.iam.RolePolicy("inline-policy", role="orders", policy="{}")
aws.iam.Role("free-role", assume_role_policy="{}", tags={"Name#1": "ok on IAM? no: its API rejects '#'"})
west = aws.Provider("west", region="us-west-2", default_tags=aws.ProviderDefaultTagsArgs(
    tags={"service": "orders", "team": "payments", "domain": "commerce", "environment": "prod"}))
aws.sqs.Queue("west-queue", opts=pulumi.ResourceOptions(provider=west))
labels = {"service": "orders", "team": "payments", "domain": "commerce", "environment": "prod"}
aws.autoscaling.Group("workers", max_size=2, min_size=1, tags=[
    aws.autoscaling.GroupTagArgs(key=k, value=v, propagate_at_launch=(k != "team"))
    for k, v in labels.items()])
k8s.apps.v1.Deployment("orders", metadata={"labels": labels}, spec={
    "selector": {"match_labels": {"app": "orders"}},
    "template": {"metadata": {"labels": {"app": "orders"}},
                 "spec": {"containers": [{"name": "app", "image": "orders:1"}]}}})
"""
STACK = """\
config:
  aws:region: us-east-1
  aws:defaultTags:
    tags:
      service: orders
      team: payments
      domain: commerce
      environment: TBD
"""


def _preview(program: Path, fmt: str) -> str:
    if not (program / "__main__.py").exists():
        (program / "Pulumi.yaml").write_text("name: tags\nruntime: python\n", encoding="utf-8")
        (program / "Pulumi.dev.yaml").write_text(STACK, encoding="utf-8")
        (program / "__main__.py").write_text(PROGRAM, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "finops_guard", "preview", str(program), "--stack", "dev", "--format", fmt],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def engine_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tags-program")


@pytest.fixture(scope="module")
def engine_report(engine_program: Path) -> dict[str, Any]:
    return json.loads(_preview(engine_program, "json"))


def _messages(report: dict[str, Any], name: str) -> list[str]:
    return [v["message"] for v in report["violations"] if v["policy"] == SPEC.name and v["name"] == name]


def test_engine_stack_default_tags_reach_the_policy(engine_report):
    assert _messages(engine_report, "stack-tagged") == [
        f"Bucket 'stack-tagged': tags.environment is 'TBD', a placeholder (from provider '{AWS_DEFAULT_PROVIDER}' "
        "defaultTags); expected a real cost-allocation value (TODO, TBD, unknown and the like are "
        'placeholders). Fix: set a valid "environment" in the provider\'s defaultTags (aws:defaultTags), or '
        'override it with tags={"environment": ...}'
    ]


def test_engine_explicit_provider_default_tags_count(engine_report):
    assert _messages(engine_report, "west-queue") == []


def test_engine_asg_and_pod_template(engine_report):
    [workers] = _messages(engine_report, "workers")
    assert workers.startswith(
        "Group 'workers': tags lack team for the instances it launches (no tag with propagateAtLaunch true; "
        "the group's team tag has no propagateAtLaunch; provider defaultTags do not reach the instances an Auto "
        "Scaling group launches)"
    )
    [orders] = [v for v in engine_report["violations"] if v["policy"] == SPEC.name and v["name"] == "orders"]
    assert orders["message"].startswith(
        "Deployment 'orders': spec.template.metadata.labels lack service, team, domain, environment"
    )
    assert "finops-guardrails/details" not in orders["message"]
    assert orders["details"] == {
        "keys": ["service", "team", "domain", "environment"],
        "missing": ["service", "team", "domain", "environment"],
    }
    assert (orders["state"], orders["enforcement"], orders["property"]) == (
        "violation",
        "mandatory",
        "spec.template.metadata.labels",
    )


def test_engine_free_resource_is_advisory_and_its_api_still_judges_keys(engine_report):
    [role] = [v for v in engine_report["violations"] if v["policy"] == SPEC.name and v["name"] == "free-role"]
    assert (role["state"], role["enforcement"]) == ("violation", "advisory")
    assert "tags.Name#1 has characters the IAM API rejects in tag keys ('#')" in role["message"]
    assert role["details"]["invalid"] == ["environment", "Name#1"]


def test_engine_never_flags_plumbing_or_untaggable_types(engine_report):
    flagged = {v["type"] for v in engine_report["violations"] if v["policy"] == SPEC.name}
    assert flagged == {conv.S3_BUCKET, conv.ASG, conv.K8S_DEPLOYMENT, "aws:iam/role:Role"}


def test_engine_sarif_lists_the_keys_of_each_finding(engine_program):
    from test_reports_sarif import assert_valid_sarif

    log = json.loads(_preview(engine_program, "sarif"))
    assert_valid_sarif(log)
    results = [r for r in log["runs"][0]["results"] if r["ruleId"] == SPEC.name]
    by_name = {r["locations"][0]["logicalLocations"][0]["name"]: r for r in results}
    assert by_name["orders"]["properties"]["details"]["missing"] == ["service", "team", "domain", "environment"]
    assert by_name["orders"]["level"] == "error"
    assert by_name["free-role"]["level"] == "warning"  # advisory: a role costs nothing by itself
    assert all("finops-guardrails/details" not in r["message"]["text"] for r in results)


# --- verdicts kept per tag set ----------------------------------------------------------------------
_VALUES = st.sampled_from(["payments", "TODO", "", "Payments ", "aws:x", "x" * 300, 1, 1.0, True, None])
_KEPT_TAGS = st.one_of(
    st.dictionaries(st.sampled_from([*FULL, "Team", "Name", "aws:x", "a b"]), _VALUES | SENTINELS, max_size=6),
    st.just(UNKNOWN_OBJECT),
    st.dictionaries(st.sampled_from(["team", "service"]), st.lists(st.text(max_size=2), max_size=2), max_size=2),
)
_KEPT_TYPES = st.sampled_from([conv.S3_BUCKET, "aws:ec2/instance:Instance", "aws:lambda/function:Function"])
_DEFAULTS = st.one_of(
    st.none(), st.just(UNKNOWN_OBJECT), st.dictionaries(st.sampled_from([*FULL]), _VALUES, max_size=4)
)


@st.composite
def _tagged(draw: st.DrawFn) -> ResourceView:
    from finops_policies.resources import ProviderView

    props: dict[str, Any] = {"tags": draw(_KEPT_TAGS)}
    if draw(st.booleans()):
        props["tagsAll"] = draw(_KEPT_TAGS)
    defaults = draw(_DEFAULTS)
    provider = ProviderView("pulumi:providers:aws", draw(st.sampled_from(["default_6_0_0", "west"])), "urn:p", {})
    if defaults is not None:
        provider = ProviderView(provider.type, provider.name, provider.urn, {"defaultTags": {"tags": defaults}})
    name = draw(st.sampled_from(["a", "b", "c"]))
    return ResourceView(draw(_KEPT_TYPES), name, f"urn:{name}", props, provider)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_tagged(), min_size=2, max_size=12), st.sampled_from([None, {"allowedValues": {"team": ["payments"]}}]))
def test_a_kept_verdict_is_the_verdict_judged_afresh(views, given_config):
    """Resources with the same tags reuse one verdict; each must equal the one judged from scratch."""
    config = SPEC.effective_config(given_config)
    kept = [list(cat.check(view, config)) for view in views]  # later ones may hit the kept verdicts
    fresh = []
    for view in views:
        cat._VERDICTS.clear()
        fresh.append(list(cat.check(view, config)))
    assert [[(f, f.details) for f in found] for found in kept] == [[(f, f.details) for f in found] for found in fresh]


def test_equal_values_of_other_types_are_not_one_verdict():
    """True == 1 == 1.0 as keys of a dict, but a tag value of True reads "true" and 1 reads "1"."""
    config = SPEC.effective_config({"allowedValues": {"team": ["payments"]}})
    found = [
        cat.check(ResourceView(conv.S3_BUCKET, n, f"urn:{n}", {"tags": {**FULL, "team": v}}), config)
        for n, v in (("a", True), ("b", 1), ("c", 1.0))
    ]
    assert [next(iter(f)).found.split(",")[0] for f in found] == ["is 'true'", "is '1'", "is '1'"]
