"""`check`'s inputs read in a forked child while this process imports the policy engine.

Before a check can judge anything it must read its inputs (a third of a second for a plan of
10,000 resources) and import the engine: pulumi, pulumi-policy, gRPC and the policies (a fifth of a
second). Neither needs the other, so `check` forks a child to read while it imports; the child
sends what it read back pickled, which costs a twentieth of the reading (shared strings are sent
once). The inputs are read exactly as `read_input` reads them, one after the other, stopping at the
first that cannot be read, whose error is raised when its turn comes, as it would be without the
child. A child that fails costs time only: the inputs are then read here.

Only inputs read whole in memory go to the child (`WHOLE_PLAN_LIMIT`: a larger plan is streamed,
and a second copy of its registrations would cost more memory than the time it saves); directories
of `.tf` files are small.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from .. import forking
from .sizes import WHOLE_PLAN_LIMIT

if TYPE_CHECKING:  # imported by the child, which reads (and by this process only if it must)
    from .common import ReadInput

#: What the child sends: each input read, then the error of the first that could not be.
_Reads: TypeAlias = "tuple[list[ReadInput], Exception | None]"


def worth_reading_ahead(paths: Sequence[Path]) -> bool:
    """Whether the inputs are small enough to read in a child, and a child can run beside this process."""
    try:
        total = sum(0 if path.is_dir() else path.stat().st_size for path in paths)
    except OSError:  # a missing input: read_input says so in its words
        return False
    return total <= WHOLE_PLAN_LIMIT and forking.forking_helps()


class ReadAhead:
    """The inputs `paths`, read by a forked child from the moment this is made; `read(path)` gives
    each, in the order of `paths`, raising the error `read_input` raised for it."""

    def __init__(
        self, paths: Sequence[Path], *, variables: Mapping[str, str] | None = None, var_files: Sequence[Path] = ()
    ) -> None:
        self.paths = list(paths)
        self._variables = dict(variables or {})
        self._var_files = list(var_files)
        self._child: forking.ForkedCall[_Reads] | None = forking.ForkedCall(self._read_all)
        #: whether a child reads (else each input is read here when its turn comes)
        self.forked = self._child.forked
        self._reads: list[ReadInput] | None = None
        self._error: Exception | None = None
        self._next = 0

    def _read_one(self, path: Path) -> ReadInput:
        from .detect import read_input

        return read_input(path, variables=self._variables, var_files=self._var_files)

    def _read_all(self) -> _Reads:
        reads: list[ReadInput] = []
        for path in self.paths:
            try:
                reads.append(self._read_one(path))
            except Exception as exc:  # noqa: BLE001 - raised in the parent when this input's turn comes
                return reads, exc
        return reads, None

    def read(self, path: Path) -> ReadInput:
        """The next input, which must be `path` (inputs are taken in order)."""
        if self._next >= len(self.paths) or self.paths[self._next] != path:
            raise ValueError(f"{path}: not the next input read ahead")
        if self._reads is None:
            answer = self._child.result() if self._child is not None else None
            self.close()
            if answer is None:  # no child, or it failed: each input is read here, in its turn
                self._reads = []
            else:
                self._reads, self._error = answer
        index = self._next
        self._next += 1
        if index < len(self._reads):
            return self._reads[index]
        if self._error is not None and index == len(self._reads):
            raise self._error
        return self._read_one(path)

    def close(self) -> None:
        """Stop the child if it still reads (the check failed or was interrupted first)."""
        if self._child is not None:
            self._child.close()
            self._child = None


__all__ = ["ReadAhead", "worth_reading_ahead"]
