"""Turns policy specs into CrossGuard policies and serves them as a pack.

The same objects run under `pulumi preview --policy-pack`, `pulumi policy publish` and our offline
engine. Three things CrossGuard has no direct word for are mapped onto its protocol:

- unverifiable findings (a value unknown during preview) become the SDK's own advisory
  "can't run policy ... during preview" diagnostic, never a mandatory violation;
- waived findings are sent to the engine's `Log` RPC as info diagnostics on the resource, with a
  machine-readable second line, so they stay visible without failing the run;
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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

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

PACK_NAME = "finops-guardrails"
#: Every message about a check that failed contains this; `finops_guard.model` counts on it.
CHECK_ERROR_MARKER = "the check itself failed"
#: Prefix of the machine-readable line of a waived-finding log message.
WAIVER_MARKER = "finops-guardrails/waived"
_MAX_LISTED = 20


class Unverifiable(UnknownValueError):  # noqa: N818 - named for what the report says, like the SDK's own UnknownValueError
    """Raised after all definite findings are reported; the SDK turns it into an advisory."""

    def __init__(self, message: str) -> None:
        super().__init__(UNKNOWN_STRING, [])
        self.message = message


class Sink(Protocol):
    def waived(self, policy: str, finding: Finding, approval: Approval) -> None: ...


def waiver_log_message(policy: str, finding: Finding, approval: Approval) -> str:
    human = (
        f"[{PACK_NAME}] waived '{policy}': {finding.message()} "
        f"(waiver {approval.ticket} approved by {approval.approved_by}, expires {approval.expires})"
    )
    payload = {"policy": policy, "urn": finding.urn, "message": finding.message(), "waiver": approval.as_report()}
    return f"{human}\n{WAIVER_MARKER} {json.dumps(payload, sort_keys=True)}"


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

    def _send(self, message: str, urn: str) -> None:
        if self._address is None:
            print(f"info: {message}", file=sys.stderr)
            return
        try:
            if self._stub is None:
                import grpc
                from pulumi.runtime.proto import engine_pb2_grpc

                self._stub = engine_pb2_grpc.EngineStub(grpc.insecure_channel(self._address))
            from pulumi.runtime.proto import engine_pb2

            self._stub.Log(engine_pb2.LogRequest(severity=engine_pb2.INFO, message=message, urn=urn), timeout=10)
        except Exception:  # noqa: BLE001 - a lost log line must never fail the policy run
            print(f"info: {message}", file=sys.stderr)


class ListSink:
    """Collects waived findings in memory (tests, the in-process harness)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Finding, Approval]] = []

    def waived(self, policy: str, finding: Finding, approval: Approval) -> None:
        self.items.append((policy, finding, approval))


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


def emit(
    spec: PolicySpec,
    findings: Iterable[Finding],
    config: Mapping[str, Any],
    report_violation: Callable[[str, str | None], None],
    sink: Sink,
) -> None:
    """Report definite findings (or waive them), then raise once for the unverifiable ones."""
    approvals: list[Approval] | None = None  # parsed on the first definite finding: most resources have none
    unverifiable: list[Finding] = []
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
        message = finding.message()
        if matching:
            message += f" (not waived: waiver {why_not(matching)})"
        report_violation(message, finding.urn)
    if unverifiable:
        listed = [f.message() for f in unverifiable[:_MAX_LISTED]]
        if len(unverifiable) > _MAX_LISTED:
            listed.append(f"and {len(unverifiable) - _MAX_LISTED} more")
        raise Unverifiable("; ".join(listed))


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


def to_policy(spec: PolicySpec, sink: Sink) -> Policy:
    schema = PolicyConfigSchema(properties=spec.config_schema())
    if spec.scope == "resource":
        return ResourceValidationPolicy(
            name=spec.name,
            description=spec.description,
            validate=_resource_validator(spec, sink),
            enforcement_level=_level(spec),
            config_schema=schema,
            remediation_steps=spec.fix,
        )
    return StackValidationPolicy(
        name=spec.name,
        description=spec.description,
        validate=_stack_validator(spec, sink),
        enforcement_level=_level(spec),
        config_schema=schema,
        remediation_steps=spec.fix,
    )


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


def servicer_class() -> type | None:
    """pulumi-policy's servicer, made to scale: what `serve()` runs.

    - each distinct message of a call is decoded once, and deserialized and proxied once
      (`_DecodeOnce`, installed as `pulumi_policy.policy.json_format` and around its
      `deserialize_properties` and `unknown_checking_proxy`; it passes through outside a call);
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

    class Servicer(base):  # type: ignore[misc, valid-type]
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
