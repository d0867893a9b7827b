"""An in-process check's judging shared with a forked child (`finops_guard/analyzer/forked.py`,
`finops_guard/forking.py`).

From a few thousand resources on, a forked child runs the stack pass, then takes chunks of the
resource pass from the same queue as the parent. The report must be the one the passes give one
after the other, byte for byte, on every input kind, with any policy config and whichever process
takes which chunk; a child that dies or whose answer is cut short costs time, never a finding; an
error in the child is the error of the run; and a run that fails first leaves no child behind.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import synthetic_plans
from test_check_inprocess import CONFIG, FIXTURES, PLAN, STATE, TERRAFORM

from finops_guard import forking
from finops_guard.analyzer import forked, inprocess
from finops_guard.analyzer.forked import Chunks, forks_for
from finops_guard.cli import main
from finops_guard.errors import PackError
from finops_guard.forking import ForkedCall
from finops_guard.inputs import read_input
from finops_guard.model import Finding

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="judging is shared through os.fork")


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[ForkedCall[Any]]:
    """Every run shares its judging with a child (whatever its size and this machine's cores), in
    chunks of 3 resources; lists the children."""
    made: list[ForkedCall[Any]] = []
    real = ForkedCall.__init__

    def init(self: ForkedCall[Any], *args: Any) -> None:
        real(self, *args)
        made.append(self)

    monkeypatch.setattr(ForkedCall, "__init__", init)
    monkeypatch.setattr(forked, "FORK_MIN", 0)
    monkeypatch.setattr(forked, "CHUNK", 3)
    monkeypatch.setattr(forking, "cores_free", lambda: 2)
    monkeypatch.setattr(forking, "threads", lambda: 1)  # whatever earlier tests left running
    monkeypatch.delenv(forking.SERIAL_ENV, raising=False)
    monkeypatch.delenv(inprocess.PACK_PROCESS_ENV, raising=False)
    return made


def report_text(tmp_path: Path, argv: list[str], *extra: str) -> tuple[int, str]:
    """The exit code and the JSON report's text, its duration zeroed."""
    out = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.json"
    code = main(["check", *argv, "--format", "json", "--output", str(out), *extra])
    return code, re.sub(r"\"durationSeconds\": [0-9.e+-]+", '"durationSeconds": 0', out.read_text(encoding="utf-8"))


def shared_and_serial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[ForkedCall[Any]], argv: list[str], *extra: str
) -> tuple[tuple[int, str], tuple[int, str]]:
    shared = report_text(tmp_path, argv, *extra)
    assert children and all(child.forked for child in children), "no child judged"
    count = len(children)
    monkeypatch.setenv(forking.SERIAL_ENV, "1")
    serial = report_text(tmp_path, argv, *extra)
    assert len(children) == count, f"{forking.SERIAL_ENV}=1 still forked"
    return shared, serial


@pytest.mark.parametrize("argv", [argv for _, argv in FIXTURES], ids=[name for name, _ in FIXTURES])
def test_every_fixture_reports_the_same_shared(argv, tmp_path, monkeypatch, capsys, children):
    shared, serial = shared_and_serial(tmp_path, monkeypatch, children, argv)
    capsys.readouterr()
    assert shared == serial


@pytest.mark.parametrize("argv", [[str(PLAN)], [str(STATE)], [str(TERRAFORM / "source-basic")]])
def test_policy_config_gives_the_same_verdicts_shared(argv, tmp_path, monkeypatch, capsys, children):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps(CONFIG))
    shared, serial = shared_and_serial(tmp_path, monkeypatch, children, argv, "--policy-pack-config", str(config))
    capsys.readouterr()
    if argv == [str(PLAN)]:
        assert '"state": "waived"' in shared[1]  # the config changed something to compare
    assert shared == serial


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_synthetic_plan_reports_the_same_shared(seed, tmp_path, monkeypatch, capsys, children):
    path = tmp_path / "synthetic.json"
    path.write_text(json.dumps(synthetic_plans.plan(300 + 97 * seed, seed)))
    shared, serial = shared_and_serial(tmp_path, monkeypatch, children, [str(path)])
    capsys.readouterr()
    policies = {v["policy"] for v in json.loads(shared[1])["violations"]}
    assert {"cost-allocation-tags", "no-infinite-retention", "cross-region-review"} <= policies
    assert shared == serial


def _taking_turns(monkeypatch: pytest.MonkeyPatch, log: Path) -> list[tuple[int, int]]:
    """The parent judges nothing until the child has taken a chunk, so that both judge some; returns
    the parent's chunks, and the child appends its own to `log`."""
    parent = os.getpid()
    mine: list[tuple[int, int]] = []
    real = inprocess._Judge.resources

    def resources(self: Any, start: int = 0, stop: int | None = None) -> None:
        if os.getpid() == parent:
            give_up = time.monotonic() + 60  # not a timing assertion: only never to hang if no child comes
            while not log.exists() and time.monotonic() < give_up:  # the child's first chunk
                os.sched_yield()
            mine.append((start, stop if stop is not None else len(self.registrations)))
        else:
            with log.open("a") as out:
                out.write(f"{start} {stop}\n")
        real(self, start, stop)

    monkeypatch.setattr(inprocess._Judge, "resources", resources)
    return mine


def test_both_processes_judge_and_every_resource_is_judged_once(tmp_path, monkeypatch, capsys, children):
    path = tmp_path / "synthetic.json"
    path.write_text(json.dumps(synthetic_plans.plan(120, 7)))
    total = len(read_input(path).registrations)
    with monkeypatch.context() as serial:
        serial.setenv(forking.SERIAL_ENV, "1")
        expected = report_text(tmp_path, [str(path)])
    log = tmp_path / "child-chunks.txt"
    mine = _taking_turns(monkeypatch, log)
    shared = report_text(tmp_path, [str(path)])
    capsys.readouterr()
    theirs = [tuple(map(int, line.split())) for line in log.read_text().splitlines()]
    assert mine and theirs, "both processes judge"
    judged = sorted(i for start, stop in [*mine, *theirs] for i in range(start, stop))
    assert judged == list(range(total))  # each once
    assert shared == expected


def test_a_child_that_dies_midway_costs_a_rerun_not_a_finding(tmp_path, monkeypatch, capsys, children):
    """The child takes two chunks and dies (say, the OOM killer): the parent judges those and the stack."""
    path = tmp_path / "synthetic.json"
    path.write_text(json.dumps(synthetic_plans.plan(150, 8)))
    with monkeypatch.context() as serial:
        serial.setenv(forking.SERIAL_ENV, "1")
        expected = report_text(tmp_path, [str(path)])
    parent = os.getpid()
    log = tmp_path / "child-chunks.txt"
    mine = _taking_turns(monkeypatch, log)
    real_part = inprocess._Judge._part

    def part(self: Any, chunks: Chunks, indexes: Iterable[int], by_urn: Any) -> Any:
        if os.getpid() != parent:
            for taken, index in enumerate(indexes, start=1):
                with log.open("a") as out:
                    out.write(f"{chunks.bounds(index)[0]} {chunks.bounds(index)[1]}\n")
                if taken == 2:
                    os._exit(3)
        return real_part(self, chunks, indexes, by_urn)

    monkeypatch.setattr(inprocess._Judge, "_part", part)
    shared = report_text(tmp_path, [str(path)])
    capsys.readouterr()
    assert mine and len(log.read_text().splitlines()) == 2
    assert children and children[0].forked
    assert shared == expected


def test_a_failed_run_leaves_no_child(tmp_path, monkeypatch, capsys, children):
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


# --- the pieces ---------------------------------------------------------------------------------


def test_two_processes_take_every_chunk_once():
    with Chunks(1_000, size=7) as chunks, ForkedCall(lambda: list(chunks)) as child:
        mine = list(chunks)
        theirs = child.result()
    assert child.forked and theirs is not None
    assert sorted(mine + theirs) == list(range(chunks.count)) == list(range(143))
    assert chunks.bounds(142) == (994, 1_000)


def _finding(i: int) -> Finding:
    return Finding(
        policy="p", enforcement="mandatory", state="violation", urn=f"urn::{i}", type="t", name=str(i), message="m"
    )


def test_the_value_comes_from_the_child():
    with ForkedCall(lambda: (os.getpid(), [_finding(i) for i in range(3)])) as child:
        pid, findings = child.result()
    assert child.forked and child.closed and pid == child.pid != os.getpid()
    assert [f.name for f in findings] == ["0", "1", "2"]


def test_a_child_that_dies_answers_none():
    with ForkedCall(lambda: os._exit(3)) as child:
        assert child.result() is None
    assert child.forked


def test_a_value_that_cannot_be_sent_answers_none():
    class Unpicklable:
        def __reduce__(self) -> Any:
            raise TypeError("no")

    with ForkedCall(Unpicklable) as child:
        assert child.result() is None


def test_an_error_in_the_child_is_raised_in_the_parent():
    def fails() -> None:
        raise PackError("the policy pack failed during AnalyzeStack", details="Traceback ... ValueError")

    with ForkedCall(fails) as child, pytest.raises(PackError) as info:
        child.result()
    assert str(info.value) == "the policy pack failed during AnalyzeStack"
    assert info.value.details == "Traceback ... ValueError"


def test_leaving_early_kills_the_child(tmp_path):
    ready = tmp_path / "child-started"

    def waits_forever() -> None:
        (tmp_path / "pid").write_text(str(os.getpid()))
        os.replace(tmp_path / "pid", ready)  # whole, for the parent to read
        signal.pause()

    started: list[ForkedCall[None]] = []

    def parent_part_fails() -> None:
        with ForkedCall(waits_forever) as child:
            started.append(child)
            while not ready.exists():
                os.sched_yield()
            raise RuntimeError("this process's part failed")

    with pytest.raises(RuntimeError):
        parent_part_fails()
    (child,) = started
    assert child.forked and child.closed and child.pid == int(ready.read_text())
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # killed and reaped


def test_when_it_forks(monkeypatch):
    monkeypatch.delenv(forking.SERIAL_ENV, raising=False)
    monkeypatch.setattr(forking, "cores_free", lambda: 2)
    monkeypatch.setattr(forking, "threads", lambda: 1)
    assert not forks_for(forked.FORK_MIN - 1)
    assert forks_for(forked.FORK_MIN) and forks_for(forked.FORK_MAX)
    assert not forks_for(forked.FORK_MAX + 1)  # memory: the child's copied pages
    monkeypatch.setattr(forking, "cores_free", lambda: 1)
    assert not forks_for(forked.FORK_MIN)  # one core: the processes would only take turns
    monkeypatch.setattr(forking, "cores_free", lambda: 2)
    for value, forks in (("1", False), ("yes", False), ("0", True), ("", True)):
        monkeypatch.setenv(forking.SERIAL_ENV, value)
        assert forks_for(forked.FORK_MIN) is forks


def test_a_process_running_another_thread_does_not_fork():
    """A child forked beside a running thread could wait forever on a lock that thread held. In a
    fresh interpreter (this one runs whatever threads earlier tests left): one thread forks, two do not."""
    script = textwrap.dedent(
        """
        import os, threading
        from finops_guard import forking
        forking.cores_free = lambda: 2
        os.environ.pop(forking.SERIAL_ENV, None)
        alone = (forking.threads(), forking.forking_helps())
        stop = threading.Event()
        other = threading.Thread(target=stop.wait)
        other.start()
        beside = (forking.threads(), forking.forking_helps())
        stop.set()
        other.join()
        print(alone, beside)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "(1, True) (2, False)"


def test_a_part_pickles_whole():
    part = inprocess._Part([1, 4], [_finding(1)], [_finding(2)], {("urn::1", "p")})
    again = pickle.loads(pickle.dumps(part))
    assert again == part


def test_progress_counts_every_resource_once_whoever_judged_it(tmp_path, monkeypatch, children):
    from finops_guard.check import CheckOptions, run_check

    path = tmp_path / "synthetic.json"
    path.write_text(json.dumps(synthetic_plans.plan(120, 9)))
    log = tmp_path / "child-chunks.txt"
    _taking_turns(monkeypatch, log)  # the child judges some chunks too
    done: list[int] = []
    result = run_check(CheckOptions(inputs=[path], progress=lambda n, total: done.append(n)))
    assert children and log.exists()
    assert sorted(done) == list(range(1, len(result.resources) + 1))
