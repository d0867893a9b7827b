"""AWS tag syntax per service: the shipped data is what the AWS API models say, and the pack reads it as
AWS publishes it. Only an API that rejects a character may block; the set every service accepts is a
note (Amazon EC2 User Guide, "Tag restrictions": "EC2 allows for any character in its tags")."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from finops_policies import tag_rules
from finops_policies.taggable import taggable_types

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "gen_aws_tag_rules.py"
DATA = ROOT / "policypack" / "finops_policies" / "data" / "aws_tag_rules.json"
#: The pattern AWS publishes for most services' tag keys and values (e.g. Lambda's TagKey, IAM's, ECS's).
COMMON = r"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_aws_tag_rules", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shipped() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_shipped_data_matches_a_fresh_generation(shipped, tmp_path):
    botocore = pytest.importorskip("botocore", reason="botocore (a tool-time dependency) is not installed")
    if botocore.__version__ != shipped["botocore"]:
        pytest.skip(f"the data describes botocore {shipped['botocore']}; {botocore.__version__} is installed")
    fresh = tmp_path / "rules.json"
    run = subprocess.run(
        [sys.executable, str(TOOL), "--output", str(fresh)], capture_output=True, text=True, timeout=600, check=False
    )
    assert run.returncode == 0, run.stderr
    assert fresh.read_text(encoding="utf-8") == DATA.read_text(encoding="utf-8"), (
        "data/aws_tag_rules.json is stale: run python tools/gen_aws_tag_rules.py"
    )


def test_the_data_covers_the_taggable_types_it_was_made_for(shipped):
    taggable = taggable_types()
    assert shipped["pulumiAws"] == taggable.pulumi_aws
    assert set(shipped["types"]) <= taggable.map_tags | taggable.list_tags


@pytest.mark.parametrize(
    ("pattern", "accepted", "rejected"),
    [
        (COMMON, "Payments Core/EU_1 = a+b @x.y:z-ä", "#;,|%"),
        # Kinesis Firehose: '%' allowed, and the aws: prefix refused by a lookahead
        (r"^(?!aws:)[\p{L}\p{Z}\p{N}_.:\/=+\-@%]*$", "100%", "#"),
        # Amplify: `+-=` is a range in Java regex ('+' .. '='), which takes in ',' and the digits
        (r"^(?!aws:)[a-zA-Z+-=._:/]+$", "a,b0", "ä@ "),
        # Auto Scaling: any XML character, supplementary planes written as a UTF-16 surrogate range
        (r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*", "#|€😀\t", "\x00\x1f"),
    ],
)
def test_patterns_are_read_as_java_regexes(pattern, accepted, rejected):
    rule = _tool().parse_pattern(pattern)
    allowed = tag_rules.TextRule(
        None,
        (
            tag_rules.Allowed(
                tag_rules.CharClass(
                    rule["chars"]["categories"],
                    frozenset(rule["chars"]["chars"]),
                    tuple(tuple(r) for r in rule["chars"]["ranges"]),
                )
            ),
        ),
    )
    assert allowed.bad_chars(accepted) == ""
    assert set(allowed.bad_chars(rejected)) == set(rejected)


def test_a_pattern_of_another_shape_constrains_nothing():
    assert _tool().parse_pattern(r"\w+") is None
    assert _tool().parse_pattern(".*") == {}


@pytest.mark.parametrize(
    ("type_", "service", "name"),
    [
        ("aws:lambda/function:Function", "lambda", "Lambda"),
        ("aws:iam/role:Role", "iam", "IAM"),
        ("aws:ecs/service:Service", "ecs", "ECS"),
        ("aws:lb/loadBalancer:LoadBalancer", "elbv2", "Elastic Load Balancing v2"),
        ("aws:alb/targetGroup:TargetGroup", "elbv2", "Elastic Load Balancing v2"),
        ("aws:efs/fileSystem:FileSystem", "efs", "EFS"),
        ("aws:ssm/parameter:Parameter", "ssm", "SSM"),
        ("aws:cloudwatch/logGroup:LogGroup", "logs", "CloudWatch Logs"),
        ("aws:cloudfront/distribution:Distribution", "cloudfront", "CloudFront"),
    ],
)
def test_services_whose_api_rejects_characters_outside_the_common_set(type_, service, name):
    rule = tag_rules.api_rule(type_)
    assert rule is not None and (rule.service, rule.name) == (service, name)
    assert rule.key.bad_chars("cost#center") == "#"
    assert rule.key.bad_chars("Cost Center:EU/1 = a+b @x-ä_") == ""
    assert rule.value.bad_chars("payments|core") == "|"


@pytest.mark.parametrize(
    ("type_", "service"),
    [
        ("aws:ec2/instance:Instance", "ec2"),
        ("aws:ebs/volume:Volume", "ec2"),
        ("aws:ec2/vpc:Vpc", "ec2"),
        ("aws:s3/bucket:Bucket", "s3"),
        ("aws:rds/instance:Instance", "rds"),
        ("aws:elasticache/cluster:Cluster", "elasticache"),
        ("aws:memorydb/cluster:Cluster", "memorydb"),
        ("aws:dynamodb/table:Table", "dynamodb"),
        ("aws:sqs/queue:Queue", "sqs"),
        ("aws:kms/key:Key", "kms"),
    ],
)
def test_services_whose_api_model_sets_no_character_rule(type_, service):
    # EC2 and ElastiCache, MemoryDB say so in their user guides; the others' API models carry no pattern
    assert tag_rules.service_of(type_) == service
    rule = tag_rules.api_rule(type_)
    assert rule is None or rule.key.bad_chars("Name#1|x") == ""


def test_modules_that_mix_services_map_each_type_to_its_own():
    assert tag_rules.service_of("aws:cloudwatch/eventRule:EventRule") == "events"
    assert tag_rules.service_of("aws:cloudwatch/metricAlarm:MetricAlarm") == "cloudwatch"
    assert tag_rules.service_of("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream") == "firehose"
    assert tag_rules.service_of("aws:sfn/stateMachine:StateMachine") == "stepfunctions"
    assert tag_rules.service_of("aws:autoscaling/group:Group") == "autoscaling"


def test_lengths_follow_the_models_and_the_shared_limits():
    lambda_rule = tag_rules.api_rule("aws:lambda/function:Function")
    assert lambda_rule is not None and (lambda_rule.key.max, lambda_rule.value.max) == (128, 256)
    assert (tag_rules.KEY_MAX, tag_rules.VALUE_MAX) == (128, 256)


def test_the_set_every_service_accepts():
    assert tag_rules.non_portable_chars("Payments Core/EU_1 = a+b @x.y:z-ä") == ""
    assert tag_rules.non_portable_chars("Name#1|#") == "#|"


def test_the_raw_patterns_are_botocore_s(shipped):
    botocore_session = pytest.importorskip("botocore.session", reason="botocore is not installed")
    loader = botocore_session.get_session().get_component("data_loader")
    model = loader.load_service_model("lambda", "service-2")
    assert shipped["services"]["lambda"]["key"]["patterns"] == [model["shapes"]["TagKey"]["pattern"]]
    assert model["shapes"]["TagKey"]["pattern"] == COMMON
