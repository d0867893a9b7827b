"""Refresh `constraints.txt`: the known-good version of every package the dev install pulls in.

The README's set-up command (and so CI) installs with `-c constraints.txt`, so a new upstream
release (pulumi-aws ships weekly) changes nothing until a maintainer runs this:

1. resolve `finops-guardrails[dev]` afresh (the newest releases pyproject.toml allows) in a
   throwaway virtualenv made with this interpreter;
2. pin every package installed there (`pip freeze --all`, less pip and the project itself) in
   `constraints.txt`;
3. regenerate the data that describes the pinned pulumi-aws and botocore with that virtualenv:
   `aws_taggable.json` (`tools/gen_aws_taggable.py`), then `aws_tag_rules.json`
   (`tools/gen_aws_tag_rules.py`) and the free and priced types (`tools/gen_cost_classes.py`),
   which are keyed by pulumi-aws types.

Then reinstall (`pip install -c constraints.txt -e '.[dev]'`), run the tests and commit both
files. Needs the package index (it downloads everything once); takes a few minutes.

Usage: ``python tools/refresh_constraints.py [--output PATH] [--no-data]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "constraints.txt"
#: Run in this order: the later ones read aws_taggable.json or the pulumi-aws registry.
GENERATORS = tuple(
    ROOT / "tools" / name for name in ("gen_aws_taggable.py", "gen_aws_tag_rules.py", "gen_cost_classes.py")
)
#: Not pinned: pip is the installer, not a dependency; the project is what gets installed.
UNPINNED = {"pip", "finops-guardrails"}


def canonical(name: str) -> str:
    """A distribution name as pip compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(freeze_output: str) -> list[str]:
    """`name==version` lines of `pip freeze`, sorted by name, without the unpinned ones."""
    found = []
    for line in freeze_output.splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and canonical(name) not in UNPINNED:
            found.append(f"{name}=={version}")
    return sorted(found, key=lambda pin: canonical(pin.split("==", 1)[0]))


def render(lines: list[str]) -> str:
    python = ".".join(platform.python_version_tuple()[:2])
    header = (
        "# Known-good versions of every package `pip install -e '.[dev]'` installs, resolved on\n"
        f"# Python {python} ({platform.system()}). The README's set-up command and CI install with\n"
        "# `-c constraints.txt`, so a new upstream release changes nothing until this file is refreshed:\n"
        "#     python tools/refresh_constraints.py\n"
        "# (it also regenerates the pulumi-aws taggable data for the pinned pulumi-aws). Do not edit by hand.\n"
    )
    return header + "".join(f"{line}\n" for line in lines)


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _run(command: list[str], cwd: Path | None = None) -> str:
    print("+ " + " ".join(command), file=sys.stderr, flush=True)
    return subprocess.run(command, check=True, text=True, stdout=subprocess.PIPE, cwd=cwd).stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the constraints")
    parser.add_argument("--no-data", action="store_true", help="leave the generated pulumi-aws data alone")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="finops-constraints-") as tmp:
        venv = Path(tmp) / "venv"
        _run([sys.executable, "-m", "venv", str(venv)])
        python = str(venv / "bin" / "python")
        _run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        # A regular (not editable) install from the checkout: resolves the newest allowed releases.
        _run([python, "-m", "pip", "install", "--quiet", f"{ROOT}[dev]"])
        lines = pins(_run([python, "-m", "pip", "freeze", "--all"]))
        if not options.no_data:
            for generator in GENERATORS:
                _run([python, str(generator)], cwd=ROOT)
    old = set(options.output.read_text(encoding="utf-8").splitlines()) if options.output.exists() else set()
    write_atomic(options.output, render(lines))
    changed = [line for line in lines if line not in old]
    print(f"{options.output}: {len(lines)} pins, {len(changed)} changed: {', '.join(changed) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
