"""The fuzz entry point, in a small bounded run, and the pack's shared decoding it exercises.

`python -m finops_guard.fuzz --cases 10000 --seed S` is the long run (see benchmarks/README.md);
here a few hundred requests prove the machinery: the real pack answers every random request, a
pack that raises is counted as failing, and the pack's per-call decoding memo answers exactly
like pulumi-policy's own servicer.
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pulumi_policy.policy as sdk
import pytest
from finops_policies.pack import LevelledReports, ListSink, build_policies, servicer_class
from pulumi_policy import EnforcementLevel

from finops_guard.analyzer.session import AnalyzerSession, to_struct
from finops_guard.fuzz import Vocabulary, WireGen, run_fuzz
from finops_guard.preview import default_pack_dir

ROOT = Path(__file__).resolve().parents[1]


def test_a_bounded_run_against_the_real_pack_has_no_failure() -> None:
    report = run_fuzz(default_pack_dir(), cases=400, seed=20240607, stack_share=0.1, reconfigure_every=100)
    assert report.rpc_failures == [] and report.crashes == [], "\n".join(report.lines())
    assert report.cases == 400
    assert report.analyze > 300 and report.analyze_stack > 10
    assert report.config_changes >= 1  # random (schema-valid) policy configs were sent too
    # The requests get past the scope guards: the policies do find things in them.
    assert report.violations > 0 and report.unverifiable > 0


def test_the_entry_point_prints_the_figures() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "finops_guard.fuzz", "--cases", "60", "--seed", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "60 random requests" in done.stdout and "RPC failures: 0" in done.stdout


def test_a_pack_that_raises_is_counted(tmp_path: Path) -> None:
    pack = tmp_path / "raising"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nname: raising\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text(
        textwrap.dedent("""
        from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

        def fragile(args, report_violation):
            if "tags" in args.props:
                raise ValueError("tags confuse me")

        PolicyPack(name="raising", enforcement_level=EnforcementLevel.MANDATORY,
                   policies=[ResourceValidationPolicy(name="fragile", description="Fragile.", validate=fragile)])
    """)
    )
    report = run_fuzz(pack, cases=40, seed=1, stack_share=0.0)
    assert report.rpc_failures, "\n".join(report.lines())
    assert all(f.method == "Analyze" for f in report.rpc_failures)
    assert not report.ok


def test_the_same_seed_sends_the_same_requests() -> None:
    vocab = Vocabulary.scan(default_pack_dir())
    first, again = WireGen(random.Random(9), vocab), WireGen(random.Random(9), vocab)
    assert [first.resource() for _ in range(20)] == [again.resource() for _ in range(20)]
    assert first.stack(10) == again.stack(10)


@pytest.fixture
def sdk_json_format() -> Iterator[None]:
    saved = sdk.json_format  # type: ignore[attr-defined]
    yield
    sdk.json_format = saved  # type: ignore[attr-defined]


def test_shared_decoding_answers_exactly_like_the_sdk(sdk_json_format: None) -> None:
    """The pack's servicer (equal messages decoded once per call) against pulumi-policy's own."""
    counting = _Counting(sdk.json_format)  # type: ignore[attr-defined]
    sdk.json_format = counting  # type: ignore[attr-defined]
    shared = servicer_class()
    assert shared is not None, "pulumi-policy changed shape: the pack would run without shared decoding"
    # pulumi-policy's own servicer, with only the pack's per-finding levels (advisory findings) added
    plain = type("Plain", (LevelledReports, sdk._PolicyAnalyzerServicer), {})
    plain_servicer = plain("p", "1", build_policies(sink=ListSink()), EnforcementLevel.ADVISORY)
    shared_servicer = shared("p", "1", build_policies(sink=ListSink()), EnforcementLevel.ADVISORY)
    gen = WireGen(random.Random(77), Vocabulary.scan(default_pack_dir()))

    class Build(AnalyzerSession):
        """The engine's own request builders, without a channel."""

        def __init__(self) -> None:
            pass

        def _call(self, method: str, request: object) -> object:
            return request

    build = Build()
    compared = 0
    for _ in range(150):
        r, provider = gen.resource()
        request = build._request(r, provider, to_struct(r.inputs))
        for method in ("Remediate", "Analyze"):
            expected = getattr(plain_servicer, method)(request, None)
            assert getattr(shared_servicer, method)(request, None) == expected
            compared += 1
    decoded = {"plain": 0, "shared": 0}
    for size in (0, 1, 8, 30, 30):
        resources, providers = gen.stack(size)
        request = build.analyze_stack(resources, providers)
        before = counting.calls
        expected = plain_servicer.AnalyzeStack(request, None)
        decoded["plain"] += counting.calls - before
        before = counting.calls
        assert shared_servicer.AnalyzeStack(request, None) == expected
        decoded["shared"] += counting.calls - before
        compared += 1
    assert compared == 305
    # ...and it does share: each stack policy used to decode every resource again.
    assert decoded["shared"] * 2 < decoded["plain"], decoded


class _Counting:
    """json_format, counting the decodings that really happen."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.calls = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def MessageToDict(self, message: object, *args: object, **kwargs: object) -> object:  # noqa: N802
        self.calls += 1
        return self.real.MessageToDict(message, *args, **kwargs)  # type: ignore[attr-defined]
