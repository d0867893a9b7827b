"""Work done in a forked child on a second core, its result sent back through a pipe.

`check` uses it twice: to read its inputs while this process imports the policy engine
(`inputs/read_ahead.py`), and to share the judging of a large input (`analyzer/forked.py`). Both
only fork where `os.fork` exists (not on Windows), two cores are free to this process and
`FINOPS_GUARD_SERIAL` is unset; both do the child's work themselves when the child fails.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from typing import Any, Generic, TypeVar

#: Set to 1 to never fork: one process does everything, one step after the other.
SERIAL_ENV = "FINOPS_GUARD_SERIAL"


def cores_free() -> int:
    """The cores this process may run on (its affinity, where the platform says)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def forking_helps() -> bool:
    """Whether work can go to a forked child that runs beside this process."""
    if os.environ.get(SERIAL_ENV, "").strip().lower() not in ("", "0", "false", "no"):
        return False
    return hasattr(os, "fork") and cores_free() >= 2


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


__all__ = ["SERIAL_ENV", "ForkedCall", "cores_free", "forking_helps"]
