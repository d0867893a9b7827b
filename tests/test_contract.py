"""The ServiceCostContract loader: valid files load, broken ones say file, line, field, found, expected."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from finops_components import ContractError, ServiceCostContract, load_contract
from finops_components.contract import ContractProblem
from finops_policies import conventions as conv

DATA = Path(__file__).parent / "data" / "contracts"
REFERENCE = Path(__file__).resolve().parents[1] / "examples" / "reference-service" / "cost-contract.yaml"

# file → (line, the message after "<file>:<line>: ") — every broken fixture, its one problem.
BROKEN = {
    "missing-owner.yaml": (
        4,
        "metadata.owner is missing; expected the owning team (a non-empty string)",
    ),
    "placeholder-tag.yaml": (14, "spec.costAllocation.tags.team is 'TODO'; expected a real value, not a placeholder"),
    "missing-tag-key.yaml": (
        12,
        "spec.costAllocation.tags has no 'domain'; expected every required key: service, team, domain, environment",
    ),
    "retention-over-class.yaml": (
        34,
        "spec.telemetry.logRetentionDays is 120; expected application log retention of 1..90 days "
        "(retention class 'logs')",
    ),
    "audit-too-short.yaml": (
        36,
        "spec.telemetry.auditRetentionYears is 3; expected audit evidence retention of at least 7 years (WORM)",
    ),
    "wrong-kind.yaml": (3, "kind is 'ServiceContract'; expected 'ServiceCostContract'"),
    "bad-quantity.yaml": (
        31,
        "spec.runtimeEnvelope.memoryRequestPerReplica is '1280MB'; expected a Kubernetes memory quantity "
        "such as '1280Mi'",
    ),
    "replicas-inverted.yaml": (
        27,
        "spec.runtimeEnvelope.replicas has max 20 below min 40; expected max at or above min (40)",
    ),
    "replicas-over-cap.yaml": (29, "spec.runtimeEnvelope.replicas.max is 500; expected 1..50 replicas"),
    "pool-not-a-number.yaml": (
        32,
        "spec.runtimeEnvelope.maxDbConnectionsPerReplica is 'twelve'; expected the database pool size of one "
        "replica, a positive integer",
    ),
    "duplicate-key.yaml": (
        31,
        "spec.runtimeEnvelope.cpuRequestPerReplica appears twice (lines 30 and 31); expected each field once",
    ),
    "malformed.yaml": (11, "the file is not valid YAML (expected ',' or ']', but got ':'); expected a YAML document"),
    "tag-not-a-label.yaml": (14, "spec.costAllocation.tags.team is 'Enforcement Platform Team'; expected at most 63"),
    "empty.yaml": (1, "the file is empty; expected a ServiceCostContract YAML document"),
    "not-a-mapping.yaml": (1, "the document is a list; expected a mapping with apiVersion, kind, metadata, spec"),
}


def test_the_seed_contract_loads_with_its_values() -> None:
    contract = load_contract(DATA / "valid-seed.yaml")
    assert contract.service == "case-decision-service"
    assert contract.metadata.owner == "enforcement-platform-team"
    assert contract.tags == {
        "service": "case-decision-service",
        "team": "enforcement-platform-team",
        "domain": "case-decision",
        "environment": "prod",
    }
    envelope = contract.spec.runtime_envelope
    assert (envelope.replicas.min, envelope.replicas.max) == (4, 20)
    assert (envelope.cpu_request_per_replica, envelope.memory_request_per_replica) == ("500m", "1280Mi")
    assert envelope.max_db_connections_per_replica == 12
    # The contract leaves the limit implicit: it defaults to the request.
    assert envelope.memory_limit == "1280Mi"
    assert envelope.jvm_max_heap_percent == 100 - conv.DEFAULT_NON_HEAP_PERCENT
    telemetry = contract.spec.telemetry
    assert (telemetry.log_retention_days, telemetry.trace_retention_days, telemetry.audit_retention_years) == (14, 7, 7)
    # The retention classes' defaults for what the contract does not state.
    assert (telemetry.error_trace_retention_days, telemetry.snapshot_retention_days) == (30, 30)
    assert contract.spec.budgets.monthly_hard_review_threshold == 5500
    assert contract.spec.review.required_when[-1] == "new_cross_region_dependency"
    assert contract.namespace == "case-decision-service"
    assert not contract.is_dev


def test_the_reference_example_uses_the_seed_contract() -> None:
    """The seed's contract as written, plus the two cost-estimate extensions (usage, unit volumes)."""
    seed = yaml.safe_load((DATA / "valid-seed.yaml").read_text())
    reference = yaml.safe_load(REFERENCE.read_text())
    assert reference["spec"].pop("usage")
    assert reference["spec"]["unitEconomics"].pop("expectedMonthlyVolume")
    assert reference == seed


def test_extensions_and_numeric_quantities_load() -> None:
    contract = load_contract(DATA / "valid-extended.yaml")
    envelope = contract.spec.runtime_envelope
    assert envelope.cpu_request_per_replica == "1"  # YAML read a number; a quantity was meant
    assert envelope.memory_limit == "1536Mi"
    assert envelope.cpu_limit_per_replica == "2"
    assert envelope.jvm_max_heap_percent == 60
    assert contract.namespace == "case-query"
    assert contract.tags["cost-center"] == "cc-4711"
    assert contract.is_dev


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_contract_names_file_line_field_found_and_expected(name: str) -> None:
    line, message = BROKEN[name]
    path = DATA / name
    with pytest.raises(ContractError) as caught:
        ServiceCostContract.load(path)
    text = str(caught.value)
    assert text.startswith(f"{path}:{line}: {message}"), text
    assert "Traceback" not in text
    assert caught.value.source == str(path)


def test_every_broken_fixture_is_covered() -> None:
    fixtures = {p.name for p in DATA.glob("*.yaml") if not p.name.startswith("valid-")}
    assert fixtures == {*BROKEN, "unknown-field.yaml"}  # the last has two problems, tested below


def test_every_problem_is_reported_not_just_the_first() -> None:
    with pytest.raises(ContractError) as caught:
        ServiceCostContract.load(DATA / "unknown-field.yaml")
    paths = [problem.path for problem in caught.value.problems]
    assert paths == ["spec.telemetry.traceRetentionDays", "spec.telemetry.traceRetentionDay"]
    lines = str(caught.value).splitlines()
    assert lines[0].endswith(
        "traceRetentionDays is missing; expected trace retention of 1..30 days (retention class 'traces')"
    )
    assert "traceRetentionDay is not a known field; expected one of auditRetentionYears" in lines[1]


def test_a_missing_file_is_a_contract_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(ContractError, match=re.escape(f"{missing}: the file cannot be read; expected a readable")):
        load_contract(missing)


def test_parse_names_the_given_source() -> None:
    with pytest.raises(ContractError, match=r"^inline\.yaml:1: apiVersion is missing"):
        ServiceCostContract.parse("kind: ServiceCostContract\n", source="inline.yaml")


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("      environment: prod", "      environment: prod\n      retention-class: logs", "tags.retention-class"),
        ("      environment: prod", "      environment: prod\n      kubernetes_label_x: y", "tags.kubernetes_label_x"),
        ("      environment: prod", "      environment: prod\n      aws:createdBy: me", "tags.aws:createdBy"),
        ("      environment: prod", "      environment: prod\n      costCenter: 42", "tags.costCenter"),
        ("service: case-decision-service\n  owner", "service: Case_Decision\n  owner", "metadata.service"),
        ("monthlySoftLimit: 4200", "monthlySoftLimit: 6000", "spec.budgets"),
        (
            "memoryRequestPerReplica: 1280Mi",
            "memoryRequestPerReplica: 1280Mi\n    memoryLimitPerReplica: 1Gi",
            "spec.runtimeEnvelope",
        ),
        (
            "maxDbConnectionsPerReplica: 12",
            "maxDbConnectionsPerReplica: 12\n    jvmMaxHeapPercent: 90",
            "spec.runtimeEnvelope.jvmMaxHeapPercent",
        ),
        ("apiVersion: platform.company.com/v1", "apiVersion: v1", "apiVersion"),
    ],
)
def test_rules_that_keep_a_contract_acceptable_to_the_pack(old: str, new: str, path: str) -> None:
    text = REFERENCE.read_text()
    assert old in text
    with pytest.raises(ContractError) as caught:
        ServiceCostContract.parse(text.replace(old, new, 1), source="c.yaml")
    assert [problem.path for problem in caught.value.problems] == [
        f"spec.costAllocation.{path}" if path.startswith("tags.") else path
    ]


def test_problem_rendering_without_a_line() -> None:
    assert ContractProblem("a.b", "is 3", "4").render("x.yaml") == "x.yaml: a.b is 3; expected 4"
