"""The findings of a large run, in report order, without holding them all in memory.

A 100,000-resource plan can carry 400,000 findings; as objects with their messages they take
hundreds of megabytes, and the reports only ever read them in one order (`ordered_findings`: by
resource in registration order, then state, policy, property, message). `FindingStore` keeps up to
`keep` findings in memory; beyond that it sorts them in that order and writes them to a temporary
file as one sorted run (marshal, in chunks), and iterating merges the runs and what is still in
memory, so at most one chunk per run is held while a report is written. Counts (`summary`,
`blocking`) are kept as findings are added, so the verdict needs no pass over the file.

The order is exactly `sorted(findings, key=...)` of `reports._common.ordered_findings` for the
registrations the store was made with: ties keep the order findings were added in (every run is
sorted stably and `heapq.merge` prefers the earlier run).
"""

from __future__ import annotations

import heapq
import marshal
import os
import tempfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import IO, Any

from .model import Finding, Registration, SourceLocation, Summary

#: Findings held in memory before a sorted run is written out (~450 bytes each with the message).
DEFAULT_KEEP = 20_000
#: Findings per marshal chunk of a run: what iterating holds per run.
_CHUNK = 2_000
#: Order of states within one resource (`reports._common._STATE_RANK`).
STATE_RANK = {"violation": 0, "unverifiable": 1, "waived": 2}

_Row = tuple[Any, ...]


def positions(resources: Sequence[Registration]) -> dict[str, int]:
    """Each URN's place in registration order (a repeated URN: its last place, as the reports count it)."""
    return {registration.urn: index for index, registration in enumerate(resources)}


def _row(finding: Finding) -> _Row:
    location = (finding.location.file, finding.location.line) if finding.location is not None else None
    related = tuple((loc.file, loc.line) for loc in finding.related)
    return (
        finding.policy,
        finding.enforcement,
        finding.state,
        finding.urn,
        finding.type,
        finding.name,
        finding.message,
        finding.property,
        finding.waiver,
        location,
        related,
        finding.details,
    )


def _finding(row: _Row) -> Finding:
    policy, enforcement, state, urn, type_, name, message, prop, waiver, location, related, details = row
    return Finding(
        policy=policy,
        enforcement=enforcement,
        state=state,
        urn=urn,
        type=type_,
        name=name,
        message=message,
        property=prop,
        waiver=waiver,
        location=SourceLocation(*location) if location is not None else None,
        related=tuple(SourceLocation(*loc) for loc in related),
        details=details,
    )


class FindingStore(Collection[Finding]):
    """Findings of one run, iterated in report order for `resources` (see the module docstring)."""

    def __init__(self, resources: Sequence[Registration], keep: int = DEFAULT_KEEP) -> None:
        self.resources = resources
        self._position = positions(resources)
        self._unplaced = len(self._position)  # as ordered_findings places a URN of no registration
        self._keep = max(1, keep)
        self._pending: list[Finding] = []
        #: whether `_pending` is in report order (sorted in place once, for every later iteration)
        self._sorted = True
        self._runs: list[list[tuple[int, int]]] = []  # each sorted run: its chunks' (offset, length) in the file
        self._file: IO[bytes] | None = None
        self._count = 0
        self._summary = Summary()

    # --- adding ---------------------------------------------------------------------------------

    def add(self, finding: Finding) -> None:
        self._pending.append(finding)
        self._sorted = False
        self._count += 1
        self._summary.count(finding)
        if len(self._pending) >= self._keep:
            self._spill()

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.add(finding)

    def _key(self, finding: Finding) -> tuple[Any, ...]:
        return (
            self._position.get(finding.urn, self._unplaced),
            finding.urn,
            STATE_RANK.get(finding.state, len(STATE_RANK)),
            finding.policy,
            finding.property or "",
            finding.message,
        )

    def _row_key(self, row: _Row) -> tuple[Any, ...]:
        return (
            self._position.get(row[3], self._unplaced),
            row[3],
            STATE_RANK.get(row[2], len(STATE_RANK)),
            row[0],
            row[7] or "",
            row[6],
        )

    def _spill(self) -> None:
        if self._file is None:
            # deleted when closed (and by the OS on exit): nothing is left behind
            self._file = tempfile.TemporaryFile(prefix="finops-guard-findings-")  # noqa: SIM115 - closed by close()
        self._pending.sort(key=self._key)
        self._file.seek(0, os.SEEK_END)
        offset = self._file.tell()
        chunks: list[tuple[int, int]] = []
        for start in range(0, len(self._pending), _CHUNK):
            data = marshal.dumps([_row(f) for f in self._pending[start : start + _CHUNK]])
            self._file.write(data)
            chunks.append((offset, len(data)))
            offset += len(data)
        self._file.flush()
        self._runs.append(chunks)
        self._pending = []
        self._sorted = True

    # --- reading --------------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __contains__(self, item: object) -> bool:
        return any(item == finding for finding in self)

    def summary(self) -> Summary:
        """The counts of `RunResult.summary`, kept as findings were added."""
        s = self._summary
        return Summary(s.mandatory, s.advisory, s.waived, s.unverifiable, s.errored)

    @property
    def blocking(self) -> bool:
        """Some finding blocks the run (what `RunResult.passed` negates)."""
        return self._summary.mandatory > 0

    def ordered_for(self, resources: Sequence[Registration]) -> bool:
        """True when iterating gives the report order for `resources` (the very list it was made with)."""
        return resources is self.resources

    def _run_rows(self, chunks: list[tuple[int, int]]) -> Iterator[_Row]:
        assert self._file is not None
        descriptor = self._file.fileno()
        for offset, length in chunks:  # positioned reads: the merge reads the runs in turns
            yield from marshal.loads(os.pread(descriptor, length, offset))

    def __iter__(self) -> Iterator[Finding]:
        if not self._sorted:  # stable: findings added since keep their order among equals
            self._pending.sort(key=self._key)
            self._sorted = True
        memory = self._pending[:]  # a copy: an `add` while iterating changes nothing iterated
        if not self._runs:
            return iter(memory)
        streams: list[Iterable[_Row]] = [self._run_rows(chunks) for chunks in self._runs]
        streams.append(_row(f) for f in memory)
        return (_finding(row) for row in heapq.merge(*streams, key=self._row_key))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._runs = []

    def __del__(self) -> None:
        self.close()

    # --- several inputs -------------------------------------------------------------------------

    @classmethod
    def merged(
        cls, resources: Sequence[Registration], parts: Iterable[Iterable[Finding]], keep: int = DEFAULT_KEEP
    ) -> FindingStore:
        """One store over `resources` (the inputs' registrations, in order) holding every part's findings."""
        store = cls(resources, keep)
        for part in parts:
            store.extend(part)
        return store
