"""The cost policies' config: written from contracts (`finops-guard contract policy-config`), merged
with a user's file, baselines reduced, and how advisory findings of a mandatory policy travel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from enginetools import ROOT, cli, write_json
from finops_policies.findings import Finding
from finops_policies.harness import run_case
from finops_policies.pack import LevelledReport, ListSink, emit
from finops_policies.pricing.baseline import BASELINE_KIND, facts_of_report, reduce_report
from finops_policies.registry import get

from finops_guard.cost_config import merged

REFERENCE_CONTRACT = ROOT / "examples" / "reference-service" / "cost-contract.yaml"
SEARCH_CONTRACT = ROOT / "examples" / "violations" / "search-cost-contract.yaml"


def written(*args: str) -> dict[str, Any]:
    done = cli("contract", "policy-config", *args)
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_policy_config_of_two_contracts() -> None:
    config = written(str(REFERENCE_CONTRACT), str(SEARCH_CONTRACT))
    assert set(config) == {"cost-budget", "cost-review"}
    assert config["cost-budget"]["budgets"] == {
        "case-decision-service": {
            "monthlySoftLimit": 4200,
            "monthlyHardReviewThreshold": 5500,
            "observabilityPercentLimit": 25,
        },
        "search": {"monthlySoftLimit": 2000, "monthlyHardReviewThreshold": 4000, "observabilityPercentLimit": 20},
    }
    assert config["cost-review"]["triggers"]["search"][-1] == "new_cross_region_dependency"
    usage = config["cost-budget"]["usage"]["services"]["case-decision-service"]
    assert usage["logs"] == {"debug": 2, "logs": 120, "traces": 40} and usage["source"] == "contract"
    assert config["cost-review"]["usage"] == config["cost-budget"]["usage"]  # both price the same way
    assert config["cost-budget"]["usage"]["services"]["search"] == {"source": "contract"}  # nothing declared


def test_merge_keeps_the_files_other_settings_and_the_contracts_win_per_service(tmp_path: Path) -> None:
    existing = write_json(
        tmp_path / "policy-config.json",
        {
            "all": "mandatory",
            "cost-allocation-tags": {"requiredKeys": ["service"]},
            "cost-budget": {
                "enforcementLevel": "advisory",
                "budgets": {
                    "search": {"monthlyHardReviewThreshold": 1},
                    "legacy": {"monthlyHardReviewThreshold": 10},
                },
                "reviews": [{"services": ["search"], "ticket": "FIN-1", "approvedBy": "cfo", "expires": "2030-01-01"}],
            },
            "cost-review": "disabled",
        },
    )
    out = tmp_path / "out.json"
    done = cli("contract", "policy-config", str(SEARCH_CONTRACT), "--merge", str(existing), "--output", str(out))
    assert done.returncode == 0, done.stderr
    config = json.loads(out.read_text())
    assert config["all"] == "mandatory"
    assert config["cost-allocation-tags"] == {"requiredKeys": ["service"]}
    budget = config["cost-budget"]
    assert budget["enforcementLevel"] == "advisory" and budget["reviews"][0]["ticket"] == "FIN-1"
    assert budget["budgets"]["legacy"] == {"monthlyHardReviewThreshold": 10}  # not in the contracts: kept
    assert budget["budgets"]["search"]["monthlyHardReviewThreshold"] == 4000  # the contract wins
    assert config["cost-review"]["enforcementLevel"] == "disabled"
    assert config["cost-review"]["triggers"]["search"]


def test_in_a_preview_the_users_settings_win() -> None:
    ours = {"cost-budget": {"budgets": {"a": {"monthlySoftLimit": 1}, "b": {"monthlySoftLimit": 2}}}}
    theirs = {"cost-budget": {"budgets": {"a": {"monthlySoftLimit": 100}}, "reviews": []}}
    out = merged(theirs, ours, ours_win=False, policies=["cost-budget"])
    assert out["cost-budget"]["budgets"] == {"a": {"monthlySoftLimit": 100}, "b": {"monthlySoftLimit": 2}}
    # a pack without the cost policies gets none of it
    assert merged(theirs, ours, ours_win=False, policies=["cost-allocation-tags"]) == theirs


def test_a_broken_contract_exits_2_with_file_line_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "contract.yaml"
    broken.write_text(REFERENCE_CONTRACT.read_text().replace("- replica_count_doubles", "- replicas_double"))
    done = cli("contract", "policy-config", str(broken))
    assert done.returncode == 2
    assert f"{broken}:57: spec.review.requiredWhen[2] is 'replicas_double'; expected a review trigger" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("missing.yaml",), "CONTRACT missing.yaml: no such file"),
        ((str(REFERENCE_CONTRACT), "--merge", "nowhere.json"), "--merge nowhere.json: no such file"),
        ((str(REFERENCE_CONTRACT), "--output", "/nonexistent/dir/c.json"), "does not exist"),
    ],
)
def test_bad_arguments_exit_2(args: tuple[str, ...], message: str) -> None:
    done = cli("contract", "policy-config", *args)
    assert done.returncode == 2 and message in done.stderr


def test_a_baseline_reduces_to_what_the_triggers_read() -> None:
    report = {
        "version": "2",
        "totalMonthlyCost": 10.0,
        "priceCatalog": {"version": "2026.12.2"},
        "services": [
            {"service": "a", "monthlyCost": 10, "monthlyCostHigh": 30, "byCategoryHigh": {"observability": 3}}
        ],
        "resources": [
            {"urn": "u1", "type": "t:m:D", "name": "api", "service": "a", "replicas": {"min": 1, "max": 3}},
            {"urn": "u2", "type": "t:m:Q", "name": "queue", "service": "a"},
        ],
        "crossRegionDependencies": [{"service": "a", "resource": "q", "type": "t:m:Q", "from": "x", "to": "y"}],
    }
    compact = reduce_report(report)
    assert compact == {
        "kind": BASELINE_KIND,
        "version": 1,
        "priceCatalog": {"version": "2026.12.2"},
        "services": {"a": {"monthlyCost": 10, "monthlyCostHigh": 30, "observabilityHigh": 3}},
        "workloads": {"t:m:D::api": {"service": "a", "min": 1, "max": 3}},
        "crossRegionDependencies": [{"service": "a", "resource": "q", "type": "t:m:Q", "from": "x", "to": "y"}],
    }
    assert facts_of_report(compact) == facts_of_report(reduce_report(compact))  # reducing twice changes nothing
    old = facts_of_report({**report, "version": "1"})  # before replicas and dependencies were recorded
    assert old.workloads is None and old.cross_region is None
    assert "workloads" not in reduce_report({**report, "version": "1"})


def test_a_malformed_baseline_in_config_is_unverifiable_never_blocking() -> None:
    spec = get("cost-review")
    case = next(c for c in spec.cases if c.name == "a-malformed-baseline")
    outcome = run_case(spec, case)
    assert outcome.violations == []
    assert len(outcome.unverifiable) == 1 and "baseline cannot be read" in outcome.unverifiable[0]
    assert "no trigger can be checked" in outcome.unverifiable[0]


def test_advisory_findings_never_take_a_mandatory_policys_level() -> None:
    """With the servicer's levelled reporter, an advisory finding goes out at the advisory level;
    without one (another servicer), to the engine log as a warning: never at the policy's level,
    which is mandatory."""
    spec = get("cost-budget")
    finding = Finding(
        "urn:x", "finops:cost:service", "orders", "monthlyCostHigh", "is $2", "at most $1", "fix", advisory=True
    )
    mandatory: list[str] = []
    advisory: list[str] = []

    def report(message: str, urn: str | None = None) -> None:
        mandatory.append(message)

    sink = ListSink()
    emit(spec, [finding], {}, report, sink)
    assert mandatory == [] and [f for _, f in sink.advisories] == [finding]

    levelled = LevelledReport(report, lambda message, urn=None: advisory.append(message))
    emit(spec, [finding], {}, levelled, ListSink())
    assert mandatory == [] and advisory == [finding.message()]


def test_the_pack_sends_the_advisory_level_on_the_wire() -> None:
    """The servicer's reporter: the policy's own level, and ADVISORY on the same response."""
    from finops_policies.pack import build_policies, servicer_class
    from pulumi_policy import EnforcementLevel
    from pulumi_policy.policy import _PolicyAnalyzerServicer

    servicer = servicer_class()
    assert servicer is not None and servicer is not _PolicyAnalyzerServicer
    policies = build_policies([get("cost-budget")], sink=ListSink())
    instance = servicer("finops-guardrails", "0.1.0", policies, EnforcementLevel.MANDATORY)
    from pulumi.runtime.proto import analyzer_pb2

    response = analyzer_pb2.AnalyzeResponse()
    report = instance._create_report_violation(response, "cost-budget", "desc", EnforcementLevel.MANDATORY)
    report("blocking", "urn:a")
    report("advice", "urn:b", level="advisory")
    levels = [(d.message.splitlines()[-1], d.enforcementLevel, d.policyName) for d in response.diagnostics]
    assert levels == [
        ("blocking", analyzer_pb2.MANDATORY, "cost-budget"),
        ("advice", analyzer_pb2.ADVISORY, "cost-budget"),
    ]


def test_both_cost_policies_share_one_estimate_per_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """One `AnalyzeStack` through the pack's servicer: the stack is priced once for both policies
    (they price with the same config), and each finding carries its own level."""
    from finops_policies.cases.cost_budget import HIGH, STACK
    from finops_policies.cases.cost_review import ALL, baseline
    from finops_policies.pack import PACK_NAME, build_policies, servicer_class
    from finops_policies.policies import _cost
    from google.protobuf import struct_pb2
    from pulumi.runtime.proto import analyzer_pb2
    from pulumi_policy import EnforcementLevel

    priced: list[int] = []
    real = _cost.estimate_stack
    monkeypatch.setattr(_cost, "estimate_stack", lambda *a, **k: priced.append(1) or real(*a, **k))

    def struct(data: dict[str, Any]) -> struct_pb2.Struct:
        out = struct_pb2.Struct()
        out.update(data)
        return out

    servicer = servicer_class()
    assert servicer is not None
    policies = build_policies([get("cost-budget"), get("cost-review")], sink=ListSink())
    pack = servicer(PACK_NAME, "0.1.0", policies, EnforcementLevel.MANDATORY)
    budgets = {"orders": {"monthlySoftLimit": HIGH / 10, "monthlyHardReviewThreshold": HIGH / 2}}
    review_config = {
        "baseline": baseline(low=1.0, high=1.0, max_replicas=2.0, cross_region=[]),
        "triggers": {"orders": ALL},
    }
    pack.Configure(
        analyzer_pb2.ConfigureAnalyzerRequest(
            policyConfig={
                "cost-budget": analyzer_pb2.PolicyConfig(
                    enforcementLevel=analyzer_pb2.MANDATORY, properties=struct({"budgets": budgets})
                ),
                "cost-review": analyzer_pb2.PolicyConfig(
                    enforcementLevel=analyzer_pb2.MANDATORY, properties=struct(review_config)
                ),
            }
        ),
        None,
    )
    request = analyzer_pb2.AnalyzeStackRequest()
    for r in STACK:
        item = request.resources.add(type=r.type, urn=r.urn, name=r.name, properties=struct(dict(r.props)))
        if r.provider is not None:
            item.provider.CopyFrom(
                analyzer_pb2.AnalyzerProviderResource(
                    type=r.provider.type,
                    urn=r.provider.urn,
                    name=r.provider.name,
                    properties=struct(dict(r.provider.props)),
                )
            )
    response = pack.AnalyzeStack(request, None)
    assert priced == [1]
    levels = sorted((d.policyName, d.enforcementLevel) for d in response.diagnostics)
    assert levels == [
        ("cost-budget", analyzer_pb2.MANDATORY),
        ("cost-review", analyzer_pb2.MANDATORY),
        ("cost-review", analyzer_pb2.MANDATORY),
    ]


def _deployed(urn_name: str, type_: str, outputs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    urn = f"urn:pulumi:prod::orders::{type_}::{urn_name}"
    provider = "urn:pulumi:prod::orders::pulumi:providers:aws::default_6_0_0::id-1"
    return {"urn": urn, "type": type_, "custom": True, "provider": provider, "outputs": outputs, **extra}


def test_a_stack_export_baseline_is_read_as_check_reads_it(tmp_path: Path) -> None:
    """One stack-export reader (finops_guard.inputs.pulumi_state) for `check` and `--baseline`: the
    export and a self-managed backend's checkpoint price alike, and a resource pending deletion is
    not in the baseline."""
    from finops_guard.baseline import read_baseline
    from finops_guard.cost_config import _standalone
    from finops_guard.costing import ContractFacts

    tags = {"service": "orders", "team": "t", "domain": "d", "environment": "prod"}
    resources = [
        {
            "urn": "urn:pulumi:prod::orders::pulumi:providers:aws::default_6_0_0",
            "type": "pulumi:providers:aws",
            "custom": True,
            "inputs": {"region": "us-east-1"},
            "outputs": {"region": "us-east-1"},
        },
        _deployed("api", "aws:ec2/instance:Instance", {"instanceType": "m6i.large", "tags": tags}),
        _deployed("old", "aws:ec2/instance:Instance", {"instanceType": "m6i.4xlarge", "tags": tags}, delete=True),
    ]
    export = write_json(tmp_path / "export.json", {"version": 3, "deployment": {"resources": resources}})
    state = {"version": 3, "checkpoint": {"stack": "prod", "latest": {"resources": resources}}}
    checkpoint = write_json(tmp_path / "checkpoint.json", state)
    pricing = _standalone(ContractFacts())
    from_export = read_baseline(export, pricing)
    from_checkpoint = read_baseline(checkpoint, pricing)
    assert from_export["baselineSource"] == "pulumi stack export"
    assert [r["name"] for r in from_export["resources"]] == ["api"]
    assert from_export["totalMonthlyCost"] == from_checkpoint["totalMonthlyCost"] > 0
