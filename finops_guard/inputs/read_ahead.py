"""`check`'s inputs read in a forked child while this process imports the policy engine.

Before a check can judge anything it must read its inputs (a third of a second for a plan of
10,000 resources) and import the engine: pulumi, pulumi-policy, gRPC, the policies and the reports
(another third). Neither needs the other, so `check` forks a child to read while it imports. The
child is forked before any reader is imported (it imports them itself), and sends what it reads as
it goes: a plan's registrations in batches, as the reader makes them, then the rest of the input
(what the reader added once it had read the whole plan: the dependencies between resources). This
process takes the batches as soon as its imports are done, and can prepare each for the judging
(`on_batch`) while the child still reads.

The inputs are read exactly as `read_input` reads them, one after the other, stopping at the first
that cannot be read, whose error is raised when its turn comes, as it would be without the child.
A child that fails costs time only: the inputs are then read here.

Only inputs read whole in memory go to the child (`WHOLE_PLAN_LIMIT`: a larger plan is streamed,
and a second copy of its registrations would cost more memory than the time it saves); directories
of `.tf` files are small.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import forking
from .sizes import WHOLE_PLAN_LIMIT

if TYPE_CHECKING:  # imported by the child, which reads (and by this process only if it must)
    from ..model import Registration
    from .common import ReadInput

#: Registrations per batch the child sends (~0.1 MB pickled).
BATCH = 500

#: What the child sends: a batch of the current input's registrations; the end of an input (the
#: input without its registrations, those not sent in batches, and the dependencies of those that
#: were, by position); or the error of the first input that could not be read.
_BATCH, _READ, _ERROR = "batch", "read", "error"


def worth_reading_ahead(paths: Sequence[Path]) -> bool:
    """Whether the inputs are small enough to read in a child, and a child can run beside this process."""
    try:
        total = sum(0 if path.is_dir() else path.stat().st_size for path in paths)
    except OSError:  # a missing input: read_input says so in its words
        return False
    return total <= WHOLE_PLAN_LIMIT and forking.forking_helps()


def _links(registrations: Sequence[Registration]) -> list[tuple[int, list[str], dict[str, list[str]]]]:
    """The dependencies of the registrations that have any, by position."""
    return [
        (index, r.dependencies, r.property_dependencies)
        for index, r in enumerate(registrations)
        if r.dependencies or r.property_dependencies
    ]


class ReadAhead:
    """The inputs `paths`, read by a forked child from the moment this is made; `read(path)` gives
    each, in the order of `paths`, raising the error `read_input` raised for it."""

    def __init__(
        self, paths: Sequence[Path], *, variables: Mapping[str, str] | None = None, var_files: Sequence[Path] = ()
    ) -> None:
        self.paths = list(paths)
        self._variables = dict(variables or {})
        self._var_files = list(var_files)
        self._child: forking.ForkedStream[None] | None = forking.ForkedStream(self._read_all)
        #: whether a child reads (else each input is read here when its turn comes)
        self.forked = self._child.forked
        self._messages = self._child.messages() if self.forked else iter(())
        #: the child failed: every input from the one being read on is read here
        self._here = not self.forked
        self._next = 0

    def _read_one(self, path: Path, on_registration: Callable[[Registration], None] | None = None) -> ReadInput:
        from .detect import read_input

        return read_input(path, variables=self._variables, var_files=self._var_files, on_registration=on_registration)

    def _read_all(self, send: Callable[[Any], None]) -> None:
        """In the child: each input, its registrations in batches as they are made, then its end."""
        for path in self.paths:
            sent: list[Registration] = []
            batch: list[Registration] = []

            def made(
                registration: Registration, batch: list[Registration] = batch, sent: list[Registration] = sent
            ) -> None:
                batch.append(registration)
                if len(batch) >= BATCH:
                    send((_BATCH, batch))
                    sent.extend(batch)
                    batch.clear()

            try:
                read = self._read_one(path, made)
            except Exception as exc:  # noqa: BLE001 - raised in the parent when this input's turn comes
                send((_ERROR, exc))
                return
            registrations = read.registrations
            if len(sent) <= len(registrations) and all(a is b for a, b in zip(sent, registrations, strict=False)):
                rest, links = registrations[len(sent) :], _links(sent)
            else:  # pragma: no cover - the readers hand on what they keep, in order; if not, all of it
                rest, links = registrations, None
            send((_READ, replace(read, registrations=[]), rest, links))

    def read(self, path: Path, on_batch: Callable[[list[Registration]], None] | None = None) -> ReadInput:
        """The next input, which must be `path` (inputs are taken in order). `on_batch` sees each of
        its registrations once, in order, as they come (the last ones with the end of the input),
        some before their dependencies are set (the returned input holds them all, with their
        dependencies)."""
        if self._next >= len(self.paths) or self.paths[self._next] != path:
            raise ValueError(f"{path}: not the next input read ahead")
        self._next += 1
        if not self._here:
            registrations: list[Registration] = []
            for message in self._messages:
                if message[0] == _BATCH:
                    registrations.extend(message[1])
                    if on_batch is not None:
                        on_batch(message[1])
                    continue
                if message[0] == _ERROR:
                    self.close()
                    raise message[1]
                _, read, rest, links = message
                if links is None:
                    registrations = []
                registrations.extend(rest)
                if on_batch is not None and rest and links is not None:  # the last, partial batch
                    on_batch(rest)
                for index, dependencies, property_dependencies in links or ():
                    registrations[index].dependencies = dependencies
                    registrations[index].property_dependencies = property_dependencies
                read.registrations = registrations
                if self._next == len(self.paths):
                    self.close()
                result: ReadInput = read
                return result
            self.close()  # the child died midway: this input and the next are read here
            self._here = True
        return self._read_one(path)

    def close(self) -> None:
        """Stop the child if it still reads (the check failed or was interrupted first)."""
        if self._child is not None:
            self._child.close()
            self._child = None
            self._messages = iter(())


__all__ = ["BATCH", "ReadAhead", "worth_reading_ahead"]
