"""No input the engine can send makes a policy raise: property-based tests over every policy.

Every policy of the registry is run through the very objects the pack serves
(`build_policies(sink=ListSink())`), with `ResourceValidationArgs`/`StackValidationArgs` built
the way pulumi-policy's servicer builds them: props through a protobuf `Struct` (ints become
floats), its deserializer (secrets unwrapped, assets turned into `pulumi.Asset`s) and its
unknown-checking proxy. Inputs start from the policies' own cases (realistic shapes that pass the
scope guards) and from the pack's vocabulary (type tokens, property names, values read from its
source), then get mangled: unknowns at any depth, nulls, numbers as strings, lists for maps, JSON
strings (valid and broken), secrets, huge and unicode strings, odd providers, components, the
stack itself. Stack policies get arbitrary graphs: missing and duplicate URNs, self-dependencies,
cycles through parents and dependencies.

What must hold: the only exception out of `validate` is pulumi-policy's `UnknownValueError` (the
pack's `Unverifiable` is one), and never the pack's "the check itself failed" advisory that hides
a crash; `report_violation` gets a non-empty str and a str URN or None; no huge input string is
copied into a message; a check finishes within a few seconds (a parent cycle must not loop).

Example counts are bounded for CI (the whole file runs in well under a minute); raise them with
FINOPS_ROBUSTNESS_EXAMPLES=2000 for a deeper local run.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from finops_policies import conventions as conv
from finops_policies.cases import CaseProvider, CaseResource, urn_of
from finops_policies.pack import ListSink, Unverifiable, build_policies
from finops_policies.registry import all_policies
from google.protobuf import json_format, struct_pb2
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from finops_guard.fuzz import ARCHIVE_SIG, ASSET_SIG, SIG_KEY, UNKNOWNS, Vocabulary, secret
from finops_guard.preview import default_pack_dir

SPECS = all_policies()
SERVED = dict(zip((s.name for s in SPECS), build_policies(SPECS, sink=ListSink()), strict=True))
RESOURCE_SPECS = [s for s in SPECS if s.scope == "resource"]
STACK_SPECS = [s for s in SPECS if s.scope == "stack"]
VOCAB = Vocabulary.scan(default_pack_dir())
EXAMPLES = int(os.environ.get("FINOPS_ROBUSTNESS_EXAMPLES", "0")) or None
#: Seconds one validate call may take before we call it a hang.
CALL_LIMIT = 10.0
#: A string at least this long, put anywhere in the inputs, must not come back whole in a message.
HUGE = 2_000


def examples(ci: int) -> Any:
    return settings(
        max_examples=EXAMPLES or ci,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )


# --- what the wire can carry ---------------------------------------------------------------------


def _case_resources() -> list[CaseResource]:
    return [r for spec in SPECS for case in spec.cases for r in case.resources]


CASE_RESOURCES = _case_resources()
CASE_PROVIDERS = list({id(r.provider): r.provider for r in CASE_RESOURCES if r.provider is not None}.values())
CASE_CONFIGS = {spec.name: [dict(c.config) for c in spec.cases if c.config] for spec in SPECS}
#: Realistic types: every token the pack names (conventions, cases) and the taggable AWS types.
TYPES = sorted({*VOCAB.types, *(r.type for r in CASE_RESOURCES)})

numbers = st.one_of(
    st.integers(),  # any size: the Struct turns them into (possibly huge) floats
    st.floats(allow_nan=False, allow_infinity=False),  # NaN/inf cannot cross the wire (json_format refuses)
    st.sampled_from([0, -1, 7, 14, 30, 90, 365, 2555, 0.5, -0.0, 1e300]),
)
numeric_strings = st.sampled_from(
    ["0", "-1", "14", " 90 ", "1e3", "3.5", "NaN", "inf", "-Infinity", "0x10", "1_000", "512Mi", "1Gi", "250m", "", " "]
)
dates = st.dates().map(lambda d: d.isoformat()) | st.sampled_from(["2024-02-30", "9999-99-99", "today", "2030"])
huge_strings = st.sampled_from(["x", "é", "\U0001f4b8", "ab"]).flatmap(
    lambda ch: st.sampled_from([ch * 5_000, ch * 100_000])
)
broken_json = st.sampled_from(['{"tags": ', "[1, 2", '{"a": NaN}', "{'k': 'v'}", '{"tags": {"team": }}', "{", "["])
words = st.one_of(
    st.sampled_from(VOCAB.words),
    st.text(max_size=24),
    st.sampled_from(UNKNOWNS),
    numeric_strings,
    dates,
)
leaves = st.one_of(st.none(), st.booleans(), numbers, words)
keys = st.one_of(st.sampled_from(VOCAB.keys), st.text(max_size=12)).filter(lambda k: k != SIG_KEY)


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=5),
        children.map(secret),
        children.map(json.dumps),  # a document passed as a JSON string
    )


assets = st.sampled_from(
    [
        {SIG_KEY: ASSET_SIG, "text": "print('hi')"},
        {SIG_KEY: ASSET_SIG, "path": "./app.zip"},
        {SIG_KEY: ASSET_SIG, "uri": "https://example.com/a.zip"},
        {SIG_KEY: ARCHIVE_SIG, "path": "./dist"},
        {SIG_KEY: ARCHIVE_SIG, "assets": {"main.py": {SIG_KEY: ASSET_SIG, "text": "x = 1"}}},
    ]
)
values = st.recursive(st.one_of(leaves, broken_json, assets), _extend, max_leaves=12)


def _nest(depth: int) -> Any:
    value: Any = "bottom"
    for i in range(depth):
        value = {"spec": value} if i % 2 else [value]
    return value


#: Rare but important: a huge string or a deep nest somewhere in an otherwise ordinary value.
monsters = st.one_of(
    huge_strings,
    st.integers(1, 90).map(_nest),
    st.just(list(range(3_000))),
    st.just({f"k{i}": "v" for i in range(1_000)}),
)


@st.composite
def mangled(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """`value` (a realistic wire value) with some of its parts broken the ways the wire allows."""
    if isinstance(value, dict) and SIG_KEY in value:
        # A secret or asset is one value on the wire: mangle what it holds, not its signature.
        return {**value, "value": draw(mangled(value["value"], depth + 1))} if "value" in value else value
    action = draw(st.integers(0, 24))
    if action == 0:
        return draw(values)
    if action == 1:
        return draw(st.sampled_from(UNKNOWNS))
    if action == 2:
        return None
    if action == 3:
        return secret(draw(mangled(value, depth + 1)))
    if action == 4 and isinstance(value, int | float) and not isinstance(value, bool):
        return draw(st.sampled_from([str(value), f" {value} ", repr(float(value))]))
    if action == 5 and isinstance(value, dict):
        return [value]  # a list where a map is expected
    if action == 6 and isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    if action == 7 and isinstance(value, dict | list):
        return json.dumps(value)
    if action == 8 and depth == 0:
        return draw(monsters)
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, child in value.items():
            if draw(st.integers(0, 9)) == 0:
                continue  # a missing property
            out[key] = draw(mangled(child, depth + 1))
        if draw(st.integers(0, 4)) == 0:
            out[draw(keys)] = draw(values)
        return out
    if isinstance(value, list):
        items = [draw(mangled(child, depth + 1)) for child in value]
        if draw(st.integers(0, 4)) == 0:
            items.append(draw(values))
        return items
    return value


def _provider_props(props: Mapping[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    tags = st.dictionaries(keys, words | values, max_size=6)
    default_tags = st.one_of(
        tags.map(lambda t: json.dumps({"tags": t})),  # what the engine sends: a JSON string
        tags.map(json.dumps),
        tags.map(lambda t: {"tags": t}),  # a map where a string is expected
        tags.map(lambda t: json.dumps([t])),
        broken_json,
        st.sampled_from(["", "null", "[]", json.dumps({"tags": [1, 2]}), json.dumps({"tags": None})]),
        st.sampled_from(UNKNOWNS),
        values,
    )
    region = st.one_of(st.sampled_from(["us-east-1", "eu-west-1", "", "mars-north-9"]), words, values)
    extra = st.fixed_dictionaries(
        {},
        optional={
            "region": region,
            "defaultTags": default_tags,
            "version": st.sampled_from(["7.51.1", "4.34.2", ""]) | values,
        },
    )
    return st.tuples(mangled(dict(props)), extra).map(
        lambda pair: {**pair[0], **pair[1]} if isinstance(pair[0], dict) else pair[1]
    )


providers = st.one_of(
    st.none(),
    st.sampled_from(CASE_PROVIDERS).flatmap(
        lambda p: _provider_props(p.props).map(lambda props: CaseProvider(p.type, p.name, props))
    ),
    st.builds(
        CaseProvider,
        st.sampled_from([conv.AWS_PROVIDER, conv.KUBERNETES_PROVIDER, "pulumi:providers:random"]) | st.text(),
        st.sampled_from(["default_7_51_1", "default", "eu", ""]) | st.text(max_size=10),
        _provider_props({}),
    ),
)
names = st.one_of(st.sampled_from(sorted({r.name for r in CASE_RESOURCES})), st.text(max_size=20))
random_types = st.one_of(
    st.sampled_from(TYPES),
    st.builds(
        lambda a, b, c: f"{a}:{b}:{c}",
        st.sampled_from(["aws", "kubernetes", "acme", ""]),
        st.text(max_size=12),
        st.text(max_size=12),
    ),
    st.text(max_size=30),
)


@dataclass(frozen=True)
class Res:
    """One resource as it goes on the wire (before the URN graph is wired up, for stacks)."""

    type: str
    name: str
    props: Any
    provider: CaseProvider | None
    urn: str


def top_level(props: Any) -> dict[str, Any]:
    """The top level of the wire is always a Struct: a mangled non-map goes one level down."""
    out = dict(props) if isinstance(props, dict) else {"value": props}
    out.pop(SIG_KEY, None)
    return out


@st.composite
def resources(draw: st.DrawFn) -> Res:
    kind = draw(
        st.sampled_from(["case", "case", "case", "case-other-type", "random", "stack", "component", "provider"])
    )
    if kind.startswith("case"):
        base = draw(st.sampled_from(CASE_RESOURCES))
        type_ = base.type if kind == "case" else draw(st.sampled_from(TYPES))
        props = draw(mangled(dict(base.props)))
        provider = base.provider if draw(st.booleans()) else draw(providers)
        name = base.name if draw(st.booleans()) else draw(names)
    elif kind == "random":
        type_, name = draw(random_types), draw(names)
        props = draw(st.dictionaries(keys, values | monsters, max_size=8))
        provider = draw(providers)
    elif kind == "stack":
        type_, name, provider = conv.STACK_TYPE, draw(names), None
        props = draw(st.dictionaries(keys, values, max_size=4))  # stack outputs
    elif kind == "component":
        type_ = draw(st.sampled_from(["finops:index:Service", "acme:index:Service", "my:component:Thing"]))
        name, provider = draw(names), None
        props = draw(st.dictionaries(keys, values, max_size=6))
    else:
        provider = draw(providers)
        type_ = draw(st.sampled_from([conv.AWS_PROVIDER, conv.KUBERNETES_PROVIDER]))
        name = draw(names)
        props = draw(_provider_props(provider.props if provider is not None else {}))
    props = top_level(props)
    urn = draw(st.one_of(st.just(urn_of(type_, name)), st.just(""), st.text(max_size=20)))
    return Res(type_, name, props, provider, urn)


# --- the wire, as pulumi-policy's servicer reads it -------------------------------------------------


def wire(props: Mapping[str, Any]) -> Any:
    struct = struct_pb2.Struct()
    struct.update(dict(props))
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))


def opts(parent: str | None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def provider_resource(p: CaseProvider | None) -> PolicyProviderResource | None:
    return None if p is None else PolicyProviderResource(p.type, wire(p.props), p.urn, p.name)


class HangError(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expired(signum: int, frame: Any) -> None:
        raise HangError(f"validate did not return within {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def huge_strings_in(value: Any, out: set[str]) -> set[str]:
    if isinstance(value, str) and len(value) >= HUGE:
        out.add(value[:HUGE])  # a prefix is enough: a truncated copy may end with "…"
    elif isinstance(value, dict):
        for v in value.values():
            huge_strings_in(v, out)
    elif isinstance(value, list):
        for v in value:
            huge_strings_in(v, out)
    return out


def run_policy(name: str, call: Callable[[Callable[..., None]], Any], huge: set[str]) -> list[str]:
    """Run one validate; fail the test on anything but a clean return or an UnknownValueError."""
    messages: list[str] = []

    def report(message: Any, urn: Any = None) -> None:
        assert isinstance(message, str) and message, f"{name}: report_violation got {message!r}"
        assert urn is None or isinstance(urn, str), f"{name}: report_violation got urn {urn!r}"
        messages.append(message)

    report.advisory = report  # type: ignore[attr-defined]  # the advisory reporter the pack's servicer attaches

    try:
        with time_limit(CALL_LIMIT):
            call(report)
    except Unverifiable as exc:
        if "the check itself failed" in exc.message:
            cause = exc.__cause__
            raise AssertionError(f"{name} crashed: {cause!r}") from cause
        messages.append(exc.message)
    except UnknownValueError as exc:
        messages.append(exc.message)
    for message in messages:
        for text in huge:
            assert text not in message, f"{name} copied a {len(text)}+ character input into its message"
    return messages


# --- the properties --------------------------------------------------------------------------------


def configs(spec_name: str) -> st.SearchStrategy[dict[str, Any] | None]:
    spec = next(s for s in SPECS if s.name == spec_name)
    defaults = {key: key_spec.default for key, key_spec in spec.all_config.items()}
    odd = st.fixed_dictionaries(
        {},
        optional={
            "ticketPattern": st.sampled_from(["(", "[a-", ".*", "", conv.DEFAULT_TICKET_PATTERN]),
            "waivers": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "resources": st.lists(
                            st.sampled_from(["*", "**", "[", "ledger-*", "urn:*", ""]) | st.text(max_size=8), max_size=3
                        ),
                        "ticket": st.sampled_from(["FIN-7", "", "x"]) | st.text(max_size=8),
                        "approvedBy": st.sampled_from(["platform", ""]),
                        "expires": dates,
                        "reason": st.text(max_size=10),
                    },
                ),
                max_size=3,
            ),
        },
    )
    return st.one_of(
        st.none(), st.just({}), st.just(defaults), odd, st.sampled_from(CASE_CONFIGS[spec_name] or [defaults])
    )


@st.composite
def resource_inputs(draw: st.DrawFn) -> tuple[Res, str | None, dict[str, Any]]:
    r = draw(resources())
    parent = draw(
        st.one_of(st.none(), st.just(r.urn), st.text(max_size=10), st.just(urn_of("finops:index:Service", "svc")))
    )
    config = {spec.name: draw(configs(spec.name)) for spec in RESOURCE_SPECS}
    return r, parent, config


@pytest.mark.skipif(not RESOURCE_SPECS, reason="no resource policy registered")
@examples(ci=400)
@given(resource_inputs())
def test_resource_policies_never_raise(inputs: tuple[Res, str | None, dict[str, Any]]) -> None:
    r, parent, config = inputs
    huge = huge_strings_in(r.props, set()) | huge_strings_in(dict(r.provider.props) if r.provider else {}, set())
    for spec in RESOURCE_SPECS:
        # Fresh proxies per policy, as the servicer deserializes the request once per policy.
        args = ResourceValidationArgs(
            r.type, wire(r.props), r.urn, r.name, opts(parent), provider_resource(r.provider), config[spec.name], {}
        )
        run_policy(spec.name, lambda report, a=args, s=spec: SERVED[s.name].validate(a, report), huge)


@dataclass(frozen=True)
class StackInput:
    resources: tuple[Res, ...]
    parents: tuple[str, ...]
    dependencies: tuple[tuple[str, ...], ...]
    property_dependencies: tuple[dict[str, list[str]], ...]


@st.composite
def stacks(draw: st.DrawFn) -> StackInput:
    from_case = draw(st.booleans())
    if from_case and STACK_SPECS:
        # A realistic stack (a stack policy's case) with its props mangled and its graph kept...
        case = draw(st.sampled_from([c for s in STACK_SPECS for c in s.cases]))
        by_name = {r.name: r.urn for r in case.resources}
        members = [
            Res(
                r.type,
                r.name,
                top_level(draw(mangled(dict(r.props)))),
                r.provider if draw(st.integers(0, 3)) else draw(providers),
                r.urn,
            )
            for r in case.resources
        ]
        parents = [by_name.get(r.parent or "", r.parent or "") for r in case.resources]
        deps = [tuple(by_name.get(d, d) for d in r.depends_on) for r in case.resources]
        pdeps = [
            {k: [by_name.get(d, d) for d in v] for k, v in r.property_dependencies.items()} for r in case.resources
        ]
        members += draw(st.lists(resources(), max_size=4))  # ...plus strangers
    else:
        members = draw(st.lists(resources(), max_size=10))
        parents, deps, pdeps = [], [], []
    # ...and edges anywhere: to itself, to missing URNs, around in cycles.
    pool = [m.urn for m in members] + ["", "urn:pulumi:dev::case::aws:s3/bucket:Bucket::gone"]
    some = st.sampled_from(pool)
    for i in range(len(members)):
        if i >= len(parents):
            parents.append(draw(some) if draw(st.booleans()) else "")
            deps.append(())
            pdeps.append({})
        deps[i] = (*deps[i], *draw(st.lists(some, max_size=4)))
        extra = draw(st.dictionaries(keys, st.lists(some, max_size=3), max_size=3))
        pdeps[i] = {**pdeps[i], **extra}
    return StackInput(tuple(members), tuple(parents), tuple(deps), tuple(pdeps))


def stack_args(stack: StackInput, config: dict[str, Any] | None) -> StackValidationArgs:
    """The servicer's `AnalyzeStack`: resources linked by URN, the last of duplicates winning."""
    built = [
        PolicyResource(
            r.type, wire(r.props), r.urn, r.name, opts(parent or None), provider_resource(r.provider), None, [], {}
        )
        for r, parent in zip(stack.resources, stack.parents, strict=True)
    ]
    by_urn = {b.urn: b for b in built}
    for b, parent, deps, pdeps in zip(
        built, stack.parents, stack.dependencies, stack.property_dependencies, strict=True
    ):
        if parent in by_urn:
            b.parent = by_urn[parent]
        b.dependencies.extend(by_urn[d] for d in deps if d in by_urn)
        for prop, urns in pdeps.items():
            b.property_dependencies[prop] = [by_urn[d] for d in urns if d in by_urn]
    return StackValidationArgs(built, config, {})


@st.composite
def stack_inputs(draw: st.DrawFn) -> tuple[StackInput, dict[str, Any]]:
    return draw(stacks()), {spec.name: draw(configs(spec.name)) for spec in STACK_SPECS}


@pytest.mark.skipif(not STACK_SPECS, reason="no stack policy registered")
@examples(ci=200)
@given(stack_inputs())
def test_stack_policies_never_raise(inputs: tuple[StackInput, dict[str, Any]]) -> None:
    stack, config = inputs
    huge: set[str] = set()
    for r in stack.resources:
        huge_strings_in(r.props, huge)
    for spec in STACK_SPECS:
        args = stack_args(stack, config[spec.name])
        run_policy(spec.name, lambda report, a=args, s=spec: SERVED[s.name].validate(a, report), huge)


# --- the harness itself can fail ----------------------------------------------------------------------


def _crashing_check(*_: Any) -> Iterator[Any]:
    raise KeyError("boom")
    yield  # pragma: no cover - makes this a generator, like the real checks


def test_a_crashing_check_is_caught() -> None:
    """`run_policy` must notice the crash the pack hides behind an advisory, or the tests prove nothing."""
    import dataclasses

    from finops_policies.pack import to_policy

    spec = dataclasses.replace(
        RESOURCE_SPECS[0] if RESOURCE_SPECS else SPECS[0], scope="resource", check=_crashing_check
    )
    policy = to_policy(spec, ListSink())
    args = ResourceValidationArgs(conv.LOG_GROUP, wire({}), urn_of(conv.LOG_GROUP, "x"), "x", opts(None), None, {}, {})
    with pytest.raises(AssertionError, match="crashed: KeyError"):
        run_policy(spec.name, lambda report: policy.validate(args, report), set())


def test_a_huge_value_in_a_message_is_caught() -> None:
    huge = "x" * 5_000

    def leaky(report: Callable[..., None]) -> None:
        report(f"value {huge}")

    with pytest.raises(AssertionError, match="copied"):
        run_policy("leaky", leaky, huge_strings_in({"a": huge}, set()))


@pytest.mark.parametrize("spec", [*RESOURCE_SPECS, *STACK_SPECS], ids=lambda s: s.name)
def test_generated_inputs_reach_every_policy(spec: Any) -> None:
    """The generator gets past each policy's scope guard to a finding: it is not just noise."""

    def finds_something(inputs: Any) -> bool:
        if spec.scope == "resource":
            r, parent, config = inputs
            args: Any = ResourceValidationArgs(
                r.type, wire(r.props), r.urn, r.name, opts(parent), provider_resource(r.provider), config[spec.name], {}
            )
        else:
            args = stack_args(inputs[0], inputs[1][spec.name])
        return bool(run_policy(spec.name, lambda report: SERVED[spec.name].validate(args, report), set()))

    strategy = resource_inputs() if spec.scope == "resource" else stack_inputs()
    # Generation only: the first hit is proof enough, shrinking it would only cost time.
    find(
        strategy,
        finds_something,
        settings=settings(
            max_examples=3000,
            database=None,
            derandomize=True,  # the same examples every run: a proof that cannot flake
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        ),
    )
