"""`finops-guard check` with our pack in-process (the default) gives the pack process's report.

The in-process path (`finops_guard/analyzer/inprocess.py`) calls the functions the pack's servicer
calls; these tests hold it to the pack running in its own processes (`--pack-process`), report
against report (JSON, minus the duration) and exit code against exit code, on every check fixture,
on synthetic plans and fleets, and on random stacks with random policy config; and check the
pieces it rests on: properties as the servicer reads them, the finding store's order, the JSON
writer, the two ways a plan is read.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import synthetic_plans
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finops_guard.analyzer import inprocess
from finops_guard.analyzer.inprocess import InProcessCheck, runs_in_process
from finops_guard.analyzer.pack_process import load_pack
from finops_guard.analyzer.wire import Unrepresentable, WireProps, check_representable, struct_order
from finops_guard.analyzer.wire_lookup import read_wire_props
from finops_guard.check import CheckOptions, _analysis_options, _finish, _warnings, check_one, run_check
from finops_guard.cli import main
from finops_guard.coverage import allocation_coverage
from finops_guard.errors import PackError
from finops_guard.finding_store import FindingStore
from finops_guard.inputs import read_input
from finops_guard.inputs.common import ReadInput
from finops_guard.model import Finding, Registration, RunResult, SourceLocation
from finops_guard.preview import default_pack_dir
from finops_guard.reports import json_writer
from finops_guard.reports._common import ordered_findings
from finops_guard.reports.json_report import report_dict

DATA = Path(__file__).parent / "data"
TERRAFORM = DATA / "terraform"
PLAN = TERRAFORM / "plan-regions-modules.json"
STATE = DATA / "pulumi" / "stack-export.json"
PUBLIC_PLANS = sorted((DATA / "public-plans").glob("*.json"))
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

#: Every input the check tests read: (name, arguments after `check`).
FIXTURES: list[tuple[str, list[str]]] = [
    ("plan", [str(PLAN)]),
    ("source", [str(TERRAFORM / "source-basic"), "--var-file", str(TERRAFORM / "source-basic" / "team.tfvars")]),
    ("source-defaults", [str(TERRAFORM / "source-basic")]),
    ("kubernetes-source", [str(TERRAFORM / "k8s-pool")]),
    ("stack-export", [str(STATE)]),
    ("plan-and-export", [str(PLAN), str(STATE)]),
    *((f"public:{path.stem}", [str(path)]) for path in PUBLIC_PLANS),
]

#: A policy config touching every way config changes a verdict: levels (advisory, disabled,
#: remediate, all), waivers (valid, expired, malformed ticket), reviews, onError.
CONFIG = {
    "all": "mandatory",
    "cost-allocation-tags": {
        "enforcementLevel": "advisory",
        "waivers": [
            {"resources": ["aws_s3_*"], "ticket": "FIN-7", "approvedBy": "ana", "expires": "2099-01-01", "reason": "r"},
            {"resources": ["*db*"], "ticket": "FIN-8", "approvedBy": "ana", "expires": "2001-01-01", "reason": "old"},
        ],
    },
    "no-infinite-retention": {
        "enforcementLevel": "remediate",
        "waivers": [{"resources": ["*.app"], "ticket": "nope", "approvedBy": "bo", "expires": "2099-01-01"}],
        "onError": "mandatory",
    },
    "cross-region-review": {
        "waivers": [
            {"resources": ["aws_sqs_queue.*"], "ticket": "FIN-10", "approvedBy": "cy", "expires": "2099-01-01"}
        ],
        "reviews": [
            {
                "from": "us-west-2",
                "to": "us-east-1",
                "resources": ["aws_sns_topic.alerts"],
                "ticket": "FIN-9",
                "approvedBy": "cy",
                "expires": "2099-01-01",
                "reason": "alerts",
            }
        ]
    },
    "runtime-envelope": "disabled",
}


@pytest.fixture
def in_process_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the inputs the in-process path checked (to know a test compared two different paths)."""
    runs: list[int] = []
    real = InProcessCheck.run

    def counted(self: InProcessCheck, registrations: list[Registration], *args: Any) -> RunResult:
        runs.append(len(registrations))
        return real(self, registrations, *args)

    monkeypatch.setattr(InProcessCheck, "run", counted)
    monkeypatch.delenv(inprocess.PACK_PROCESS_ENV, raising=False)
    return runs


def cli_report(tmp_path: Path, argv: list[str], *extra: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.json"
    code = main(["check", *argv, "--format", "json", "--output", str(out), *extra])
    data = json.loads(out.read_text(encoding="utf-8"))
    data.pop("durationSeconds")
    return code, data


def assert_same_reports(fast: tuple[int, dict[str, Any]], slow: tuple[int, dict[str, Any]]) -> None:
    assert fast[0] == slow[0]
    assert fast[1]["summary"] == slow[1]["summary"]
    assert fast[1]["violations"] == slow[1]["violations"]
    assert fast[1] == slow[1]


@pytest.mark.parametrize(("name", "argv"), FIXTURES, ids=[name for name, _ in FIXTURES])
def test_every_fixture_reports_the_same_in_process(name, argv, tmp_path, capsys, in_process_runs):
    fast = cli_report(tmp_path, argv)
    ran = len(in_process_runs)
    assert ran, "the in-process path did not run"
    slow = cli_report(tmp_path, argv, "--pack-process")
    assert len(in_process_runs) == ran, "--pack-process ran in-process"
    capsys.readouterr()
    assert_same_reports(fast, slow)


@pytest.mark.parametrize("argv", [[str(PLAN)], [str(STATE)], [str(TERRAFORM / "source-basic")]])
def test_policy_config_gives_the_same_verdicts_in_process(argv, tmp_path, capsys, in_process_runs):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps(CONFIG))
    fast = cli_report(tmp_path, argv, "--policy-pack-config", str(config))
    slow = cli_report(tmp_path, argv, "--policy-pack-config", str(config), "--pack-process")
    capsys.readouterr()
    assert in_process_runs
    states = {v["state"] for v in fast[1]["violations"]}
    if argv == [str(PLAN)]:
        assert {"violation", "waived"} <= states  # the config changed something to compare
    assert_same_reports(fast, slow)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_synthetic_plan_reports_the_same_in_process(seed, tmp_path, capsys, in_process_runs):
    path = tmp_path / "synthetic.json"
    path.write_text(json.dumps(synthetic_plans.plan(400, seed), indent=1))
    fast = cli_report(tmp_path, [str(path)])
    slow = cli_report(tmp_path, [str(path)], "--pack-process")
    capsys.readouterr()
    assert in_process_runs == [len(read_input(path).registrations)]
    policies = {v["policy"] for v in fast[1]["violations"]}
    assert {"cost-allocation-tags", "no-infinite-retention", "cross-region-review"} <= policies
    assert {"violation", "unverifiable"} <= {v["state"] for v in fast[1]["violations"]}
    assert_same_reports(fast, slow)


def both_paths(read: ReadInput, options: CheckOptions, keep: int | None = None) -> tuple[Any, Any]:
    """The report dict (minus duration) of each path, or the error each raised."""

    def report(run: Any) -> Any:
        try:
            result = run()
        except Exception as exc:  # noqa: BLE001 - compared between the paths
            return ("error", type(exc).__name__)
        result.coverage = allocation_coverage(result)
        data = report_dict(result)
        data.pop("durationSeconds")
        return data

    def fast() -> RunResult:
        analysis = _analysis_options(read.project, read.stack, read.path, options)
        analysis.secret_values = frozenset(read.secret_values)
        return _finish(InProcessCheck(analysis, keep).run(read.registrations, _warnings(read), time.monotonic()), read)

    return report(fast), report(lambda: check_one(read, CheckOptions(inputs=[], transport="batch", **_given(options))))


def _given(options: CheckOptions) -> dict[str, Any]:
    return {"policy_pack_config": options.policy_pack_config}


def test_a_synthetic_fleet_reports_the_same_in_process():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import synthetic
    finally:
        sys.path.remove(str(BENCHMARKS))
    registrations, _ = synthetic.stack(600, seed=5)
    read = ReadInput("pulumi-state", "fleet.json", synthetic.PROJECT, synthetic.STACK, registrations)
    fast, slow = both_paths(read, CheckOptions(inputs=[]), keep=50)  # the store spills, too
    assert isinstance(fast, dict) and fast["violations"]
    assert fast == slow


@pytest.mark.parametrize("seed", [3, 17, 41])
def test_random_stacks_and_config_report_the_same_in_process(seed, tmp_path):
    """The fuzzer's stacks (unknowns at any depth, secrets, assets, odd types, broken JSON strings,
    duplicate and dangling URNs) with random policy config: levels, waivers, schema-valid values."""
    from finops_policies.registry import all_policies

    from finops_guard.fuzz import Vocabulary, WireGen
    from finops_guard.model import PolicyInfo

    gen = WireGen(random.Random(seed), Vocabulary.scan(default_pack_dir()))
    resources, _ = gen.stack(150)
    infos = [
        PolicyInfo(s.name, s.description, s.enforcement, s.scope, config_schema={"properties": s.config_schema()})
        for s in all_policies()
    ]
    config = gen.policy_config(infos)
    for info in infos:
        if gen.rng.random() < 0.3:
            config.setdefault(info.name, {})["enforcementLevel"] = gen.rng.choice(
                ["advisory", "mandatory", "disabled", "remediate"]
            )
        if gen.rng.random() < 0.4:
            config.setdefault(info.name, {})["waivers"] = [
                {
                    "resources": [gen.rng.choice(["*", "res-*", "*x", "ünï-*"])],
                    "ticket": "FIN-1",
                    "approvedBy": "a",
                    "expires": gen.rng.choice(["2099-01-01", "2000-01-01"]),
                }
            ]
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    read = ReadInput("pulumi-state", str(tmp_path / "fuzz.json"), "fuzz", "dev", resources)
    fast, slow = both_paths(read, CheckOptions(inputs=[], policy_pack_config=path))
    assert fast == slow


def test_policies_see_the_pulumi_runtime_a_pack_process_configures():
    """A policy that asks the Pulumi SDK which project and stack it judges gets the input's, as
    pulumi-policy's servicer configures them from the engine's environment."""
    import pulumi
    from finops_policies.registry import all_policies

    seen: list[tuple[str, str]] = []
    spec = next(s for s in all_policies() if s.scope == "stack")
    real = spec.check

    def asking(stack: Any, config: Any) -> Any:
        seen.append((pulumi.get_project(), pulumi.get_stack()))
        return real(stack, config)  # type: ignore[arg-type]

    object.__setattr__(spec, "check", asking)  # a frozen spec: replaced for this test only
    try:
        read = read_input(PLAN)
        analysis = _analysis_options(read.project, read.stack, read.path, CheckOptions(inputs=[]))
        InProcessCheck(analysis).run(read.registrations, [], time.monotonic())
    finally:
        object.__setattr__(spec, "check", real)
    assert seen == [(read.project, read.stack)]


# --- which packs run in-process --------------------------------------------------------------


def test_the_shipped_pack_and_a_byte_identical_copy_run_in_process(tmp_path):
    shipped = default_pack_dir()
    assert runs_in_process(load_pack(shipped))
    copy = tmp_path / "pack"
    shutil.copytree(shipped, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert runs_in_process(load_pack(copy))
    policy = copy / "finops_policies" / "policies" / "no_infinite_retention.py"
    policy.write_text(policy.read_text() + "\n# changed\n")
    assert not runs_in_process(load_pack(copy))


def test_other_packs_run_in_their_own_process(tmp_path):
    assert not runs_in_process(load_pack(Path(__file__).parent / "packs" / "testpack"))
    copy = tmp_path / "pack"
    shutil.copytree(default_pack_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "__main__.py").write_text("from finops_policies.pack import serve\n\nserve([])\n")
    assert not runs_in_process(load_pack(copy))


def test_the_environment_and_the_flag_force_the_pack_process(tmp_path, capsys, monkeypatch, in_process_runs):
    monkeypatch.setenv(inprocess.PACK_PROCESS_ENV, "1")
    assert main(["check", str(PLAN), "--format", "json"]) == 1
    monkeypatch.delenv(inprocess.PACK_PROCESS_ENV)
    assert main(["check", str(PLAN), "--format", "json", "--pack-process"]) == 1
    capsys.readouterr()
    assert in_process_runs == []


def test_a_value_the_protocol_refuses_takes_the_pack_process(monkeypatch, in_process_runs):
    """NaN cannot cross the protocol: the pack process fails on it, so the in-process path must not judge it."""
    read = read_input(PLAN)
    read.registrations[-1].inputs["retentionInDays"] = math.nan
    calls: list[str] = []
    real = check_one

    def counted(read: ReadInput, options: CheckOptions, started: float | None = None) -> RunResult:
        calls.append(options.transport)
        return real(read, options, started)

    monkeypatch.setattr("finops_guard.check.check_one", counted)
    monkeypatch.setattr("finops_guard.check.read_input", lambda *a, **k: read)
    with pytest.raises(PackError, match="failed during Analyze"):  # the pack process cannot read NaN
        run_check(CheckOptions(inputs=[PLAN]))
    assert in_process_runs and calls == ["batch"]


# --- the pieces --------------------------------------------------------------------------------

_SENTINELS = (
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
)
_SIG = "4dabf18193072939515e22adb298388d"
_SECRET = "1b47061264138c4ac30d75fd1eb44270"
_keys = st.sampled_from(["tags", "team", "retentionInDays", "a", "b", "ünï", "", "__internal", "value"])
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.sampled_from(_SENTINELS)
    | st.sampled_from(["\ud800", b"bytes"])
)
_values = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(_keys, children, max_size=4)
    | children.map(lambda v: {_SIG: _SECRET, "value": v})
    | st.tuples(children, children),
    max_leaves=12,
)


def _through_the_protocol(inputs: dict[str, Any]) -> Any:
    """What pulumi-policy's servicer makes of `inputs` sent as the engine sends them."""
    from google.protobuf import json_format, struct_pb2
    from pulumi_policy.deserialize import deserialize_properties
    from pulumi_policy.proxy import unknown_checking_proxy

    from finops_guard.analyzer.session import to_struct, without_internal_keys

    struct = struct_pb2.Struct.FromString(to_struct(without_internal_keys(inputs)).SerializeToString())
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            out.extend(_paths(item, (*prefix, index)))
    return out


def _read(props: Any, path: tuple[Any, ...]) -> Any:
    from finops_policies.values import lookup
    from pulumi_policy.proxy import UnknownValueError

    try:
        return ("value", repr(lookup(props, *path)))  # a dict's repr shows its key order
    except UnknownValueError as exc:  # lookup never raises; kept to say so if it did
        return ("unknown", exc.message)


def _direct(props: Any, key: str) -> Any:
    from finops_policies.values import plain
    from pulumi_policy.proxy import UnknownValueError

    outcomes = []
    for read in (lambda: props[key], lambda: props.get(key), lambda: key in props):
        try:
            value = read()
            outcomes.append(("value", repr(plain(value)) if not isinstance(value, bool) else value))
        except UnknownValueError as exc:
            outcomes.append(("unknown", exc.message))
        except KeyError:
            outcomes.append(("missing",))
    return outcomes


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _values, max_size=6))
def test_properties_read_as_the_pack_reads_them(inputs):
    """Every path a policy can read, through `lookup` or directly, gives what the servicer's proxy
    gives (values, unknowns, missing keys, key order); what the protocol refuses is refused."""
    try:
        expected = _through_the_protocol(inputs)
    except Exception:  # noqa: BLE001 - the protocol refuses it, so must the in-process path
        with pytest.raises(Unrepresentable):
            check_representable(inputs)
        return
    check_representable(inputs)
    for keep in (False, True):
        mine = WireProps(inputs, keep=keep)
        assert list(mine) == list(expected)
        for path in _paths({k: v for k, v in inputs.items() if not k.startswith("__")}):
            # and one step further, with keys of every kind: past a leaf, the wrong kind of key,
            # indexes out of range or from the end, a boolean (an index to a list)
            for tail in ((), ("absent",), (0,), (-1,), (7,), (True,), (1.0,), ("tags", 0)):
                assert _read(mine, path + tail) == _read(expected, path + tail)
        for key in [*inputs, "absent"]:
            assert _direct(mine, key) == _direct(expected, key)


def test_lookup_reads_plain_properties_without_the_generic_walk():
    """The fast reader answers for properties without secrets, so the comparison above is not vacuous."""
    from finops_policies.values import UNKNOWN, lookup

    inputs = {"tags": {"team": "a", "n": 3}, "list": [1, _SENTINELS[0]], "__internal": 1}
    props = WireProps(inputs)
    assert read_wire_props(props, ("tags",)) == {"team": "a", "n": 3.0}
    assert read_wire_props(props, ("list", 1)) is UNKNOWN
    assert lookup(props, "list") == [1.0, UNKNOWN]
    secret = WireProps({"password": {_SIG: _SECRET, "value": "x"}})
    assert read_wire_props(secret, ("password",)) is NotImplemented  # the generic walk deserializes it
    assert lookup(secret, "password") == "x"


def test_key_order_is_protobufs_and_not_the_inputs():
    keys = tuple(f"key{i}" for i in range(12))
    order = struct_order(keys)
    assert sorted(order) == sorted(keys)
    assert order != keys  # protobuf's map order; the test would be vacuous otherwise
    assert list(WireProps(dict.fromkeys(keys, "x"))) == list(order)


def _finding(urn: str, policy: str, state: str, message: str, prop: str | None = None) -> Finding:
    return Finding(
        policy=policy,
        enforcement="mandatory",
        state=state,  # type: ignore[arg-type]
        urn=urn,
        type="aws:s3/bucket:Bucket",
        name=urn.rsplit("::", 1)[-1],
        message=message,
        property=prop,
        location=SourceLocation("/src/main.tf", 3) if "b" in urn else None,
        related=(SourceLocation("/src/mod.tf", 9),) if "c" in urn else (),
        waiver={"ticket": "FIN-1"} if state == "waived" else None,
        details={"keys": ["team"], "missing": [prop]} if prop else None,
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["urn::a", "urn::b", "urn::c", "urn::a", "urn::elsewhere"]),
            st.sampled_from(["p1", "p2"]),
            st.sampled_from(["violation", "unverifiable", "waived"]),
            st.sampled_from(["m1", "m2", "m3"]),
            st.sampled_from([None, "tags.team", "x"]),
        ),
        max_size=60,
    ),
    st.integers(min_value=1, max_value=7),
    st.integers(min_value=0, max_value=60),
)
def test_the_store_iterates_in_report_order_whatever_it_spilled(rows, keep, split):
    resources = [
        Registration(
            urn=u,
            type="t",
            name=u,
            custom=True,
            parent=None,
            provider=None,
            dependencies=[],
            property_dependencies={},
            inputs={},
        )
        for u in ("urn::a", "urn::b", "urn::c", "urn::a")
    ]
    findings = [_finding(*row) for row in rows]
    store = FindingStore(resources, keep=keep)
    store.extend(findings[:split])
    list(store)  # iterated (and sorted) before the rest is added
    store.extend(findings[split:])
    plain = RunResult("p", "s", "pack", "1", [], resources, findings)
    assert list(store) == list(ordered_findings(plain))
    # every field, those the dataclass does not compare too (a spilled finding is rebuilt from its row)
    assert [vars(f) for f in store] == [vars(f) for f in ordered_findings(plain)]
    if keep > len(findings):  # all in memory: the very objects, equal ones in the order they were added
        assert [id(f) for f in store] == [id(f) for f in ordered_findings(plain)]
    assert list(store) == list(store)  # iterable again
    assert len(store) == len(findings) and bool(store) == bool(findings)
    assert store.summary() == plain.summary
    kept = RunResult("p", "s", "pack", "1", [], resources, store)
    assert kept.passed == plain.passed and kept.summary == plain.summary
    assert list(ordered_findings(kept)) == list(ordered_findings(plain))
    merged = FindingStore.merged(resources + resources, [store, findings], keep=keep)
    both = RunResult("p", "s", "pack", "1", [], resources + resources, findings + findings)
    assert list(merged) == list(ordered_findings(both))


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('"\\\n\t\x00\x1f\u2028é中')),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.text(max_size=5) | st.integers() | st.booleans() | st.none() | st.floats(), children, max_size=4
    )
    | st.tuples(children),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_json)
def test_the_json_writer_writes_what_json_dumps_writes(document):
    import io

    expected = json.dumps(document, indent=2, ensure_ascii=False)
    assert json_writer.dumps(document) == expected
    out = io.StringIO()
    json_writer.write({"a": json_writer.Lazy(iter([document, document])), "b": document}, out)
    assert out.getvalue() == json.dumps({"a": [document, document], "b": document}, indent=2, ensure_ascii=False)


def _outcome(encode: Any, document: Any) -> Any:
    try:
        return ("text", encode(document))
    except (TypeError, ValueError) as error:
        return ("error", type(error).__name__)


@settings(max_examples=300, deadline=None)
@given(_json, st.booleans(), st.booleans())
def test_the_packs_json_encoder_encodes_as_json_dumps(document, sort_keys, ensure_ascii):
    from finops_policies.values import json_encoder

    wrapped = {"wrapped": [document, object()]}  # an object only `default` can encode
    for default in (None, str):
        mine = json_encoder(sort_keys=sort_keys, ensure_ascii=ensure_ascii, default=default)

        def theirs(d: Any, default: Any = default) -> str:
            return json.dumps(d, sort_keys=sort_keys, ensure_ascii=ensure_ascii, default=default)

        assert _outcome(mine, document) == _outcome(theirs, document)
        assert _outcome(mine, wrapped) == _outcome(theirs, wrapped)


@pytest.mark.parametrize("path", [PLAN, *PUBLIC_PLANS], ids=lambda p: p.stem)
def test_a_plan_read_whole_or_streamed_gives_the_same_registrations(path, tmp_path):
    whole = read_input(path)
    streamed = read_input(path, whole_limit=-1)
    assert whole.registrations == streamed.registrations
    assert (whole.warnings, whole.secret_values, whole.unmapped) == (
        streamed.warnings,
        streamed.secret_values,
        streamed.unmapped,
    )
    synthetic = tmp_path / "synthetic.json"
    synthetic.write_text(json.dumps(synthetic_plans.plan(120, 3)))
    assert read_input(synthetic).registrations == read_input(synthetic, whole_limit=-1).registrations


ADVISORY_AND_STACK_PART = """
provider "aws" {
  region = "us-east-1"
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{}"
}

resource "aws_launch_template" "web" {
  name_prefix   = "web-"
  instance_type = "t3.micro"
  tag_specifications {
    resource_type = "instance"
    tags = { service = "web", team = "core", environment = "prod", "cost-center" = "cc-1" }
  }
}

resource "aws_autoscaling_group" "web" {
  min_size = 1
  max_size = 2
  launch_template {
    id = aws_launch_template.web.id
  }
}
"""


def test_advisory_findings_and_a_resource_policys_stack_part_report_the_same_in_process(
    tmp_path, capsys, in_process_runs
):
    """A finding that never blocks (an untagged IAM role, which costs nothing) goes out at the
    advisory level on both paths, and the stack part of a resource policy (an Auto Scaling group
    judged with its launch template) runs on both."""
    source = tmp_path / "tf"
    source.mkdir()
    (source / "main.tf").write_text(ADVISORY_AND_STACK_PART)
    fast = cli_report(tmp_path, [str(source)])
    slow = cli_report(tmp_path, [str(source)], "--pack-process")
    capsys.readouterr()
    assert in_process_runs
    tags = {v["name"]: v for v in fast[1]["violations"] if v["policy"] == "cost-allocation-tags"}
    role = tags["aws_iam_role.app"]
    assert (role["enforcement"], role["state"]) == ("advisory", "violation") and role["details"]
    group = tags["aws_autoscaling_group.web"]  # judged with its launch template's tag specifications
    assert group["enforcement"] == "mandatory" and "launch template 'aws_launch_template.web'" in group["message"]
    assert_same_reports(fast, slow)
