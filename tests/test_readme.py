"""The README's promises: its two commands are what CI runs, and its generated tables are fresh."""

from __future__ import annotations

import re
from pathlib import Path

from finops_guard.docs import README_POLICIES_BEGIN, README_POLICIES_END, readme_tables

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README.split("---", 1)[0])


def test_readme_starts_with_setup_and_test_commands():
    setup, tests = readme_commands()
    assert "pip install" in setup and "finops-guard preview" in setup
    assert "pytest" in tests


def development_lint_command() -> str:
    development = README.split("## Development", 1)[1]
    (line,) = [line for line in re.findall(r"```bash\n(.+?)\n```", development, re.S)[0].splitlines() if "ruff" in line]
    return line.split("  #", 1)[0].strip()


def test_ci_runs_the_readme_commands_verbatim():
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    setup, tests = readme_commands()
    assert ci.index(setup) < ci.index(development_lint_command()) < ci.index(tests)


def test_setup_installs_the_pinned_versions():
    setup, _ = readme_commands()
    assert "-c constraints.txt" in setup
    assert (ROOT / "constraints.txt").is_file()


def test_policy_tables_are_fresh():
    start = README.index(README_POLICIES_BEGIN)
    end = README.index(README_POLICIES_END) + len(README_POLICIES_END)
    assert README[start:end] == readme_tables(), "run `python -m finops_guard.docs` to regenerate"
