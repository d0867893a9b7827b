"""The stack-wide auto-tagging transform, called directly with `pulumi.ResourceTransformArgs`.

The SDK's mocks record transforms without running them (the offline engine runs them itself), so
the transform is exercised here with props shaped as the engine sends them: camelCase keys.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pulumi
import pytest
from finops_components import Allocation, ServiceCostContract, cost_allocation_transform
from finops_components import allocation as allocation_module
from finops_components.allocation import aws_taggable_types, is_kubernetes_object, is_taggable_aws, merge_tags
from finops_policies import conventions as conv

CONTRACT = ServiceCostContract.load(Path(__file__).parent / "data" / "contracts" / "valid-extended.yaml")
ALLOCATION = Allocation.of(CONTRACT)
TAGS = CONTRACT.tags
AWS_TAGS = {
    **TAGS,
    conv.OPENCOST_NAMESPACE_KEY: "case-query",
    **{f"{conv.OPENCOST_LABEL_PREFIX}{key}": value for key, value in TAGS.items()},
}
OPTS = pulumi.ResourceOptions(protect=True)


def apply(
    type_: str, props: dict[str, Any], custom: bool = True, taggable: frozenset[str] | None = None
) -> pulumi.ResourceTransformResult | None:
    transform = cost_allocation_transform(ALLOCATION, taggable)
    result = transform(pulumi.ResourceTransformArgs(custom, type_, "r", props, OPTS))
    assert not isinstance(result, dict)
    return result


def test_the_shipped_taggable_list_is_used() -> None:
    taggable = aws_taggable_types()
    assert taggable is not None
    assert {conv.LOG_GROUP, conv.S3_BUCKET, conv.RDS_INSTANCE, "aws:iam/role:Role"} <= taggable
    # list-shaped and selector `tags` are not cost tags
    assert conv.ASG not in taggable
    assert "aws:inspector/resourceGroup:ResourceGroup" not in taggable


def test_an_untagged_taggable_resource_gets_every_key() -> None:
    result = apply(conv.LOG_GROUP, {"retentionInDays": 14})
    assert result is not None
    assert result.props == {"retentionInDays": 14, "tags": AWS_TAGS}
    assert result.opts is OPTS


def test_own_values_win_but_blanks_and_placeholders_are_replaced() -> None:
    props = {"tags": {"service": "shared-ingest", "team": "TODO", "domain": "", "Owner": "x"}}
    before = copy.deepcopy(props)
    result = apply(conv.S3_BUCKET, props)
    assert result is not None
    tags = result.props["tags"]
    assert tags["service"] == "shared-ingest"  # an explicit value stays
    assert tags["team"] == TAGS["team"] and tags["domain"] == TAGS["domain"]
    assert tags["Owner"] == "x"
    assert tags[conv.OPENCOST_NAMESPACE_KEY] == "case-query"
    assert props == before  # the input is not mutated


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        ("aws:iam/rolePolicy:RolePolicy", {"policy": "{}"}),  # not taggable
        (conv.ASG, {"tags": [{"key": "a", "value": "b", "propagateAtLaunch": True}]}),
        (conv.LOG_GROUP, {"tags": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}),  # unknown: left alone
        ("random:index/randomId:RandomId", {}),
        ("pulumi:providers:aws", {"region": "us-east-1"}),
    ],
)
def test_resources_that_are_left_alone(type_: str, props: dict[str, Any]) -> None:
    assert apply(type_, props) is None


def test_component_resources_are_left_alone() -> None:
    assert apply("finops:index:Service", {}, custom=False) is None


def test_fallback_without_the_shipped_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allocation_module, "aws_taggable_types", lambda: None)
    with_tags = apply("aws:sqs/queue:Queue", {"tags": {"team": "a"}})
    assert with_tags is not None and with_tags.props["tags"]["team"] == "a"
    assert with_tags.props["tags"]["service"] == TAGS["service"]
    assert apply("aws:sqs/queue:Queue", {"tags": None}) is not None
    # Without the list, a resource that never mentions tags cannot be known to take them.
    assert apply("aws:sqs/queue:Queue", {"name": "q"}) is None


def test_is_taggable_aws() -> None:
    assert is_taggable_aws(conv.LOG_GROUP, {}, frozenset({conv.LOG_GROUP}))
    assert not is_taggable_aws(conv.S3_BUCKET, {"tags": {}}, frozenset({conv.LOG_GROUP}))
    assert is_taggable_aws(conv.S3_BUCKET, {"tags": {}}, None)
    assert not is_taggable_aws(conv.ASG, {"tags": []}, None)
    assert not is_taggable_aws("gcp:storage/bucket:Bucket", {"labels": {}}, None)


def test_a_deployment_gets_labels_on_itself_and_its_pod_template() -> None:
    props = {
        "metadata": {"name": "api", "labels": {"app": "api", "team": "n/a"}},
        "spec": {"template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": []}}},
    }
    result = apply(conv.K8S_DEPLOYMENT, props)
    assert result is not None
    assert result.props["metadata"]["labels"] == {**TAGS, "app": "api"}
    assert result.props["metadata"]["name"] == "api"
    assert result.props["spec"]["template"]["metadata"]["labels"] == {**TAGS, "app": "api"}
    assert result.props["spec"]["template"]["spec"] == {"containers": []}
    assert props["metadata"]["labels"] == {"app": "api", "team": "n/a"}


def test_a_cronjob_gets_labels_on_its_job_template_pods() -> None:
    props = {"spec": {"jobTemplate": {"spec": {"template": {"spec": {}}}}}}
    result = apply(conv.K8S_CRONJOB, props)
    assert result is not None
    assert result.props["metadata"]["labels"] == TAGS
    assert result.props["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"] == TAGS


def test_a_plain_object_gets_labels_on_its_metadata_only() -> None:
    result = apply("kubernetes:core/v1:ConfigMap", {"data": {"a": "b"}})
    assert result is not None
    assert result.props == {"data": {"a": "b"}, "metadata": {"labels": TAGS}}


@pytest.mark.parametrize(
    "type_",
    [
        "kubernetes:helm.sh/v3:Release",
        "kubernetes:yaml/v2:ConfigGroup",
        "kubernetes:apps/v1:DeploymentPatch",
        "kubernetes:core/v1:ConfigMapList",
        "kubernetes:yaml:ConfigFile",  # a component (v1 YAML), not an object with labels
    ],
)
def test_kubernetes_types_that_are_not_plain_objects(type_: str) -> None:
    assert not is_kubernetes_object(type_)
    assert apply(type_, {"metadata": {}}) is None


def test_merge_tags_leaves_non_maps_alone() -> None:
    assert merge_tags(["a"], {"k": "v"}) is None
    assert merge_tags(None, {"k": "v"}) == {"k": "v"}
    assert merge_tags({"k": "TBD"}, {"k": "v"}) == {"k": "v"}


def test_retention_class_tags_are_validated() -> None:
    assert ALLOCATION.aws_tags("audit")[conv.RETENTION_CLASS_KEY] == "audit"
    assert ALLOCATION.labels("logs")[conv.RETENTION_CLASS_KEY] == "logs"
    with pytest.raises(ValueError, match="retention class must be one of"):
        ALLOCATION.aws_tags("forever")
