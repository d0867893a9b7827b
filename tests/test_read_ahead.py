"""`check`'s inputs read by a forked child while the engine imports (`finops_guard/inputs/read_ahead.py`).

Reading ahead must change nothing but time: the same report on every input kind, the same error
for an input that cannot be read (after the inputs before it), the inputs read here when the child
dies, and no child at all where it would not pay (another pack, the pack process, a plan too large
to read whole).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from test_check_inprocess import FIXTURES, PLAN, PUBLIC_PLANS, STATE

from finops_guard import forking
from finops_guard.analyzer.inprocess import Prepared
from finops_guard.cli import main
from finops_guard.inputs import read_ahead
from finops_guard.inputs.read_ahead import ReadAhead

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="inputs are read ahead through os.fork")


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[ReadAhead]:
    """Reading ahead whatever this machine's cores; lists the read-aheads made."""
    made: list[ReadAhead] = []
    real = ReadAhead.__init__

    def init(self: ReadAhead, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(ReadAhead, "__init__", init)
    monkeypatch.setattr(read_ahead, "BATCH", 2)  # batches even for the smallest fixture
    monkeypatch.setattr(forking, "cores_free", lambda: 2)
    monkeypatch.setattr(forking, "threads", lambda: 1)  # whatever earlier tests left running
    monkeypatch.delenv(forking.SERIAL_ENV, raising=False)
    monkeypatch.delenv("FINOPS_GUARD_PACK_PROCESS", raising=False)
    return made


def check(tmp_path: Path, argv: list[str], *extra: str) -> tuple[int, str]:
    """The exit code and the JSON report's text, its duration zeroed."""
    out = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.json"
    code = main(["check", *argv, "--format", "json", "--output", str(out), *extra])
    return code, re.sub(r"\"durationSeconds\": [0-9.e+-]+", '"durationSeconds": 0', out.read_text(encoding="utf-8"))


def serially(monkeypatch: pytest.MonkeyPatch, run: Any) -> Any:
    with monkeypatch.context() as serial:
        serial.setenv(forking.SERIAL_ENV, "1")
        return run()


@pytest.mark.parametrize("argv", [argv for _, argv in FIXTURES], ids=[name for name, _ in FIXTURES])
def test_every_fixture_reports_the_same_read_ahead(argv, tmp_path, monkeypatch, capsys, children):
    ahead = check(tmp_path, argv)
    assert len(children) == 1 and children[0].forked
    serial = serially(monkeypatch, lambda: check(tmp_path, argv))
    assert len(children) == 1, f"{forking.SERIAL_ENV}=1 still read ahead"
    capsys.readouterr()
    assert ahead == serial


def test_an_input_that_cannot_be_read_fails_as_without_the_child(tmp_path, monkeypatch, capsys, children):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format_version": "1.2", "resource_changes": [{"address": ')
    argv = ["check", str(PLAN), str(broken), "--format", "json", "--output", str(tmp_path / "r.json")]
    assert main(argv) == 2
    ahead = capsys.readouterr().err
    assert children and children[0].forked
    assert serially(monkeypatch, lambda: main(argv)) == 2
    serial = capsys.readouterr().err
    assert "broken.json" in ahead and ahead == serial


def test_a_child_that_dies_costs_a_read_here(tmp_path, monkeypatch, capsys, children):
    parent = os.getpid()
    real = ReadAhead._read_all

    def dies(self: ReadAhead, send: Any) -> Any:
        if os.getpid() != parent:
            os._exit(3)
        return real(self, send)

    monkeypatch.setattr(ReadAhead, "_read_all", dies)
    ahead = check(tmp_path, [str(PLAN), str(STATE)])
    assert children and children[0].forked
    serial = serially(monkeypatch, lambda: check(tmp_path, [str(PLAN), str(STATE)]))
    capsys.readouterr()
    assert ahead == serial and json.loads(ahead[1])["violations"]


def test_a_child_that_dies_midway_costs_a_read_here(tmp_path, monkeypatch, capsys, children):
    """Batches of the plan already taken, then the child dies: the plan is read again here, and the
    batches prepared meanwhile are not used for the registrations read here."""
    parent = os.getpid()
    real = ReadAhead._read_one
    prepared: list[Prepared] = []
    real_add = Prepared.add

    def add(self: Prepared, registrations: Any) -> None:
        prepared.append(self)
        real_add(self, registrations)

    def dies_midway(self: ReadAhead, path: Path, on_registration: Any = None) -> Any:
        if os.getpid() == parent or on_registration is None:
            return real(self, path, on_registration)
        made = [0]

        def then_dies(registration: Any) -> None:
            on_registration(registration)
            made[0] += 1
            if made[0] == 7:  # three batches of 2 sent
                os._exit(3)

        return real(self, path, then_dies)

    monkeypatch.setattr(ReadAhead, "_read_one", dies_midway)
    monkeypatch.setattr(Prepared, "add", add)
    ahead = check(tmp_path, [str(PLAN), str(STATE)])
    assert children and children[0].forked
    batches = [p for p in prepared if p.registrations]
    assert batches and len(batches[0].registrations) == 6, "no batch reached this process before the child died"
    serial = serially(monkeypatch, lambda: check(tmp_path, [str(PLAN), str(STATE)]))
    capsys.readouterr()
    assert ahead == serial and json.loads(ahead[1])["violations"]


@pytest.mark.parametrize("plan", [PLAN, *PUBLIC_PLANS], ids=lambda path: path.stem)
def test_batches_and_the_end_of_the_input_make_the_input_read_here(plan, monkeypatch, children):
    """Registrations sent in batches before their dependencies were known get them at the end."""
    from finops_guard.inputs import read_input

    seen: list[Any] = []
    ahead = ReadAhead([plan])
    try:
        streamed = ahead.read(plan, on_batch=seen.extend)
    finally:
        ahead.close()
    assert ahead.forked
    here = read_input(plan)
    assert streamed.registrations == here.registrations
    assert [r.dependencies for r in streamed.registrations] == [r.dependencies for r in here.registrations]
    assert (streamed.warnings, streamed.secret_values, streamed.unmapped) == (
        here.warnings,
        here.secret_values,
        here.unmapped,
    )
    # each registration once, the very objects returned, in order
    assert len(seen) == len(streamed.registrations)
    assert all(a is b for a, b in zip(seen, streamed.registrations, strict=True))
    if plan == PLAN:  # some registration was sent in a full batch, before its dependency was known
        batched = here.registrations[: len(here.registrations) // read_ahead.BATCH * read_ahead.BATCH]
        assert any(r.dependencies for r in batched), "no dependency set after its batch"


@pytest.mark.parametrize("partial", [False, True], ids=["whole-batches", "a-partial-last-batch"])
def test_what_is_prepared_from_the_batches_is_what_the_run_uses(partial, tmp_path, monkeypatch, capsys, children):
    from finops_guard.inputs import read_input

    count = len(read_input(PLAN).registrations)
    size = next(n for n in range(2, count) if (count % n != 0) == partial)
    monkeypatch.setattr(read_ahead, "BATCH", size)
    used: list[bool] = []
    real = Prepared.covers

    def covers(self: Prepared, registrations: Any) -> bool:
        used.append(real(self, registrations))
        return used[-1]

    monkeypatch.setattr(Prepared, "covers", covers)
    check(tmp_path, [str(PLAN)])
    capsys.readouterr()
    assert used == [True]


def test_prepared_registrations_are_refused_as_the_run_refuses_them():
    """The first registration the protocol cannot carry is named, whether prepared in batches or not."""
    from finops_guard.analyzer.inprocess import InProcessCheck, InProcessUnsupported
    from finops_guard.inputs import read_input
    from finops_guard.preview import AnalysisOptions

    registrations = read_input(PLAN).registrations
    for index in (3, 5):
        registrations[index].inputs["broken"] = float("nan")
    prepared = Prepared()
    prepared.add(registrations[:4])
    prepared.add(registrations[4:])
    assert prepared.covers(registrations) and not prepared.covers(registrations[:-1])
    messages = []
    for given in (prepared, None):
        with pytest.raises(InProcessUnsupported) as info:
            InProcessCheck(AnalysisOptions(project="terraform", stack=PLAN.stem)).run(registrations, [], 0.0, given)
        messages.append(str(info.value))
    assert messages[0] == messages[1] and registrations[3].urn in messages[0]


def test_a_batch_the_child_cannot_send_costs_a_read_here(tmp_path, monkeypatch, capsys, children):
    """A full disk under the child's file (or a batch it cannot pickle) is no error of the input: the
    stream is cut short and the input is read here, with the report of a serial run."""
    parent = os.getpid()
    real = forking.pickle.dumps

    def no_space(payload: Any, *args: Any, **kwargs: Any) -> bytes:
        if os.getpid() != parent and isinstance(payload, tuple) and payload and payload[0] == "batch":
            raise OSError(28, "No space left on device")
        return real(payload, *args, **kwargs)

    monkeypatch.setattr(forking.pickle, "dumps", no_space)
    ahead = check(tmp_path, [str(PLAN), str(STATE)])
    assert children and children[0].forked and children[0]._here, "the child's stream was not cut short"
    serial = serially(monkeypatch, lambda: check(tmp_path, [str(PLAN), str(STATE)]))
    err = capsys.readouterr().err
    assert "Traceback" not in err and "No space left" not in err
    assert ahead == serial and json.loads(ahead[1])["violations"]


def test_a_stream_whose_message_cannot_be_sent_ends_with_no_result():
    def sends_a_lock(send: Any) -> str:
        import threading

        send("first")
        send(threading.Lock())  # cannot be pickled
        return "not reached"

    with forking.ForkedStream(sends_a_lock) as stream:
        assert list(stream.messages()) == ["first"]
        assert stream.result() is None


def test_a_stream_hands_over_messages_in_order_then_the_result():
    def sends(send: Any) -> str:
        for number in range(5):
            send(list(range(number * 50_000, (number + 1) * 50_000)))  # megabytes: more than a pipe holds
        return "done"

    with forking.ForkedStream(sends) as stream:
        assert stream.forked
        assert [m[0] for m in stream.messages()] == [0, 50_000, 100_000, 150_000, 200_000]
        assert stream.result() == "done"


def test_a_stream_raises_what_the_child_raised_after_its_messages():
    def fails(send: Any) -> None:
        send("first")
        raise ValueError("boom")

    with forking.ForkedStream(fails) as stream:
        assert list(stream.messages()) == ["first"]
        with pytest.raises(ValueError, match="boom"):
            stream.result()


def test_a_stream_whose_child_dies_ends_with_no_result():
    def dies(send: Any) -> None:
        send("first")
        os._exit(3)

    with forking.ForkedStream(dies) as stream:
        assert list(stream.messages()) == ["first"]
        assert stream.result() is None


@pytest.mark.parametrize(
    "extra", [["--pack-process"], ["--policy-pack", "PACK"]], ids=["pack-process", "another-pack-dir"]
)
def test_no_child_reads_for_the_pack_process(extra, tmp_path, capsys, children):
    from finops_guard.preview import default_pack_dir

    extra = [str(default_pack_dir()) if e == "PACK" else e for e in extra]
    check(tmp_path, [str(PLAN)], *extra)
    capsys.readouterr()
    assert children == []


def test_no_child_reads_a_plan_too_large_to_read_whole(tmp_path, monkeypatch, capsys, children):
    monkeypatch.setattr(read_ahead, "WHOLE_PLAN_LIMIT", PLAN.stat().st_size - 1)
    check(tmp_path, [str(PLAN)])
    capsys.readouterr()
    assert children == []


def test_inputs_are_taken_in_their_order(children):
    ahead = ReadAhead([PLAN, STATE])
    try:
        with pytest.raises(ValueError, match="not the next input"):
            ahead.read(STATE)
        assert ahead.read(PLAN).kind == "terraform-plan"
        assert ahead.read(STATE).kind == "pulumi-state"
    finally:
        ahead.close()
    assert ahead.forked


def test_registrations_cross_the_pipe_whole():
    """Registrations pickle by their fields in order (`Registration.__reduce__`): every field comes back."""
    import copy
    import pickle

    from finops_guard.inputs import read_input

    read = read_input(STATE)
    for registration in read.registrations:
        for again in (pickle.loads(pickle.dumps(registration)), copy.deepcopy(registration)):
            assert again == registration and again is not registration
            assert again.inputs == registration.inputs and again.options == registration.options


@pytest.mark.parametrize("path", [PLAN, STATE], ids=["plan", "stack-export"])
def test_the_secrets_prepared_are_those_the_reports_find(path):
    from finops_guard.inputs import read_input
    from finops_guard.model import RunResult
    from finops_guard.reports._common import secret_values

    registrations = read_input(path).registrations
    prepared = Prepared()
    prepared.add(registrations[:3])
    prepared.add(registrations[3:])
    fresh = secret_values(RunResult("p", "s", "pack", "1", [], registrations, []))
    assert sorted(prepared.report_secrets) == sorted(fresh)
    assert fresh, "each fixture holds secrets (sensitive attributes, secret outputs): the comparison is not vacuous"
