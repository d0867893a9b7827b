"""JUnit XML: parses, one case per evaluated resource and policy, counts that match the JSON report."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_reports import (
    BUCKET_URN,
    POLICIES,
    SUMMARY,
    TOPIC_URN,
    clean,
)

from finops_guard.model import Finding, RunResult
from finops_guard.reports import render


def _parse(result: RunResult, base: Path) -> ET.Element:
    text = render(result, "junit", base_dir=str(base))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def _cases(root: ET.Element, state: str | None = None) -> list[ET.Element]:
    cases = root.findall("./testsuite/testcase")
    if state is None:
        return cases
    if state == "passed":
        return [c for c in cases if len(c) == 0]
    return [c for c in cases if c.find(state) is not None]


@pytest.mark.parametrize("variant", ["sample", "nothing-blocks", "no-findings"])
def test_counts_match_the_json_report(sample: RunResult, base: Path, variant: str) -> None:
    if variant == "nothing-blocks":
        clean(sample)
    elif variant == "no-findings":
        sample.findings = []
    root = _parse(sample, base)
    summary = json.loads(render(sample, "json", base_dir=str(base)))["summary"]
    failures, skipped = _cases(root, "failure"), _cases(root, "skipped")
    assert int(root.get("failures", "")) == len(failures) == summary["mandatory"]
    assert (
        int(root.get("skipped", ""))
        == len(skipped)
        == summary["advisory"] + summary["waived"] + summary["unverifiable"]
    )
    assert int(root.get("tests", "")) == len(_cases(root))
    assert root.get("errors") == "0"
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "")) == len(cases)
        assert int(suite.get("failures", "")) == sum(c.find("failure") is not None for c in cases)
        assert int(suite.get("skipped", "")) == sum(c.find("skipped") is not None for c in cases)


def test_the_sample_counts(sample: RunResult, base: Path) -> None:
    root = _parse(sample, base)
    assert len(_cases(root, "failure")) == SUMMARY["mandatory"] == 3
    assert len(_cases(root, "skipped")) == 4
    # 6 program resources x 5 enabled policies = 30 pairs, one of them not applicable; 5 pairs hold
    # findings (bucket: tags and retention-tier, log group, db, queue), the rest pass
    assert len(_cases(root, "passed")) == 30 - 1 - 5
    # every finding is a case, the synthesized provider's too
    assert len(_cases(root)) == 24 + 7


def test_one_suite_per_enabled_policy_and_a_case_per_resource(sample: RunResult, base: Path) -> None:
    root = _parse(sample, base)
    assert root.get("name") == "finops-guard preview orders/dev"
    assert root.get("time") == "1.830"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    enabled = sorted(p.name for p in POLICIES if p.enforcement != "disabled")
    assert sorted(suites) == enabled
    retention = suites["retention-tier"]
    assert [c.get("name") for c in retention.findall("testcase")] == [
        "aws:s3/bucket:Bucket: logs",
        "finops:index:Service: orders",
        "aws:cloudwatch/logGroup:LogGroup: orders-app-logs",
        "aws:rds/instance:Instance: orders-db",
        "aws:sqs/queue:Queue: orders-dlq",
        "aws:sns/topic:Topic: alerts",
    ]
    assert {c.get("classname") for c in retention.findall("testcase")} == {"retention-tier"}
    # the pair the pack called not applicable has no case
    db_pool = [c.get("name") for c in suites["bounded-db-pool"].findall("testcase")]
    assert "aws:sns/topic:Topic: alerts" not in db_pool
    assert len(db_pool) == 5
    props = {p.get("name"): p.get("value") for p in retention.findall("./properties/property")}
    assert props["enforcement"] == "advisory"


def test_failures_and_skips_carry_message_file_and_line(sample: RunResult, base: Path) -> None:
    root = _parse(sample, base)
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    tag_cases = {c.get("name"): c for c in suites["cost-allocation-tags"].findall("testcase")}
    # two findings of one policy on one resource: one case each, named after the property
    env = tag_cases["aws:s3/bucket:Bucket: logs [tags.env]"]
    assert "aws:s3/bucket:Bucket: logs [tags.cost-center]" in tag_cases
    assert (env.get("file"), env.get("line")) == ("infra/__main__.py", "12")
    failure = env.find("failure")
    assert failure is not None
    assert failure.get("type") == "mandatory"
    assert failure.get("message") == (
        "[mandatory] Bucket 'logs': tags.env 'TODO' is a placeholder; expected dev|prod. Fix: set it"
    )
    assert (failure.text or "").splitlines()[1:] == ["at infra/__main__.py:12", BUCKET_URN]

    retention = {c.get("name"): c for c in suites["no-infinite-retention"].findall("testcase")}
    nested = retention["aws:cloudwatch/logGroup:LogGroup: orders-app-logs"]
    assert (nested.get("file"), nested.get("line")) == ("infra/__main__.py", "30")
    assert "at infra/__main__.py:30 (via components/svc.py:88)" in (nested.findtext("failure") or "")
    waived = retention["aws:sqs/queue:Queue: orders-dlq"].find("skipped")
    assert waived is not None
    assert (waived.get("message") or "").startswith("[waived] Queue 'orders-dlq'")
    assert "Waived: FIN-1234 approved by alice, expires 2099-12-31: replay window" in (waived.text or "")

    advisory = suites["retention-tier"].find("./testcase[@name='aws:s3/bucket:Bucket: logs']/skipped")
    assert advisory is not None
    assert (advisory.get("message") or "").startswith("[advisory] Bucket 'logs': lifecycleRules")
    unverifiable = suites["bounded-db-pool"].find("./testcase[@name='aws:rds/instance:Instance: orders-db']")
    assert unverifiable is not None
    assert (unverifiable.findtext("skipped") or "").startswith("Instance 'orders-db': maxConnections is unknown")


def test_synthesized_resources_only_appear_with_findings(sample: RunResult, base: Path) -> None:
    root = _parse(sample, base)
    names = [c.get("name") for c in _cases(root)]
    assert names.count("pulumi:providers:aws: default_7_51_1") == 1  # its one finding
    assert not any(name and name.startswith("pulumi:pulumi:Stack") for name in names)


def test_case_names_stay_unique_and_no_finding_is_dropped(sample: RunResult, base: Path) -> None:
    twin = Finding(
        "retention-tier",
        "advisory",
        "violation",
        BUCKET_URN,
        "aws:s3/bucket:Bucket",
        "logs",
        "again",
        property="lifecycleRules",
    )
    stray = Finding(
        "retention-tier",
        "mandatory",
        "violation",
        "urn:pulumi:dev::orders::x:y:Z::ghost",
        "x:y:Z",
        "ghost",
        "a finding on a resource the run did not record",
        property="p",
    )
    sample.findings += [twin, stray]
    root = _parse(sample, base)
    suite = root.find("./testsuite[@name='retention-tier']")
    assert suite is not None
    names = [c.get("name") for c in suite.findall("testcase")]
    assert len(names) == len(set(names))
    assert "aws:s3/bucket:Bucket: logs [lifecycleRules] #2" in names
    assert "x:y:Z: ghost [p]" in names
    assert int(root.get("failures", "")) == SUMMARY["mandatory"] + 1


def test_a_disabled_policy_with_findings_still_reports_them(sample: RunResult, base: Path) -> None:
    sample.findings.append(
        Finding("debug-telemetry-expiry", "disabled", "violation", TOPIC_URN, "aws:sns/topic:Topic", "alerts", "m")
    )
    suite = _parse(sample, base).find("./testsuite[@name='debug-telemetry-expiry']")
    assert suite is not None
    assert [c.get("name") for c in suite.findall("testcase")] == ["aws:sns/topic:Topic: alerts"]
    assert suite.get("skipped") == "1"
