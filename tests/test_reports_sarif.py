"""SARIF: valid against the SARIF 2.1.0 schemas, and every result points at the right file and line.

`assert_valid_sarif(log)` and `resolve(log, physical_location)` are meant for end-to-end tests too.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from finops_policies.pack import PACK_NAME
from finops_policies.registry import all_policies
from test_reports import (
    BUCKET_URN,
    COMPONENT,
    DB_URN,
    LIBRARY,
    LOG_GROUP_URN,
    PROGRAM_LINES,
    PROVIDER_URN,
    QUEUE_URN,
    WAIVER,
    clean,
)

from finops_guard.model import Finding, PolicyInfo, RunResult, SourceLocation
from finops_guard.reports import render, sarif_log

SCHEMAS = Path(__file__).parent / "data" / "sarif"
#: recorded when the files were vendored (see tests/data/sarif/README.md)
SCHEMA_SHA256 = {
    "sarif-schema-2.1.0.json": "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e",
    "schemastore-sarif-2.1.0.json": "7402cdfd5bfbff98071b3358e573041b86adb7e1c6ec8743303f93715937c371",
}
# RFC 3986 characters of a URI reference, with percent-escapes well formed. jsonschema only checks
# the `uri` formats when an optional RFC 3987 package is installed, so this is checked here.
_URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")


@cache
def _validators() -> list[jsonschema.protocols.Validator]:
    validators = []
    for name in SCHEMA_SHA256:
        schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validators.append(cls(schema, format_checker=cls.FORMAT_CHECKER))
    return validators


def _uris(node: Any, key: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _uris(v, k)
    elif isinstance(node, list):
        for item in node:
            yield from _uris(item, key)
    elif key in ("uri", "$schema") and isinstance(node, str):
        yield node


def assert_valid_sarif(log: dict[str, Any]) -> None:
    """The log is valid against the OASIS (errata 01) and the SchemaStore SARIF 2.1.0 schemas."""
    for validator in _validators():
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    for uri in _uris(log):
        assert _URI_REFERENCE.match(uri), f"not a URI reference: {uri!r}"
    for run in log["runs"]:
        for base in run.get("originalUriBaseIds", {}).values():
            assert urllib.parse.urlsplit(base["uri"]).scheme == "file"
            assert base["uri"].endswith("/")  # SARIF §3.14.14: a base URI ends with a slash
        rules = run["tool"]["driver"]["rules"]
        for result in run["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def resolve(run: dict[str, Any], physical: dict[str, Any]) -> tuple[Path, int]:
    """The file and line a physical location names, following `uriBaseId`."""
    artifact = physical["artifactLocation"]
    uri = artifact["uri"]
    if "uriBaseId" in artifact:
        uri = urllib.parse.urljoin(run["originalUriBaseIds"][artifact["uriBaseId"]]["uri"], uri)
    parts = urllib.parse.urlsplit(uri)
    assert parts.scheme == "file", uri
    return Path(urllib.request.url2pathname(parts.path)), physical.get("region", {}).get("startLine", 0)


def _source_line(path: Path, line: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line - 1]


def _results(log: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Results by (rule, URN, property)."""
    return {
        (
            r["ruleId"],
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            r["properties"]["property"],
        ): r
        for r in log["runs"][0]["results"]
    }


# --- the schema -----------------------------------------------------------------------------


def test_vendored_schemas_are_the_recorded_copies() -> None:
    for name, digest in SCHEMA_SHA256.items():
        assert hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest() == digest, name


def test_the_validator_rejects_what_the_schema_forbids(sample: RunResult, base: Path) -> None:
    # guards the guard: a check that accepted anything would make the validity tests worthless
    log = sarif_log(sample, base_dir=str(base))
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError, match="level"):
        assert_valid_sarif(broken)
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(AssertionError):
        assert_valid_sarif(broken)
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b.py"
    with pytest.raises(AssertionError, match="not a URI reference"):
        assert_valid_sarif(broken)


@pytest.mark.parametrize("variant", ["sample", "nothing-blocks", "no-findings", "no-program-dir"])
def test_sarif_is_valid(sample: RunResult, base: Path, variant: str) -> None:
    if variant == "nothing-blocks":
        clean(sample)
    elif variant == "no-findings":
        sample.findings = []
    elif variant == "no-program-dir":
        sample.program_dir = ""
    text = render(sample, "sarif", base_dir=str(base))
    log = json.loads(text)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("/sarif-schema-2.1.0.json")
    assert_valid_sarif(log)


# --- rules ----------------------------------------------------------------------------------


def test_one_rule_per_policy(sample: RunResult, base: Path) -> None:
    driver = sarif_log(sample, base_dir=str(base))["runs"][0]["tool"]["driver"]
    assert driver["name"] == "finops-guard"
    assert driver["properties"]["policyPack"] == {"name": "acme-pack", "version": "1.2.3"}
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert sorted(rules) == sorted(p.name for p in sample.policies)
    tags = rules["cost-allocation-tags"]
    assert tags["shortDescription"]["text"] == "Every taggable resource carries the cost-allocation tags."
    assert tags["defaultConfiguration"] == {"level": "error"}
    assert rules["retention-tier"]["defaultConfiguration"] == {"level": "warning"}
    assert rules["debug-telemetry-expiry"]["defaultConfiguration"] == {"level": "none", "enabled": False}
    # another pack's policy: its own description and remediation, no docs of ours
    help_text = rules["no-infinite-retention"]["help"]["text"]
    assert help_text.startswith("Data is not kept forever.")
    assert "Fix: Set a retention period." in help_text
    assert "finops-guard explain no-infinite-retention" in help_text


def test_rules_of_our_pack_carry_the_policy_docs(sample: RunResult, base: Path) -> None:
    specs = all_policies()
    if not specs:
        pytest.skip("the pack has no policy yet")
    sample.pack_name = PACK_NAME
    sample.policies = [PolicyInfo(s.name, s.description, s.enforcement, s.scope) for s in specs]
    sample.findings = []
    log = sarif_log(sample, base_dir=str(base))
    assert_valid_sarif(log)
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    for spec in specs:
        rule = rules[spec.name]
        assert rule["shortDescription"]["text"] == spec.description
        assert rule["fullDescription"]["text"] == spec.why
        assert f"Why: {spec.why}" in rule["help"]["text"]
        assert f"Fix: {spec.fix}" in rule["help"]["text"]
        assert f"### Fix\n{spec.fix}" in rule["help"]["markdown"]


# --- results --------------------------------------------------------------------------------


def test_levels_follow_enforcement_and_state(sample: RunResult, base: Path) -> None:
    results = _results(sarif_log(sample, base_dir=str(base)))
    levels = {key: r["level"] for key, r in results.items()}
    assert levels == {
        ("cost-allocation-tags", BUCKET_URN, "tags.cost-center"): "error",
        ("cost-allocation-tags", BUCKET_URN, "tags.env"): "error",
        ("retention-tier", BUCKET_URN, "lifecycleRules"): "warning",
        ("no-infinite-retention", LOG_GROUP_URN, "retentionInDays"): "error",
        # unverifiable is reported as advisory, never as a failure
        ("bounded-db-pool", DB_URN, "maxConnections"): "warning",
        ("no-infinite-retention", QUEUE_URN, "messageRetentionSeconds"): "error",
        ("cost-allocation-tags", PROVIDER_URN, "defaultTags"): "warning",
    }
    assert {r["properties"]["state"] for r in results.values()} == {"violation", "unverifiable", "waived"}


def test_results_point_at_the_line_that_created_the_resource(sample: RunResult, base: Path) -> None:
    log = sarif_log(sample, base_dir=str(base))
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == base.as_uri() + "/"
    bucket = _results(log)[("cost-allocation-tags", BUCKET_URN, "tags.env")]
    physical = bucket["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "infra/__main__.py", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 12}
    path, line = resolve(run, physical)
    assert path == base / "infra" / "__main__.py"
    assert _source_line(path, line) == PROGRAM_LINES[12]
    assert (
        bucket["message"]["text"] == "Bucket 'logs': tags.env 'TODO' is a placeholder; expected dev|prod. Fix: set it"
    )
    logical = bucket["locations"][0]["logicalLocations"]
    assert logical == [{"name": "logs", "fullyQualifiedName": BUCKET_URN, "kind": "resource"}]
    queue = _results(log)[("no-infinite-retention", QUEUE_URN, "messageRetentionSeconds")]
    path, line = resolve(run, queue["locations"][0]["physicalLocation"])
    assert (path.name, line, _source_line(path, line)) == ("__main__.py", 40, PROGRAM_LINES[40])


def test_a_resource_inside_a_component_points_at_the_users_line_and_the_components(
    sample: RunResult, base: Path
) -> None:
    log = sarif_log(sample, base_dir=str(base))
    run = log["runs"][0]
    nested = _results(log)[("no-infinite-retention", LOG_GROUP_URN, "retentionInDays")]
    path, line = resolve(run, nested["locations"][0]["physicalLocation"])
    assert (path, line) == (base / "infra" / "__main__.py", 30)
    assert _source_line(path, line) == PROGRAM_LINES[30]  # the user's `Service(...)` call
    (related,) = nested["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"] == {
        "uri": "components/svc.py",
        "uriBaseId": "%SRCROOT%",
    }
    path, line = resolve(run, related["physicalLocation"])
    assert (path, line) == (base / "components" / "svc.py", 88)
    assert _source_line(path, line) == COMPONENT.splitlines()[87]  # the component's LogGroup(...)
    assert related["message"]["text"]


def test_files_outside_the_working_directory_are_absolute_file_uris(sample: RunResult, base: Path) -> None:
    log = sarif_log(sample, base_dir=str(base))
    db = _results(log)[("bounded-db-pool", DB_URN, "maxConnections")]
    artifact = db["locations"][0]["physicalLocation"]["artifactLocation"]
    library = base.parent / "elsewhere" / "lib.py"
    assert artifact == {"uri": library.as_uri()}
    path, line = resolve(log["runs"][0], db["locations"][0]["physicalLocation"])
    assert (path, line) == (library, 7)
    assert _source_line(path, line) == LIBRARY.splitlines()[6]


def test_paths_are_relative_to_the_working_directory_by_default(
    sample: RunResult, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(base)
    log = sarif_log(sample)
    bucket = _results(log)[("cost-allocation-tags", BUCKET_URN, "tags.env")]
    assert bucket["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/__main__.py"
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == base.as_uri() + "/"


def test_a_path_with_spaces_is_percent_encoded(sample: RunResult, base: Path) -> None:
    odd = base / "my infra" / "__main__ #1.py"
    odd.parent.mkdir(parents=True)
    odd.write_text("x = 1\n")
    sample.findings = [
        Finding(
            "retention-tier",
            "advisory",
            "violation",
            BUCKET_URN,
            "aws:s3/bucket:Bucket",
            "logs",
            "m",
            property="p",
            location=SourceLocation(str(odd), 1),
        )
    ]
    log = sarif_log(sample, base_dir=str(base))
    assert_valid_sarif(log)
    physical = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "my%20infra/__main__%20%231.py"
    assert resolve(log["runs"][0], physical) == (odd, 1)


def test_an_unlocated_finding_points_at_the_project_file(sample: RunResult, base: Path) -> None:
    log = sarif_log(sample, base_dir=str(base))
    provider = _results(log)[("cost-allocation-tags", PROVIDER_URN, "defaultTags")]
    location = provider["locations"][0]
    assert resolve(log["runs"][0], location["physicalLocation"]) == (base / "infra" / "Pulumi.yaml", 1)
    assert "not known" in location["message"]["text"]
    assert location["logicalLocations"][0]["fullyQualifiedName"] == PROVIDER_URN
    sample.program_dir = ""
    location = _results(sarif_log(sample, base_dir=str(base)))[("cost-allocation-tags", PROVIDER_URN, "defaultTags")][
        "locations"
    ][0]
    assert set(location) == {"logicalLocations"}


def test_waived_findings_are_suppressed_with_their_waiver(sample: RunResult, base: Path) -> None:
    results = _results(sarif_log(sample, base_dir=str(base)))
    waived = results[("no-infinite-retention", QUEUE_URN, "messageRetentionSeconds")]
    (suppression,) = waived["suppressions"]
    assert suppression["kind"] == "external"
    assert suppression["status"] == "accepted"
    assert suppression["justification"] == "FIN-1234 approved by alice, expires 2099-12-31: replay window"
    assert suppression["properties"] == WAIVER
    others = [r for key, r in results.items() if key[1] != QUEUE_URN]
    assert all("suppressions" not in r for r in others)


def test_fingerprints_tell_findings_apart_and_survive_moved_lines(sample: RunResult, base: Path) -> None:
    def prints(result: RunResult) -> dict[tuple[str, str, str], str]:
        return {
            key: r["partialFingerprints"]["finopsGuardFinding/v1"]
            for key, r in _results(sarif_log(result, base_dir=str(base))).items()
        }

    before = prints(sample)
    assert len(set(before.values())) == len(before)  # two findings on one line stay two alerts
    sample.findings = [
        Finding(
            f.policy,
            f.enforcement,
            f.state,
            f.urn,
            f.type,
            f.name,
            f.message,
            property=f.property,
            location=SourceLocation(f.location.file, f.location.line + 5) if f.location else None,
        )
        for f in sample.findings
    ]
    assert prints(sample) == before


def test_an_unknown_line_leaves_the_region_out(sample: RunResult, base: Path) -> None:
    main = str(base / "infra" / "__main__.py")
    sample.findings = [
        Finding(
            "retention-tier",
            "advisory",
            "violation",
            BUCKET_URN,
            "aws:s3/bucket:Bucket",
            "logs",
            "m",
            property="p",
            location=SourceLocation(main, 0),
        )
    ]
    log = sarif_log(sample, base_dir=str(base))
    assert_valid_sarif(log)
    physical = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "infra/__main__.py", "uriBaseId": "%SRCROOT%"}}


def test_a_broken_policy_module_costs_the_docs_not_the_report(
    sample: RunResult, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(name: str) -> None:
        raise NameError("name 'NamedTuple' is not defined")

    monkeypatch.setattr("finops_policies.registry.get", broken)
    sample.pack_name = PACK_NAME
    log = sarif_log(sample, base_dir=str(base))
    assert_valid_sarif(log)
    rule = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["fullDescription"]["text"] == rule["shortDescription"]["text"]
