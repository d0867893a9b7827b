"""The recorder: what a program registers, repaired to look like what the engine would see."""

from __future__ import annotations

import json

import pytest
from enginetools import AWS_DEFAULT_PROVIDER, AWS_VERSION, PROGRAMS, record

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_KEY = "4dabf18193072939515e22adb298388d"


@pytest.fixture(scope="module")
def basic():
    return record("basic")


def test_top_level_urns_have_no_stack_prefix(basic):
    assert basic["logs"].urn == "urn:pulumi:dev::basic::aws:s3/bucket:Bucket::logs"
    assert basic["basic-dev"].urn == "urn:pulumi:dev::basic::pulumi:pulumi:Stack::basic-dev"


def test_component_children_carry_the_component_type(basic):
    assert basic["store-data"].urn == "urn:pulumi:dev::basic::test:index:Storage$aws:s3/bucket:Bucket::store-data"
    assert basic["store-data"].parent == basic["store"].urn
    assert basic["store"].custom is False


def test_default_provider_synthesized_from_stack_config(basic):
    provider = basic[AWS_DEFAULT_PROVIDER]
    assert provider.urn == f"urn:pulumi:dev::basic::pulumi:providers:aws::{AWS_DEFAULT_PROVIDER}"
    assert provider.synthesized
    # config values reach providers as strings; objects as JSON strings
    assert provider.inputs["region"] == "us-west-2"
    assert json.loads(provider.inputs["defaultTags"]) == {"tags": {"team": "platform"}}
    assert provider.inputs["version"] == AWS_VERSION
    assert basic["logs"].provider.startswith(provider.urn + "::")
    names = list(basic)
    assert names.index(AWS_DEFAULT_PROVIDER) < names.index("logs")


def test_explicit_provider_is_referenced(basic):
    west = basic["west"]
    assert west.inputs["region"] == "eu-west-1"
    assert json.loads(west.inputs["defaultTags"]) == {"tags": {"team": "west-team"}}
    assert basic["replica"].provider.startswith(west.urn + "::")


def test_dependencies_and_property_dependencies(basic):
    assert basic["replica"].dependencies == [basic["logs"].urn]
    assert basic["logs-policy"].property_dependencies["bucket"] == [basic["logs"].urn]
    assert basic["logs-policy"].property_dependencies["policy"] == [basic["logs"].urn]


def test_outputs_a_preview_would_not_know_stay_unknown(basic):
    assert basic["logs-policy"].inputs["bucket"] == UNKNOWN  # logs.id
    assert basic["logs-policy"].inputs["policy"] == UNKNOWN  # from logs.arn


def test_transforms_run_in_engine_order(basic):
    # own transform, then the parent's, then the stack-level one
    assert basic["store-data"].inputs["tags"]["order"] == "own;parent;stack;"
    assert basic["logs"].inputs["tags"]["order"] == "stack;"


def test_config_reaches_the_program(basic):
    assert basic["logs"].inputs["tags"]["greeting"] == "hello"


def test_invokes_answer_region_and_shape_the_rest(basic):
    tags = basic["app"].inputs["tags"]
    assert tags["region"] == "us-west-2"
    # get_subnets().ids[0] worked, and the invented id is unknown to policies
    assert tags["subnet"] == UNKNOWN


def test_secrets_stay_marked(basic):
    token = basic["secret-tags"].inputs["tags"]["token"]
    assert token[SECRET_KEY] and token["value"] == "s3cr3t-value"


def test_source_lines_point_at_the_program(basic):
    main = str(PROGRAMS / "basic" / "__main__.py")
    lines = (PROGRAMS / "basic" / "__main__.py").read_text().splitlines()
    logs = basic["logs"].source
    assert logs.file == main and lines[logs.line - 1].startswith('logs = aws.s3.Bucket("logs"')
    child = basic["store-data"].source
    assert child.file == main and "aws.s3.Bucket(" in lines[child.line - 1]
    assert lines[basic["store"].source.line - 1].startswith("storage = Storage(")
    assert basic[AWS_DEFAULT_PROVIDER].source is None


def test_main_may_name_a_file():
    regs = record("main_file")
    assert "from-sibling-module" in regs


def test_missing_required_config_names_the_key():
    from finops_guard.errors import ProjectError

    with pytest.raises(ProjectError) as info:
        record("needs_config")
    assert "needs-config:bucketPrefix" in info.value.message
    assert "--config needs-config:bucketPrefix=" in info.value.message
    regs = record("needs_config", ("bucketPrefix=abc",))
    assert "abc" in regs


def test_program_exception_is_trimmed_to_user_frames():
    from finops_guard.errors import ProgramError

    with pytest.raises(ProgramError) as info:
        record("raises")
    assert "KeyError" in info.value.message
    details = info.value.details
    assert "helpers.py" in details and "__main__.py" in details
    assert "site-packages" not in details
