"""`finops-guard check INPUT...`: the pack on Terraform plans and sources and deployed Pulumi stacks.

Each input is read into registrations (`finops_guard.inputs`) and put through the very analyzer
session `preview` uses (`preview.analyze_registrations`), so findings, waivers, reports and exit
codes are the same. Several inputs are checked one after the other and reported together.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .analyzer.batch_pack import BatchPack, BatchSession
from .analyzer.engine_server import EngineServer
from .analyzer.pack_process import load_pack, pack_environment
from .analyzer.policy_config import merge, read_config_file
from .analyzer.session import LEVEL_NAMES
from .inputs import ReadInput, read_input
from .inputs.limits import run_notes
from .model import Registration, RunResult
from .preview import (
    WAIVER_MARKER,
    AnalysisOptions,
    Redactor,
    _Analysis,
    _findings,
    _secret_strings,
    _struct_dict,
    analyze_registrations,
    default_pack_dir,
)

#: "batch": the pack's servicer over pipes, two processes side by side (the default: every
#: resource is known up front); "grpc": exactly as `preview`, one gRPC call per resource.
Transport = Literal["batch", "grpc"]


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
    transport: Transport = "batch"


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
        # the input itself: SARIF points findings of unknown location at it
        program_dir=str(Path(read.path).resolve()),
    )
    if options.transport == "batch":
        result = analyze_batch(
            read.registrations, analysis, _warnings(read), time.monotonic() if started is None else started
        )
    else:
        result = analyze_registrations(produce, analysis, _warnings(read), started)
    result.warnings.extend(run_notes(read.kind, result))
    result.input_kind = read.kind
    return result


def _providers(registrations: Sequence[Registration]) -> dict[str, Registration]:
    by_urn = {r.urn: r for r in registrations if r.type.startswith("pulumi:providers:")}
    out: dict[str, Registration] = {}
    for r in registrations:
        provider = by_urn.get((r.provider or "").rsplit("::", 1)[0])
        if provider is not None:
            out[r.urn] = provider
    return out


#: Share of the per-resource stream given to the host that also answers `AnalyzeStack` (measured:
#: AnalyzeStack costs about half of the stream's time, so the two hosts finish together).
STACK_HOST_SHARE = 1 / 3


def _stream(
    registrations: Sequence[Registration], analysis: _Analysis, hosts: list[BatchPack], sessions: list[BatchSession]
) -> dict[int, Any]:
    """Answers of every `Analyze` (by registration index) and of `AnalyzeStack` (index -1).

    Requests are written and answers read concurrently, per host, so neither side waits for the
    other (and full pipes cannot deadlock). Host 1 answers `AnalyzeStack` first, then the last
    third of the stream; host 0 the rest.
    """
    providers = _providers(registrations)
    for registration in registrations:
        analysis.registrations.append(registration)
        analysis.by_urn[registration.urn] = registration
        if registration.urn in providers:
            analysis.provider_of[registration.urn] = providers[registration.urn]
    split = len(registrations) - int(len(registrations) * STACK_HOST_SHARE)
    # (index, method) per host; -1 is AnalyzeStack. Requests are built as they are written, so a
    # large input is never held twice in memory.
    plans: list[list[tuple[int, str]]] = [
        [(i, "Analyze") for i in range(split)],
        [(-1, "AnalyzeStack"), *((i, "Analyze") for i in range(split, len(registrations)))],
    ]

    def request(index: int) -> bytes:
        if index < 0:
            return bytes(sessions[1].stack_request(registrations, providers).SerializeToString())
        registration = registrations[index]
        return bytes(sessions[0]._request(registration, providers.get(registration.urn)).SerializeToString())

    answers: dict[int, Any] = {}
    failures: list[BaseException] = []

    def write(host: BatchPack, plan: list[tuple[int, str]]) -> None:
        try:
            for index, method in plan:
                host.send(method, request(index))
        except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
            failures.append(exc)

    def read(host: BatchPack, session: BatchSession, plan: list[tuple[int, str]]) -> None:
        try:
            for index, method in plan:
                answers[index] = session.answer(method, *host.receive(method))
                if index >= 0 and analysis.progress is not None:
                    analysis.progress(len(answers), None)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
            failures.append(exc)

    threads = [
        threading.Thread(target=target, args=args, daemon=True)
        for host, session, plan in zip(hosts, sessions, plans, strict=True)
        for target, args in ((write, (host, plan)), (read, (host, session, plan)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return answers


def analyze_batch(
    registrations: Sequence[Registration], options: AnalysisOptions, warnings: list[str], started: float
) -> RunResult:
    """`analyze_registrations` for registrations known up front: the same requests to the same
    servicer, over pipes, with `AnalyzeStack` answered by a second process during the stream."""
    pack = load_pack(options.policy_pack or default_pack_dir())
    given: dict[str, Any] = {}
    source = "policy config"
    if options.policy_pack_config is not None:
        given = read_config_file(options.policy_pack_config)
        source = str(options.policy_pack_config)
    env = pack_environment(options.project, options.stack, options.organization, options.stack_config)
    with EngineServer() as engine:
        hosts = [BatchPack(pack, engine.address, env) for _ in range(2)]
        try:
            for host in hosts:
                host.start()
            sessions = []
            for host in hosts:
                host.await_ready()
                session = BatchSession(host)
                session.configure_stack(
                    project=options.project,
                    stack=options.stack,
                    organization=options.organization,
                    config={k: v for k, v in options.stack_config.items() if k not in options.secret_keys},
                    secret_keys=sorted(options.secret_keys),
                    tags={},
                )
                session.plugin_info()
                info, policies = session.analyzer_info()
                initial = {
                    k: {"enforcementLevel": LEVEL_NAMES.get(v.enforcementLevel)} | _struct_dict(v.properties)
                    for k, v in info.initialConfig.items()
                }
                config = merge(policies, initial, given, source)
                session.configure(config)
                sessions.append(session)
            analysis = _Analysis(sessions[0], config, options.progress)
            answers = _stream(registrations, analysis, hosts, sessions)
            for index, registration in enumerate(registrations):
                analysis._keep(registration, answers[index])
            analysis._keep(None, answers[-1])
            policy_table = {p.name: p for p in policies}
            secrets: set[str] = set(options.secret_values)
            for r in registrations:
                _secret_strings(r.inputs, secrets)
            redact = Redactor(secrets)
            logs = engine.entries
            findings = _findings(analysis, policy_table, logs, redact)
            log_lines = [redact(f"{e.severity}: {e.message}") for e in logs if WAIVER_MARKER not in e.message]
            log_lines += [redact(line.rstrip()) for host in hosts for line in host.stderr_lines if line.strip()]
        finally:
            for host in hosts:
                host.stop()
    return RunResult(
        project=options.project,
        stack=options.stack,
        pack_name=info.name or pack.name,
        pack_version=pack.version,
        policies=list(policy_table.values()),
        resources=list(registrations),
        findings=findings,
        not_applicable=analysis.not_applicable,
        logs=log_lines,
        warnings=[redact(w) for w in warnings],
        duration_seconds=time.monotonic() - started,
        program_dir=options.program_dir,
    )


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
