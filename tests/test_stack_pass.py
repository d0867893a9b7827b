"""The forked pass of an in-process check (`finops_guard/analyzer/stack_pass.py`).

A check of a few thousand resources judges its last resources and the stack in a forked child
while this process judges the rest. The report must be the one the passes give one after the
other, byte for byte, on every input kind and with any policy config; a child that dies or whose
answer is cut short costs time, never a finding; an error in the child is the error of the run;
and a run that fails first leaves no child behind.
"""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path
from typing import Any

import pytest
import synthetic_plans
from test_check_inprocess import CONFIG, FIXTURES, PLAN, STATE, TERRAFORM

from finops_guard.analyzer import inprocess, stack_pass
from finops_guard.analyzer.stack_pass import ForkedStackPass, Recorder, StackOutcome, forks_for
from finops_guard.cli import main
from finops_guard.errors import PackError
from finops_guard.model import Finding

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the forked pass needs os.fork")


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[ForkedStackPass]:
    """Every run forks its pass (whatever its size and this machine's cores); lists the passes."""
    made: list[ForkedStackPass] = []
    real = ForkedStackPass.__init__

    def init(self: ForkedStackPass, *args: Any) -> None:
        real(self, *args)
        made.append(self)

    monkeypatch.setattr(ForkedStackPass, "__init__", init)
    monkeypatch.setattr(stack_pass, "FORK_MIN", 0)
    monkeypatch.setattr(stack_pass, "cores_free", lambda: 2)
    monkeypatch.delenv(stack_pass.SERIAL_ENV, raising=False)
    monkeypatch.delenv(inprocess.PACK_PROCESS_ENV, raising=False)
    return made


def report_text(tmp_path: Path, argv: list[str], *extra: str) -> tuple[int, str]:
    """The exit code and the JSON report's text, without its duration."""
    out = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.json"
    code = main(["check", *argv, "--format", "json", "--output", str(out), *extra])
    return code, re.sub(r"\"durationSeconds\": [0-9.e+-]+", '"durationSeconds": 0', out.read_text(encoding="utf-8"))


def forked_and_serial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[ForkedStackPass], argv: list[str], *extra: str
) -> tuple[tuple[int, str], tuple[int, str]]:
    forked = report_text(tmp_path, argv, *extra)
    assert children and all(child.forked for child in children), "the pass did not run in a child"
    count = len(children)
    monkeypatch.setenv(stack_pass.SERIAL_ENV, "1")
    serial = report_text(tmp_path, argv, *extra)
    assert len(children) == count, f"{stack_pass.SERIAL_ENV}=1 still forked"
    return forked, serial


@pytest.mark.parametrize("argv", [argv for _, argv in FIXTURES], ids=[name for name, _ in FIXTURES])
def test_every_fixture_reports_the_same_forked(argv, tmp_path, monkeypatch, capsys, children):
    forked, serial = forked_and_serial(tmp_path, monkeypatch, children, argv)
    capsys.readouterr()
    assert forked == serial


@pytest.mark.parametrize("argv", [[str(PLAN)], [str(STATE)], [str(TERRAFORM / "source-basic")]])
def test_policy_config_gives_the_same_verdicts_forked(argv, tmp_path, monkeypatch, capsys, children):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps(CONFIG))
    forked, serial = forked_and_serial(tmp_path, monkeypatch, children, argv, "--policy-pack-config", str(config))
    capsys.readouterr()
    if argv == [str(PLAN)]:
        assert '"state": "waived"' in forked[1]  # the config changed something to compare
    assert forked == serial


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_synthetic_plan_reports_the_same_forked(seed, tmp_path, monkeypatch, capsys, children):
    path = tmp_path / "synthetic.json"
    path.write_text(json.dumps(synthetic_plans.plan(300 + 97 * seed, seed)))
    forked, serial = forked_and_serial(tmp_path, monkeypatch, children, [str(path)])
    capsys.readouterr()
    data = json.loads(forked[1])
    # findings of both processes' resources and of the stack pass, in the serial order
    assert {"cost-allocation-tags", "no-infinite-retention", "cross-region-review"} <= {
        v["policy"] for v in data["violations"]
    }
    assert forked == serial


def test_the_split_covers_every_resource_once(tmp_path, monkeypatch, capsys, children):
    """The parent judges the registrations before the split, the child those from it on."""
    seen: list[tuple[int, int | None]] = []
    real = inprocess._Judge.resources

    def resources(self: Any, start: int = 0, stop: int | None = None) -> None:
        seen.append((start, stop))
        real(self, start, stop)

    monkeypatch.setattr(inprocess._Judge, "resources", resources)
    path = tmp_path / "synthetic.json"
    path.write_text(json.dumps(synthetic_plans.plan(400, 4)))
    report_text(tmp_path, [str(path)])
    capsys.readouterr()
    # the parent's call is recorded here; the child's ran in the child, after the fork
    ((start, stop),) = seen
    assert start == 0 and stop is not None and 0 < stop < 400


# --- the child itself ---------------------------------------------------------------------------


def _finding(i: int) -> Finding:
    return Finding(
        policy="p", enforcement="mandatory", state="violation", urn=f"urn::{i}", type="t", name=str(i), message="m"
    )


def test_the_outcome_comes_from_the_child():
    parent = os.getpid()

    def stack_pass_(recorder: Recorder) -> set[tuple[str, str]]:
        recorder.add(_finding(os.getpid()))
        recorder.extend(_finding(i) for i in range(3))
        return {(f"urn::{os.getpid()}", "p")}

    with ForkedStackPass(stack_pass_) as child:
        outcome = child.outcome()
    assert child.forked
    pid = int(outcome.findings[0].name)
    assert pid != parent
    assert [f.name for f in outcome.findings[1:]] == ["0", "1", "2"]
    assert outcome.not_applicable == {(f"urn::{pid}", "p")} and outcome.error is None


def test_a_child_that_dies_costs_a_rerun_not_a_finding():
    parent = os.getpid()

    def stack_pass_(recorder: Recorder) -> set[tuple[str, str]]:
        if os.getpid() != parent:
            os._exit(3)  # killed mid-pass, say by the OOM killer
        recorder.add(_finding(1))
        return set()

    with ForkedStackPass(stack_pass_) as child:
        outcome = child.outcome()
    assert child.forked
    assert [f.name for f in outcome.findings] == ["1"] and outcome.error is None


def test_a_child_whose_outcome_cannot_be_sent_costs_a_rerun():
    parent = os.getpid()

    class Unpicklable:
        def __reduce__(self) -> Any:
            raise TypeError("no")

    def stack_pass_(recorder: Recorder) -> set[tuple[str, str]]:
        recorder.add(_finding(2) if os.getpid() == parent else Unpicklable())  # type: ignore[arg-type]
        return set()

    with ForkedStackPass(stack_pass_) as child:
        outcome = child.outcome()
    assert [f.name for f in outcome.findings] == ["2"]


def test_an_error_of_the_pack_in_the_child_is_the_runs_error():
    def stack_pass_(recorder: Recorder) -> set[tuple[str, str]]:
        raise PackError("the policy pack failed during AnalyzeStack", details="Traceback ... ValueError")

    with ForkedStackPass(stack_pass_) as child:
        outcome = child.outcome()
    assert child.forked
    assert isinstance(outcome.error, PackError)
    assert str(outcome.error) == "the policy pack failed during AnalyzeStack"
    assert outcome.error.details == "Traceback ... ValueError"


def test_a_run_that_fails_first_leaves_no_child(tmp_path):
    ready = tmp_path / "child-started"

    def stack_pass_(recorder: Recorder) -> set[tuple[str, str]]:
        ready.write_text(str(os.getpid()))
        signal.pause()  # never ends by itself
        return set()

    started: list[ForkedStackPass] = []

    def resource_pass_fails() -> None:
        with ForkedStackPass(stack_pass_) as child:
            started.append(child)
            while not ready.exists():
                os.sched_yield()
            raise RuntimeError("the resource pass failed")

    with pytest.raises(RuntimeError):
        resource_pass_fails()
    (child,) = started
    assert child.forked and child.closed and child.pid == int(ready.read_text())
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # killed and reaped


def test_a_failed_run_in_process_leaves_no_child(tmp_path, monkeypatch, capsys, children):
    def broken(self: Any, *args: Any, **kwargs: Any) -> None:
        raise PackError("the policy pack failed during Analyze")

    monkeypatch.setattr(inprocess._Judge, "resources", broken)
    path = tmp_path / "synthetic.json"
    path.write_text(json.dumps(synthetic_plans.plan(200, 5)))
    code = main(["check", str(path), "--format", "json", "--output", str(tmp_path / "r.json")])
    assert code == 2 and "failed during Analyze" in capsys.readouterr().err
    assert children and all(child.forked and child.closed for child in children)
    for child in children:
        with pytest.raises(ChildProcessError):
            os.waitpid(child.pid, os.WNOHANG)  # killed and reaped


def test_when_it_forks(monkeypatch):
    monkeypatch.delenv(stack_pass.SERIAL_ENV, raising=False)
    monkeypatch.setattr(stack_pass, "cores_free", lambda: 2)
    assert not forks_for(stack_pass.FORK_MIN - 1)
    assert forks_for(stack_pass.FORK_MIN) and forks_for(stack_pass.FORK_MAX)
    assert not forks_for(stack_pass.FORK_MAX + 1)  # memory: the child's copied pages
    monkeypatch.setattr(stack_pass, "cores_free", lambda: 1)
    assert not forks_for(stack_pass.FORK_MIN)  # one core: the passes would only take turns
    monkeypatch.setattr(stack_pass, "cores_free", lambda: 2)
    for value, forks in (("1", False), ("yes", False), ("0", True), ("", True)):
        monkeypatch.setenv(stack_pass.SERIAL_ENV, value)
        assert forks_for(stack_pass.FORK_MIN) is forks


def test_a_stack_outcome_pickles_whole():
    import pickle

    outcome = StackOutcome([_finding(i) for i in range(3)], {("urn::1", "p")}, PackError("x", details="d"))
    again = pickle.loads(pickle.dumps(outcome))
    assert again.findings == outcome.findings and again.not_applicable == outcome.not_applicable
    assert isinstance(again.error, PackError) and again.error.details == "d"
