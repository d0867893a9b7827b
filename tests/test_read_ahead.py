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
from test_check_inprocess import FIXTURES, PLAN, STATE

from finops_guard import forking
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
    monkeypatch.setattr(forking, "cores_free", lambda: 2)
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

    def dies(self: ReadAhead) -> Any:
        if os.getpid() != parent:
            os._exit(3)
        return real(self)

    monkeypatch.setattr(ReadAhead, "_read_all", dies)
    ahead = check(tmp_path, [str(PLAN), str(STATE)])
    assert children and children[0].forked
    serial = serially(monkeypatch, lambda: check(tmp_path, [str(PLAN), str(STATE)]))
    capsys.readouterr()
    assert ahead == serial and json.loads(ahead[1])["violations"]


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
