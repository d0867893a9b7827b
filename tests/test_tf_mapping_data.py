"""The shipped Terraform→Pulumi mapping is what `tools/gen_tf_mapping.py` makes of its sources.

Sources: the installed pulumi-aws SDK (the schema's types) and the bridge metadata's renames
(our extract in tools/data, which names the commit it was read from). When a full
`bridge-metadata.json` of pulumi-aws is at hand, point FINOPS_PULUMI_AWS_BRIDGE_METADATA at it and
the shipped Terraform types are checked against every entry of it too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from finops_guard.inputs import tf_shapes

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "finops_guard" / "data" / "tf_aws_mapping.json"
TOOL = ROOT / "tools" / "gen_tf_mapping.py"
MINI = Path(__file__).parent / "data" / "bridge" / "bridge-metadata-mini.json"


@pytest.fixture(scope="module")
def shipped() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def generate(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "mapping.json"
    run = subprocess.run(
        [sys.executable, str(TOOL), "--output", str(out), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def test_shipped_data_matches_a_fresh_generation(tmp_path):
    # The generator imports all of pulumi-aws (≈270 MB): keep that out of the test process.
    fresh = generate(tmp_path)
    assert fresh == json.loads(DATA.read_text(encoding="utf-8")), (
        "finops_guard/data/tf_aws_mapping.json is stale: run python tools/gen_tf_mapping.py"
    )


def test_data_is_for_the_installed_sdk(shipped):
    assert shipped["pulumiAws"] == version("pulumi-aws")
    assert shipped["bridgeMetadata"]["commit"] == "07d08a0a50a459620181440fbb00ba497843f6c6"


def test_the_generator_follows_the_bridge_metadata_given(tmp_path):
    data = generate(tmp_path, "--bridge-metadata", str(MINI), "--modules", "rds,autoscaling")
    resources = data["resources"]
    assert resources["aws_db_instance"] == {
        "token": "aws:rds/instance:Instance",
        "from": "bridge-metadata",
        "type": "rds.instance._InstanceState",
    }
    assert resources["aws_rds_cluster"]["from"] == "convention"
    assert not any(t.startswith("aws_ec2") for t in resources)  # --modules limits the output
    group = data["types"][resources["aws_autoscaling_group"]["type"]]
    # renamedProperties names `tags` `tag` in Terraform: no guessed plural alias beside it
    assert group["tag"] == ["tags", "l", None]
    assert "tags" not in group


@pytest.mark.parametrize(
    ("tf_type", "token"),
    [
        ("aws_cloudwatch_log_group", "aws:cloudwatch/logGroup:LogGroup"),
        ("aws_db_instance", "aws:rds/instance:Instance"),
        ("aws_db_parameter_group", "aws:rds/parameterGroup:ParameterGroup"),
        ("aws_instance", "aws:ec2/instance:Instance"),
        ("aws_lb", "aws:lb/loadBalancer:LoadBalancer"),
        ("aws_autoscaling_group", "aws:autoscaling/group:Group"),
        ("aws_ecs_task_definition", "aws:ecs/taskDefinition:TaskDefinition"),
        ("aws_s3_bucket", "aws:s3/bucketV2:BucketV2"),
        (
            "aws_s3_bucket_lifecycle_configuration",
            "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
        ),
        ("aws_msk_cluster", "aws:msk/cluster:Cluster"),
    ],
)
def test_known_tokens(tf_type, token):
    mapping = tf_shapes.mapping_for(tf_type)
    assert mapping is not None and mapping.token == token


def test_known_shapes():
    # an Auto Scaling group's repeated `tag` blocks are Pulumi's `tags` list of {key, value, propagateAtLaunch}
    converted = tf_shapes.to_pulumi_inputs(
        "aws_autoscaling_group",
        tf_shapes.mapping_for("aws_autoscaling_group"),
        {
            "max_size": 4,
            "tag": [{"key": "team", "value": "a", "propagate_at_launch": True}],
            "launch_template": [{"id": "lt-1", "version": "$Latest"}],
        },
    )
    assert converted == {
        "maxSize": 4,
        "tags": [{"key": "team", "value": "a", "propagateAtLaunch": True}],
        "launchTemplate": {"id": "lt-1", "version": "$Latest"},  # MaxItemsOne
    }
    # a parameter group's `parameter` blocks: the `parameters` list bounded-db-pool reads
    pg = tf_shapes.to_pulumi_inputs(
        "aws_db_parameter_group",
        tf_shapes.mapping_for("aws_db_parameter_group"),
        {"family": "postgres16", "parameter": [{"name": "max_connections", "value": "100"}]},
    )
    assert pg == {"family": "postgres16", "parameters": [{"name": "max_connections", "value": "100"}]}


def test_every_type_is_reachable_and_well_formed(shipped):
    kinds = set(shipped["kinds"])
    for tf_type, record in shipped["resources"].items():
        assert tf_type.startswith("aws_") and record["token"].startswith("aws:"), tf_type
        assert record["from"] in ("bridge-metadata", "convention")
        assert record.get("type") is None or record["type"] in shipped["types"]
    for fields in shipped["types"].values():
        for name, kind, nested in fields.values():
            assert name and kind in kinds and (nested is None or nested in shipped["types"])


@pytest.mark.skipif(
    not os.environ.get("FINOPS_PULUMI_AWS_BRIDGE_METADATA"),
    reason="set FINOPS_PULUMI_AWS_BRIDGE_METADATA to a full pulumi-aws bridge-metadata.json to compare against it",
)
def test_shipped_types_agree_with_the_full_bridge_metadata(shipped):
    full = json.loads(Path(os.environ["FINOPS_PULUMI_AWS_BRIDGE_METADATA"]).read_text(encoding="utf-8"))
    by_token = {r["token"]: tf for tf, r in shipped["resources"].items()}
    disagree = {
        token: (tf, by_token[token])
        for token, tf in full["renames"]["resources"].items()
        if token in by_token and by_token[token] != tf
    }
    assert not disagree
