"""Preview every Pulumi Python program under a directory offline, as a new user would, and tabulate.

A field trial for the offline engine: point it at a checkout of public example programs (e.g.
pulumi/examples) and an interpreter that has the programs' packages installed (pulumi-aws,
pulumi-awsx, pulumi-random, ...). Each program is copied to a temporary directory (the source is
never touched), given a `dev` stack with `aws:region`, pointed at that interpreter (its
`runtime.options` dropped in the copy, `FINOPS_GUARD_PYTHON` set), and previewed with
`finops-guard preview`. A program that stops because it requires configuration is given a
placeholder value for the key and retried, as a user would set one with `--config` (a file of that
name exists in the copy, for keys naming a file); `KNOWN_CONFIG` holds the values some programs
need in a particular form. Exit 2 from anything else is an engine or program failure: its cause is
the error line.

Nothing is downloaded: the programs and the interpreter's packages must already be there.

Each outcome counts the findings per policy and state (`mandatory`, `advisory`, `unverifiable`,
`waived`), so two sweeps (before and after a change to the pack) can be compared program by
program; `--reports DIR` keeps each program's JSON report there (`<program>.json`) for reading the
findings themselves.

Usage::

    python tools/sweep_examples.py EXAMPLES_DIR --python VENV/bin/python \\
        [--glob 'aws-py-*' --glob 'kubernetes-py-*'] [--region us-west-2] [--json FILE] [--reports DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

_MISSING_CONFIG = re.compile(r"requires configuration '([^']+)'")
_MAX_CONFIG_RETRIES = 8
PLACEHOLDER = "placeholder"

#: Config values some programs need in a particular form, as their own READMEs (or automation
#: programs) set them; everything else required gets PLACEHOLDER.
KNOWN_CONFIG: dict[str, dict[str, str]] = {
    # README: `cat rsa.pub | pulumi config set publicKey --` (KeyPair requires a public key)
    "aws-py-ec2-provisioners": {"publicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlaceholderKeyForTheSweep sweep"},
    # automation/index.ts: `stack.setConfig("cfg:autoscalingGroupSize", { value: asgSize })`, a number
    "aws-py-ecs-instances-autoapi/py-ecs-instance": {"cfg:autoscalingGroupSize": "3"},
    # README: the site's files are in `www` next to the program
    "aws-py-static-website": {"pathToWebsiteContents": "www", "targetDomain": "example.com"},
}


@dataclass
class Outcome:
    """One program's preview: its exit code, how many resources it registered, and why it stopped."""

    program: str
    exit_code: int
    resources: int | None = None
    cause: str = ""
    config: list[str] = field(default_factory=list)
    #: policy -> {"mandatory"|"advisory"|"unverifiable"|"waived": count}, from the JSON report
    findings: dict[str, dict[str, int]] = field(default_factory=dict)


def finding_counts(report: dict[str, object]) -> dict[str, dict[str, int]]:
    """Per policy, how many findings of a JSON report are blocking, advisory, unverifiable or waived."""
    counts: dict[str, dict[str, int]] = {}
    for item in report.get("violations") or []:
        if not isinstance(item, dict):
            continue
        state = str(item.get("state"))
        if state == "violation":
            state = "mandatory" if item.get("enforcement") in ("mandatory", "remediate") else "advisory"
        policy = counts.setdefault(str(item.get("policy")), {})
        policy[state] = policy.get(state, 0) + 1
    return counts


def find_programs(root: Path, globs: list[str]) -> list[Path]:
    """Directories holding a Python `Pulumi.yaml` under the top-level folders matching `globs`."""
    tops = sorted({top for pattern in globs for top in root.glob(pattern) if top.is_dir()})
    found = []
    for top in tops:
        for project_file in sorted(top.rglob("Pulumi.yaml")):
            if "node_modules" in project_file.parts:
                continue
            data = yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}
            runtime = data.get("runtime")
            name = runtime.get("name") if isinstance(runtime, dict) else runtime
            if name == "python":
                found.append(project_file.parent)
    return found


def prepare(program: Path, into: Path, region: str) -> Path:
    """A copy of the program with a `dev` stack in `region`, for whichever interpreter is chosen."""
    copy = into / program.name
    shutil.copytree(program, copy, ignore=shutil.ignore_patterns("venv", ".venv", "node_modules", "__pycache__"))
    project_file = copy / "Pulumi.yaml"
    project = yaml.safe_load(project_file.read_text(encoding="utf-8"))
    # No virtualenv or toolchain of its own: FINOPS_GUARD_PYTHON (set by `preview`) picks the interpreter.
    project["runtime"] = "python"
    project_file.write_text(yaml.safe_dump(project, sort_keys=False), encoding="utf-8")
    stack_file = copy / "Pulumi.dev.yaml"
    stack = yaml.safe_load(stack_file.read_text(encoding="utf-8")) if stack_file.exists() else None
    stack = stack if isinstance(stack, dict) else {}
    config = stack.setdefault("config", {}) or {}
    stack["config"] = config
    config.setdefault("aws:region", region)
    stack_file.write_text(yaml.safe_dump(stack, sort_keys=False), encoding="utf-8")
    # Config placeholders may name a file the program reads (a key path): let it exist.
    (copy / PLACEHOLDER).write_text(PLACEHOLDER + "\n", encoding="utf-8")
    return copy


def preview(copy: Path, name: str, python: Path, timeout: float, reports: Path | None = None) -> Outcome:
    """`finops-guard preview` of the copy, retried with a placeholder for each missing config key."""
    known = KNOWN_CONFIG.get(name, {})
    supplied: list[str] = []
    while True:
        report = copy / ".finops-report.json"
        command = [sys.executable, "-m", "finops_guard", "preview", str(copy), "--stack", "dev", "--format", "json"]
        command += ["--output", str(report)]
        for key, value in known.items():
            command += ["--config", f"{key}={value}"]
        for key in supplied:
            command += ["--config", f"{key}={PLACEHOLDER}"]
        try:
            env = {**os.environ, "FINOPS_GUARD_PYTHON": str(python), "NO_COLOR": "1"}
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, env=env)
        except subprocess.TimeoutExpired:
            return Outcome(name, -1, cause=f"timed out after {timeout:.0f} s", config=supplied)
        missing = _MISSING_CONFIG.search(done.stderr)
        if done.returncode == 2 and missing and len(supplied) < _MAX_CONFIG_RETRIES:
            supplied.append(missing.group(1))
            continue
        outcome = Outcome(name, done.returncode, config=[*known, *supplied])
        if report.exists():
            data = json.loads(report.read_text(encoding="utf-8"))
            outcome.resources = int(data.get("resources", 0))
            outcome.findings = finding_counts(data)
            if reports is not None:
                reports.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(report, reports / (name.replace("/", "__") + ".json"))
        if done.returncode not in (0, 1):
            errors = [line for line in done.stderr.splitlines() if line.strip()]
            outcome.cause = _cause(errors)
        return outcome


def _cause(lines: list[str]) -> str:
    """The error line of the failure (the exception at the end of a traceback, else the first line)."""
    for line in lines:
        if line.startswith("finops-guard: error:"):
            return line.removeprefix("finops-guard: error:").strip()
    return lines[-1] if lines else "(no output)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("examples", type=Path, help="directory of example programs (e.g. a pulumi/examples checkout)")
    parser.add_argument("--python", type=Path, required=True, help="interpreter of a virtualenv with their packages")
    parser.add_argument("--glob", action="append", help="top-level folders to try (default: aws-py-*, kubernetes-py-*)")
    parser.add_argument("--region", default="us-west-2", help="aws:region of each program's dev stack")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per preview")
    parser.add_argument("--json", type=Path, help="also write the outcomes as JSON")
    parser.add_argument("--reports", type=Path, help="keep each program's JSON report in this directory")
    args = parser.parse_args(argv)
    programs = find_programs(args.examples, args.glob or ["aws-py-*", "kubernetes-py-*"])
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="finops-sweep-") as scratch:
        for program in programs:
            name = str(program.relative_to(args.examples))
            into = Path(scratch) / name.replace("/", "__")
            into.mkdir(parents=True)
            outcome = preview(prepare(program, into, args.region), name, args.python, args.timeout, args.reports)
            outcomes.append(outcome)
            resources = "-" if outcome.resources is None else str(outcome.resources)
            config = f" (config: {', '.join(outcome.config)})" if outcome.config else ""
            print(f"{outcome.exit_code:>3}  {resources:>5}  {name}{config}  {outcome.cause}", flush=True)
    stopped = sum(1 for o in outcomes if o.exit_code not in (0, 1))
    print(f"{len(outcomes)} programs, {len(outcomes) - stopped} previewed to the end, {stopped} stopped")
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=2) + "\n", encoding="utf-8")
    return 1 if stopped else 0


if __name__ == "__main__":
    raise SystemExit(main())
