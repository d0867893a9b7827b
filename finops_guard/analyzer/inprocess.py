"""finops-guardrails' own pack, run inside `finops-guard check` instead of in a pack process.

`check` hands the pack every resource of a plan at once. With another pack it drives the pack's
own servicer in the pack's interpreter (`batch_pack.py`); with ours, whose code is the very
`finops_policies` this process imports, it calls the same functions the servicer calls, here:

- the servicer itself is built as the pack builds it (`pack.pack_arguments`, `PolicyPack`) and
  answers the opening calls (`ConfigureStack`, `GetPluginInfo`, `GetAnalyzerInfo`, `Configure`)
  through the same `configure_session` code as a pack process, so the policies, their levels and
  their config (validated, merged, as a `Struct` turned back into a dict) are the pack's own;
- per resource, what pulumi-policy's `Analyze` does for each resource policy not disabled (a
  `remediate` level reported as `mandatory`), and once for the stack what `AnalyzeStack` does for
  each stack policy: `pack.judge_resource` / `pack.judge_stack` on the views `pack.py` builds, with
  properties as the servicer deserializes them (`wire.WireProps`), waivers collected by the pack's
  own `ListSink` and rendered as the pack's `Log` message; a value unknown during preview becomes
  the SDK's "can't run policy ... during preview" advisory, with the SDK's wording;
- the diagnostics become findings through `preview.FindingMaker`, the code `preview` and the pack
  processes use, attributed as `preview._diagnostics` attributes them.

No protobuf message per resource, no proxies built for the whole stack per policy, no pack
process. On a second core, a forked child runs the stack pass and shares the resource pass
(`forked.py`); the report is the same.
`runs_in_process` decides when this applies; `InProcessUnsupported` sends a run back to the pack
process (a value the protocol would reject, a servicer this module does not know). Setting
`FINOPS_GUARD_PACK_PROCESS=1` (or `finops-guard check --pack-process`) always uses the process.
"""

from __future__ import annotations

import gc
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PackError
from ..finding_store import DEFAULT_KEEP, FindingStore
from ..forking import ForkedCall
from ..model import Finding, Registration, RunResult, provider_registered_before
from ..preview import (
    STACK_TYPE,
    AnalysisOptions,
    FindingMaker,
    Redactor,
    _Diagnostic,
    _secret_strings,
    configure_session,
    default_pack_dir,
    pack_and_config,
)
from ..reports._common import collect_secrets, longest_first
from .forked import Chunks, Recorder, forks_for
from .pack_process import PackInfo
from .session import AnalyzerSession
from .wire import Unrepresentable, WireProps, check_representable, dependency_order

#: Set to 1 to run every pack, ours too, in a pack process (debugging; the parity tests).
PACK_PROCESS_ENV = "FINOPS_GUARD_PACK_PROCESS"
#: The package the pack's `__main__.py` imports its policies from.
POLICY_PACKAGE = "finops_policies"


class InProcessUnsupported(Exception):  # noqa: N818 - a reason to take the other path, not an error
    """This run cannot be reproduced in-process exactly; the pack process must run it."""


# --- which packs -------------------------------------------------------------------------------


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo")
    }


def runs_in_process(pack: PackInfo) -> bool:
    """True when `pack` is finops-guardrails' own pack, with the code this process imports.

    All of: the pack runs in this interpreter (no `runtime.options.virtualenv` of its own); its
    `__main__.py` is the shipped one (`from finops_policies.pack import serve; serve()`); and its
    `finops_policies/` is the package this process imports, the same directory (a checkout, an
    editable install) or the same files byte for byte (an installed wheel ships the pack twice).
    A copy of the pack that differs in any file, or any other pack, runs in its own process.
    """
    try:
        import finops_policies
    except ImportError:
        return False
    try:
        if Path(pack.interpreter).resolve() != Path(sys.executable).resolve():
            return False
        shipped = default_pack_dir()
        if (pack.dir / "__main__.py").read_bytes() != (shipped / "__main__.py").read_bytes():
            return False
        theirs = (pack.dir / POLICY_PACKAGE).resolve()
        ours = Path(finops_policies.__file__).resolve().parent
        return theirs == ours or (theirs.is_dir() and _files(theirs) == _files(ours))
    except (OSError, PackError):
        return False


# --- the servicer, without a server --------------------------------------------------------------


class _Captured(Exception):  # noqa: N818 - control flow, not an error
    def __init__(self, servicer: Any) -> None:
        super().__init__("captured")
        self.servicer = servicer


def _build_servicer(sink: Any) -> Any:
    """The analyzer servicer `PolicyPack(**pack_arguments())` builds, kept instead of served."""
    import pulumi_policy.policy as sdk
    from finops_policies.pack import pack_arguments

    base = sdk._PolicyAnalyzerServicer

    class Keep(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            raise _Captured(self)

    sdk._PolicyAnalyzerServicer = Keep  # type: ignore[misc]  # PolicyPack builds it by this name
    try:
        sdk.PolicyPack(**pack_arguments(sink=sink))
    except _Captured as captured:
        return captured.servicer
    finally:
        sdk._PolicyAnalyzerServicer = base  # type: ignore[misc]
    raise InProcessUnsupported("PolicyPack did not build its servicer the way this module expects")


class _Context:
    """The slice of `grpc.ServicerContext` the SDK's servicer uses."""

    def set_code(self, code: Any) -> None:
        pass

    def set_details(self, details: str) -> None:
        pass


class InProcessSession(AnalyzerSession):
    """`AnalyzerSession` whose calls go to a servicer object: serialized and parsed both ways, as on the wire."""

    def __init__(self, servicer: Any) -> None:  # no channel
        self._servicer = servicer

    def close(self) -> None:
        pass

    def _call(self, method: str, request: Any, subject: str = "") -> Any:
        handler = getattr(self._servicer, method)
        try:
            response = handler(type(request).FromString(request.SerializeToString()), _Context())
        except Exception as exc:  # reported as the pack failing, as over gRPC
            raise PackError(f"the policy pack failed during {method}", details=traceback.format_exc()) from exc
        return type(response).FromString(response.SerializeToString())


# --- one run --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Policy:
    """A policy as the servicer runs it: its spec, the level it reports at, its effective config."""

    spec: Any
    name: str
    description: str
    #: "advisory" or "mandatory" ("remediate" is reported as "mandatory", as the SDK does)
    level: str
    config: Mapping[str, Any]


def _mangled(servicer: Any, name: str) -> Any:
    try:
        return getattr(servicer, f"_PolicyAnalyzerServicer__{name}")
    except AttributeError:
        raise InProcessUnsupported(f"pulumi-policy's servicer has no {name}") from None


def _policies(servicer: Any) -> list[_Policy]:
    """The servicer's policies in its order, without the disabled ones."""
    from finops_policies.registry import all_policies
    from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

    specs = {spec.name: spec for spec in all_policies()}
    out: list[_Policy] = []
    for policy in _mangled(servicer, "policies"):
        spec = specs.get(policy.name)
        scope = "resource" if isinstance(policy, ResourceValidationPolicy) else "stack"
        known = isinstance(policy, ResourceValidationPolicy | StackValidationPolicy)
        if spec is None or spec.scope != scope or not known:
            raise InProcessUnsupported(f"policy {policy.name!r} is not one of the registry's")
        if isinstance(policy, ResourceValidationPolicy) and (policy.has_remediation() or not policy.has_validation()):
            raise InProcessUnsupported(f"policy {policy.name!r} remediates")
        level = servicer._get_enforcement_level(policy)
        if level == EnforcementLevel.DISABLED:
            continue
        named = "advisory" if level == EnforcementLevel.ADVISORY else "mandatory"
        config = spec.effective_config(servicer._get_policy_config(policy.name))
        out.append(_Policy(spec, policy.name, policy.description, named, config))
    return out


def _configure_pulumi_runtime(options: AnalysisOptions) -> None:
    """What pulumi-policy's servicer does before each call (`_configure_runtime_settings`, from the
    environment the engine starts the pack with): stack config and runtime settings, so a policy
    asking `pulumi.get_stack()` or for config gets the answer it gets in a pack process."""
    import pulumi.runtime

    for key, value in options.stack_config.items():
        pulumi.runtime.set_config(key, value)
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            project=options.project, stack=options.stack, dry_run=True, organization=options.organization
        )
    )


#: The pack process's collector thresholds (`finops_policies.pack.GC_THRESHOLDS`).
GC_THRESHOLDS = (50_000, 20, 20)


@contextmanager
def _collector_eased() -> Iterator[None]:
    """The registrations read so far are frozen (never rescanned: they form a DAG freed by
    reference counting) and young collections are rarer, as in the pack process; a collector
    rescanning 100,000 registrations on every full collection costs more than the policies."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


#: Up to this many resources, the stack policies' views keep each property they convert (the
#: policies read some several times); beyond it, memory matters more than the repeated work.
KEEP_PROPS_LIMIT = 50_000


def findings_kept(resources: int) -> int:
    """How many findings a run of `resources` holds before spilling to disk: all of a mid-sized
    run's (spilling costs time), 20,000 when the registrations themselves need the memory."""
    return max(DEFAULT_KEEP, min(200_000, 150_000 - resources * 13 // 10))


class Prepared:
    """What a run computes of each registration before judging it: whether the protocol could carry
    its inputs, the secret strings in them, the index by URN, its provider's view. Computed batch by
    batch (`add`) as a read-ahead child hands the registrations over, while it still reads; used by
    a run only for the very registrations it was computed on (`covers`). Their dependencies may
    still be unset: none of this reads them."""

    def __init__(self) -> None:
        self.registrations: list[Registration] = []
        #: the first registration whose inputs the protocol could not carry, as `run` raises it
        self.unrepresentable: InProcessUnsupported | None = None
        self.secrets: set[str] = set()
        #: the secret values the reports scrub (`reports._common.secret_values`: other rules)
        self.report_secrets: set[str] = set()
        #: every registration by URN (the last of a repeated URN wins)
        self.by_urn: dict[str, Registration] = {}
        #: each resource's provider view by URN (`_Judge.provider_of`)
        self.provider_of: dict[str, Any] = {}
        self._providers: dict[str, Registration] = {}
        self._views: dict[int, Any] = {}

    def _provider_view(self, provider: Registration) -> Any:
        from finops_policies.resources import ProviderView

        # one view per provider registration (two may share a URN, the later replacing the earlier)
        view = self._views.get(id(provider))
        if view is None:
            view = ProviderView(provider.type, provider.name, provider.urn, WireProps(provider.inputs, keep=True))
            self._views[id(provider)] = view
        return view

    def add(self, registrations: Sequence[Registration]) -> None:
        secrets, by_urn, providers, provider_of = self.secrets, self.by_urn, self._providers, self.provider_of
        report_secrets = self.report_secrets
        for registration in registrations:
            provider = provider_registered_before(providers, registration)  # as `check.BatchRun.add`
            if provider is not None:
                provider_of[registration.urn] = self._provider_view(provider)
            if self.unrepresentable is None:
                try:
                    check_representable(registration.inputs)
                except Unrepresentable as exc:
                    self.unrepresentable = InProcessUnsupported(f"{registration.urn}: {exc}")
            _secret_strings(registration.inputs, secrets)
            collect_secrets(registration.inputs, report_secrets)
            by_urn[registration.urn] = registration
        self.registrations.extend(registrations)

    def covers(self, registrations: Sequence[Registration]) -> bool:
        """Whether this was computed on exactly `registrations`, the same objects in the same order."""
        mine = self.registrations
        return len(mine) == len(registrations) and all(a is b for a, b in zip(mine, registrations, strict=True))


class InProcessCheck:
    """One input's registrations through finops-guardrails' pack, in this process."""

    def __init__(self, options: AnalysisOptions, keep: int | None = None) -> None:
        self.options = options
        #: findings held in memory before the store spills (default: `findings_kept`)
        self.keep = keep
        self.pack, self.given, self.source = pack_and_config(options)

    def run(
        self, registrations: list[Registration], warnings: list[str], started: float, prepared: Prepared | None = None
    ) -> RunResult:
        from finops_policies.pack import ListSink

        from . import wire_lookup  # noqa: F401 - registers the fast `lookup` of WireProps with the pack's values

        if prepared is None or not prepared.covers(registrations):
            prepared = Prepared()
            prepared.add(registrations)
        if prepared.unrepresentable is not None:
            raise prepared.unrepresentable
        _configure_pulumi_runtime(self.options)
        sink = ListSink()
        servicer = _build_servicer(sink)
        # our pack: its defaults and initial config are validated by a test (test_engine_conformance.py)
        setup = configure_session(
            InProcessSession(servicer), self.options, self.pack, self.given, self.source, trusted_defaults=True
        )
        policies = _policies(servicer)
        pack_name = str(_mangled(servicer, "policy_pack_name"))
        pack_version = str(_mangled(servicer, "policy_pack_version"))

        by_urn = prepared.by_urn
        redact = Redactor(prepared.secrets | self.options.secret_values)
        policy_table = {p.name: p for p in setup.policies}
        maker = FindingMaker(by_urn, policy_table, setup.config, redact)
        store = FindingStore(registrations, self.keep if self.keep is not None else findings_kept(len(registrations)))
        judge = _Judge(
            provider_of=prepared.provider_of,
            policies=policies,
            pack_name=pack_name,
            pack_version=pack_version,
            sink=sink,
            maker=maker,
            store=store,
            registrations=registrations,
            progress=self.options.progress,
        )
        with _collector_eased():
            if forks_for(len(registrations)):
                judge.shared_with_a_child(by_urn)
            else:
                judge.resources()
                judge.stack(by_urn)
        return RunResult(
            project=self.options.project,
            stack=self.options.stack,
            pack_name=setup.info.name or self.pack.name,
            pack_version=setup.version,
            policies=list(policy_table.values()),
            resources=registrations,
            findings=store,
            report_secrets=longest_first(prepared.report_secrets),
            not_applicable=judge.not_applicable,
            logs=[],
            warnings=[redact(w) for w in warnings],
            duration_seconds=time.monotonic() - started,
            program_dir=self.options.program_dir,
        )


@dataclass(frozen=True)
class _Part:
    """What the child judged of a run shared with it: its chunks, their findings, the stack pass's
    findings, and the (URN, policy) pairs it found not applicable."""

    chunks: list[int]
    resources: list[Finding]
    stack: list[Finding]
    not_applicable: set[tuple[str, str]]


class _Judge:
    """The servicer's `Analyze` loop per resource and `AnalyzeStack` loop, minus the protocol."""

    def __init__(  # noqa: PLR0917 - one call site, every argument named there
        self,
        policies: Sequence[_Policy],
        pack_name: str,
        pack_version: str,
        sink: Any,
        maker: FindingMaker,
        store: FindingStore,
        registrations: Sequence[Registration],
        provider_of: Mapping[str, Any],
        progress: Callable[[int, int | None], None] | None = None,
    ) -> None:
        self.resource_policies = [p for p in policies if p.spec.scope == "resource"]
        # pulumi-policy answers AnalyzeStack with every StackValidationPolicy, in the pack's order:
        # the stack policies and the resource policies with a stack part (`ResourceAndStackPolicy`)
        self.stack_policies = [p for p in policies if p.spec.scope == "stack" or p.spec.stack_check is not None]
        self.pack_name = pack_name
        self.pack_version = pack_version
        self.sink = sink
        self.maker = maker
        self.store = store
        self.registrations = registrations
        self.progress = progress
        self.not_applicable: set[tuple[str, str]] = set()
        #: each resource's provider view by URN (`Prepared.provider_of`)
        self.provider_of = provider_of

    # diagnostics, as pulumi-policy's servicer words them and preview._diagnostics attributes them

    def _reporter(self, policy: _Policy, attribute: Callable[[str], str]) -> Callable[..., None]:
        """The policy's `report_violation`, levelled as the pack's servicer levels it (`LevelledReport`)."""
        from finops_policies.pack import LevelledReport

        return LevelledReport(
            self._reporter_at(policy, attribute, policy.level),
            make_advisory=lambda: self._reporter_at(policy, attribute, "advisory"),
        )

    def _reporter_at(self, policy: _Policy, attribute: Callable[[str], str], level: str) -> Callable[..., None]:
        def report_violation(message: str, urn: str | None = None) -> None:
            # pulumi_policy/policy.py `_create_report_violation`
            if message and not isinstance(message, str):
                raise TypeError("Expected message to be a string")
            if urn is not None and not isinstance(urn, str):
                raise TypeError("Expected urn to be a string")
            text = policy.description
            if message:
                text += f"\n{message}"
            diagnostic = _Diagnostic(policy.name, policy.description, text, level, attribute(urn or ""))
            self.store.add(self.maker.diagnostic(diagnostic))

        return report_violation

    def _unverifiable(self, policy: _Policy, message: str, urn: str) -> None:
        text = (
            f"can't run policy '{policy.name}' from policy pack "
            f"'{self.pack_name}@v{self.pack_version}' during preview: {message}"
        )
        self.store.add(self.maker.diagnostic(_Diagnostic(policy.name, policy.description, text, "advisory", urn)))

    def _waivers(self) -> None:
        from finops_policies.pack import waiver_log_message

        for policy, finding, approval in self.sink.items:
            # the pack sends this as a `Log` message on the finding's resource
            self.store.extend(self.maker.logged(waiver_log_message(policy, finding, approval), finding.urn))
        self.sink.items.clear()

    def _failed(self, method: str) -> PackError:
        return PackError(f"the policy pack failed during {method}", details=traceback.format_exc())

    # the two loops

    def resources(self, start: int = 0, stop: int | None = None) -> None:
        """The resource policies on registrations `start` to `stop` (default: all)."""
        from finops_policies.pack import judge_resource
        from finops_policies.resources import ResourceView
        from pulumi_policy.policy import _NotApplicableError
        from pulumi_policy.proxy import UnknownValueError

        if not self.resource_policies:
            return
        analyzing = [""]  # the URN being analyzed, read by the reporters made once per policy

        def analyzed(_: str) -> str:  # Analyze: always the analyzed resource
            return analyzing[0]

        reporters = [self._reporter(policy, analyzed) for policy in self.resource_policies]
        for done, registration in enumerate(self.registrations[start:stop], start=start + 1):
            if self.progress is not None:
                self.progress(done, None)
            urn = analyzing[0] = registration.urn
            view = ResourceView(
                registration.type,
                registration.name,
                urn,
                WireProps(registration.inputs, keep=True),  # read by every resource policy, then dropped
                self.provider_of.get(urn),
                registration.parent or None,
            )

            for policy, reporter in zip(self.resource_policies, reporters, strict=True):
                try:
                    judge_resource(policy.spec, view, dict(policy.config), reporter, self.sink)
                except UnknownValueError as exc:
                    self._unverifiable(policy, exc.message, urn)
                except _NotApplicableError:
                    self.not_applicable.add((urn, policy.name))
                except Exception as exc:  # the pack would fail the call
                    raise self._failed("Analyze") from exc
                if self.sink.items:
                    self._waivers()

    # the passes shared with a forked child (`forked.py`)

    def shared_with_a_child(self, by_urn: Mapping[str, Registration]) -> None:
        """Both passes, with a forked child: it runs the stack pass, then both take chunks of the
        resource pass until none is left. This process stores its own findings as it goes, then
        the child's: its chunks', then the stack pass's."""
        with Chunks(len(self.registrations)) as chunks:
            with ForkedCall(lambda: self._part(chunks, chunks, by_urn)) as child:
                mine: list[int] = []
                for index in chunks:
                    mine.append(index)
                    self.resources(*chunks.bounds(index))
                part = child.result()
            if part is None:  # no child, or it failed: its part is done here
                taken = set(mine)
                part = self._part(chunks, [i for i in range(chunks.count) if i not in taken], by_urn)
        self.store.extend(part.resources)
        self.store.extend(part.stack)
        self.not_applicable |= part.not_applicable
        if self.progress is not None:  # the child's resources, counted as `resources` counts its own
            for start, stop in map(chunks.bounds, part.chunks):
                for done in range(start + 1, stop + 1):
                    self.progress(done, None)

    def _part(self, chunks: Chunks, indexes: Iterable[int], by_urn: Mapping[str, Registration]) -> _Part:
        """The stack pass, then the chunks of `indexes` (taken as they come), their findings recorded apart."""
        not_applicable, self.not_applicable = self.not_applicable, set()
        try:
            with self._recording() as stack:
                self.stack(by_urn)
            taken: list[int] = []
            with self._recording() as resources:
                for index in indexes:
                    taken.append(index)
                    self.resources(*chunks.bounds(index))
            return _Part(taken, resources.findings, stack.findings, self.not_applicable)
        finally:
            self.not_applicable = not_applicable | self.not_applicable

    @contextmanager
    def _recording(self) -> Iterator[Recorder]:
        """Findings go to a `Recorder`, not the store, and no progress is shown, meanwhile."""
        recorder = Recorder()
        store, progress = self.store, self.progress
        self.store, self.progress = recorder, None  # type: ignore[assignment]  # add and extend are all it uses
        try:
            yield recorder
        finally:
            self.store, self.progress = store, progress

    def stack(self, by_urn: Mapping[str, Registration]) -> None:
        from finops_policies.pack import judge_stack
        from finops_policies.resources import ResourceView, StackView
        from pulumi_policy.proxy import UnknownValueError

        if not self.stack_policies:
            return
        stack_urn = next((r.urn for r in self.registrations if r.type == STACK_TYPE), "")

        def attributed(urn: str) -> str:  # AnalyzeStack: the named resource of the stack, else the stack
            return urn if urn in by_urn else stack_urn

        keep = len(self.registrations) <= KEEP_PROPS_LIMIT
        # pulumi-policy links parents and dependencies only to resources of the request
        views = []
        none: dict[str, tuple[str, ...]] = {}  # one empty dict for the many resources without any
        for r in self.registrations:
            views.append(
                ResourceView(
                    r.type,
                    r.name,
                    r.urn,
                    WireProps(r.inputs, keep=keep),
                    self.provider_of.get(r.urn),
                    r.parent if r.parent and r.parent in by_urn else None,
                    tuple(d for d in r.dependencies if d in by_urn) if r.dependencies else (),
                    _property_dependencies(r, by_urn) if r.property_dependencies else none,
                )
            )
        stack = StackView(tuple(views))
        del views
        for policy in self.stack_policies:
            try:
                judge_stack(policy.spec, stack, dict(policy.config), self._reporter(policy, attributed), self.sink)
            except UnknownValueError as exc:
                self._unverifiable(policy, exc.message, attributed(""))
            except Exception as exc:  # the pack would fail the call
                raise self._failed("AnalyzeStack") from exc
            if self.sink.items:
                self._waivers()


def _property_dependencies(r: Registration, by_urn: Mapping[str, Registration]) -> dict[str, tuple[str, ...]]:
    """As pulumi-policy's `AnalyzeStack` links them: the engine sends properties with dependencies
    (a protobuf map, met in its order), each kept with its URNs that name resources of the stack."""
    sent = tuple(p for p, urns in r.property_dependencies.items() if urns)
    return {p: tuple(d for d in r.property_dependencies[p] if d in by_urn) for p in dependency_order(sent)}


def check_in_process(
    registrations: list[Registration],
    options: AnalysisOptions,
    warnings: list[str],
    started: float,
    prepared: Prepared | None = None,
) -> RunResult:
    """The verdict of finops-guardrails' pack on `registrations`, computed in this process (with
    what `prepared` already computed of them, when it was computed on them)."""
    return InProcessCheck(options).run(registrations, warnings, started, prepared)


__all__ = [
    "PACK_PROCESS_ENV",
    "InProcessCheck",
    "InProcessUnsupported",
    "Prepared",
    "check_in_process",
    "runs_in_process",
]
