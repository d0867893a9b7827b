"""Fuzz a policy pack over the analyzer protocol: random requests in, RPC failures counted.

    python -m finops_guard.fuzz --cases 10000 --seed 1 [--policy-pack DIR]

The pack runs as its own process, started and spoken to exactly as `finops-guard preview` does
(`pulumi.policy` server, `ConfigureStack`, `GetAnalyzerInfo`, `Configure`, then `Remediate` +
`Analyze` per resource and `AnalyzeStack`). Each case is one random request: usually one resource
with its provider, sometimes a whole random stack. A case fails when the RPC fails (any gRPC
error: an exception escaped a policy, the pack died or hung); a policy crash that the pack turned
into an advisory is counted separately, since it is a bug too even though the preview survives.

The requests are drawn from the pack's own vocabulary, read from its source: the type tokens,
property names and values its policies test for, so most requests get past the policies' scope
guards. Values are mangled the ways the wire allows: unknowns at any depth, nulls, numbers as
strings, lists where maps are expected, secrets, assets, huge and unicode strings, provider config
as JSON strings (valid and broken). Stacks get arbitrary graphs: missing and duplicate URNs,
self-dependencies, cycles.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import random
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
)

from .analyzer.engine_server import EngineServer
from .analyzer.pack_process import PackProcess, load_pack, pack_environment
from .analyzer.policy_config import EffectiveConfig, merge
from .analyzer.session import LEVEL_NAMES, AnalyzerSession
from .errors import GuardError, PackError, PolicyConfigError
from .model import CHECK_ERROR_MARKER, PolicyInfo, Registration

#: Wire encodings of special values (pulumi sdk/go/common/resource/properties.go).
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
UNKNOWNS: tuple[str, ...] = (
    UNKNOWN_STRING_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_ARCHIVE_VALUE,
)
STACK_TYPE = "pulumi:pulumi:Stack"
#: What `finops_policies.pack` says when a check crashed (an advisory with the default `onError`).
CRASH_MARKER = CHECK_ERROR_MARKER
PROJECT, STACK = "fuzz", "dev"

_TYPE_TOKEN = re.compile(r"^[a-z][\w-]*:[\w./-]*:[A-Za-z]\w*$")
_KEY = re.compile(r"^[A-Za-z_$][\w.\-/$]{0,47}$")
_BASE_TYPES = (
    STACK_TYPE,
    "pulumi:providers:aws",
    "pulumi:providers:kubernetes",
    "pulumi:providers:random",
    "aws:s3/bucket:Bucket",
    "aws:cloudwatch/logGroup:LogGroup",
    "kubernetes:apps/v1:Deployment",
    "acme:index:Service",
    "my:component:Thing",
)
_BASE_WORDS = (
    "",
    " ",
    "us-east-1",
    "eu-west-1",
    "ap-southeast-2",
    "not-a-region",
    "true",
    "false",
    "0",
    "-1",
    "1e3",
    " 42 ",
    "3.5",
    "NaN",
    "Infinity",
    "2999-12-31",
    "2001-01-01",
    "2024-02-30",
    "yesterday",
    "512Mi",
    "1Gi",
    "250m",
    "-Xmx2g",
    "arn:aws:sqs:eu-west-1:123456789012:q",
    "arn:aws:s3:::bucket",
    "arn:aws:iam::1:role/r",
    "*",
    "**",
    "[",
    "(",
    "{",
    "[]",
    "{}",
    "null",
    "TODO",
    "n/a",
    "é",
    "\u0000",
    "\U0001f4b8 cost",
    "a" * 300,
)


@dataclass(frozen=True)
class Vocabulary:
    """Type tokens, property names and values a pack's source tests for."""

    types: tuple[str, ...]
    keys: tuple[str, ...]
    words: tuple[str, ...]

    @classmethod
    def scan(cls, pack_dir: Path) -> Vocabulary:
        strings: set[str] = set()
        for path in sorted(pack_dir.rglob("*")):
            if any(part in {"venv", ".venv", "node_modules", "__pycache__"} for part in path.parts):
                continue
            if path.suffix == ".py":
                strings.update(_python_strings(path))
            elif path.suffix == ".json" and path.stat().st_size < 2_000_000:
                strings.update(_json_strings(path))
        types = sorted({*_BASE_TYPES, *(s for s in strings if _TYPE_TOKEN.match(s))})
        keys = sorted(s for s in strings if _KEY.match(s) and not _TYPE_TOKEN.match(s))
        words = sorted({*_BASE_WORDS, *(s for s in strings if len(s) <= 64 and "\n" not in s)})
        return cls(tuple(types), tuple(keys) or ("tags",), tuple(words))


def _python_strings(path: Path) -> Iterator[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, OSError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) <= 200:
            yield node.value


def _json_strings(path: Path) -> Iterator[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


class WireGen:
    """Random values, resources and stacks in wire form (what `to_struct` sends)."""

    def __init__(self, rng: random.Random, vocab: Vocabulary) -> None:
        self.rng = rng
        self.vocab = vocab
        self._serial = 0

    # --- values ----------------------------------------------------------------------------------
    def word(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            return rng.choice(self.vocab.words)
        if roll < 0.65:
            return rng.choice(UNKNOWNS)
        if roll < 0.8:
            return "".join(rng.choice("abcXYZ-_.:/ 0123456789éß中\U0001f600\t") for _ in range(rng.randint(0, 20)))
        if roll < 0.9:
            return rng.choice(self.vocab.keys)
        if roll < 0.97:
            return (
                json.dumps(self.value(2))
                if rng.random() < 0.7
                else rng.choice(['{"tags": ', "[1, 2", '{"a": NaN}', "{'single': 'quotes'}", '{"tags": {"team": }}'])
            )
        return rng.choice("xé\U0001f4b8") * rng.choice((1_000, 20_000, 200_000))

    def number(self) -> float | int:
        rng = self.rng
        return rng.choice(
            (
                0,
                1,
                -1,
                7,
                14,
                90,
                365,
                2555,
                10**6,
                2**63,
                -(2**63),
                0.5,
                -0.0,
                1e-300,
                1e300,
                rng.randint(-10_000, 10_000),
                rng.uniform(-1e6, 1e6),
            )
        )

    def leaf(self) -> Any:
        roll = self.rng.random()
        if roll < 0.55:
            return self.word()
        if roll < 0.75:
            return self.number()
        if roll < 0.88:
            return self.rng.choice((True, False))
        return None

    def value(self, depth: int = 0) -> Any:
        rng = self.rng
        roll = rng.random()
        if depth >= 5 or roll < 0.5:
            return self.leaf()
        if roll < 0.72:
            return self.mapping(depth + 1)
        if roll < 0.88:
            return [self.value(depth + 1) for _ in range(rng.choice((0, 1, 2, 3, 5)))]
        if roll < 0.95:
            return secret(self.value(depth + 1))
        return self.asset()

    def asset(self) -> dict[str, Any]:
        rng = self.rng
        kind = rng.randrange(5)
        if kind == 0:
            return {SIG_KEY: ASSET_SIG, "text": self.word()}
        if kind == 1:
            return {SIG_KEY: ASSET_SIG, "path": "./app.zip"}
        if kind == 2:
            return {SIG_KEY: ASSET_SIG, "uri": "https://example.com/app.zip"}
        if kind == 3:
            return {SIG_KEY: ARCHIVE_SIG, "path": "./dist"}
        return {SIG_KEY: ARCHIVE_SIG, "assets": {"index.py": {SIG_KEY: ASSET_SIG, "text": "print(1)"}}}

    def key(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.85:
            return rng.choice(self.vocab.keys)
        if roll < 0.95:
            return rng.choice(self.vocab.words)
        return "".join(rng.choice("ké中 -_") for _ in range(rng.randint(0, 8)))

    def mapping(self, depth: int = 0) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for _ in range(self.rng.choice((0, 1, 2, 3, 4, 6))):
            key = self.key()
            if key != SIG_KEY:
                out[key] = self.value(depth)
        return out

    def tags(self) -> Any:
        rng = self.rng
        roll = rng.random()
        if roll < 0.6:
            return {
                k: self.leaf() if rng.random() < 0.3 else rng.choice(self.vocab.words)
                for k in rng.sample(self.vocab.keys, k=min(len(self.vocab.keys), rng.randint(0, 6)))
            }
        if roll < 0.7:
            return rng.choice(UNKNOWNS)
        if roll < 0.8:
            return [{"key": self.word(), "value": self.word(), "propagateAtLaunch": self.leaf()}]
        return self.value(1)

    def props(self) -> dict[str, Any]:
        props = self.mapping()
        rng = self.rng
        if rng.random() < 0.5:
            props["tags"] = self.tags()
        if rng.random() < 0.25:
            props["metadata"] = {"labels": self.tags(), "annotations": self.tags(), "namespace": self.word()}
        if rng.random() < 0.3:
            containers = [
                {
                    "name": self.word(),
                    "image": self.word(),
                    "env": [
                        {"name": rng.choice(self.vocab.keys), "value": self.leaf()} for _ in range(rng.randint(0, 3))
                    ],
                    "resources": self.value(2),
                    "args": [self.word() for _ in range(rng.randint(0, 3))],
                }
            ]
            props["spec"] = {
                "replicas": self.leaf(),
                "template": {"metadata": {"labels": self.tags()}, "spec": {"containers": containers}},
            }
        for _ in range(rng.randint(0, 3)):  # deep surprises: a secret, an unknown, a wrong type
            props[self.key()] = rng.choice((secret(self.value(2)), rng.choice(UNKNOWNS), [self.value(1)], None))
        props.pop(SIG_KEY, None)
        return props

    # --- resources -------------------------------------------------------------------------------
    def urn(self, type_: str, name: str) -> str:
        return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"

    def name(self) -> str:
        self._serial += 1
        rng = self.rng
        base = rng.choice(self.vocab.words[:200] or ("r",)) if rng.random() < 0.3 else "res"
        return rng.choice((f"{base}-{self._serial}", "", f"ünï-{self._serial}", f"{base}/{self._serial} x"))

    def provider(self, type_: str) -> Registration | None:
        rng = self.rng
        if rng.random() < 0.15 or type_ == STACK_TYPE or type_.startswith("pulumi:providers:"):
            return None
        package = type_.split(":", 1)[0]
        ptype = f"pulumi:providers:{package}" if rng.random() < 0.9 else rng.choice(self.vocab.types)
        props: dict[str, Any] = {"version": rng.choice(("7.51.1", "4.34.2", "", 7.0))}
        roll = rng.random()
        if roll < 0.7:
            props["region"] = rng.choice(
                ("us-east-1", "eu-west-1", "us-east-1", UNKNOWN_STRING_VALUE, "", self.word(), 1.0)
            )
        if rng.random() < 0.6:
            tags = self.tags()
            props["defaultTags"] = rng.choice(
                (
                    json.dumps({"tags": tags}),
                    json.dumps(tags),
                    '{"tags": {"team": ',
                    "",
                    UNKNOWN_STRING_VALUE,
                    {"tags": tags},
                    json.dumps([tags]),
                    json.dumps({"tags": [1, 2]}),
                    "null",
                )
            )
        if rng.random() < 0.2:
            props.update(self.mapping())
        if rng.random() < 0.1:
            props = {k: secret(v) for k, v in props.items()}
        name = rng.choice(("default_7_51_1", "default", "eu", "default_4_34_2", self.name()))
        return Registration(
            urn=self.urn(ptype, name),
            type=ptype,
            name=name,
            custom=True,
            parent=None,
            provider=None,
            dependencies=[],
            property_dependencies={},
            inputs=props,
        )

    def resource(self, urns: Sequence[str] = ()) -> tuple[Registration, Registration | None]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.8:
            type_ = rng.choice(self.vocab.types)
        elif roll < 0.9:
            type_ = f"{rng.choice(('aws', 'kubernetes', 'acme', ''))}:{self.word()[:20]}:{self.word()[:20]}"
        else:
            type_ = rng.choice((STACK_TYPE, "acme:index:Service", "pulumi:providers:aws"))
        name = self.name()
        urn = self.urn(type_, name) if rng.random() < 0.9 or not urns else rng.choice([*urns, "", "urn:x"])

        def some_urn() -> str:
            return rng.choice([*urns, urn, "", "urn:pulumi:dev::fuzz::aws:s3/bucket:Bucket::missing"])

        provider = self.provider(type_)
        registration = Registration(
            urn=urn,
            type=type_,
            name=name,
            custom=rng.random() < 0.85,
            parent=some_urn() if rng.random() < 0.4 else None,
            provider=f"{provider.urn}::{UNKNOWN_STRING_VALUE}" if provider is not None else None,
            dependencies=[some_urn() for _ in range(rng.choice((0, 0, 1, 2, 4)))],
            property_dependencies={
                self.key(): [some_urn() for _ in range(rng.randint(0, 3))] for _ in range(rng.choice((0, 0, 1, 2)))
            },
            inputs=self.props() if type_ != STACK_TYPE or rng.random() < 0.5 else {},
        )
        return registration, provider

    def stack(self, size: int) -> tuple[list[Registration], dict[str, Registration]]:
        resources: list[Registration] = []
        providers: dict[str, Registration] = {}
        urns: list[str] = []
        for _ in range(size):
            r, provider = self.resource(urns)
            urns.append(r.urn)
            if provider is not None:
                providers[r.urn] = provider
                if self.rng.random() < 0.5:  # providers are resources of the stack too
                    resources.append(provider)
            resources.append(r)
        return resources, providers

    # --- config ----------------------------------------------------------------------------------
    def from_schema(self, schema: Mapping[str, Any], depth: int = 0) -> Any:
        """A value that fits `schema` (the subset policy config schemas use), with odd contents."""
        rng = self.rng
        if "enum" in schema and isinstance(schema["enum"], list) and schema["enum"]:
            return rng.choice(schema["enum"])
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = rng.choice(kind) if kind else None
        if kind == "boolean":
            return rng.choice((True, False))
        if kind in ("integer", "number"):
            # Bounds as Draft 7 states them; odd values within them (the extremes, a fraction).
            low = float(schema.get("minimum", schema.get("exclusiveMinimum", -6) + 1))
            high = float(schema.get("maximum", schema.get("exclusiveMaximum", low + 1001) - 1))
            if kind == "integer" or rng.random() < 0.5:
                return rng.choice((math.ceil(low), math.floor(high), rng.randint(math.ceil(low), math.floor(high))))
            return rng.uniform(low, high)
        if kind == "string":
            roll = rng.random()
            if roll < 0.3:  # an expiry date: past, near or far
                return time.strftime("%Y-%m-%d", time.gmtime(time.time() + rng.randint(-400, 400) * 86_400))
            if roll < 0.4:
                return rng.choice(("(", "[a-", ".*", "^[A-Z]+-[0-9]+$", "FIN-1", "*", "**", "ledger-*"))
            return self.word()
        if kind == "array" and depth < 4:
            items = schema.get("items", {})
            return [
                self.from_schema(items if isinstance(items, Mapping) else {}, depth + 1)
                for _ in range(rng.choice((0, 1, 2, 3)))
            ]
        if kind == "object" and depth < 4:
            props = schema.get("properties") or {}
            out = {
                k: self.from_schema(v, depth + 1)
                for k, v in props.items()
                if isinstance(v, Mapping) and rng.random() < 0.8
            }
            extra = schema.get("additionalProperties")
            if isinstance(extra, Mapping):
                for _ in range(rng.randint(0, 3)):
                    out[self.key()] = self.from_schema(extra, depth + 1)
            return out
        return schema.get("default")

    def policy_config(self, policies: Sequence[PolicyInfo]) -> dict[str, Any]:
        """A `--policy-pack-config` document: some keys of some policies set to schema-valid values."""
        given: dict[str, Any] = {}
        for policy in policies:
            props = policy.config_schema.get("properties", {})
            if not isinstance(props, Mapping) or self.rng.random() < 0.4:
                continue
            chosen = {
                k: self.from_schema(v) for k, v in props.items() if isinstance(v, Mapping) and self.rng.random() < 0.5
            }
            if chosen:
                given[policy.name] = chosen
        return given


@dataclass
class Failure:
    case: int
    method: str
    detail: str


@dataclass
class FuzzReport:
    pack: str
    seed: int
    cases: int = 0
    analyze: int = 0
    analyze_stack: int = 0
    resources: int = 0
    violations: int = 0
    unverifiable: int = 0
    rpc_failures: list[Failure] = field(default_factory=list)
    #: crashes inside a policy that the pack reported as an advisory instead of failing the RPC
    crashes: list[Failure] = field(default_factory=list)
    config_changes: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.rpc_failures and not self.crashes

    def lines(self) -> list[str]:
        out = [
            f"fuzz: {self.cases} random requests against {self.pack} (seed {self.seed}) in {self.seconds:.1f} s: "
            f"{self.analyze} Remediate+Analyze, {self.analyze_stack} AnalyzeStack over {self.resources} resources, "
            f"{self.config_changes} policy configs",
            f"RPC failures: {len(self.rpc_failures)}",
            f"policy crashes reported as advisories: {len(self.crashes)}",
            f"diagnostics returned: {self.violations} violations, {self.unverifiable} unverifiable",
        ]
        for failure in [*self.rpc_failures, *self.crashes][:10]:
            out.append(f"  case {failure.case} {failure.method}: {failure.detail[:300]}")
        return out


def _count(report: FuzzReport, case: int, method: str, response: Any) -> None:
    if response is None:
        return
    for diag in response.diagnostics:
        if diag.message.startswith("can't run policy"):
            report.unverifiable += 1
            if CRASH_MARKER in diag.message:
                report.crashes.append(Failure(case, method, f"{diag.policyName}: {diag.message}"))
        else:
            report.violations += 1


def initial_levels(info: Any) -> dict[str, Any]:
    """The pack's initial config (GetAnalyzerInfo) in the shape `policy_config.merge` takes."""
    return {k: {"enforcementLevel": LEVEL_NAMES.get(v.enforcementLevel)} for k, v in info.initialConfig.items()}


def _configure(
    session: AnalyzerSession, gen: WireGen, policies: list[PolicyInfo], initial: Mapping[str, Any], randomize: bool
) -> bool:
    given = gen.policy_config(policies) if randomize else {}
    try:
        config = merge(policies, initial, given, "fuzz config")
    except PolicyConfigError:
        config = merge(policies, initial, {}, "fuzz config")  # the engine would refuse it: so do we
        randomize = False
    # Every policy on (a disabled one would see nothing), at its own level otherwise.
    session.configure(
        {
            name: EffectiveConfig(
                c.enforcement if c.enforcement in ("advisory", "mandatory") else "advisory", c.properties
            )
            for name, c in config.items()
        }
    )
    return randomize


def run_fuzz(
    pack_dir: Path,
    cases: int,
    seed: int,
    *,
    stack_share: float = 0.05,
    max_stack: int = 40,
    reconfigure_every: int = 500,
    call_timeout: float = 60.0,
    progress: Callable[[int], None] | None = None,
) -> FuzzReport:
    pack = load_pack(pack_dir)
    rng = random.Random(seed)
    gen = WireGen(rng, Vocabulary.scan(pack.dir))
    report = FuzzReport(pack=f"{pack.name} {pack.version}", seed=seed)
    started = time.monotonic()
    env = pack_environment(PROJECT, STACK, "organization", {"aws:region": "us-east-1"})
    with EngineServer() as engine:
        process = PackProcess(pack, engine.address, env)
        session: AnalyzerSession | None = None
        try:
            session = AnalyzerSession(process.start(), timeout=call_timeout)
            session.configure_stack(
                project=PROJECT,
                stack=STACK,
                organization="organization",
                config={"aws:region": "us-east-1"},
                secret_keys=[],
                tags={},
            )
            session.plugin_info()
            info, policies = session.analyzer_info()
            initial = initial_levels(info)
            consecutive = 0
            for case in range(cases):
                method = "Configure"
                try:
                    if case % reconfigure_every == 0 and _configure(
                        session, gen, policies, initial, randomize=case > 0
                    ):
                        report.config_changes += 1
                    if rng.random() < stack_share:
                        method = "AnalyzeStack"
                        resources, providers = gen.stack(rng.randint(0, max_stack))
                        report.resources += len(resources)
                        _count(report, case, method, session.analyze_stack(resources, providers))
                        report.analyze_stack += 1
                    else:
                        r, provider = gen.resource()
                        method = "Remediate"
                        remediated = session.remediate(r, provider)
                        method = "Analyze"
                        _count(report, case, method, session.analyze(r, provider, remediated.properties))
                        report.analyze += 1
                        report.resources += 1
                    consecutive = 0
                except PackError as exc:
                    report.rpc_failures.append(Failure(case, method, exc.message))
                    consecutive += 1
                    if consecutive >= 20 or (process.proc is not None and process.proc.poll() is not None):
                        report.rpc_failures.append(Failure(case, "-", "the pack stopped answering; fuzzing stopped"))
                        report.cases = case + 1
                        break
                report.cases = case + 1
                if progress is not None:
                    progress(case + 1)
        finally:
            if session is not None:
                session.close()
            process.stop()
            tail = "".join(process.stderr_lines[-20:]).strip()
            if report.rpc_failures and tail:
                report.rpc_failures[-1].detail += f"\npack stderr:\n{tail}"
    report.seconds = time.monotonic() - started
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m finops_guard.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000, help="number of random requests (default: 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed; a run is reproducible (default: 0)")
    parser.add_argument(
        "--policy-pack",
        type=Path,
        default=None,
        metavar="DIR",
        help="policy pack directory (default: the pack shipped with finops-guardrails)",
    )
    parser.add_argument(
        "--stack-share", type=float, default=0.05, help="share of requests that are AnalyzeStack calls (default: 0.05)"
    )
    args = parser.parse_args(argv)
    from .preview import default_pack_dir

    def tick(done: int) -> None:
        if sys.stderr.isatty() and done % 100 == 0:
            print(f"\r{done}/{args.cases}", end="", file=sys.stderr, flush=True)

    try:
        report = run_fuzz(
            args.policy_pack or default_pack_dir(), args.cases, args.seed, stack_share=args.stack_share, progress=tick
        )
    except GuardError as exc:
        print(f"fuzz: {exc.message}", file=sys.stderr)
        return 2
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
