"""`finops-guard check INPUT...`: the pack on Terraform plans and sources and deployed Pulumi stacks.

Each input is read into registrations (`finops_guard.inputs`) and put through the very analyzer
session `preview` uses (`preview.analyze_registrations`), so findings, waivers, reports and exit
codes are the same. Several inputs are checked one after the other and reported together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .inputs import ReadInput, read_input
from .inputs.limits import run_notes
from .model import Registration, RunResult
from .preview import AnalysisOptions, analyze_registrations


@dataclass
class CheckOptions:
    inputs: Sequence[Path]
    policy_pack: Path | None = None
    policy_pack_config: Path | None = None
    #: Terraform variables (`-var name=value`) and variable files (`-var-file`) for source inputs
    variables: Mapping[str, str] = field(default_factory=dict)
    var_files: Sequence[Path] = ()
    organization: str = "organization"
    pack_start_timeout: float = 60.0
    progress: Callable[[int, int | None], None] | None = None


def _warnings(read: ReadInput) -> list[str]:
    out = list(read.warnings)
    if read.unmapped:
        listed = ", ".join(f"{t} ({n})" for t, n in sorted(read.unmapped.items())[:12])
        more = f" and {len(read.unmapped) - 12} more types" if len(read.unmapped) > 12 else ""
        total = sum(read.unmapped.values())
        out.append(
            f"{read.path}: {total} resource(s) of types finops-guard has no Pulumi equivalent for were checked "
            f"only by type-independent rules: {listed}{more}."
        )
    return out


def check_one(read: ReadInput, options: CheckOptions, started: float | None = None) -> RunResult:
    """The pack's verdict on one input already read."""

    def produce(sink: Callable[[Registration], None]) -> Sequence[Registration]:
        for registration in read.registrations:
            sink(registration)
        return read.registrations

    analysis = AnalysisOptions(
        project=read.project,
        stack=read.stack,
        organization=options.organization,
        secret_values=frozenset(read.secret_values),
        policy_pack=options.policy_pack,
        policy_pack_config=options.policy_pack_config,
        pack_start_timeout=options.pack_start_timeout,
        progress=options.progress,
        program_dir=read.path if Path(read.path).is_dir() else str(Path(read.path).parent),
    )
    result = analyze_registrations(produce, analysis, _warnings(read), started)
    result.warnings.extend(run_notes(read.kind, result))
    result.input_kind = read.kind
    return result


def merge_results(results: Sequence[RunResult], started: float) -> RunResult:
    """Several inputs' results as one report (findings stay attached to their own URNs)."""
    if len(results) == 1:
        return results[0]
    first = results[0]
    merged = RunResult(
        project=", ".join(dict.fromkeys(r.project for r in results)),
        stack=", ".join(r.stack for r in results),
        pack_name=first.pack_name,
        pack_version=first.pack_version,
        policies=first.policies,
        resources=[r for result in results for r in result.resources],
        findings=[f for result in results for f in result.findings],
        not_applicable=set().union(*(r.not_applicable for r in results)),
        logs=[line for r in results for line in r.logs],
        warnings=[w for r in results for w in r.warnings],
        duration_seconds=time.monotonic() - started,
        program_dir=first.program_dir,
    )
    merged.input_kind = ", ".join(dict.fromkeys(r.input_kind for r in results if r.input_kind))
    return merged


def run_check(options: CheckOptions) -> RunResult:
    started = time.monotonic()
    results: list[RunResult] = []
    for path in options.inputs:
        read = read_input(path, variables=options.variables, var_files=options.var_files)
        results.append(check_one(read, options, time.monotonic()))
    return merge_results(results, started)
