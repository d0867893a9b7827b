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

It forks only where that is safe (`forking.forking_helps`) and pays: the stack is large enough for
the work to outweigh the fork (`FORK_MIN`) yet small enough that the child's copied pages cannot
approach the memory budget (`FORK_MAX`; at 100,000 resources `check` stays under 300 MB). Whatever
goes wrong with the child (it cannot be forked, it dies, its answer is cut short) costs time,
never a finding: this process then does the child's part itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import forking
from ..model import Finding

#: Fewer registrations than this: the work is shorter than forking and sending the findings back.
FORK_MIN = 2_000
#: More than this: the child's copy-on-write pages are a real share of memory; one process judges.
FORK_MAX = 50_000
#: Registrations per chunk of the resource pass: small enough that neither process waits long for
#: the other's last chunk (~10 ms of policies), large enough that taking one costs nothing.
CHUNK = 250

_INDEX_BYTES = 4


def forks_for(resources: int) -> bool:
    """Whether a check of `resources` registrations shares its judging with a forked child."""
    return FORK_MIN <= resources <= FORK_MAX and forking.forking_helps()


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


__all__ = ["CHUNK", "FORK_MAX", "FORK_MIN", "Chunks", "Recorder", "forks_for"]
