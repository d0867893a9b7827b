"""Regressions from the field trial: public example programs previewed as a new user would run them.

Each test stands for an engine bug one of those programs hit; the programs under
`tests/programs/field_*` are our own, small, and reproduce the same situation.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest
from enginetools import PROGRAMS, TEST_PACK, make_venv, record, venv_purelib
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from pulumi.runtime import mocks as sdk_mocks

from finops_guard.errors import ProgramError, ProjectError
from finops_guard.model import Registration
from finops_guard.preview import PreviewOptions, run_preview
from finops_guard.project import load_project, load_stack_config, program_interpreter
from finops_guard.recording import recorder
from finops_guard.recording.runner import record_program

# --- programs pinning an older Pulumi SDK (aws-py-fargate pins pulumi 3.158) --------------------


def _request_before_stack_traces() -> Any:
    """`RegisterResourceRequest` as SDKs before stack traces declare it: one source position only."""
    proto = descriptor_pb2.FileDescriptorProto(name="field_old_resource.proto", package="fieldold", syntax="proto3")
    position = proto.message_type.add(name="SourcePosition")
    position.field.add(name="uri", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING)
    position.field.add(name="line", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_INT32)
    request = proto.message_type.add(name="RegisterResourceRequest")
    request.field.add(name="type", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING)
    request.field.add(
        name="sourcePosition",
        number=2,
        type=descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
        type_name=".fieldold.SourcePosition",
    )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("fieldold.RegisterResourceRequest"))


def test_source_line_comes_from_the_source_position_of_older_sdks() -> None:
    old = _request_before_stack_traces()(
        type="aws:s3/bucket:Bucket", sourcePosition={"uri": "file:///srv/app/__main__.py", "line": 12}
    )
    assert recorder._user_frames(old) == [{"file": "/srv/app/__main__.py", "line": 12}]
    assert recorder._user_frames(old.__class__(type="aws:s3/bucket:Bucket")) == []


def test_monitor_features_only_where_the_monitor_reports_them() -> None:
    assert recorder._monitor_features(object()) == {}  # type: ignore[arg-type]
    monitor = recorder.RecordingMonitor(recorder.PreviewMocks({}), None, "dev", "p", {})  # type: ignore[arg-type]
    assert recorder._monitor_features(monitor)["monitor_features"]


def test_config_reaches_sdks_without_set_all_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(pulumi.runtime, "set_all_config")
    recorder._set_config({"field-old:greeting": "hello"}, [])
    assert pulumi.Config("field-old").get("greeting") == "hello"


def test_stack_transforms_are_kept_when_the_sdk_monitor_has_no_place_for_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sdk_mocks.MockMonitor, "RegisterStackTransform")
    monitor = recorder.RecordingMonitor(recorder.PreviewMocks({}), None, "dev", "p", {})  # type: ignore[arg-type]

    def stamp(args: pulumi.ResourceTransformArgs) -> None:
        return None

    async def register() -> None:
        servicer = await recorder._callbacks_for(monitor)
        try:
            servicer.register_stack_transform(stamp)
        finally:
            await servicer._server.stop(None)

    asyncio.run(register())
    assert monitor._stack_transforms == [stamp]


# --- a program without a declared virtualenv (aws-py-eks, aws-py-webserver) ---------------------


def test_an_activated_virtualenv_runs_a_program_that_declares_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    python = make_venv(tmp_path / "activated")
    monkeypatch.delenv("FINOPS_GUARD_PYTHON", raising=False)
    monkeypatch.delenv("PULUMI_PYTHON_CMD", raising=False)
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "activated"))
    probe = record("field_ambient")["probe"]
    assert probe.inputs["python"] == str(python)


def test_interpreter_choice_follows_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = load_project(PROGRAMS / "field_ambient")
    for name in ("FINOPS_GUARD_PYTHON", "PULUMI_PYTHON_CMD", "VIRTUAL_ENV"):
        monkeypatch.delenv(name, raising=False)
    assert program_interpreter(project) == [sys.executable]
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "gone"))  # activated, then deleted: ignored
    assert program_interpreter(project) == [sys.executable]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    command = bin_dir / "python3.11-field"
    command.write_text("#!/bin/sh\n")
    command.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PULUMI_PYTHON_CMD", "python3.11-field")
    assert program_interpreter(project) == [str(command)]
    monkeypatch.setenv("FINOPS_GUARD_PYTHON", "/opt/python/bin/python3")
    assert program_interpreter(project) == ["/opt/python/bin/python3"]
    monkeypatch.delenv("FINOPS_GUARD_PYTHON")
    monkeypatch.setenv("PULUMI_PYTHON_CMD", "no-such-python-field")
    with pytest.raises(ProjectError, match="PULUMI_PYTHON_CMD is 'no-such-python-field'"):
        program_interpreter(project)


# --- a failing program whose virtualenv lives in its directory (every `virtualenv: venv` example) -


def test_program_traceback_leaves_out_the_virtualenv_in_the_program_directory(tmp_path: Path) -> None:
    program = tmp_path / "program"
    shutil.copytree(PROGRAMS / "field_venv_frames", program)
    python = make_venv(program / "venv")
    (venv_purelib(python) / "fieldlib.py").write_text(
        "def settings_for(environment):\n    raise LookupError(f'no settings for {environment}')\n"
    )
    with pytest.raises(ProgramError) as info:
        record(program)
    assert info.value.message == "the program raised LookupError: no settings for staging"
    frames = [line for line in info.value.details.splitlines() if line.lstrip().startswith("File ")]
    assert frames == [f'  File "{program / "__main__.py"}", line 5, in <module>']


# --- resources passed as input values (aws-py-dynamicresource: `vpc_id=app_vpc`) ---------------

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def test_resource_references_reach_the_pack_as_the_cli_marshals_them(tmp_path: Path) -> None:
    recorded = record("field_references")
    assert recorded["first"].inputs["vpcId"] == UNKNOWN  # a Vpc yet to be created has no id
    assert recorded["notes"].inputs["tags"] == {"network": recorded["core"].urn}
    # pulumi-policy cannot read resource references: sending them failed the pack in Remediate.
    result = run_preview(PreviewOptions(program_dir=PROGRAMS / "field_references", policy_pack=TEST_PACK, config=()))
    by_name = {f.name: f for f in result.findings if f.policy == "bucket-needs-team"}
    assert "notes" in by_name
    assert len(result.resources) == len(recorded)


# --- manifests from a local file (kubernetes.yaml.ConfigFile) ------------------------------------


def registrations(program: str, echo: io.StringIO | None = None) -> list[Registration]:
    """Every registration in order (`record` keys by name, and names repeat across types)."""
    project = load_project(PROGRAMS / program)
    return record_program(project, load_stack_config(project, "dev"), echo=echo)


def test_local_manifests_are_decoded_as_the_kubernetes_provider_would() -> None:
    objects = {(r.type, r.name): r for r in registrations("field_manifests")}
    deployment = objects[("kubernetes:apps/v1:Deployment", "web")]
    service = objects[("kubernetes:core/v1:Service", "web")]
    config_file = objects[("kubernetes:yaml:ConfigFile", "web")]
    assert deployment.parent == service.parent == config_file.urn
    assert deployment.inputs["spec"]["replicas"] == 3
    # a YAML date is text in the provider's JSON answer
    assert service.inputs["metadata"]["annotations"] == {"reviewed": "2024-05-01"}


# --- what only a provider plugin can expand (Helm charts, kustomize, remote components) ---------


def test_what_cannot_be_expanded_offline_is_named_and_the_program_goes_on() -> None:
    echo = io.StringIO()
    recorded = registrations("field_unrendered", echo)
    warnings = [line for line in echo.getvalue().splitlines() if line.startswith("finops-guard: warning: ")]
    assert len(warnings) == 3 and all("were not checked" in w for w in warnings)
    # invokes resolve concurrently, so the order of the warnings is not fixed
    chart, overlay, bundle = sorted(warnings, key=lambda w: ("Helm" not in w, "kustomization" not in w))
    assert "A Helm chart (kubernetes.helm.v3.Chart) 'redis' is rendered by the Kubernetes provider" in chart
    assert "A kustomization (kubernetes.kustomize.Directory) 'overlay' is rendered" in overlay
    assert "kubernetes:yaml/v2:ConfigFile 'bundle' is a component its provider plugin builds" in bundle
    assert "after" in {r.name for r in recorded}


def test_what_was_not_checked_reaches_the_json_and_sarif_reports() -> None:
    import json

    from finops_guard.reports import render

    echo = io.StringIO()
    result = run_preview(
        PreviewOptions(program_dir=PROGRAMS / "field_unrendered", policy_pack=TEST_PACK, config=(), echo=echo)
    )
    assert len(result.warnings) == 3
    report = json.loads(render(result, "json"))
    assert sorted(report["warnings"]) == sorted(result.warnings)
    assert any("Helm chart" in w and "'redis'" in w for w in report["warnings"])
    sarif = json.loads(render(result, "sarif"))
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert {n["level"] for n in notes} == {"warning"}
    assert sorted(n["message"]["text"] for n in notes) == sorted(result.warnings)
