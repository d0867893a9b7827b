"""Helpers shared by the engine tests."""

from __future__ import annotations

import json
import site
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from finops_guard.model import Registration
from finops_guard.project import choose_stack, load_project, load_stack_config
from finops_guard.recording.runner import record_program

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
PROGRAMS = TESTS / "programs"
TEST_PACK = TESTS / "packs" / "testpack"
PROTOCOL_PACK = TESTS / "packs" / "protocol_pack"
#: The AWS SDK installed here: its version names the default provider (any release in range).
AWS_VERSION = version("pulumi-aws")
#: The default AWS provider the engine synthesizes, named as the CLI names it.
AWS_DEFAULT_PROVIDER = "default_" + AWS_VERSION.replace(".", "_")


def record(program: str | Path, overrides: tuple[str, ...] = ()) -> dict[str, Registration]:
    project = load_project(PROGRAMS / program if isinstance(program, str) else program)
    stack = load_stack_config(project, choose_stack(project, None), overrides)
    return {r.name: r for r in record_program(project, stack)}


def cli(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `finops-guard` as a user would, in a fresh process."""
    import os

    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env.setdefault("NO_COLOR", "1")
    return subprocess.run(
        [sys.executable, "-m", "finops_guard", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def make_venv(path: Path, *, inherit: bool = True) -> Path:
    """A fresh virtualenv at `path` (made without pip: fast); returns its interpreter.

    With `inherit`, it imports the packages this test run imports (the Pulumi SDK among them):
    see `inherit_site_packages`. Without, only its own, until `inherit_site_packages` is called.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, capture_output=True)
    python = path / "bin" / "python"
    if inherit:
        inherit_site_packages(python)
    return python


def venv_purelib(python: Path) -> Path:
    """The site-packages directory of the environment `python` belongs to."""
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return Path(out.strip())


def inherit_site_packages(python: Path) -> None:
    """Let the environment of `python` import this test run's installed packages, after its own.

    `venv --system-site-packages` is not that: a virtualenv made from a virtualenv's interpreter
    sees the *base* interpreter's packages, not the outer virtualenv's, so inside an activated
    virtualenv the SDK would be missing. A `.pth` file naming this interpreter's site directories
    does it either way. It names plain paths (no `site.addsitedir`): the `.pth` files of the outer
    environment, an editable install of this project among them, are not run, so whatever the new
    environment installs itself is what it imports.
    """
    dirs = [d for d in site.getsitepackages() if Path(d).is_dir()]
    if site.ENABLE_USER_SITE and Path(site.getusersitepackages()).is_dir():
        dirs.append(site.getusersitepackages())
    (venv_purelib(python) / "_finops_tests_outer_site_packages.pth").write_text("\n".join(dirs) + "\n")
