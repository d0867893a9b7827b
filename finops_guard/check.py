"""`finops-guard check INPUT...`: the pack on Terraform plans and sources and deployed Pulumi stacks.

Each input is read into registrations (`finops_guard.inputs`) and judged by the pack as `preview`
judges a program, so findings, waivers, reports and exit codes are the same. Three ways, one
verdict (the parity tests hold them to the same report):

- "inprocess" (the default): when the pack is finops-guardrails' own (`--policy-pack` unset, or a
  directory holding the very same code), its policies run in this process through the functions
  its servicer calls (`analyzer/inprocess.py`): no pack process, no protobuf per resource, and the
  findings of a large input kept on disk in report order (`finding_store.py`). Any other pack, or
  `FINOPS_GUARD_PACK_PROCESS=1` / `--pack-process`, takes the next way.
- "batch": the pack's own servicer in the pack's interpreter, over pipes
  (`analyzer/batch_host.py`, two processes side by side) rather than one gRPC call per resource;
- "grpc": exactly `preview`'s path (`preview.analyze_registrations`).

Several inputs are checked one after the other and reported together.
"""

from __future__ import annotations

import gc
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from .analyzer.batch_pack import BatchPack, BatchSession
from .analyzer.engine_server import EngineServer
from .analyzer.inprocess import (
    GC_THRESHOLDS,
    PACK_PROCESS_ENV,
    InProcessUnsupported,
    Prepared,
    check_in_process,
    runs_in_process,
)
from .analyzer.pack_process import load_pack, pack_environment
from .analyzer.session import to_struct, without_internal_keys
from .finding_store import FindingStore
from .inputs import ReadInput, jsonstream, read_input
from .inputs.jsonfile import InputError
from .inputs.limits import run_notes
from .inputs.read_ahead import ReadAhead
from .model import Registration, RunResult, provider_registered_before
from .preview import (
    AnalysisOptions,
    Redactor,
    _Analysis,
    _findings,
    _secret_strings,
    analyze_registrations,
    configure_session,
    default_pack_dir,
    pack_and_config,
    pack_log_lines,
)

#: "inprocess": finops-guardrails' own pack in this process, any other pack as "batch" (the
#: default); "batch": the pack's servicer over pipes, two processes side by side (every resource is
#: known up front); "grpc": exactly as `preview`, one gRPC call per resource.
Transport = Literal["inprocess", "batch", "grpc"]


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
    transport: Transport = "inprocess"
    #: the inputs, already being read by a child (`inputs.read_ahead`), for the in-process path
    read_ahead: ReadAhead | None = None


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


def _analysis_options(project: str, stack: str, path: str, options: CheckOptions) -> AnalysisOptions:
    return AnalysisOptions(
        project=project,
        stack=stack,
        organization=options.organization,
        policy_pack=options.policy_pack,
        policy_pack_config=options.policy_pack_config,
        pack_start_timeout=options.pack_start_timeout,
        progress=options.progress,
        # the input itself: SARIF points findings of unknown location at it
        program_dir=str(Path(path).resolve()),
    )


def _finish(result: RunResult, read: ReadInput) -> RunResult:
    result.warnings.extend(run_notes(read.kind, result))
    result.input_kind = read.kind
    return result


def check_one(read: ReadInput, options: CheckOptions, started: float | None = None) -> RunResult:
    """The pack's verdict on one input already read."""
    started = time.monotonic() if started is None else started
    analysis = _analysis_options(read.project, read.stack, read.path, options)
    analysis.secret_values = frozenset(read.secret_values)
    if options.transport == "grpc":

        def produce(sink: Callable[[Registration], None]) -> Sequence[Registration]:
            for registration in read.registrations:
                sink(registration)
            return read.registrations

        return _finish(analyze_registrations(produce, analysis, _warnings(read), started), read)
    with BatchRun(analysis) as run:
        for registration in read.registrations:
            run.add(registration)
        return _finish(run.result(_warnings(read), started), read)


def check_plan_streaming(path: Path, options: CheckOptions, started: float) -> RunResult:
    """A plan read while the pack already analyzes it: each resource goes to the pack as soon as it
    is translated, and `AnalyzeStack` once the whole plan (and its dependencies) is read."""
    analysis = _analysis_options("terraform", path.stem or "plan", str(path), options)
    with BatchRun(analysis) as run:
        read = read_input(path, on_registration=run.add)
        if (read.project, read.stack) != (analysis.project, analysis.stack):  # pragma: no cover - same rule
            raise RuntimeError("plan names changed while reading")
        run.options.secret_values = frozenset(read.secret_values)
        return _finish(run.result(_warnings(read), started), read)


def _looks_like_plan(path: Path) -> bool:
    """Terraform writes `format_version` first: a cheap look before the pack starts."""
    if not path.is_file():
        return False
    try:
        with jsonstream.opener(path)() as handle:
            head = handle.read(4096)
    except (OSError, InputError):
        return False
    return b'"format_version"' in head and b'"deployment"' not in head


#: Share of the per-resource stream given to the host that also answers `AnalyzeStack` (measured:
#: AnalyzeStack costs about half of the stream's time, so the two hosts finish together).
STACK_HOST_EVERY = 3


class BatchRun:
    """Two batch hosts of the pack, and the stream of requests to them.

    `add` each registration as it is made (any thread may be reading the input meanwhile): it is
    sent to a host as soon as the hosts are configured, every third one to the host that answers
    `AnalyzeStack` at the end. Requests are written and answers read concurrently, per host, so
    neither side waits for the other and full pipes cannot deadlock. `result` sends
    `AnalyzeStack`, waits for every answer, and builds the `RunResult`.
    """

    def __init__(self, options: AnalysisOptions) -> None:
        self.options = options
        self.pack, self.given, self.source = pack_and_config(options)
        self.registrations: list[Registration] = []
        self.providers: dict[str, Registration] = {}
        self.provider_of: dict[str, Registration] = {}
        self.answers: dict[int, Any] = {}
        self.failures: list[BaseException] = []
        self.configured = threading.Event()
        self._queues: list[queue.Queue[int | None]] = [queue.Queue(), queue.Queue()]
        self._sent: list[queue.Queue[tuple[int, str] | None]] = [queue.Queue(), queue.Queue()]
        self._threads: list[threading.Thread] = []
        self.sessions: list[BatchSession] = []
        self.engine = EngineServer()
        self.hosts: list[BatchPack] = []

    def __enter__(self) -> BatchRun:
        self.engine.__enter__()
        env = pack_environment(
            self.options.project, self.options.stack, self.options.organization, self.options.stack_config
        )
        self.hosts = [BatchPack(self.pack, self.engine.address, env, self.options.pack_start_timeout) for _ in range(2)]
        try:
            for host in self.hosts:
                host.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self._spawn(self._configure)
        for number in range(2):
            self._spawn(self._write, number)
            self._spawn(self._read, number)
        return self

    def __exit__(self, *exc: object) -> None:
        for q in self._queues:
            q.put(None)
        for host in self.hosts:
            host.stop()
        self.engine.__exit__(None, None, None)

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        def guarded() -> None:
            try:
                target(*args)
            except BaseException as exc:  # noqa: BLE001 - re-raised by `result`
                self.failures.append(exc)
                self.configured.set()
                for sent in self._sent:
                    sent.put(None)

        thread = threading.Thread(target=guarded, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _configure(self) -> None:
        for host in self.hosts:
            host.await_ready()
            session = BatchSession(host)
            setup = configure_session(session, self.options, self.pack, self.given, self.source)
            self.info, self.policies, self.config, self.version = (
                setup.info,
                setup.policies,
                setup.config,
                setup.version,
            )
            self.sessions.append(session)
        self.configured.set()

    def add(self, registration: Registration) -> None:
        index = len(self.registrations)
        self.registrations.append(registration)
        provider = provider_registered_before(self.providers, registration)
        if provider is not None:
            self.provider_of[registration.urn] = provider
        self._queues[1 if index % STACK_HOST_EVERY == STACK_HOST_EVERY - 1 else 0].put(index)

    def _request(self, index: int) -> tuple[str, bytes]:
        if index < 0:
            request = self.sessions[1].stack_request(self.registrations, self.provider_of)
            return "AnalyzeStack", bytes(request.SerializeToString())
        registration = self.registrations[index]
        # the host runs Remediate then Analyze on this one request; internal keys are stripped for
        # both (only Remediate would see them in the engine, and readers never produce any)
        properties = to_struct(without_internal_keys(registration.inputs))
        request = self.sessions[0]._request(registration, self.provider_of.get(registration.urn), properties)
        return "Analyze", bytes(request.SerializeToString())

    def _write(self, number: int) -> None:
        self.configured.wait()
        if self.failures:
            return
        while (index := self._queues[number].get()) is not None:
            method, payload = self._request(index)
            self._sent[number].put((index, method))
            self.hosts[number].send(method, payload)
        self._sent[number].put(None)

    def _read(self, number: int) -> None:
        while (item := self._sent[number].get()) is not None:
            index, method = item
            self.answers[index] = self.sessions[number].answer(method, *self.hosts[number].receive(method))
            if index >= 0 and self.options.progress is not None:
                self.options.progress(len(self.answers), None)

    def result(self, warnings: list[str], started: float) -> RunResult:
        self._queues[1].put(-1)  # AnalyzeStack, once every registration (and dependency) is known
        for q in self._queues:
            q.put(None)
        for thread in self._threads:
            thread.join()
        if self.failures:
            raise self.failures[0]
        analysis = _Analysis(self.sessions[0], self.config, None)
        for index, registration in enumerate(self.registrations):
            analysis.registrations.append(registration)
            analysis.by_urn[registration.urn] = registration
            if registration.urn in self.provider_of:
                analysis.provider_of[registration.urn] = self.provider_of[registration.urn]
            analysis._keep("analyze", registration, self.answers[index])
        analysis._keep("stack", None, self.answers[-1])
        policy_table = {p.name: p for p in self.policies}
        secrets: set[str] = set(self.options.secret_values)
        for r in self.registrations:
            _secret_strings(r.inputs, secrets)
        redact = Redactor(secrets)
        logs = self.engine.entries
        findings = _findings(analysis, policy_table, logs, redact)
        log_lines = pack_log_lines(logs, redact)
        log_lines += [redact(line.rstrip()) for host in self.hosts for line in host.stderr_lines if line.strip()]
        return RunResult(
            project=self.options.project,
            stack=self.options.stack,
            pack_name=self.info.name or self.pack.name,
            pack_version=self.version,
            policies=list(policy_table.values()),
            resources=list(self.registrations),
            findings=findings,
            not_applicable=analysis.not_applicable,
            logs=log_lines,
            warnings=[redact(w) for w in warnings],
            duration_seconds=time.monotonic() - started,
            program_dir=self.options.program_dir,
        )


def merge_results(results: Sequence[RunResult], started: float) -> RunResult:
    """Several inputs' results as one report (findings stay attached to their own URNs)."""
    if len(results) == 1:
        return results[0]
    first = results[0]
    resources = [r for result in results for r in result.resources]
    merged = RunResult(
        project=", ".join(dict.fromkeys(r.project for r in results)),
        stack=", ".join(r.stack for r in results),
        pack_name=first.pack_name,
        pack_version=first.pack_version,
        policies=first.policies,
        resources=resources,
        # in report order for the merged registrations (an input's URN may recur in another)
        findings=FindingStore.merged(resources, (result.findings for result in results)),
        not_applicable=set().union(*(r.not_applicable for r in results)),
        logs=[line for r in results for line in r.logs],
        warnings=[w for r in results for w in r.warnings],
        duration_seconds=time.monotonic() - started,
        program_dir=first.program_dir,
    )
    merged.input_kind = ", ".join(dict.fromkeys(r.input_kind for r in results if r.input_kind))
    return merged


def pack_process_forced() -> bool:
    """`FINOPS_GUARD_PACK_PROCESS` set to anything but "", "0" or "false": never run a pack in-process."""
    return os.environ.get(PACK_PROCESS_ENV, "").strip().lower() not in ("", "0", "false", "no")


def _check_in_process(
    read: ReadInput, options: CheckOptions, started: float, prepared: Prepared | None = None
) -> RunResult:
    """`read` through our pack in this process, or through the pack process when that cannot be exact."""
    analysis = _analysis_options(read.project, read.stack, read.path, options)
    analysis.secret_values = frozenset(read.secret_values)
    try:
        result = check_in_process(read.registrations, analysis, _warnings(read), started, prepared)
    except InProcessUnsupported:
        return check_one(read, replace(options, transport="batch"), started)
    return _finish(result, read)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """The cycle collector's thresholds of the pack process while inputs are read and judged:
    with CPython's defaults, rescanning the registrations read so far took half of the reading."""
    thresholds = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _import_the_policies() -> None:
    """The pack's policy modules, imported before the in-process path needs them (~50 ms)."""
    from finops_policies.registry import all_policies

    all_policies()


def run_check(options: CheckOptions) -> RunResult:
    with _fewer_collections():
        return _run_check(options)


def _run_check(options: CheckOptions) -> RunResult:
    started = time.monotonic()
    transport = options.transport
    if transport == "inprocess" and (
        pack_process_forced() or not runs_in_process(load_pack(options.policy_pack or default_pack_dir()))
    ):
        transport = "batch"
    ahead = options.read_ahead if transport == "inprocess" else None
    if options.read_ahead is not None and ahead is None:
        options.read_ahead.close()  # the pack runs in its own processes, which read plans as they stream
    options = replace(options, transport=transport, read_ahead=None)
    if ahead is not None and ahead.forked:
        _import_the_policies()  # while the child still reads
    results: list[RunResult] = []
    for path in options.inputs:
        if transport == "batch" and _looks_like_plan(path):
            results.append(check_plan_streaming(path, options, time.monotonic()))
            continue
        prepared = None
        if ahead is not None:  # each batch prepared for the judging as it comes, while the child reads on
            prepared = Prepared()
            read = ahead.read(path, on_batch=prepared.add)
        else:
            read = read_input(path, variables=options.variables, var_files=options.var_files)
        if transport == "inprocess":
            results.append(_check_in_process(read, options, time.monotonic(), prepared))
        else:
            results.append(check_one(read, options, time.monotonic()))
    return merge_results(results, started)
