"""The components as a Pulumi plugin package: the SDK's schema inference accepts them, and the
provider's `Construct` path (camelCase inputs, integers as floats) builds them under mocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import finops_components
import pytest
import yaml
from finops_components import COMPONENTS, PACKAGE_NAME
from finops_policies import conventions as conv
from pulumi.provider.experimental.analyzer import Analyzer
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.schema import generate_schema
from test_components_harness import run_program

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_YAML = (ROOT / "examples" / "reference-service" / "cost-contract.yaml").read_text()

EXPECTED_INPUTS = {
    "Service": {
        "image",
        "contractFile",
        "contractYaml",
        "port",
        "databaseEndpoint",
        "env",
        "logLevel",
        "traceSamplingRatio",
        "debugUntil",
        "jvm",
        "targetCpuUtilization",
        "telemetry",
        "auditBucket",
        "snapshotBucket",
    },
    "PooledDatabase": {
        "engine",
        "instanceClass",
        "maxConnections",
        "contractFile",
        "contractYaml",
        "engineVersion",
        "parameterGroupFamily",
        "reservePercent",
        "backupRetentionDays",
        "allocatedStorageGb",
        "instanceCount",
        "databaseName",
        "username",
        "subnetGroupName",
        "securityGroupIds",
        "deletionProtection",
        "claims",
        "logExports",
        "identifier",
    },
    "TelemetryRetention": {
        "contractFile",
        "contractYaml",
        "logGroupPrefix",
        "logGroups",
        "auditBucket",
        "snapshotBucket",
    },
}
EXPECTED_REQUIRED = {
    "Service": {"image"},
    "PooledDatabase": {"engine", "instanceClass"},
    "TelemetryRetention": set(),
}
EXPECTED_OUTPUTS = {
    "Service": {"namespace", "deploymentName", "serviceName", "maxDbConnections"},
    "PooledDatabase": {"endpoint", "port", "maxConnections", "connectionBudget", "parameterGroupName"},
    "TelemetryRetention": {"logGroupNames", "retentionDays", "auditBucketName", "snapshotBucketName"},
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = Analyzer(PACKAGE_NAME).analyze(list(COMPONENTS))
    generated = generate_schema(
        PACKAGE_NAME,
        "0.1.0",
        None,
        result["component_definitions"],
        result["type_definitions"],
        sorted(result["dependencies"], key=lambda d: d.name),
    )
    document: dict[str, Any] = generated.to_json()
    return document


def test_the_schema_names_every_component_with_its_token(schema: dict[str, Any]) -> None:
    assert schema["name"] == "finops"
    assert set(schema["resources"]) == {f"finops:index:{name}" for name in EXPECTED_INPUTS}
    assert all(resource["isComponent"] for resource in schema["resources"].values())


@pytest.mark.parametrize("component", sorted(EXPECTED_INPUTS))
def test_every_input_and_output_is_published_and_documented(schema: dict[str, Any], component: str) -> None:
    resource = schema["resources"][f"finops:index:{component}"]
    assert set(resource["inputProperties"]) == EXPECTED_INPUTS[component]
    assert set(resource.get("requiredInputs", [])) == EXPECTED_REQUIRED[component]
    assert set(resource["properties"]) == EXPECTED_OUTPUTS[component]
    assert resource["description"]
    undocumented = [name for name, prop in resource["inputProperties"].items() if not prop.get("description")]
    assert undocumented == []


def test_types_are_plain_schema_types(schema: dict[str, Any]) -> None:
    service = schema["resources"]["finops:index:Service"]["inputProperties"]
    assert service["port"]["type"] == "integer"
    assert service["traceSamplingRatio"]["type"] == "number"
    assert service["env"] == {**service["env"], "type": "object"}
    assert service["env"]["additionalProperties"]["type"] == "string"
    database = schema["resources"]["finops:index:PooledDatabase"]["inputProperties"]
    assert database["claims"]["items"]["$ref"] == "#/types/finops:index:ConnectionClaim"
    claim = schema["types"]["finops:index:ConnectionClaim"]
    assert set(claim["properties"]) == {"service", "maxReplicas", "poolSizePerReplica"}
    assert set(claim["required"]) == {"service", "maxReplicas", "poolSizePerReplica"}
    # Outputs of other packages are passed as plain values: no dependency on the aws/k8s schemas.
    assert "dependencies" not in schema or not schema["dependencies"]


def test_the_plugin_manifest_and_entry_point() -> None:
    manifest = yaml.safe_load((ROOT / "components" / "PulumiPlugin.yaml").read_text())
    assert manifest == {"runtime": "python"}
    entry = (ROOT / "components" / "__main__.py").read_text()
    assert "component_provider_host(list(COMPONENTS), name=PACKAGE_NAME" in entry
    assert 'if __name__ == "__main__":' in entry  # importing it must not start a server


def test_construct_from_another_language() -> None:
    """What `pulumi package add` users hit: camelCase inputs mapped by the SDK, integers as floats."""
    provider = ComponentProvider(list(COMPONENTS), PACKAGE_NAME, version="0.1.0")
    inputs = {
        "engine": "postgres",
        "instanceClass": "db.r6g.large",
        "maxConnections": 400.0,
        "backupRetentionDays": 14.0,
        "contractYaml": CONTRACT_YAML,
        "claims": [{"service": "case-decision-service", "maxReplicas": 20.0, "poolSizePerReplica": 12.0}],
    }

    def program() -> None:
        provider.construct("orders-db", "finops:index:PooledDatabase", inputs, None)
        provider.construct(
            "case-decision",
            "finops:index:Service",
            {"image": "img", "contractYaml": CONTRACT_YAML, "port": 8080.0, "databaseEndpoint": "orders.internal"},
            None,
        )

    run = run_program(program)
    group = run.one(conv.RDS_PARAMETER_GROUP, "orders-db")
    assert group.inputs["parameters"][0]["value"] == "400"
    assert run.one(conv.RDS_INSTANCE).inputs["backupRetentionPeriod"] == 14
    deployment = run.one(conv.K8S_DEPLOYMENT)
    container = deployment.inputs["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"][0]["containerPort"] == 8080
    assert {"name": "DB_HOST", "value": "orders.internal"} in container["env"]


def test_construct_reports_an_over_budget_claim() -> None:
    provider = ComponentProvider(list(COMPONENTS), PACKAGE_NAME, version="0.1.0")
    inputs = {
        "engine": "postgres",
        "instanceClass": "db.t3.micro",
        "maxConnections": 100.0,
        "contractYaml": CONTRACT_YAML,
        "claims": [{"service": "case-decision-service", "maxReplicas": 20.0, "poolSizePerReplica": 12.0}],
    }
    with pytest.raises(Exception, match="needs 20 replicas × 12 connections = 240, but only 90"):
        run_program(lambda: provider.construct("orders-db", "finops:index:PooledDatabase", inputs, None))


def test_schema_is_json_serialisable(schema: dict[str, Any]) -> None:
    assert json.loads(json.dumps(schema)) == schema
    assert finops_components.__all__  # the package exports what the README documents
