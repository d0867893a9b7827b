"""`finops-guard preview`: run a program offline and put every registration through the pack.

The program (recorder subprocess) and the pack (its own process) start together; registrations
stream from one to the other as they happen, as in `pulumi preview`, so the two cores of a CI
runner both work. `AnalyzeStack` follows once the program has finished.
"""

from __future__ import annotations

import json
import queue
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .analyzer.engine_server import EngineServer, LogEntry
from .analyzer.pack_process import PackInfo, PackProcess, load_pack, pack_environment, pack_failure_details
from .analyzer.policy_config import EffectiveConfig, merge, read_config_file
from .analyzer.session import LEVEL_NAMES, AnalyzerSession
from .bundled_pack import bundled_pack_dir
from .errors import GuardError, PackError
from .model import (
    ADVISORY_MARKER,
    WAIVER_MARKER,
    Finding,
    PolicyInfo,
    Registration,
    RunResult,
    SourceLocation,
    split_details,
)
from .project import Project, StackConfig, choose_stack, load_project, load_stack_config, stack_tags
from .recording.runner import record_program

if TYPE_CHECKING:
    from .cost_config import PreviewFeed

STACK_TYPE = "pulumi:pulumi:Stack"
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
REDACTED = "[secret]"
_PROPERTY = re.compile(r"^\S+ '[^']*': ([A-Za-z_][\w.\[\]'\-/]*) ")


@dataclass
class PreviewOptions:
    program_dir: Path = Path()
    stack: str | None = None
    policy_pack: Path | None = None
    policy_pack_config: Path | None = None
    config: Sequence[str] = ()
    #: `KEY=VALUE` stack tags, as `pulumi stack tag set` would have set them
    stack_tags: Sequence[str] = ()
    organization: str = "organization"
    pack_start_timeout: float = 60.0
    #: called with (done, total or None) as resources are analyzed
    progress: Callable[[int, int | None], None] | None = None
    echo: Any = None
    #: an earlier cost report or stack export: `cost-review`'s baseline, and the cost summary's diff
    baseline: Path | None = None


@dataclass
class _Collected:
    findings: list[Finding] = field(default_factory=list)
    not_applicable: set[tuple[str, str]] = field(default_factory=set)


def default_pack_dir() -> Path:
    """The pack `--policy-pack` defaults to: the one shipped with finops-guardrails."""
    return bundled_pack_dir()


#: Leaves that hold no secret outside one: skipped without a call (most of 100,000 resources' inputs).
_PLAIN_LEAVES = frozenset({str, int, float, bool, type(None)})


def _secret_strings(value: Any, out: set[str], inside: bool = False) -> None:
    if isinstance(value, dict):
        inside = inside or (value.get(SECRET_SIG_KEY) is not None and "value" in value)
        for v in value.values():
            if inside or type(v) not in _PLAIN_LEAVES:
                _secret_strings(v, out, inside)
    elif isinstance(value, list):
        for v in value:
            if inside or type(v) not in _PLAIN_LEAVES:
                _secret_strings(v, out, inside)
    elif inside and isinstance(value, str) and len(value) >= 3:
        out.add(value)
    elif inside and isinstance(value, int | float) and not isinstance(value, bool) and len(str(value)) >= 3:
        out.add(str(value))


class Redactor:
    """Removes secret values (secret inputs, secure config) from anything we print."""

    def __init__(self, secrets: Iterable[str]) -> None:
        ordered = sorted({s for s in secrets if s}, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None

    def __call__(self, text: str) -> str:
        return self._pattern.sub(REDACTED, text) if self._pattern is not None and text else text


def locate(
    reg: Registration, by_urn: Mapping[str, Registration]
) -> tuple[SourceLocation | None, tuple[SourceLocation, ...]]:
    """Primary location: the program line that created the outermost component holding `reg`."""
    chain: list[Registration] = []
    parent = reg.parent
    seen: set[str] = set()
    while parent and parent in by_urn and parent not in seen:
        seen.add(parent)
        holder = by_urn[parent]
        if holder.type == STACK_TYPE:
            break
        chain.append(holder)
        parent = holder.parent
    if not chain or chain[-1].source is None:
        return reg.source, ()
    outer = chain[-1].source
    related = [loc for loc in [reg.source, *(c.source for c in chain[:-1])] if loc is not None and loc != outer]
    return outer, tuple(dict.fromkeys(related))


class _Analysis:
    """Consumes registrations as the program makes them; reports what the pack said."""

    def __init__(
        self,
        session: AnalyzerSession,
        config: dict[str, EffectiveConfig],
        progress: Callable[[int, int | None], None] | None,
    ) -> None:
        self.session = session
        self.config = config
        self.progress = progress
        self.registrations: list[Registration] = []
        self.by_urn: dict[str, Registration] = {}
        self.provider_of: dict[str, Registration] = {}
        #: (kind, the resource analyzed or None for the stack, diagnostics) in the order they came
        self.responses: list[tuple[str, Registration | None, list[Any]]] = []
        self.not_applicable: set[tuple[str, str]] = set()

    def provider_for(self, r: Registration) -> Registration | None:
        if not r.provider:
            return None
        return self.by_urn.get(r.provider.rsplit("::", 1)[0])

    def analyze(self, r: Registration) -> None:
        self.registrations.append(r)
        self.by_urn[r.urn] = r
        provider = self.provider_for(r)
        if provider is not None:
            self.provider_of[r.urn] = provider
        remediated = self.session.remediate(r, provider)
        if remediated.diagnostics:
            self.responses.append(("remediate", r, remediated.diagnostics))
        response = self.session.analyze(r, provider, remediated.properties)
        self._keep("analyze", r, response)
        if self.progress is not None:
            self.progress(len(self.registrations), None)

    def analyze_stack(self) -> None:
        response = self.session.analyze_stack(self.registrations, self.provider_of)
        self._keep("stack", None, response)

    def _keep(self, kind: str, r: Registration | None, response: Any) -> None:
        if response is None:
            return
        if response.diagnostics:
            self.responses.append((kind, r, list(response.diagnostics)))
        for item in response.not_applicable:
            if r is not None:
                self.not_applicable.add((r.urn, item.policy_name))


def _strip_description(message: str, description: str) -> str:
    if description and message.startswith(description):
        rest = message[len(description) :].lstrip("\n")
        return rest or message
    return message


#: pulumi-policy's words for a policy (or remediation) that read a value unknown during preview
_UNVERIFIABLE = ("can't run policy ", "can't run remediation ")


@dataclass(frozen=True)
class _Diagnostic:
    """One diagnostic, whichever RPC it came from, as the engine turns it into a policy violation event."""

    policy: str
    description: str
    message: str
    level: str
    urn: str


def _diagnostics(analysis: _Analysis) -> list[_Diagnostic]:
    """Diagnostics as the engine attributes and levels them.

    - Analyze (pkg/resource/deploy/analyze_snapshot.go, analyzeResource): always the analyzed
      resource's URN, whatever URN the policy passed; `remediate` shown as `mandatory`.
    - AnalyzeStack (step_generator.go, AnalyzeResources): the policy's URN if it names a resource
      of the stack, else the root stack's (resolveStackPolicyViolationURN); `remediate` as `mandatory`.
    - Remediate (step_generator.go): a remediation that reports a diagnostic is an `advisory`
      violation of the resource.
    """
    stack_urn = next((r.urn for r in analysis.registrations if r.type == STACK_TYPE), "")
    out: list[_Diagnostic] = []
    for kind, analyzed, diagnostics in analysis.responses:
        for diag in diagnostics:
            if kind == "remediate":
                urn = analyzed.urn if analyzed is not None else stack_urn
                out.append(_Diagnostic(diag.policyName, diag.description, diag.diagnostic, "advisory", urn))
                continue
            level = LEVEL_NAMES.get(diag.enforcementLevel, "advisory")
            level = "mandatory" if level == "remediate" else level
            if kind == "analyze" and analyzed is not None:
                urn = analyzed.urn
            else:
                urn = diag.urn if diag.urn in analysis.by_urn else stack_urn
            out.append(_Diagnostic(diag.policyName, diag.description, diag.message, level, urn))
    return out


class FindingMaker:
    """Turns what the pack said (diagnostics, waiver log lines) into findings, as `preview` reports them.

    `by_urn` holds every registration of the run (the last of a repeated URN wins), `policies` what
    the pack said about each policy, `config` the config it was given; `redact` removes secrets.
    """

    def __init__(
        self,
        by_urn: Mapping[str, Registration],
        policies: Mapping[str, PolicyInfo],
        config: Mapping[str, EffectiveConfig],
        redact: Redactor,
    ) -> None:
        self.by_urn = by_urn
        self.policies = policies
        self.config = config
        self.redact = redact

    def make(
        self,
        *,
        policy: str,
        enforcement: str,
        state: str,
        urn: str,
        message: str,
        waiver: dict[str, str] | None = None,
        details: Any = None,
    ) -> Finding:
        reg = self.by_urn.get(urn)
        location, related = locate(reg, self.by_urn) if reg is not None else (None, ())
        text, carried = split_details(self.redact(message))
        match = _PROPERTY.match(text)
        return Finding(
            policy=policy,
            enforcement=enforcement,  # type: ignore[arg-type]
            state=state,  # type: ignore[arg-type]
            urn=reg.urn if reg is not None and reg.urn == urn else urn,  # the registration's string: one copy
            type=reg.type if reg else "",
            name=reg.name if reg else "",
            message=text,
            property=sys.intern(match.group(1)) if match else None,
            waiver=waiver,
            location=location,
            related=related,
            details=details if isinstance(details, dict) else carried,
        )

    def diagnostic(self, diag: _Diagnostic) -> Finding:
        info = self.policies.get(diag.policy)
        message = _strip_description(diag.message, diag.description or (info.description if info else ""))
        level = diag.level
        # The CLI's whole message is kept; we add that the value was unknown (not a pass) and, for
        # the report's counts, the level the policy would have had.
        unverifiable = diag.message.startswith(_UNVERIFIABLE)
        if unverifiable:
            configured = self.config.get(diag.policy)
            level = configured.enforcement if configured else level
        state = "unverifiable" if unverifiable else "violation"
        return self.make(policy=diag.policy, enforcement=level, state=state, urn=diag.urn, message=message)

    def logged(self, entry_message: str, entry_urn: str) -> Iterator[Finding]:
        """The waived and (fallback) advisory findings in one `Log` message (none in other messages)."""
        for line in entry_message.splitlines():
            marker, _, rest = line.partition(" ")
            if marker not in (ADVISORY_MARKER, WAIVER_MARKER):
                continue
            try:
                payload = json.loads(rest)
            except ValueError:
                continue
            if not isinstance(payload, dict):
                continue
            policy = str(payload.get("policy", ""))
            waiver: dict[str, str] | None = None
            if marker == ADVISORY_MARKER:  # the pack's fallback for an advisory finding
                enforcement, state = "advisory", "violation"
            else:
                configured = self.config.get(policy)
                enforcement = configured.enforcement if configured else "advisory"
                state = "waived"
                waiver = {k: str(v) for k, v in (payload.get("waiver") or {}).items()}
            yield self.make(
                policy=policy,
                enforcement=enforcement,
                state=state,
                urn=str(payload.get("urn") or entry_urn),
                message=str(payload.get("message", "")),
                waiver=waiver,
                details=payload.get("details"),
            )


def _findings(
    analysis: _Analysis, policies: dict[str, PolicyInfo], logs: list[LogEntry], redact: Redactor
) -> list[Finding]:
    maker = FindingMaker(analysis.by_urn, policies, analysis.config, redact)
    out = [maker.diagnostic(diag) for diag in _diagnostics(analysis)]
    for entry in logs:
        out.extend(maker.logged(entry.message, entry.urn))
    return out


def pack_log_lines(logs: Iterable[LogEntry], redact: Redactor) -> list[str]:
    """The engine `Log` lines a report lists: the pack's waived and advisory findings are findings."""
    return [
        redact(f"{e.severity}: {e.message}")
        for e in logs
        if WAIVER_MARKER not in e.message and ADVISORY_MARKER not in e.message
    ]


@dataclass
class AnalysisOptions:
    """What the pack is told about a run, and where the pack and its config come from.

    `finops-guard preview` fills it from the program's project and stack; `finops-guard check`
    from the input it reads (a Terraform plan or source, a stack export).
    """

    project: str
    stack: str
    organization: str = "organization"
    #: stack config as the engine hands it to the pack (values as strings), secrets included
    stack_config: Mapping[str, str] = field(default_factory=dict)
    secret_keys: frozenset[str] = frozenset()
    #: plain values that must never be printed (secure config)
    secret_values: frozenset[str] = frozenset()
    policy_pack: Path | None = None
    policy_pack_config: Path | None = None
    pack_start_timeout: float = 60.0
    progress: Callable[[int, int | None], None] | None = None
    program_dir: str = ""
    #: the stack's tags (`pulumi:tags` config and `--stack-tag`), sent in ConfigureStack
    stack_tags: Mapping[str, str] = field(default_factory=dict)
    #: the cost policies' config from the program's contracts (and `--baseline`), filled in under
    #: what the policy config file sets
    cost_feed: PreviewFeed | None = None


#: Calls its argument with each registration, in registration order, and returns them all; runs
#: on the calling thread (the preview's recorder must own the main thread for Ctrl-C).
Producer = Callable[[Callable[[Registration], None]], Sequence[Registration]]


@dataclass
class SessionSetup:
    """What the pack said about itself, and the config it was given."""

    info: Any
    policies: list[PolicyInfo]
    version: str
    config: dict[str, EffectiveConfig]


def pack_and_config(options: AnalysisOptions) -> tuple[PackInfo, dict[str, Any], str]:
    """The pack a run uses, the policy config the user gave (`--policy-pack-config`, else none)
    and what to call that config in error messages: what `configure_session` takes."""
    pack = load_pack(options.policy_pack or default_pack_dir())
    if options.policy_pack_config is None:
        return pack, {}, "policy config"
    return pack, read_config_file(options.policy_pack_config), str(options.policy_pack_config)


def configure_session(
    session: Any,
    options: AnalysisOptions,
    pack: PackInfo,
    given: Mapping[str, Any],
    source: str,
    *,
    trusted_defaults: bool = False,
) -> SessionSetup:
    """The engine's opening calls, in its order: ConfigureStack, GetPluginInfo, GetAnalyzerInfo, Configure.

    `session` is an `AnalyzerSession` (gRPC) or a `BatchSession` (pipes): both speak the same calls.
    `trusted_defaults`: see `policy_config.merge`.
    """
    session.configure_stack(
        project=options.project,
        stack=options.stack,
        organization=options.organization,
        config={k: v for k, v in options.stack_config.items() if k not in options.secret_keys},
        secret_keys=sorted(options.secret_keys),
        tags=dict(options.stack_tags),
    )
    session.plugin_info()
    info, policies = session.analyzer_info()
    if options.cost_feed is not None:
        given = options.cost_feed.apply(given, [p.name for p in policies])
    # analyzer_plugin.go: PulumiPolicy.yaml's version wins over the one the pack reports
    version = pack.version or info.version or "0.0.1"
    initial = {
        k: {"enforcementLevel": LEVEL_NAMES.get(v.enforcementLevel)} | _struct_dict(v.properties)
        for k, v in info.initialConfig.items()
    }
    config = merge(
        policies, initial, given, source, (info.name or pack.name, version), trusted_defaults=trusted_defaults
    )
    session.configure(config)
    return SessionSetup(info, policies, version, config)


def analyze_registrations(
    produce: Producer, options: AnalysisOptions, warnings: list[str] | None = None, started: float | None = None
) -> RunResult:
    """Put every registration `produce` makes through the pack, as `pulumi preview --policy-pack` does.

    The pack starts on a worker thread while `produce` runs on this one; registrations stream to
    it as they are made (`Remediate` + `Analyze` each), then `AnalyzeStack` sees them all.
    `warnings` (what the run could not check) may still grow while `produce` runs.
    """
    started = time.monotonic() if started is None else started
    warnings = [] if warnings is None else warnings
    pack, given, source = pack_and_config(options)
    env = pack_environment(options.project, options.stack, options.organization, options.stack_config)
    pending: queue.Queue[Registration | None] = queue.Queue()
    failure: list[BaseException] = []
    ready = threading.Event()
    state: dict[str, Any] = {}

    with EngineServer() as engine:
        process = PackProcess(pack, engine.address, env, options.pack_start_timeout)
        try:

            def analyze_worker() -> None:
                try:
                    port = process.start()
                    session = AnalyzerSession(port)
                    state["session"] = session
                    setup = configure_session(session, options, pack, given, source)
                    info, policies, config = setup.info, setup.policies, setup.config
                    state["version"] = setup.version
                    analysis = _Analysis(session, config, options.progress)
                    state.update(policies=policies, info=info, analysis=analysis)
                    ready.set()
                    while (item := pending.get()) is not None:
                        analysis.analyze(item)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                    failure.append(exc)
                    ready.set()
                    while pending.get() is not None:  # let the producer finish
                        pass

            worker = threading.Thread(target=analyze_worker, name="analyzer", daemon=True)
            worker.start()
            try:
                registrations = produce(pending.put)
            finally:
                pending.put(None)
                worker.join()
            if failure:
                raise failure[0]
            feed = options.cost_feed
            if feed is not None and feed.error is not None and feed.needed_by(p.name for p in state["policies"]):
                raise feed.error  # the program did not stumble on it: the cost policies cannot run without it
            analysis = state["analysis"]
            analysis.analyze_stack()
            policies = {p.name: p for p in state["policies"]}
            secrets: set[str] = set(options.secret_values)
            for r in registrations:
                _secret_strings(r.inputs, secrets)
            redact = Redactor(secrets)
            logs = engine.entries
            findings = _findings(analysis, policies, logs, redact)
            log_lines = pack_log_lines(logs, redact)
            log_lines += [redact(line.rstrip()) for line in process.stderr_lines if line.strip()]
        except PackError as exc:
            # The pack's traceback is on its stderr, complete once it has stopped.
            process.stop()
            exc.details = pack_failure_details(process.stderr_lines, pack.dir) or exc.details
            if exc.message.endswith("Exception calling application: ") and exc.details:
                # a bare `assert` leaves the status empty: name the exception from the traceback
                exc.message += exc.details.splitlines()[-1].strip()
            raise
        finally:
            session = state.get("session")
            if session is not None:
                session.close()
            process.stop()
    return RunResult(
        project=options.project,
        stack=options.stack,
        pack_name=state["info"].name or pack.name,
        pack_version=state["version"],
        policies=list(policies.values()),
        resources=list(registrations),
        findings=findings,
        not_applicable=analysis.not_applicable,
        logs=log_lines,
        warnings=[redact(w) for w in warnings],
        duration_seconds=time.monotonic() - started,
        program_dir=options.program_dir,
        config=analysis.config,
    )


def run_preview(options: PreviewOptions) -> RunResult:
    started = time.monotonic()
    project = load_project(options.program_dir)
    stack_name = choose_stack(project, options.stack)
    stack = load_stack_config(project, stack_name, options.config)
    warnings: list[str] = []
    from .cost_config import preview_feed

    # budgets, usage and triggers from the contracts (and --baseline), for the cost policies
    feed = preview_feed(project, stack, options.baseline)

    def record(sink: Callable[[Registration], None]) -> Sequence[Registration]:
        return record_program(
            project,
            stack,
            organization=options.organization,
            on_registration=sink,
            echo=options.echo,
            warnings=warnings,
        )

    analysis = AnalysisOptions(
        project=project.name,
        stack=stack.name,
        organization=options.organization,
        stack_config=stack.values,
        secret_keys=frozenset(stack.secret_keys),
        secret_values=frozenset(stack.secret_values),
        policy_pack=options.policy_pack,
        policy_pack_config=options.policy_pack_config,
        pack_start_timeout=options.pack_start_timeout,
        progress=options.progress,
        program_dir=str(project.dir),
        stack_tags=stack_tags(project, stack, options.stack_tags),
        cost_feed=feed,
    )
    result = analyze_registrations(record, analysis, warnings, started)
    result.cost = _cost_summary(
        result.resources,
        project,
        stack,
        result.warnings,
        budget_config=result.config.get("cost-budget"),
        baseline=feed.baseline,
    )
    return result


def _cost_summary(
    registrations: list[Registration],
    project: Project,
    stack: StackConfig,
    warnings: list[str],
    *,
    budget_config: EffectiveConfig | None = None,
    baseline: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The per-service cost summary, priced as `cost-budget` priced it (its usage, budgets and prices)
    when the pack has it; a pricing problem becomes a warning, never a failed preview."""
    from .cost_config import facts_from_config
    from .costing import estimate_program, program_contracts, service_summary

    try:
        contracts, prices = program_contracts(project, stack), None
        if budget_config is not None:
            contracts, prices = facts_from_config(budget_config.properties, contracts)
        _, report = estimate_program(
            registrations, project, stack, contracts=contracts, prices=prices, baseline=baseline
        )
    except GuardError as error:
        warnings.append(f"cost estimate skipped: {error.message}")
        return None
    except Exception as error:  # noqa: BLE001 - the estimate is an extra; the policy verdict stands without it
        warnings.append(f"cost estimate skipped: the pricing failed ({type(error).__name__}: {error})")
        return None
    return service_summary(report)


def _struct_dict(struct: Any) -> dict[str, Any]:
    from google.protobuf import json_format

    return dict(json_format.MessageToDict(struct))


__all__ = [
    "AnalysisOptions",
    "GuardError",
    "PreviewOptions",
    "Producer",
    "Redactor",
    "analyze_registrations",
    "default_pack_dir",
    "locate",
    "run_preview",
]
