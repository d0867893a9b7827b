"""Installed as a tool (a wheel, not editable), finops-guard finds its pack and previews any program.

The README's CI recipes install with `pip install 'finops-guardrails @ git+...'`: pip builds a
wheel from the checkout and installs it, so whatever the CLI reads from disk (the pack, its data)
must be in that wheel. The wheel is built offline (`--no-build-isolation`: the dev extra installs
the build backend) from a copy of the build inputs, installed into a fresh virtualenv that imports
nothing of this checkout, and run from a directory outside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from enginetools import ROOT, inherit_site_packages, make_venv, venv_purelib
from finops_policies.registry import all_policies

# source folder -> where its files land in the wheel
SHIPPED = {
    "finops_guard": "finops_guard",
    "components/finops_components": "finops_components",
    "policypack/finops_policies": "finops_policies",
    "policypack": "finops_policypack",  # the pack directory itself, for the Pulumi CLI
}
BUILD_INPUTS = ("pyproject.toml", "README.md", "finops_guard", "components", "policypack")
_JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".mypy_cache", ".ruff_cache")
# an interpreter chosen by these would not be the one the wheel was installed into
_CHOOSERS = ("VIRTUAL_ENV", "FINOPS_GUARD_PYTHON", "PULUMI_PYTHON_CMD", "PYTHONPATH", "PYTHONHOME")


def _source_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def expected_wheel_files() -> set[str]:
    return {
        f"{target}/{path.relative_to(ROOT / source).as_posix()}"
        for source, target in SHIPPED.items()
        for path in _source_files(ROOT / source)
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel pip builds from a copy of this checkout, offline."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=_JUNK)
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    dist = base / "dist"
    offline = ("--no-deps", "--no-index", "--no-build-isolation")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", *offline, "-w", str(dist), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (built,) = dist.glob("finops_guardrails-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel installed (not editable); returns its bin directory."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    # The wheel goes in first, while the environment sees nothing else: pip then installs it
    # rather than finding this checkout's editable install. Its dependencies come from this test
    # run's environment afterwards (no download).
    python = make_venv(venv, inherit=False)
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    inherit_site_packages(python)
    return python.parent


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A working directory that is not this checkout."""
    work = tmp_path / "work"
    work.mkdir()
    assert ROOT not in work.parents
    return work


def run_installed(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in _CHOOSERS}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [str(bin_dir / "finops-guard"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_wheel_holds_every_file_the_cli_reads_and_nothing_else(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = {n for n in archive.namelist() if ".dist-info/" not in n}
    expected = expected_wheel_files()
    assert "finops_policypack/PulumiPolicy.yaml" in expected
    assert "finops_policypack/finops_policies/data/aws_taggable.json" in expected
    assert not expected - names, f"missing from the wheel (add them to pyproject.toml): {sorted(expected - names)}"
    assert not names - expected, f"in the wheel but not in the source tree: {sorted(names - expected)}"


def test_the_installed_tool_imports_nothing_from_this_checkout(installed: Path, outside: Path) -> None:
    probe = (
        "import importlib.util, json\n"
        "import finops_guard, finops_policies, finops_components\n"
        "pack = importlib.util.find_spec('finops_policypack').submodule_search_locations\n"
        "print(json.dumps([m.__file__ for m in (finops_guard, finops_policies, finops_components)] + list(pack)))\n"
    )
    run = subprocess.run(
        [str(installed / "python"), "-c", probe], cwd=outside, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    purelib = venv_purelib(installed / "python")
    for location in json.loads(run.stdout):
        assert Path(location).is_relative_to(purelib), location


def test_pack_dir_prints_the_installed_pack(installed: Path, outside: Path) -> None:
    run = run_installed(installed, "pack-dir", cwd=outside)
    assert run.returncode == 0, run.stderr
    pack = Path(run.stdout.strip())
    assert run.stdout == f"{pack}\n"
    assert pack.is_relative_to(venv_purelib(installed / "python"))
    # a complete CrossGuard pack: what `pulumi preview --policy-pack` runs and `pulumi policy publish` uploads
    for name in ("PulumiPolicy.yaml", "__main__.py", "requirements.txt", "finops_policies/data/aws_taggable.json"):
        assert (pack / name).is_file(), name


def test_the_installed_tool_previews_a_program_outside_the_checkout(installed: Path, outside: Path) -> None:
    shutil.copytree(ROOT / "examples" / "reference-service", outside / "service")
    run = run_installed(installed, "preview", "service", "--format", "json", "--output", "report.json", cwd=outside)
    assert run.returncode == 0, run.stderr
    report = json.loads((outside / "report.json").read_text(encoding="utf-8"))
    assert report["policyPack"]["name"] == "finops-guardrails"
    assert report["resources"] > 10
    assert report["summary"]["mandatory"] == 0


def test_the_installed_pack_finds_what_every_policy_exists_to_stop(installed: Path, outside: Path) -> None:
    shutil.copytree(ROOT / "examples" / "violations", outside / "violations")
    baseline = "violations/baseline-cost.json"  # what cost-review compares against
    run = run_installed(installed, "preview", "violations", "--baseline", baseline, "--format", "json", cwd=outside)
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert {v["policy"] for v in report["violations"]} == {spec.name for spec in all_policies()}
