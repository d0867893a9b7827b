"""Which types cost money, and where tags reach a bill: one source for the estimate and the tag policy.

The data is what its generator makes of Infracost's registry and the pulumi-aws registry, every type
it names exists in pulumi-aws, the estimate's own priced types are never free, and what the issue
names as free (IAM, security groups, subnets, route tables, task definitions, target groups,
listeners) is.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from finops_policies import cost_classes as cc
from finops_policies.pricing import estimate_stack
from finops_policies.pricing.rules_aws import RULES
from finops_policies.resources import ResourceView, StackView

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"
DATA = ROOT / "policypack" / "finops_policies" / "data"


def _registry_tokens() -> set[str]:
    spec = importlib.util.spec_from_file_location("gen_aws_taggable", TOOLS / "gen_aws_taggable.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {token for mod in module.resource_registry() for token in mod["classes"]}


def _groups(path: Path, key: str = "groups") -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))[key]


def test_the_generated_lists_are_what_the_generator_makes():
    run = subprocess.run(
        [sys.executable, str(TOOLS / "gen_cost_classes.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr or "run python tools/gen_cost_classes.py"


def test_every_type_named_exists_in_pulumi_aws():
    tokens = _registry_tokens()
    groups = [
        *_groups(DATA / "prices" / "free_types.json"),
        *_groups(DATA / "prices" / "priced_types.json"),
        *_groups(DATA / "cost_allocation_scope.json", "tagsNeverBilled"),
    ]
    for group in groups:
        assert group["source"].strip()
        for pattern in group["types"]:
            if not pattern.startswith("aws:"):
                continue
            assert any(fnmatch.fnmatchcase(t, pattern) for t in tokens), pattern


def test_what_the_estimate_prices_is_priced_and_never_free():
    for type_ in RULES:
        assert cc.priced_reason(type_) is not None, type_
        assert not cc.is_free(type_), type_


@pytest.mark.parametrize(
    "type_",
    [
        "aws:iam/role:Role",
        "aws:iam/policy:Policy",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:ec2/subnet:Subnet",
        "aws:ec2/routeTable:RouteTable",
        "aws:ecs/taskDefinition:TaskDefinition",
        "aws:lb/targetGroup:TargetGroup",
        "aws:lb/listener:Listener",
        "aws:ec2/launchTemplate:LaunchTemplate",
        "aws:rds/subnetGroup:SubnetGroup",
        "aws:kms/alias:Alias",
        "aws:redshift/subnetGroup:SubnetGroup",
    ],
)
def test_plumbing_costs_nothing_by_itself(type_):
    view = ResourceView(type_, "r", "urn:r", {})
    assert cc.aws_cost_class(view)[0] == "awsFree"


@pytest.mark.parametrize(
    "type_",
    [
        "aws:ec2/instance:Instance",
        "aws:rds/instance:Instance",
        "aws:ec2/natGateway:NatGateway",
        "aws:s3/bucket:Bucket",
        "aws:lambda/function:Function",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:eks/cluster:Cluster",
        "aws:kms/key:Key",
        "aws:memorydb/cluster:Cluster",
    ],
)
def test_what_bills_is_cost_bearing(type_):
    assert cc.aws_cost_class(ResourceView(type_, "r", "urn:r", {}))[0] == "awsCostBearing"


@pytest.mark.parametrize(
    ("type_", "props", "free"),
    [
        ("aws:ec2/vpcEndpoint:VpcEndpoint", {}, True),  # pulumi-aws: vpcEndpointType defaults to Gateway
        ("aws:ec2/vpcEndpoint:VpcEndpoint", {"vpcEndpointType": "Gateway"}, True),
        ("aws:ec2/vpcEndpoint:VpcEndpoint", {"vpcEndpointType": "Interface"}, False),
        ("aws:acm/certificate:Certificate", {"domainName": "example.com"}, True),
        ("aws:acm/certificate:Certificate", {"certificateAuthorityArn": "arn:aws:acm-pca:::ca/1"}, False),
        ("aws:ssm/parameter:Parameter", {"tier": "Standard"}, True),
        ("aws:ssm/parameter:Parameter", {}, False),  # the region's default tier may be Advanced
        ("aws:ssm/parameter:Parameter", {"tier": "Advanced"}, False),
    ],
)
def test_free_under_a_condition_on_inputs(type_, props, free):
    assert cc.is_free(type_, ResourceView(type_, "r", "urn:r", props)) is free
    assert not cc.is_free(type_)  # without the inputs, a condition never holds


def test_the_estimate_reads_the_same_conditions():
    gateway = ResourceView("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", "urn:s3", {})
    interface = ResourceView("aws:ec2/vpcEndpoint:VpcEndpoint", "sqs", "urn:sqs", {"vpcEndpointType": "Interface"})
    estimate = estimate_stack(StackView((gateway, interface)))
    assert [name for _, _, name in estimate.free] == ["s3"]
    assert [u.name for u in estimate.unpriced] == ["sqs"]


def test_tags_that_never_reach_a_bill():
    assert "can only be used to label buckets" in (cc.tags_never_billed("aws:s3/bucketObjectv2:BucketObjectv2") or "")
    assert "do not appear on your cost allocation report" in (cc.tags_never_billed("aws:ec2/eip:Eip") or "")
    assert cc.tags_never_billed("aws:s3/bucket:Bucket") is None


def test_an_unlisted_type_is_unclassified():
    view = ResourceView("aws:cloudwatch/compositeAlarm:CompositeAlarm", "r", "urn:r", {})
    assert cc.aws_cost_class(view) == ("awsUnclassified", "")


@pytest.mark.parametrize(
    ("type_", "pod_template", "expected"),
    [
        ("kubernetes:apps/v1:Deployment", True, "kubernetesAllocationLabels"),
        ("kubernetes:batch/v1:CronJob", True, "kubernetesAllocationLabels"),
        ("kubernetes:core/v1:Pod", False, "kubernetesAllocationLabels"),
        ("kubernetes:core/v1:Namespace", False, "kubernetesAllocationLabels"),
        ("kubernetes:apps/v1:Deployment", False, "kubernetesCostObjects"),
        ("kubernetes:apps/v1:StatefulSet", False, "kubernetesCostObjects"),
        ("kubernetes:core/v1:Service", False, "kubernetesCostObjects"),
        ("kubernetes:core/v1:PersistentVolumeClaim", False, "kubernetesCostObjects"),
        ("kubernetes:networking.k8s.io/v1:Ingress", False, "kubernetesCostObjects"),
        ("kubernetes:core/v1:ConfigMap", False, "kubernetesOther"),
        ("kubernetes:core/v1:Secret", False, "kubernetesOther"),
        ("kubernetes:core/v1:ServiceAccount", False, "kubernetesOther"),
        ("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", False, "kubernetesOther"),
        ("kubernetes:networking.k8s.io/v1:NetworkPolicy", False, "kubernetesOther"),
        ("kubernetes:monitoring.coreos.com/v1:Prometheus", False, "kubernetesOther"),
    ],
)
def test_kubernetes_labels_by_where_cost_tools_read_them(type_, pod_template, expected):
    assert cc.kubernetes_label_class(type_, pod_template=pod_template)[0] == expected
