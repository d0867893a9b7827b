"""Work done in a forked child on a second core, its result sent back to this process.

`check` uses it twice: to read its inputs while this process imports the policy engine
(`inputs/read_ahead.py`: a `ForkedStream`, which hands each batch of registrations over as it is
read), and to share the judging of a large input (`analyzer/forked.py`: a `ForkedCall`). Both
only fork where `os.fork` exists (not on Windows), two cores are free to this process and
`FINOPS_GUARD_SERIAL` is unset; both do the child's work themselves when the child fails.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any, Generic, Self, TypeVar

#: Set to 1 to never fork: one process does everything, one step after the other.
SERIAL_ENV = "FINOPS_GUARD_SERIAL"


def cores_free() -> int:
    """The cores this process may run on (its affinity, where the platform says)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def threads() -> int:
    """This process's threads, as the OS counts them where it says (a C library's threads too,
    which `threading` does not see), else as `threading` counts them."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def forking_helps() -> bool:
    """Whether work can go to a forked child that runs beside this process."""
    if os.environ.get(SERIAL_ENV, "").strip().lower() not in ("", "0", "false", "no"):
        return False
    # A child forked while another thread runs may inherit a lock that thread holds (the import
    # lock, the allocator's) and wait on it forever: only a process of one thread forks (the CLI
    # is one; a program that calls `check` from a threaded server is not). CPython 3.12 warns.
    return hasattr(os, "fork") and cores_free() >= 2 and threads() == 1


T = TypeVar("T")


def _stop(pid: int) -> None:
    """Kill the child `pid` if it still runs, and reap it."""
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _fork(child: Callable[[int], None]) -> tuple[int, int] | None:
    """Fork a child that runs `child(write end of a pipe)` and never returns; here: (its process
    ID, the read end), or None when it could not be forked."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:  # the child: `child` ends with os._exit, and nothing else it raises gets out
        try:
            os.close(read)
            child(write)
        finally:
            os._exit(1)
    os.close(write)
    return pid, read


def _answer(last: tuple[bool, Any]) -> Any:
    """What the child returned, or the exception it raised, raised here."""
    returned, value = last
    if not returned:
        raise value
    return value


class _Child:
    """A forked child as its parent holds it: its process, and the read end of its pipe. `close`
    stops it if it still runs; as a context manager, leaving early kills it."""

    def __init__(self, child: Callable[[int], None] | None) -> None:
        #: the child's process ID, 0 when it could not be forked (or `child` is None: no fork)
        self.pid = 0
        #: whether the child was waited for or stopped
        self.closed = False
        self._pid = 0  # while the child is neither waited for nor stopped
        self._read = -1
        forked = _fork(child) if child is not None else None
        if forked is not None:
            self.pid = self._pid = forked[0]
            self._read = forked[1]

    @property
    def forked(self) -> bool:
        return self.pid != 0

    def close(self) -> None:
        """Stop the child if it still runs (this process's part failed or was interrupted)."""
        if self._read >= 0:
            os.close(self._read)
            self._read = -1
        if self._pid:
            _stop(self._pid)
            self._pid = 0
        self.closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class ForkedCall(_Child, Generic[T]):
    """`function()` run in a forked child. `result()` waits for it and returns its value, raises the
    exception it raised, or returns None when there is no child or it failed (it died, or what it
    returned could not be sent): then the caller does its work."""

    def __init__(self, function: Callable[[], T]) -> None:
        self._function = function
        super().__init__(self._child)

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
            last = pickle.loads(data)  # our own child's answer, through our own pipe
        except Exception:  # noqa: BLE001 - a cut answer: the caller does the work
            return None
        return _answer(last)  # type: ignore[no-any-return]


class _NotSent(BaseException):
    """A message the child could not send: the stream is cut short, and the parent does the work
    (a BaseException: the function's own `except Exception` must not take it for its error)."""


#: A note of the stream: the end offset of a message in the file, and whether it is the last.
_NOTE = struct.Struct("<QB")
_MESSAGE, _LAST = 0, 1


class ForkedStream(_Child, Generic[T]):
    """`function(send)` run in a forked child, which `send`s objects as it goes: `messages()` gives
    them here in order, as they come, then `result()` what `function` returned (or raises what it
    raised), or None when there is no child or it failed midway (the caller then does the work).

    The child writes each message, pickled, to an unlinked file this process made, and a 9-byte
    note of where it ends to a pipe: writing never waits for this process to read, which may be
    busy for a while (a pipe would hold 64 KB; a plan's registrations are megabytes).
    """

    def __init__(self, function: Callable[[Callable[[Any], None]], T]) -> None:
        self._function = function
        self._offset = 0
        self._broken = False
        #: what the child returned, once its last message is read: (returned, value)
        self._last: tuple[bool, Any] | None = None
        try:
            self._file = tempfile.TemporaryFile(prefix="finops-guard-stream-")  # noqa: SIM115 - closed by close()
        except OSError:
            super().__init__(None)
            return
        super().__init__(self._child)
        if not self.forked:
            self._file.close()

    def _child(self, note: int) -> None:
        code = 1
        descriptor = self._file.fileno()
        offset = 0

        def put(payload: Any, kind: int) -> None:
            nonlocal offset
            try:
                data = memoryview(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
                while data:  # positioned writes: this process alone sets where each message goes
                    written = os.pwrite(descriptor, data, offset)
                    data, offset = data[written:], offset + written
                os.write(note, _NOTE.pack(offset, kind))  # 9 bytes: one write, never split
            except Exception as exc:  # a full disk, something unpicklable: not the function's error
                raise _NotSent from exc

        try:
            try:
                last: tuple[bool, Any] = (True, self._function(lambda message: put(message, _MESSAGE)))
            except Exception as exc:  # noqa: BLE001 - sent to the parent, which raises it
                last = (False, exc)
            put(last, _LAST)
            code = 0
        except (Exception, _NotSent):  # noqa: BLE001 - a message that cannot be sent: the parent does the work
            code = 1
        finally:
            os._exit(code)  # no atexit handlers, no flushing of buffers inherited from the parent

    def _next_note(self) -> tuple[int, int] | None:
        data = b""
        while len(data) < _NOTE.size:
            chunk = os.read(self._read, _NOTE.size - len(data))
            if not chunk:
                return None
            data += chunk
        end, kind = _NOTE.unpack(data)
        return end, kind

    def messages(self) -> Iterator[Any]:
        """What the child sends, in order, each as soon as it is written; ends at its last."""
        while self._pid and self._last is None and not self._broken:
            note = self._next_note()
            if note is None or note[0] < self._offset:
                self._broken = True  # the child died midway
                break
            end, kind = note
            data = os.pread(self._file.fileno(), end - self._offset, self._offset)
            self._offset = end
            try:
                message = pickle.loads(data)  # our own child's message, through our own file
            except Exception:  # noqa: BLE001 - a cut message: the caller does the work
                self._broken = True
                break
            if kind == _LAST:
                self._last = message
                break
            yield message

    def result(self) -> T | None:
        """Waits for the child's end (its messages not yet taken are dropped)."""
        for _ in self.messages():
            pass
        last = self._last
        if last is not None and self._pid:  # its last message is written: it is exiting
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = 0
        self.close()
        if last is None:  # no child, or it died midway
            return None
        return _answer(last)  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stop the child if it still runs; release the pipe and the file."""
        super().close()
        if self.pid:
            self._file.close()


__all__ = ["SERIAL_ENV", "ForkedCall", "ForkedStream", "cores_free", "forking_helps"]
