"""Each example is a plain Pulumi program: it runs under the SDK's own mocks, without our engine."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from test_components_harness import run_program

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize(
    ("example", "expected_types"),
    [
        (
            "reference-service",
            {
                "finops:index:Service",
                "finops:index:PooledDatabase",
                "finops:index:TelemetryRetention",
                "aws:rds/instance:Instance",
                "kubernetes:apps/v1:Deployment",
            },
        ),
        (
            "violations",
            {
                "violations:index:LegacyAuditTrail",
                "aws:sqs/queue:Queue",
                "pulumi:providers:aws",
                "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
                "aws:rds/instance:Instance",
            },
        ),
        (
            "multi-region",
            {
                "finops:index:TelemetryRetention",
                "pulumi:providers:aws",
                "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
                "aws:iam/role:Role",
            },
        ),
    ],
)
def test_example_runs_under_plain_mocks(example: str, expected_types: set[str]) -> None:
    program = EXAMPLES / example
    assert (program / "Pulumi.yaml").exists() and (program / "Pulumi.dev.yaml").exists()
    assert (program / "README.md").exists()
    run = run_program(lambda: runpy.run_path(str(program / "__main__.py"), run_name="__main__"))
    assert expected_types <= {r.type for r in run.resources}


def test_multi_region_replica_uses_its_own_provider() -> None:
    run = run_program(lambda: runpy.run_path(str(EXAMPLES / "multi-region" / "__main__.py"), run_name="__main__"))
    (provider,) = [r for r in run.resources if r.type == "pulumi:providers:aws"]
    assert provider.inputs["region"] == "eu-west-1"
    assert len(run.transforms) == 1  # register_auto_tagging
