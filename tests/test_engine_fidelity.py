"""Engine fidelity: programs that `pulumi preview` runs to the end run to the end offline too.

Each program under `tests/programs/fidelity_*` stands for a class of engine behaviour real programs
rely on (availability zones, indexing invented lists, remote components, typed invoke results,
stack references); the tests assert what reaches the pack, known or unknown.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from enginetools import PROGRAMS, TEST_PACK, cli, record
from pulumi.runtime import mocks as sdk_mocks

from finops_guard.model import Registration
from finops_guard.project import load_project, load_stack_config
from finops_guard.recording import recorder
from finops_guard.recording.runner import record_program

UNKNOWN = recorder.UNKNOWN
FIDELITY = sorted(p.name for p in PROGRAMS.iterdir() if p.name.startswith("fidelity_"))


def test_there_is_a_program_per_class() -> None:
    assert FIDELITY == [
        "fidelity_lists",
        "fidelity_remote",
        "fidelity_stack_reference",
        "fidelity_typed_invoke",
        "fidelity_zones",
    ]


@pytest.mark.parametrize("program", FIDELITY)
def test_the_program_previews_to_the_end(program: str, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    done = cli("preview", str(PROGRAMS / program), "--policy-pack", str(TEST_PACK), "-f", "json", "-o", str(report))
    assert done.returncode in (0, 1), done.stderr
    recorded = record(program)
    assert json.loads(report.read_text())["resources"] == len(recorded)


# --- availability zones ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zones() -> dict[str, Registration]:
    return record("fidelity_zones")


def test_zones_of_the_stack_region_are_the_regions_zones(zones: dict[str, Registration]) -> None:
    table = recorder._zone_table()["eu-west-2"]
    assert table["mapping"] == "uniform"
    subnets = [zones[f"home-{index}"] for index in range(len(table["zones"]))]
    assert [s.inputs["availabilityZone"] for s in subnets] == [name for name, _ in table["zones"]]
    assert [s.inputs["tags"]["zoneId"] for s in subnets] == [zone_id for _, zone_id in table["zones"]]
    assert {s.inputs["tags"]["group"] for s in subnets} == {"eu-west-2"}
    assert {s.inputs["tags"]["region"] for s in subnets} == {"eu-west-2"}
    assert f"home-{len(table['zones'])}" not in zones


def test_zones_mapped_per_account_are_as_many_and_unknown(zones: dict[str, Registration]) -> None:
    # us-east-1 comes from the explicit provider, not from the stack's aws:region.
    count = recorder._zone_table()["us-east-1"]["count"]
    east = [r for name, r in zones.items() if name.startswith("east-")]
    assert len(east) == count == 6
    assert {r.inputs["availabilityZone"] for r in east} == {UNKNOWN}


def test_an_invokes_own_region_and_exclusions_are_honoured(zones: dict[str, Registration]) -> None:
    tags = zones["seoul"].inputs["tags"]
    assert tags == {"zones": "ap-northeast-2a,ap-northeast-2b,ap-northeast-2c", "region": "ap-northeast-2"}


def test_a_region_the_table_does_not_know_gets_three_unknown_zones(zones: dict[str, Registration]) -> None:
    assert zones["future"].inputs["tags"] == {"second": UNKNOWN, "third": UNKNOWN, "group": "ap-future-1"}


def test_the_zone_table_names_its_sources_and_is_consistent() -> None:
    with open(Path(recorder.__file__).with_name("aws_zones.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    assert data["sources"] and data["retrieved"]
    for region, entry in data["regions"].items():
        if entry["mapping"] == "uniform":
            names = [name for name, _ in entry["zones"]]
            assert len(names) >= 3 and all(n[:-1] == region and n[-1].isalpha() for n in names), region
            assert len({zone_id for _, zone_id in entry["zones"]}) == len(names), region
        else:
            assert entry["mapping"] == "per-account" and entry["count"] >= 2, region


def _call(token: str, provider: str = "", **args: object) -> sdk_mocks.MockCallArgs:
    return sdk_mocks.MockCallArgs(token=token, args=dict(args), provider=provider)


def test_the_region_an_invoke_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    mocks = recorder.PreviewMocks({"aws:region": "eu-west-2"})

    def provider(name: str, region: str | None) -> str:
        inputs = {"region": region} if region else {}
        mocks.new_resource(sdk_mocks.MockResourceArgs("pulumi:providers:aws", name, inputs, None, None))
        return f"urn:pulumi:dev::p::app:index:Net$pulumi:providers:aws::{name}::{UNKNOWN}"

    west = provider("west", "us-west-2")
    bare = provider("bare", None)
    token = "aws:index/getAvailabilityZones:getAvailabilityZones"
    assert mocks.region_of(_call(token)) == "eu-west-2"
    assert mocks.region_of(_call(token, west)) == "us-west-2"
    assert mocks.region_of(_call(token, west, region="ca-central-1")) == "ca-central-1"
    # an explicit provider does not read stack config: without a region of its own, the environment's
    assert mocks.region_of(_call(token, bare)) is None
    # two providers of one name (under different parents) are ambiguous: no region assumed
    provider("west", "eu-west-3")
    assert mocks.region_of(_call(token, west)) is None


# --- invented lists ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lists() -> dict[str, Registration]:
    return record("fidelity_lists")


def test_invented_lists_can_be_indexed_and_stay_unknown(lists: dict[str, Registration]) -> None:
    interfaces = [lists[f"eni-{index}"] for index in range(recorder.INVENTED_LIST_LENGTH)]
    assert {r.inputs["subnetId"] for r in interfaces} == {UNKNOWN}
    assert lists["picks"].inputs["tags"] == {"second": UNKNOWN, "third": UNKNOWN}
    assert lists["assoc"].inputs["tags"] == {"cidr": UNKNOWN, "vpc": "vpc-0abc"}
    assert lists["tables"].inputs["tags"] == {"last": UNKNOWN, "vpc": "vpc-0abc"}


def test_resources_named_after_invented_values_do_not_collide(lists: dict[str, Registration]) -> None:
    eips = [name for name, r in lists.items() if r.type == "aws:ec2/eip:Eip"]
    assert len(eips) == len(set(eips)) == recorder.INVENTED_LIST_LENGTH


# --- remote components ------------------------------------------------------------------------------


def test_a_remote_components_outputs_are_unknown_never_its_inputs() -> None:
    project = load_project(PROGRAMS / "fidelity_remote")
    warnings: list[str] = []
    stack = load_stack_config(project, "dev")
    recorded = {r.name: r for r in record_program(project, stack, echo=io.StringIO(), warnings=warnings)}
    spoke = recorded["spoke"]
    assert not spoke.custom and spoke.inputs["natGateways"] == {"strategy": "None"}
    # `natGateways` is a config object going in and a list of NatGateway resources coming out
    assert recorded["spoke-sg"].inputs["vpcId"] == UNKNOWN
    assert recorded["spoke-sg"].inputs["tags"] == {"firstSubnet": UNKNOWN, "gateways": UNKNOWN}
    # a method of the component runs in its plugin: unknown
    assert recorded["spoke-default"].inputs["routeTableId"] == UNKNOWN
    assert any("fakenet:index:Network 'spoke'" in w and "remote component" in w for w in warnings)


def test_a_custom_resources_outputs_echo_its_inputs_and_computed_ones_are_unknown() -> None:
    recorded = record("fidelity_remote")
    assert recorded["hub-a"].inputs["cidrBlock"] == "10.0.1.0/24"  # from hub.cidr_block, an input
    assert recorded["hub-a"].inputs["vpcId"] == UNKNOWN  # hub.id, computed


# --- typed invoke results ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def typed() -> dict[str, Registration]:
    return record("fidelity_typed_invoke")


def test_invoke_arguments_come_back_typed_as_the_result_declares(typed: dict[str, Registration]) -> None:
    tags = typed["web"].inputs["tags"]
    assert tags["mostRecent"] == "True"  # "true" came back a bool
    assert tags["owner"] == "amazon" and tags["filter"] == "al2023-ami-*-x86_64"  # lists of objects too
    assert tags["architecture"] == UNKNOWN and typed["web"].inputs["ami"] == UNKNOWN
    assert typed["listener"].inputs["tags"] == {"nextPort": "444", "arn": UNKNOWN, "region": "eu-west-1"}
    assert typed["odd"].inputs["tags"] == {"portType": "int"}


@pytest.mark.parametrize(
    ("value", "annotation", "expected"),
    [
        ("true", bool, True),
        ("False", bool, False),
        ("1", bool, True),
        ("443", int, 443),
        (8.0, int, 8),
        ("2.5", float, 2.5),
        (3, float, 3.0),
        (True, str, "true"),
        (42, str, "42"),
        (["1", "2"], list[int], [1, 2]),
        ({"a": "f"}, dict[str, bool], {"a": False}),
        ("7", int | None, 7),
        ("x", object, "x"),
    ],
)
def test_coercion_reads_a_value_as_the_provider_types_it(value: object, annotation: object, expected: object) -> None:
    coerced = recorder._coerce(value, annotation)
    assert coerced == expected and type(coerced) is type(expected)


@pytest.mark.parametrize(
    ("value", "annotation"),
    [("yes please", bool), ("https", int), (True, int), (2.5, int), ("x", list[str]), ([1], dict[str, int])],
)
def test_coercion_refuses_what_the_type_cannot_hold(value: object, annotation: object) -> None:
    with pytest.raises(recorder._MismatchError):
        recorder._coerce(value, annotation)


# --- stack references -------------------------------------------------------------------------------


def test_another_stacks_outputs_are_unknown_and_the_program_goes_on() -> None:
    recorded = record("fidelity_stack_reference")
    app = recorded["app"]
    assert app.inputs["vpcId"] == UNKNOWN
    assert app.inputs["tags"] == {"firstSubnet": UNKNOWN, "stack": "acme/network/prod"}
    assert recorded["logs"].inputs["tags"] == {"region": UNKNOWN}
