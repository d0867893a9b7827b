"""The stack policies' pass in a forked child, while this process runs the resource policies.

The two passes of an in-process check read the same registrations and write only findings: the
resource pass one resource at a time, the stack pass (`AnalyzeStack`) once over the whole stack.
Neither reads what the other writes, so on a machine with a second core the stack pass runs in a
child forked after the input is read (it sees the registrations without copying them), records
every finding it would have stored, and sends them back through a pipe when it is done. The parent
stores them after its own, in the order they were made: the report is the one the two passes give
one after the other, byte for byte (`tests/test_check_inprocess.py` compares them).

It only forks where that pays and is safe: `os.fork` exists (not on Windows), two cores are free
to this process, and the stack is large enough for the pass to outweigh the fork (`FORK_MIN`) yet
small enough that the child's copied pages cannot approach the memory budget (`FORK_MAX`; at
100,000 resources `check` stays under 300 MB). Whatever goes wrong with the child (it cannot be
forked, it dies, its answer is cut short) costs time, never a finding: the parent then runs the
stack pass itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import PackError
from ..model import Finding

#: Fewer registrations than this: the stack pass is shorter than forking and sending its findings.
FORK_MIN = 2_000
#: More than this: the child's copy-on-write pages are a real share of memory; one process judges.
FORK_MAX = 50_000
#: Set to 1 to never fork (one process, the passes one after the other).
SERIAL_ENV = "FINOPS_GUARD_SERIAL"


def cores_free() -> int:
    """The cores this process may run on (its affinity, where the platform says)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def forks_for(resources: int) -> bool:
    """Whether a check of `resources` registrations runs its stack pass in a forked child."""
    if os.environ.get(SERIAL_ENV, "").strip().lower() not in ("", "0", "false", "no"):
        return False
    return hasattr(os, "fork") and FORK_MIN <= resources <= FORK_MAX and cores_free() >= 2


@dataclass
class Recorder:
    """Stands in for the `FindingStore` in the child: keeps what the stack pass stores, in order."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)


@dataclass(frozen=True)
class StackOutcome:
    """What the stack pass did: the findings it stored and the (URN, policy) pairs it found not
    applicable, or the `PackError` it raised."""

    findings: list[Finding]
    not_applicable: set[tuple[str, str]]
    error: PackError | None = None


Pass = Callable[[Recorder], set[tuple[str, str]]]


def _run(stack_pass: Pass) -> StackOutcome:
    recorder = Recorder()
    try:
        not_applicable = stack_pass(recorder)
    except PackError as exc:
        return StackOutcome(recorder.findings, set(), exc)
    return StackOutcome(recorder.findings, not_applicable)


class ForkedStackPass:
    """`stack_pass` started in a forked child; `outcome()` waits for it and returns what it did.

    `stack_pass(recorder)` runs the stack policies, storing findings in `recorder`, and returns the
    not-applicable pairs it found. Use as a context manager: leaving it early kills the child.
    """

    def __init__(self, stack_pass: Pass) -> None:
        self._stack_pass = stack_pass
        #: the child's process ID, 0 when it could not be forked
        self.pid = 0
        #: whether the child was waited for or stopped
        self.closed = False
        self._pid = 0  # while the child is neither waited for nor stopped
        self._read = -1
        try:
            read, write = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: never returns
            os.close(read)
            self._child(write)
        os.close(write)
        self.pid = self._pid = pid
        self._read = read

    @property
    def forked(self) -> bool:
        return self.pid != 0

    def _child(self, write: int) -> None:
        code = 1
        try:
            try:
                data = pickle.dumps(_run(self._stack_pass), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - an outcome that cannot be sent: the parent runs the pass
                data = b""
            with os.fdopen(write, "wb") as out:
                out.write(data)
            code = 0 if data else 1
        finally:
            # no atexit handlers, no flushing of buffers inherited from the parent
            os._exit(code)

    def outcome(self) -> StackOutcome:
        """The child's outcome, or the pass run here when there is no child or it failed."""
        if self._pid:
            with os.fdopen(self._read, "rb") as pipe:
                self._read = -1
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
            self.closed = True
            if os.waitstatus_to_exitcode(status) == 0 and data:
                try:
                    outcome = pickle.loads(data)  # our own child's answer, through our own pipe
                except Exception:  # noqa: BLE001 - a cut answer: run the pass here
                    outcome = None
                if isinstance(outcome, StackOutcome):
                    return outcome
        return _run(self._stack_pass)

    def close(self) -> None:
        """Stop the child if it still runs (the resource pass failed or was interrupted)."""
        if self._read >= 0:
            os.close(self._read)
            self._read = -1
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = 0
        self.closed = True

    def __enter__(self) -> ForkedStackPass:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


__all__ = ["FORK_MAX", "FORK_MIN", "SERIAL_ENV", "ForkedStackPass", "Recorder", "StackOutcome", "forks_for"]
