"""Turns policy specs into CrossGuard policies and serves them as a pack.

The same objects run under `pulumi preview --policy-pack`, `pulumi policy publish` and our offline
engine. What CrossGuard has no direct word for is mapped onto its protocol:

- unverifiable findings (a value unknown during preview) become the SDK's own advisory
  "can't run policy ... during preview" diagnostic, never a mandatory violation;
- waived findings are sent to the engine's `Log` RPC as info diagnostics on the resource, with a
  machine-readable second line, so they stay visible without failing the run;
- a finding that never blocks (`Finding.advisory`: missing tags on a resource that costs nothing, a
  soft budget limit, a retention class no setting of the store can satisfy) is a violation at the
  ADVISORY level whatever the policy's level. The analyzer protocol carries a level per diagnostic
  (`AnalyzeDiagnostic.enforcementLevel`) and the engine honours it per diagnostic (pulumi's
  `resource/plugin/analyzer_plugin.go`, convertDiagnostics), so `pulumi preview` shows an
  advisory policy violation. pulumi-policy's `report_violation` only takes the policy's level, so
  the pack's servicer (`servicer_class`) hands policies one that can also report at ADVISORY
  (`LevelledReport`); a level only goes down (a policy configured advisory stays so). Where the
  servicer is not ours (a pulumi-policy this pack cannot extend), the finding goes to the engine's
  `Log` as a warning with a machine-readable second line (`ADVISORY_MARKER`), never as a violation
  at the policy's level;
- a finding's details (`Finding.details`, e.g. the tag keys it is about) travel on the message's
  last line after `DETAILS_MARKER`, which the engine turns into a field of the reports;
- a resource policy whose rule needs the whole stack for some resources (`PolicySpec.stack_check`)
  is one policy that answers both `Analyze` and `AnalyzeStack` (`ResourceAndStackPolicy`);
- a check that fails (a bug in it) is the policy's `onError` choice, like an admission controller's
  `failurePolicy`: "advisory" (the default, fail open) reports it as unverifiable, so nobody's
  preview fails for a bug in a rule; "mandatory" (fail closed) reports it as a violation of the
  policy, so nothing passes unchecked. Either way the message says the check failed
  (`CHECK_ERROR_MARKER`), so reports can count errored checks.
"""

from __future__ import annotations

import copy
import gc
import json
import re
import sys
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import Policy, PolicyResource
from pulumi_policy.proxy import UnknownValueError

from .approvals import Approval, parse_approvals, why_not
from .findings import Finding
from .resources import ProviderView, ResourceView, StackView
from .spec import PolicySpec
from .values import UNKNOWN_STRING

T = TypeVar("T")
PACK_NAME = "finops-guardrails"
#: Every message about a check that failed contains this; `finops_guard.model` counts on it.
CHECK_ERROR_MARKER = "the check itself failed"
#: Prefix of the machine-readable line of a waived-finding log message.
WAIVER_MARKER = "finops-guardrails/waived"
#: Prefix of the machine-readable line of an advisory-finding log message.
ADVISORY_MARKER = "finops-guardrails/advisory"
_MAX_LISTED = 20


class Unverifiable(UnknownValueError):  # noqa: N818 - named for what the report says, like the SDK's own UnknownValueError
    """Raised after all definite findings are reported; the SDK turns it into an advisory."""

    def __init__(self, message: str) -> None:
        super().__init__(UNKNOWN_STRING, [])
        self.message = message


class Sink(Protocol):
    """Where findings that are not violations go: the engine's `Log` RPC in the pack (`EngineLog`)."""

    def waived(self, policy: str, finding: Finding, approval: Approval) -> None: ...

    def advisory(self, policy: str, finding: Finding) -> None:
        """An advisory finding the policy's `report_violation` cannot level (the fallback)."""
        ...


def _log_payload(policy: str, finding: Finding) -> dict[str, Any]:
    """The machine-readable line's content, common to waived and advisory findings."""
    payload: dict[str, Any] = {"policy": policy, "urn": finding.urn, "message": finding.message()}
    if finding.details:
        payload["details"] = {k: list(v) for k, v in finding.details.items()}
    return payload


def waiver_log_message(policy: str, finding: Finding, approval: Approval) -> str:
    human = (
        f"[{PACK_NAME}] waived '{policy}': {finding.message()} "
        f"(waiver {approval.ticket} approved by {approval.approved_by}, expires {approval.expires})"
    )
    payload = _log_payload(policy, finding) | {"waiver": approval.as_report()}
    return f"{human}\n{WAIVER_MARKER} {json.dumps(payload, sort_keys=True)}"


def advisory_log_message(policy: str, finding: Finding) -> str:
    """The fallback of an advisory finding when the servicer cannot set a diagnostic's level."""
    human = f"[{PACK_NAME}] advisory '{policy}': {finding.message()}"
    return f"{human}\n{ADVISORY_MARKER} {json.dumps(_log_payload(policy, finding), sort_keys=True)}"


_ADDRESS = re.compile(r"^(?:[\w.-]+|\[[0-9a-fA-F:]+\]):\d{1,5}$")


class EngineLog:
    """Sends log lines to the engine address the CLI passes to the pack (`Log` RPC)."""

    def __init__(self, address: str | None) -> None:
        self._address = address
        self._stub: Any = None

    @classmethod
    def from_argv(cls, argv: Sequence[str] = tuple(sys.argv)) -> EngineLog:
        address = next((a for a in argv[1:] if _ADDRESS.match(a)), None)
        return cls(address)

    def waived(self, policy: str, finding: Finding, approval: Approval) -> None:
        self._send(waiver_log_message(policy, finding, approval), finding.urn)

    def advisory(self, policy: str, finding: Finding) -> None:
        self._send(advisory_log_message(policy, finding), finding.urn, warning=True)

    def _send(self, message: str, urn: str, *, warning: bool = False) -> None:
        label = "warning" if warning else "info"
        if self._address is None:
            print(f"{label}: {message}", file=sys.stderr)
            return
        try:
            if self._stub is None:
                import grpc
                from pulumi.runtime.proto import engine_pb2_grpc

                self._stub = engine_pb2_grpc.EngineStub(grpc.insecure_channel(self._address))
            from pulumi.runtime.proto import engine_pb2

            severity = engine_pb2.WARNING if warning else engine_pb2.INFO
            self._stub.Log(engine_pb2.LogRequest(severity=severity, message=message, urn=urn), timeout=10)
        except Exception:  # noqa: BLE001 - a lost log line must never fail the policy run
            print(f"{label}: {message}", file=sys.stderr)


class ListSink:
    """Collects waived and advisory findings in memory (tests, the in-process harness)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Finding, Approval]] = []
        self.advisories: list[tuple[str, Finding]] = []

    def waived(self, policy: str, finding: Finding, approval: Approval) -> None:
        self.items.append((policy, finding, approval))

    def advisory(self, policy: str, finding: Finding) -> None:
        self.advisories.append((policy, finding))


def provider_view(provider: Any) -> ProviderView | None:
    if provider is None:
        return None
    return ProviderView(provider.resource_type, provider.name, provider.urn, provider.props)


def view_from_args(args: ResourceValidationArgs) -> ResourceView:
    parent = getattr(args.opts, "parent", None) if args.opts is not None else None
    return ResourceView(args.resource_type, args.name, args.urn, args.props, provider_view(args.provider), parent)


def view_from_policy_resource(r: PolicyResource) -> ResourceView:
    return ResourceView(
        r.resource_type,
        r.name,
        r.urn,
        r.props,
        provider_view(r.provider),
        r.parent.urn if r.parent is not None else None,
        tuple(d.urn for d in r.dependencies),
        {k: tuple(d.urn for d in v) for k, v in r.property_dependencies.items()},
    )


class LevelledReport:
    """pulumi-policy's `report_violation` for one policy, which can also report one violation as
    advisory (`level="advisory"`) when the policy's own level is mandatory: each diagnostic of the
    analyzer protocol carries its own enforcement level. The advisory reporter is built on first use
    (`advisory` may be a factory), as most resources have no advisory finding."""

    def __init__(
        self,
        at_policy_level: Callable[..., None],
        advisory: Callable[..., None] | None = None,
        *,
        make_advisory: Callable[[], Callable[..., None]] | None = None,
    ) -> None:
        if (advisory is None) == (make_advisory is None):
            raise TypeError("LevelledReport needs an advisory reporter or a factory of one")
        self._at_policy_level = at_policy_level
        self._advisory = advisory
        self._make_advisory = make_advisory

    def __call__(self, message: str, urn: str | None = None, level: str | None = None) -> None:
        if level != "advisory":
            self._at_policy_level(message, urn)
            return
        if self._advisory is None:
            assert self._make_advisory is not None
            self._advisory = self._make_advisory()
        self._advisory(message, urn)


def emit(
    spec: PolicySpec,
    findings: Iterable[Finding],
    config: Mapping[str, Any],
    report_violation: Callable[..., None],
    sink: Sink,
) -> None:
    """Report definite findings (or waive them), then raise once for the unverifiable ones.

    An advisory finding goes out at the advisory level where `report_violation` can set levels (a
    `LevelledReport`); where it cannot (a pulumi-policy this pack does not know how to extend), it
    goes to `sink.advisory`, the engine log's warnings, so that it never blocks. Like any definite
    finding it can be waived.
    """
    approvals: list[Approval] | None = None  # parsed on the first definite finding: most resources have none
    unverifiable: list[Finding] = []
    levelled = isinstance(report_violation, LevelledReport)
    for finding in findings:
        if finding.unverifiable:
            unverifiable.append(finding)
            continue
        if approvals is None:
            approvals = parse_approvals(config.get("waivers"), str(config.get("ticketPattern") or ""))
        matching = [a for a in approvals if a.matches(finding.urn, finding.resource_name)]
        valid = next((a for a in matching if a.valid), None)
        if valid is not None:
            sink.waived(spec.name, finding, valid)
            continue
        note = f" (not waived: waiver {why_not(matching)})" if matching else ""
        if not finding.advisory:
            report_violation(finding.report_text(note), finding.urn)
        elif levelled:
            report_violation(finding.report_text(note), finding.urn, level="advisory")
        else:
            sink.advisory(spec.name, finding)
    if unverifiable:
        # by resource, not in the order the stack registered them: a program's registration order
        # can change from run to run, and the one message (and which ones it lists) must not
        unverifiable.sort(key=lambda f: (f.urn, f.message()))
        listed = [f.message() for f in unverifiable[:_MAX_LISTED]]
        if len(unverifiable) > _MAX_LISTED:
            listed.append(f"and {len(unverifiable) - _MAX_LISTED} more")
        message = "; ".join(listed)
        if len(unverifiable) == 1:  # details name one resource's keys: never merged across resources
            message = unverifiable[0].report_text()
        raise Unverifiable(message)


def check_error_message(spec: PolicySpec, where: str, exc: Exception) -> str:
    """What a failed check reports: where, the policy, and the error's type (never its text, which
    may quote a property value)."""
    return (
        f"{where}: {CHECK_ERROR_MARKER} ({type(exc).__name__}), so policy '{spec.name}' could not judge it; "
        f"please report this to the maintainers of policy '{spec.name}'"
    )


def _check_failed(
    spec: PolicySpec,
    config: Mapping[str, Any],
    exc: Exception,
    report_violation: Callable[[str, str | None], None],
    *,
    where: str,
    urn: str | None,
) -> None:
    """Apply the policy's `onError`: a violation when "mandatory" (fail closed), else unverifiable."""
    message = check_error_message(spec, where, exc)
    if config.get("onError") == "mandatory":
        report_violation(message, urn)
        return
    raise Unverifiable(message) from exc


class _ConfigMemo:
    """A policy's effective config, merged again only when the engine's config for it changes.

    pulumi-policy hands every call a fresh shallow copy of the same configured dict, and merging
    deep-copies every schema default: done per resource and policy, that was a fifth of the pack's
    own time. Each call still gets its own top-level dict.
    """

    def __init__(self, spec: PolicySpec) -> None:
        self._spec = spec
        self._last: tuple[Any, dict[str, Any]] | None = None

    def __call__(self, given: Mapping[str, Any] | None) -> dict[str, Any]:
        last = self._last  # one read: calls may run on several server threads
        if last is None or last[0] != given:
            last = (copy.deepcopy(given), self._spec.effective_config(given))
            self._last = last
        return dict(last[1])


def judge_resource(
    spec: PolicySpec,
    view: ResourceView,
    config: Mapping[str, Any],
    report_violation: Callable[[str, str | None], None],
    sink: Sink,
) -> None:
    """One resource policy on one resource, as the pack serves it: findings reported or waived, a
    failed check turned into the policy's `onError` verdict, `Unverifiable` raised last.

    `config` is the policy's effective config (`PolicySpec.effective_config`). The pack's
    validators call this; so does `finops-guard check` when it runs this pack in-process.
    """
    try:
        findings = spec.check_resource(view, config)
    except UnknownValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - any bug in a check becomes the policy's onError verdict
        _check_failed(spec, config, exc, report_violation, where=f"{view.type} '{view.name}'", urn=view.urn)
        return
    emit(spec, findings, config, report_violation, sink)


def judge_stack(
    spec: PolicySpec,
    stack: StackView,
    config: Mapping[str, Any],
    report_violation: Callable[[str, str | None], None],
    sink: Sink,
) -> None:
    """One stack policy on the whole stack, as the pack serves it (see `judge_resource`)."""
    try:
        findings = spec.check_stack(stack, config)
    except UnknownValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - any bug in a check becomes the policy's onError verdict
        _check_failed(spec, config, exc, report_violation, where="stack", urn=None)
        return
    emit(spec, findings, config, report_violation, sink)


def _resource_validator(spec: PolicySpec, sink: Sink) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    effective_config = _ConfigMemo(spec)

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        judge_resource(spec, view_from_args(args), effective_config(args.get_config()), report_violation, sink)

    return validate


def _stack_validator(spec: PolicySpec, sink: Sink) -> Callable[[StackValidationArgs, ReportViolation], None]:
    effective_config = _ConfigMemo(spec)

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        config = effective_config(args.get_config())
        stack = StackView(tuple(view_from_policy_resource(r) for r in args.resources))
        judge_stack(spec, stack, config, report_violation, sink)

    return validate


def _level(spec: PolicySpec) -> EnforcementLevel:
    return EnforcementLevel.MANDATORY if spec.enforcement == "mandatory" else EnforcementLevel.ADVISORY


class ResourceAndStackPolicy(ResourceValidationPolicy):
    """A resource policy that also answers `AnalyzeStack`, for resources whose verdict needs others
    of the stack (an Auto Scaling group's launch template). pulumi-policy asks a policy for
    `Analyze` when it is a `ResourceValidationPolicy` and for `AnalyzeStack` when it is a
    `StackValidationPolicy`; this class is both (a registered virtual subclass of the latter), and
    tells the two calls apart by their arguments. The engine attributes each stack-time finding to
    the resource it names, as for any stack policy."""

    def __init__(
        self,
        *,
        stack_validate: Callable[[StackValidationArgs, ReportViolation], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._stack_validate = stack_validate

    def validate(self, args: Any, report_violation: ReportViolation) -> Any:
        if isinstance(args, StackValidationArgs):
            return self._stack_validate(args, report_violation)
        return super().validate(args, report_violation)


StackValidationPolicy.register(ResourceAndStackPolicy)


def to_policy(spec: PolicySpec, sink: Sink) -> Policy:
    common: dict[str, Any] = {
        "name": spec.name,
        "description": spec.description,
        "enforcement_level": _level(spec),
        "config_schema": PolicyConfigSchema(properties=spec.config_schema()),
        "remediation_steps": spec.fix,
    }
    if spec.scope == "stack":
        return StackValidationPolicy(validate=_stack_validator(spec, sink), **common)
    if spec.stack_check is not None:
        return ResourceAndStackPolicy(
            validate=_resource_validator(spec, sink), stack_validate=_stack_validator(spec, sink), **common
        )
    return ResourceValidationPolicy(validate=_resource_validator(spec, sink), **common)


def build_policies(specs: Sequence[PolicySpec] | None = None, sink: Sink | None = None) -> list[Policy]:
    from .registry import all_policies

    chosen = list(specs) if specs is not None else all_policies()
    out_sink: Sink = sink if sink is not None else EngineLog.from_argv()
    return [to_policy(spec, out_sink) for spec in chosen]


class _DecodeOnce:
    """Stands in for `json_format` inside `pulumi_policy.policy`: equal messages decoded once per call.

    The SDK's servicer decodes a request's properties, and its provider's, once per *policy*
    (`unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(...)))` in its loop
    over policies): with four stack policies, `AnalyzeStack` decoded every resource eight times.
    Inside one call, a message equal to one already decoded reuses that decoding, and
    `deserialize_properties` and `unknown_checking_proxy` (see `shared`) reuse their result for
    the same decoded object, so every policy reads the same read-only proxy. Policies of this
    pack only read properties (through `values.lookup`). Outside a call (Configure, ...) nothing
    is shared.
    """

    def __init__(self, real: Any) -> None:
        self._real = real
        self._local = threading.local()  # the server answers on several threads

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def _memo(self) -> dict[Any, Any] | None:
        memo: dict[Any, Any] | None = getattr(self._local, "memo", None)
        return memo

    def MessageToDict(self, message: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 - json_format's name
        memo = self._memo()
        if memo is None or args or kwargs:
            return self._real.MessageToDict(message, *args, **kwargs)
        key = (message.DESCRIPTOR.full_name, message.SerializeToString())
        decoded = memo.get(key)
        if decoded is None:
            decoded = memo[key] = self._real.MessageToDict(message)
        return decoded

    def shared(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """`function` answering once per call for the same first argument (by identity)."""

        def once(value: Any, *args: Any) -> Any:
            memo = self._memo()
            if memo is None:
                return function(value, *args)
            key = (function, id(value), args)
            hit = memo.get(key)
            if hit is None:
                # the argument is kept alive beside the result, so its id is not reused in the call
                hit = memo[key] = (function(value, *args), value)
            return hit[0]

        once.__wrapped__ = function  # type: ignore[attr-defined]
        return once

    @contextmanager
    def per_call(self) -> Iterator[None]:
        self._local.memo = {}
        try:
            yield
        finally:
            self._local.memo = None


class LevelledReports:
    """Mixed into pulumi-policy's servicer: each policy's `report_violation` is a `LevelledReport`,
    the SDK's own reporter built twice, for the policy's level and for advisory."""

    def _create_report_violation(
        self, response: Any, policy_name: str, description: str, level: Any, *args: Any, **kwargs: Any
    ) -> LevelledReport:
        make = super()._create_report_violation  # type: ignore[misc]
        report = make(response, policy_name, description, level, *args, **kwargs)
        if level == EnforcementLevel.ADVISORY:
            return LevelledReport(report, report)
        return LevelledReport(
            report,
            make_advisory=lambda: make(response, policy_name, description, EnforcementLevel.ADVISORY, *args, **kwargs),
        )


def call_memo() -> dict[Any, Any] | None:
    """The memo of the request being served, shared by every policy it runs; None outside one (the
    in-process harness, tests) or under another servicer."""
    import pulumi_policy.policy as sdk

    shim = getattr(sdk, "json_format", None)
    return shim._memo() if isinstance(shim, _DecodeOnce) else None


def shared_in_call(name: str, stack: StackView, build: Callable[[], T], *extra: Hashable) -> T:
    """`build()` once per `AnalyzeStack` for results several stack policies read (the cost
    estimate, the cross-region edges); `extra` names what else the result depends on (config).

    Within one call the servicer hands every policy the same decoded properties (`_DecodeOnce`),
    so their identities name the stack; the stack is kept alive beside the result so they stay its
    own. Outside a call (the harness, tests) it simply builds.
    """
    memo = call_memo()
    if memo is None:
        return build()
    identity = tuple((id(r.props), id(r.provider.props) if r.provider is not None else 0) for r in stack.resources)
    key = (name, identity, *extra)
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = (build(), stack)
    result: T = hit[0]
    return result


def servicer_class() -> type | None:
    """pulumi-policy's servicer, made to scale: what `serve()` runs.

    - each distinct message of a call is decoded once, and deserialized and proxied once
      (`_DecodeOnce`, installed as `pulumi_policy.policy.json_format` and around its
      `deserialize_properties` and `unknown_checking_proxy`; it passes through outside a call);
    - policies get a `report_violation` that can report one violation at the advisory level
      (`LevelledReport`), built from the SDK's own, once for the policy's level and once for advisory;
    - the cycle collector pauses during `AnalyzeStack`: the call builds every resource anew for
      each stack policy, which made full collections rescan a growing heap (10,000 -> 100,000
      resources took 12x the time). A stack is a DAG, so its objects are freed by reference
      counting; the collector resumes when the call returns.

    None when this pulumi-policy is not built the way this relies on; the SDK's own servicer then
    runs unchanged, only slower.
    """
    import pulumi_policy.policy as sdk

    base = getattr(sdk, "_PolicyAnalyzerServicer", None)
    real = getattr(sdk, "json_format", None)
    if not isinstance(base, type) or real is None:
        return None
    shim = real if isinstance(real, _DecodeOnce) else _DecodeOnce(real)
    sdk.json_format = shim  # type: ignore[attr-defined]  # not re-exported: we replace its import
    for name in ("deserialize_properties", "unknown_checking_proxy"):
        function = getattr(sdk, name, None)
        if callable(function) and not hasattr(function, "__wrapped__"):
            setattr(sdk, name, shim.shared(function))

    bases = (LevelledReports, base) if callable(getattr(base, "_create_report_violation", None)) else (base,)

    class Servicer(*bases):  # type: ignore[misc]
        def Analyze(self, request: Any, context: Any) -> Any:  # noqa: N802 - gRPC method names
            with shim.per_call():
                return super().Analyze(request, context)

        def AnalyzeStack(self, request: Any, context: Any) -> Any:  # noqa: N802
            collecting = gc.isenabled()
            gc.disable()
            try:
                with shim.per_call():
                    return super().AnalyzeStack(request, context)
            finally:
                if collecting:
                    gc.enable()

        def Remediate(self, request: Any, context: Any) -> Any:  # noqa: N802
            with shim.per_call():
                return super().Remediate(request, context)

    return Servicer


#: The pack process's garbage-collector thresholds (CPython's default is (700, 10, 10)).
GC_THRESHOLDS = (50_000, 20, 20)


def serve(specs: Sequence[PolicySpec] | None = None) -> None:
    """Start the pack's gRPC server (never returns); called by `policypack/__main__.py`.

    `specs` defaults to every policy of the registry (a test pack passes its own).
    """
    # pulumi-policy turns every request into dicts and read-only proxies, once per policy: many
    # small objects, nearly all freed by reference counting. With CPython's default thresholds
    # the cycle collector ran ~1,500 young and ~10 full collections in one AnalyzeStack of 10,000
    # resources, each full one rescanning everything alive, so AnalyzeStack grew 14x for 10x
    # resources. Rarer young collections keep it linear; cycles are still collected.
    gc.set_threshold(*GC_THRESHOLDS)
    servicer = servicer_class()
    if servicer is not None:
        import pulumi_policy.policy as sdk

        # PolicyPack builds its servicer by this module-level name.
        sdk._PolicyAnalyzerServicer = servicer  # type: ignore[misc, assignment]
    PolicyPack(**pack_arguments(specs))


def pack_arguments(specs: Sequence[PolicySpec] | None = None, sink: Sink | None = None) -> dict[str, Any]:
    """What `serve` builds its `PolicyPack` from: the name, the policies, the default enforcement.

    `finops-guard check` builds the pack's servicer from the same arguments when it runs this
    pack inside its own process, without a server (`sink` then collects the waived findings).
    """
    return {
        "name": PACK_NAME,
        "policies": build_policies(specs, sink),
        "enforcement_level": EnforcementLevel.ADVISORY,
    }
