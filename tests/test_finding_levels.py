"""What the pack sends beside a message: a level per finding (advisory whatever the policy's level),
the finding's details on the message's last line, and findings of a resource policy judged with the
whole stack. Through pulumi-policy's own servicer, as `pulumi preview --policy-pack` runs it."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pulumi_policy.policy as sdk
import pytest
from finops_policies import conventions as conv
from finops_policies.approvals import parse_approvals
from finops_policies.findings import DETAILS_MARKER, Finding
from finops_policies.pack import (
    LevelledReport,
    LevelledReports,
    ListSink,
    ResourceAndStackPolicy,
    Unverifiable,
    advisory_log_message,
    emit,
    servicer_class,
    to_policy,
    waiver_log_message,
)
from finops_policies.registry import get
from finops_policies.resources import ResourceView
from finops_policies.spec import PolicySpec
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel, StackValidationPolicy

from finops_guard.analyzer.session import to_struct
from finops_guard.model import split_details

DETAILS = {"keys": ["team"], "missing": ["team"]}


def finding(*, advisory: bool = False, unverifiable: bool = False) -> Finding:
    return Finding(
        "urn:r",
        "aws:iam/role:Role",
        "r",
        "tags",
        "lack team",
        "a value for team",
        "add it",
        unverifiable=unverifiable,
        advisory=advisory,
        details=DETAILS,
    )


def test_the_details_ride_on_the_last_line_and_come_off_whole():
    text = finding().report_text(" (not waived: waiver expired)")
    message, details = split_details(text)
    assert message == finding().message() + " (not waived: waiver expired)"
    assert details == DETAILS
    assert split_details(message) == (message, None)


@pytest.mark.parametrize(
    "text",
    [
        f"m\n{DETAILS_MARKER} not json",
        f"m\n{DETAILS_MARKER} [1, 2]",
        f"m\n{DETAILS_MARKER} {{}}\nanother line",
        f"m {DETAILS_MARKER} {{}}",
    ],
)
def test_a_message_without_a_well_formed_last_line_is_kept_whole(text):
    assert split_details(text) == (text, None)


SPEC = PolicySpec("levels", "d", "b", "w", "f", "resource", check=lambda r, c: iter(()))


def test_an_advisory_finding_goes_out_at_the_advisory_level_with_its_details():
    sent: dict[str, list[str]] = {"policy": [], "advisory": []}
    report = LevelledReport(
        lambda m, urn=None: sent["policy"].append(m), lambda m, urn=None: sent["advisory"].append(m)
    )
    emit(SPEC, [finding(advisory=True), finding()], {}, report, ListSink())
    assert sent == {"policy": [finding().report_text()], "advisory": [finding().report_text()]}


def test_without_levels_an_advisory_finding_never_blocks():
    """A report_violation that cannot set levels (a pulumi-policy the pack cannot extend): the finding
    goes to the engine log as a warning whose machine-readable line keeps its details."""
    blocking: list[str] = []
    sink = ListSink()
    emit(SPEC, [finding(advisory=True)], {}, lambda m, urn=None: blocking.append(m), sink)
    assert blocking == []
    [(policy, sent)] = sink.advisories
    assert (policy, sent.message(), sent.details) == ("levels", finding().message(), DETAILS)
    payload = json.loads(advisory_log_message(policy, sent).splitlines()[-1].split(" ", 1)[1])
    assert payload["details"] == DETAILS


def test_unverifiable_findings_of_several_resources_carry_no_details():
    with pytest.raises(Unverifiable) as raised:
        emit(SPEC, [finding(unverifiable=True), finding(unverifiable=True)], {}, lambda m, urn=None: None, ListSink())
    assert DETAILS_MARKER not in raised.value.message


def test_unverifiable_findings_are_listed_in_one_order_whatever_order_they_came_in():
    """A program's registration order can change from run to run; the one unverifiable message a
    stack policy sends (and which resources it names, beyond the first 20) must not."""

    def unknown(urn: str) -> Finding:
        return Finding(urn, "aws:ecs/service:Service", urn[-1], "pool", "cannot be read", "an integer", "", True)

    messages = []
    for urns in (["urn:a", "urn:b", "urn:c"], ["urn:c", "urn:a", "urn:b"]):
        with pytest.raises(Unverifiable) as raised:
            emit(SPEC, [unknown(u) for u in urns], {}, lambda m, urn=None: None, ListSink())
        messages.append(raised.value.message)
    assert messages[0] == messages[1]
    assert messages[0].index("'a'") < messages[0].index("'b'") < messages[0].index("'c'")


def test_a_waived_finding_keeps_its_details():
    [approval] = parse_approvals(
        [{"resources": ["r"], "ticket": "FIN-1", "reason": "x", "approvedBy": "me", "expires": "2999-01-01"}],
        "^[A-Z]+-[0-9]+$",
    )
    assert '"details": {"keys": ["team"], "missing": ["team"]}' in waiver_log_message("p", finding(), approval)


# --- through pulumi-policy's servicer -----------------------------------------------------------------
def _advisory_check(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[Finding]:
    yield Finding(resource.urn, resource.type, resource.name, "tags", "lack team", "team", "add it", advisory=True)
    yield Finding(resource.urn, resource.type, resource.name, "size", "is huge", "small", "shrink it")


@pytest.fixture
def servicer() -> type:
    found = servicer_class()
    assert found is not None and issubclass(found, LevelledReports)
    return found


def _analyze(servicer_type: type, policies: list[Any], request: Any, stack: bool = False) -> Any:
    server = servicer_type("pack", "1.0.0", policies, EnforcementLevel.MANDATORY)
    return server.AnalyzeStack(request, None) if stack else server.Analyze(request, None)


def test_each_diagnostic_carries_its_own_level(servicer):
    spec = PolicySpec("levels", "d", "b", "w", "f", "resource", check=_advisory_check)
    request = analyzer_pb2.AnalyzeRequest(type="aws:s3/bucket:Bucket", urn="urn:b", name="b", properties=to_struct({}))
    response = _analyze(servicer, [to_policy(spec, ListSink())], request)
    levels = {d.message.split("\n")[-1].split(": ")[1].split(" ")[0]: d.enforcementLevel for d in response.diagnostics}
    assert levels == {"tags": analyzer_pb2.ADVISORY, "size": analyzer_pb2.MANDATORY}


def test_the_sdks_own_servicer_is_only_extended_with_levels():
    plain = type("Plain", (LevelledReports, sdk._PolicyAnalyzerServicer), {})
    spec = PolicySpec("levels", "d", "b", "w", "f", "resource", check=_advisory_check)
    request = analyzer_pb2.AnalyzeRequest(type="aws:s3/bucket:Bucket", urn="urn:b", name="b", properties=to_struct({}))
    response = _analyze(plain, [to_policy(spec, ListSink())], request)
    assert sorted(d.enforcementLevel for d in response.diagnostics) == sorted(
        [analyzer_pb2.MANDATORY, analyzer_pb2.ADVISORY]
    )


def test_a_resource_policy_with_a_stack_part_answers_both_calls(servicer):
    spec = get("cost-allocation-tags")
    policy = to_policy(spec, ListSink())
    assert isinstance(policy, ResourceAndStackPolicy) and isinstance(policy, StackValidationPolicy)
    server = servicer("pack", "1.0.0", [policy], EnforcementLevel.MANDATORY)
    [info] = server.GetAnalyzerInfo(None, None).policies
    assert info.policy_type == analyzer_pb2.POLICY_TYPE_RESOURCE

    # Analyze leaves the Auto Scaling group to AnalyzeStack ...
    group_props = to_struct({"maxSize": 2.0, "minSize": 1.0, "tags": []})
    request = analyzer_pb2.AnalyzeRequest(type=conv.ASG, urn="urn:asg", name="workers", properties=group_props)
    assert list(server.Analyze(request, None).diagnostics) == []
    # ... which judges it, on its own URN
    stack = analyzer_pb2.AnalyzeStackRequest()
    item = stack.resources.add()
    item.type, item.urn, item.name = conv.ASG, "urn:asg", "workers"
    item.properties.CopyFrom(group_props)
    [diagnostic] = server.AnalyzeStack(stack, None).diagnostics
    assert diagnostic.urn == "urn:asg" and diagnostic.enforcementLevel == analyzer_pb2.MANDATORY
    assert "for the instances it launches" in diagnostic.message
