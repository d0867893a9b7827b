"""An in-process check's judging shared with a forked child, on a second core.

The two passes of an in-process check read the registrations and write only findings: the resource
pass one resource at a time, the stack pass (`AnalyzeStack`) once over the whole stack. Neither
reads what the other writes. So where it pays, a child forked after the input is read (it sees the
registrations without copying them) runs the stack pass, then takes chunks of resources from the
same queue as this process, until none is left; its findings come back through a pipe. Taking
chunks as each process is free, not a fixed share, keeps both busy to the end whatever the stack
and whatever else the machine runs.

The report is the one the passes give one after the other, byte for byte: the finding store orders
findings by resource, and a resource's findings come from one pass of one process, stored in the
order that process made them, the stack pass's after the resource pass's
(`tests/test_forked_judging.py` compares the two on every input kind).

It forks only where that pays and is safe: `os.fork` exists (not on Windows), two cores are free to
this process, and the stack is large enough for the work to outweigh the fork (`FORK_MIN`) yet
small enough that the child's copied pages cannot approach the memory budget (`FORK_MAX`; at
100,000 resources `check` stays under 300 MB). Whatever goes wrong with the child (it cannot be
forked, it dies, its answer is cut short) costs time, never a finding: this process then does the
child's part itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..model import Finding

#: Fewer registrations than this: the work is shorter than forking and sending the findings back.
FORK_MIN = 2_000
#: More than this: the child's copy-on-write pages are a real share of memory; one process judges.
FORK_MAX = 50_000
#: Registrations per chunk of the resource pass: small enough that neither process waits long for
#: the other's last chunk (~10 ms of policies), large enough that taking one costs nothing.
CHUNK = 250
#: Set to 1 to never fork (one process, the passes one after the other).
SERIAL_ENV = "FINOPS_GUARD_SERIAL"

_INDEX_BYTES = 4


def cores_free() -> int:
    """The cores this process may run on (its affinity, where the platform says)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def forks_for(resources: int) -> bool:
    """Whether a check of `resources` registrations shares its judging with a forked child."""
    if os.environ.get(SERIAL_ENV, "").strip().lower() not in ("", "0", "false", "no"):
        return False
    return hasattr(os, "fork") and FORK_MIN <= resources <= FORK_MAX and cores_free() >= 2


@dataclass
class Recorder:
    """Stands in for the `FindingStore` where findings must be kept apart: what is stored, in order."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)


class Chunks:
    """The resource pass's registrations in chunks, each taken by one process only, first come first
    served: a pipe holding every chunk's index, filled before the fork, which both processes read
    (a read of one index is one `read` of a few bytes, which the kernel never splits)."""

    def __init__(self, total: int, size: int | None = None) -> None:
        self.total = total
        self.size = max(1, CHUNK if size is None else size)
        self.count = (total + self.size - 1) // self.size
        self._read, write = os.pipe()
        try:
            # ~40 indexes for 10,000 registrations: far below the pipe's buffer, so this never blocks
            os.write(write, b"".join(i.to_bytes(_INDEX_BYTES, "little") for i in range(self.count)))
        finally:
            os.close(write)

    def bounds(self, index: int) -> tuple[int, int]:
        """The registrations (start, stop) of chunk `index`."""
        return index * self.size, min(self.total, (index + 1) * self.size)

    def __iter__(self) -> Iterator[int]:
        """The indexes of the chunks this process takes, until none is left."""
        while self._read >= 0:
            data = os.read(self._read, _INDEX_BYTES)
            if not data:
                return
            yield int.from_bytes(data, "little")

    def close(self) -> None:
        if self._read >= 0:
            os.close(self._read)
            self._read = -1

    def __enter__(self) -> Chunks:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


T = TypeVar("T")


class ForkedCall(Generic[T]):
    """`function()` run in a forked child. `result()` waits for it and returns its value, raises the
    exception it raised, or returns None when there is no child or it failed (it died, or what it
    returned could not be sent): then the caller does its work. As a context manager, leaving early
    kills the child."""

    def __init__(self, function: Callable[[], T]) -> None:
        self._function = function
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
                payload: tuple[bool, Any] = (True, self._function())
            except Exception as exc:  # noqa: BLE001 - sent to the parent, which raises it
                payload = (False, exc)
            try:
                data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - what cannot be sent, the parent does itself
                data = b""
            with os.fdopen(write, "wb") as out:
                out.write(data)
            code = 0 if data else 1
        finally:
            # no atexit handlers, no flushing of buffers inherited from the parent
            os._exit(code)

    def result(self) -> T | None:
        if not self._pid:
            return None
        with os.fdopen(self._read, "rb") as pipe:
            self._read = -1
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        self.closed = True
        if os.waitstatus_to_exitcode(status) != 0 or not data:
            return None
        try:
            returned, value = pickle.loads(data)  # our own child's answer, through our own pipe
        except Exception:  # noqa: BLE001 - a cut answer: the caller does the work
            return None
        if not returned:
            raise value
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stop the child if it still runs (this process's part failed or was interrupted)."""
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

    def __enter__(self) -> ForkedCall[T]:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


__all__ = ["CHUNK", "FORK_MAX", "FORK_MIN", "SERIAL_ENV", "Chunks", "ForkedCall", "Recorder", "forks_for"]
