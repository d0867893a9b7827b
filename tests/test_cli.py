"""`finops-guard` as users run it: exit codes, one-paragraph errors, nothing left behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from enginetools import PROGRAMS, ROOT, TEST_PACK, cli, write_json

SLOW = PROGRAMS / "slow"


def pack_processes(marker: str, kind: str = "", cwd: Path | None = None) -> list[int]:
    """Pids of live processes whose command line mentions `marker` (and `kind`, e.g. pulumi.policy).

    `cwd` keeps only processes working in that directory, so a run of the same program from
    another checkout on this machine is not taken for ours."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().split()[2]
        except OSError:
            continue
        if marker in cmdline and kind in cmdline and state != "Z":
            if cwd is not None:
                try:
                    if Path(os.readlink(entry / "cwd")) != cwd:
                        continue
                except OSError:
                    continue
            found.append(int(entry.name))
    return found


@pytest.fixture
def own_pack(tmp_path: Path) -> Path:
    """A copy of the test pack at a unique path, so its processes can be found and counted."""
    pack = tmp_path / "unique-pack"
    shutil.copytree(TEST_PACK, pack)
    return pack


def program(
    tmp_path: Path, main: str, pulumi_yaml: str = "name: p\nruntime: python\n", stack: str | None = None
) -> Path:
    d = tmp_path / "prog"
    d.mkdir(exist_ok=True)
    (d / "Pulumi.yaml").write_text(pulumi_yaml)
    (d / "__main__.py").write_text(main)
    if stack is not None:
        (d / "Pulumi.dev.yaml").write_text(stack)
    return d


def assert_clean_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("finops-guard: error: "), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert "finops_guard/" not in result.stderr  # no traceback of ours without --debug


def test_help_and_usage_errors():
    assert cli("--help").returncode == 0
    assert "preview" in cli("--help").stdout
    bad = cli("preview", "--format", "xml")
    assert bad.returncode == 2 and "invalid choice: 'xml'" in bad.stderr
    assert cli().returncode == 2


def test_json_report_and_exit_code_one_on_mandatory_violations(tmp_path):
    config = write_json(tmp_path / "c.json", {"bucket-needs-team": {"key": "owner"}})
    result = cli(
        "preview",
        str(PROGRAMS / "basic"),
        "--policy-pack",
        str(TEST_PACK),
        "--policy-pack-config",
        str(config),
        "--format",
        "json",
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["project"] == "basic" and report["stack"] == "dev"
    assert report["policyPack"] == {"name": "engine-test-pack", "version": "2.3.4"}
    assert report["summary"]["mandatory"] == 3
    assert "s3cr3t-value" not in result.stdout + result.stderr


def test_exit_zero_when_nothing_mandatory(tmp_path):
    result = cli("preview", str(PROGRAMS / "basic"), "--policy-pack", str(TEST_PACK), "--format", "json")
    assert result.returncode == 0, result.stderr


def test_output_file_written_atomically_and_summary_on_stderr(tmp_path):
    out = tmp_path / "report.sarif"
    result = cli(
        "preview", str(PROGRAMS / "basic"), "--policy-pack", str(TEST_PACK), "--format", "sarif", "--output", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["version"] == "2.1.0"
    assert list(tmp_path.iterdir()) == [out]  # no temp files left beside it


def test_output_path_not_writable(tmp_path):
    result = cli(
        "preview",
        str(PROGRAMS / "basic"),
        "--policy-pack",
        str(TEST_PACK),
        "--output",
        str(tmp_path / "missing-dir" / "r.json"),
    )
    assert_clean_error(result, "missing-dir", "does not exist")


def test_missing_pulumi_yaml(tmp_path):
    assert_clean_error(cli("preview", str(tmp_path)), "has no Pulumi.yaml")


def test_malformed_pulumi_yaml_names_file_and_line(tmp_path):
    d = program(tmp_path, "", pulumi_yaml="name: p\nruntime: [python\n")
    assert_clean_error(cli("preview", str(d)), f"{d / 'Pulumi.yaml'}:3", "not valid YAML")


def test_pulumi_yaml_with_wrong_runtime(tmp_path):
    d = program(tmp_path, "", pulumi_yaml="name: p\nruntime: nodejs\n")
    assert_clean_error(cli("preview", str(d)), f"{d / 'Pulumi.yaml'}:2", "'nodejs' is not supported")


def test_unknown_stack(tmp_path):
    d = program(tmp_path, "", stack="config: {}\n")
    assert_clean_error(cli("preview", str(d), "--stack", "prod"), "unknown stack 'prod'", "dev")


def test_malformed_stack_config(tmp_path):
    d = program(tmp_path, "", stack="config:\n  aws:region: us-east-1\n   bad: indent\n")
    assert_clean_error(cli("preview", str(d)), "Pulumi.dev.yaml:3", "not valid YAML")


def test_program_import_error_shows_user_traceback(tmp_path, own_pack):
    d = program(tmp_path, "import pulumi\nimport not_installed_anywhere\n")
    result = cli("preview", str(d), "--policy-pack", str(own_pack))
    assert_clean_error(result, "ModuleNotFoundError", "not_installed_anywhere", '__main__.py", line 2')
    assert pack_processes(str(own_pack)) == []


def test_program_exception(tmp_path, own_pack):
    result = cli("preview", str(PROGRAMS / "raises"), "--policy-pack", str(own_pack))
    assert_clean_error(result, "KeyError", "helpers.py")
    assert pack_processes(str(own_pack)) == []


def test_missing_config_names_the_key():
    assert_clean_error(
        cli("preview", str(PROGRAMS / "needs_config"), "--policy-pack", str(TEST_PACK)),
        "needs-config:bucketPrefix",
        "--config",
    )


def test_pack_missing_or_without_manifest(tmp_path):
    assert_clean_error(
        cli("preview", str(PROGRAMS / "basic"), "--policy-pack", str(tmp_path / "nope")), "no such directory"
    )
    assert_clean_error(cli("preview", str(PROGRAMS / "basic"), "--policy-pack", str(tmp_path)), "no PulumiPolicy.yaml")


def test_pack_dir_prints_the_checkouts_pack(tmp_path):
    # From a source checkout (or an editable install) the pack is policypack/; tests/test_wheel.py
    # covers an installed wheel.
    result = cli("pack-dir", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{ROOT / 'policypack'}\n"


def test_a_missing_bundled_pack_is_a_clean_error(tmp_path, monkeypatch):
    from finops_guard import bundled_pack

    monkeypatch.setattr(bundled_pack, "_checkout_pack", lambda: tmp_path / "policypack")
    monkeypatch.setattr(bundled_pack, "PACK_PACKAGE", "finops_no_such_pack")
    with pytest.raises(bundled_pack.PackError, match="Reinstall finops-guardrails, or pass --policy-pack DIR"):
        bundled_pack.bundled_pack_dir()


def test_pack_that_never_prints_its_port_is_stopped(tmp_path):
    pack = tmp_path / "silent-pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nname: silent\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text("import time\ntime.sleep(600)\n")
    result = cli("preview", str(PROGRAMS / "basic"), "--policy-pack", str(pack), "--pack-timeout", "2")
    assert_clean_error(result, "did not print its port within 2 s")
    assert pack_processes(str(pack)) == []


def test_policy_config_errors(tmp_path):
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json")
    assert_clean_error(
        cli("preview", str(PROGRAMS / "basic"), "--policy-pack", str(TEST_PACK), "--policy-pack-config", str(bad_json)),
        "bad.json:1:2",
        "not valid JSON",
    )
    schema = write_json(tmp_path / "schema.json", {"bucket-needs-team": {"key": ["team"]}})
    assert_clean_error(
        cli("preview", str(PROGRAMS / "basic"), "--policy-pack", str(TEST_PACK), "--policy-pack-config", str(schema)),
        "bucket-needs-team: key: Invalid type. Expected: string, given: array",
    )


def test_debug_shows_our_traceback(tmp_path):
    result = cli("--debug", "preview", str(tmp_path))
    assert result.returncode == 2 and "Traceback" in result.stderr


def test_interrupt_stops_pack_and_program(own_pack, tmp_path):
    out = tmp_path / "report.json"
    env = dict(os.environ, NO_COLOR="1")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "finops_guard",
            "preview",
            str(PROGRAMS / "slow"),
            "--policy-pack",
            str(own_pack),
            "--format",
            "json",
            "--output",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while (
        not (pack_processes(str(own_pack), "pulumi.policy") and pack_processes("finops-guard-slow-", cwd=SLOW))
        and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    assert pack_processes(str(own_pack), "pulumi.policy"), "the pack never started"
    assert pack_processes("finops-guard-slow-", cwd=SLOW), "the program never started"
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    time.sleep(0.5)
    assert pack_processes(str(own_pack), "pulumi.policy") == []
    assert pack_processes("finops-guard-slow-", cwd=SLOW) == []
    assert not out.exists()


@pytest.mark.parametrize("delay", [0.3, 0.6, 0.9, 1.2])
def test_early_interrupt_leaves_nothing_behind(own_pack, delay):
    proc = subprocess.Popen(
        [sys.executable, "-m", "finops_guard", "preview", str(PROGRAMS / "slow"), "--policy-pack", str(own_pack)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=90)
    assert proc.returncode in (130, -signal.SIGINT), proc.returncode
    time.sleep(0.5)
    assert pack_processes(str(own_pack), "pulumi.policy") == []
    assert pack_processes("finops-guard-slow-", cwd=SLOW) == []
