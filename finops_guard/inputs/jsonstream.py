"""Reading large JSON inputs without holding them whole: plans of 100,000 resources are ~220 MB.

`json.load` of such a plan builds well over a gigabyte of Python objects, most of them values the
readers never look at (`planned_values` and `prior_state` repeat every resource). ijson (its C
yajl2 backend) streams instead: one pass keeps only the small top-level sections asked for, a
second yields `resource_changes` items one at a time. A file that is not valid JSON is read once
more with the standard parser, only to name the line and column in the error.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from .jsonfile import InputError, decode, loads, read_bytes

#: Opens the input as UTF-8 bytes, from the start, each time it is called.
Opener = Callable[[], IO[bytes]]


#: hashicorp/setup-terraform's wrapper (`terraform_wrapper: true`, its default) writes the command
#: line before Terraform's stdout and GitHub workflow commands after it, so
#: `terraform show -json plan.out > plan.json` in such a job is not JSON as it stands (infracost's
#: testdata `plan_with_terraform_wrapper.json` is one).
WRAPPER_PREFIX = "[command]"


def unwrap(text: str) -> str:
    """The JSON inside setup-terraform wrapper output (other text is returned as it is)."""
    if not text.startswith(WRAPPER_PREFIX):
        return text
    body = text.split("\n", 1)[1] if "\n" in text else ""
    lines = body.rstrip().split("\n")
    while lines and lines[-1].startswith("::"):  # ::set-output / ::debug:: workflow commands
        lines.pop()
    body = "\n".join(lines).rstrip()
    return body[: -len("%0A")] if body.endswith("%0A") else body  # the wrapper's escaped newline


def opener(path: Path) -> Opener:
    """UTF-8 files stream from disk; other encodings (and wrapped output) are transcoded once into memory."""
    with path.open("rb") as handle:
        head = handle.read(len(WRAPPER_PREFIX))
    if head.startswith(WRAPPER_PREFIX.encode()):
        data = unwrap(decode(read_bytes(path), str(path))).encode("utf-8")
        return lambda: io.BytesIO(data)
    utf8_bom = head[:3] == b"\xef\xbb\xbf"
    if utf8_bom or (0 not in head and head[:2] not in (b"\xff\xfe", b"\xfe\xff")):
        skip = 3 if utf8_bom else 0

        def from_disk() -> IO[bytes]:
            handle = path.open("rb")
            handle.seek(skip)
            return handle

        return from_disk
    data = unwrap(decode(read_bytes(path), str(path))).encode("utf-8")
    return lambda: io.BytesIO(data)


def _fail(open_input: Opener, path: Path, error: Exception) -> InputError:
    """The standard parser's positioned message for a file ijson rejected."""
    with open_input() as handle:
        text = handle.read().decode("utf-8", errors="replace")
    try:
        loads(text, str(path))
    except InputError as positioned:
        return positioned
    return InputError(f"{path}: not valid JSON: {error}.")


class _Builder:
    """`ijson.ObjectBuilder`, plus `compact(prefix, value)` applied to each completed container whose
    prefix `watch` accepts: its result replaces the container, so what is kept stays small."""

    def __init__(self, watch: Callable[[str], bool], compact: Callable[[str, Any], Any]) -> None:
        self.value: Any = None
        self.key: str = ""
        self.watch = watch
        self.compact = compact
        #: (container, its prefix when watched else None, the key it was stored under)
        self.containers: list[tuple[Any, str | None, str]] = []

    def _add(self, value: Any) -> None:
        if not self.containers:
            self.value = value
            return
        top = self.containers[-1][0]
        if isinstance(top, list):
            top.append(value)
        else:
            top[self.key] = value

    def event(self, prefix: str, event: str, value: Any) -> None:
        if event == "map_key":
            self.key = value
        elif event in {"start_map", "start_array"}:
            container: Any = {} if event == "start_map" else []
            self._add(container)
            self.containers.append((container, prefix if self.watch(prefix) else None, self.key))
        elif event in {"end_map", "end_array"}:
            container, watched, key = self.containers.pop()
            if watched is not None:
                replaced = self.compact(watched, container)
                if not self.containers:
                    self.value = replaced
                elif isinstance(parent := self.containers[-1][0], list):
                    parent[-1] = replaced
                else:
                    parent[key] = replaced
        else:
            self._add(value)


#: (watch, compact) for a top-level key whose value `top_level` keeps compact as it is read.
Compactor = tuple[Callable[[str], bool], Callable[[str, Any], Any]]


def _never(prefix: str) -> bool:
    return False


def top_level(
    open_input: Opener, path: Path, keep: frozenset[str], compactors: dict[str, Compactor] | None = None
) -> tuple[set[str], dict[str, Any]]:
    """The top-level keys of the document, and the values of those in `keep` (built whole, or
    compacted as they are read for a key in `compactors`)."""
    keys: set[str] = set()
    kept: dict[str, Any] = {}
    builder: _Builder | None = None
    building = ""
    try:
        with open_input() as handle:
            for prefix, event, value in ijson.parse(handle, use_float=True):
                if builder is not None:
                    builder.event(prefix, event, value)
                    if prefix == building and event in {"end_map", "end_array"}:
                        kept[building] = builder.value
                        builder = None
                    continue
                if prefix == "" and event == "map_key":
                    keys.add(value)
                elif prefix in keep and "." not in prefix:
                    watch, compact = (compactors or {}).get(prefix) or (_never, _keep_as_is)
                    builder = _Builder(watch, compact)
                    building = prefix
                    builder.event(prefix, event, value)
                    if event not in {"start_map", "start_array"}:
                        kept[prefix] = builder.value
                        builder = None
                elif prefix == "" and event not in {"start_map", "end_map"}:
                    return keys, kept  # not an object at the top: the caller says what it is
    except ijson.JSONError as error:
        raise _fail(open_input, path, error) from None
    return keys, kept


def _keep_as_is(prefix: str, value: Any) -> Any:
    return value


#: A run of this many digits may be an integer outside the signed 64-bit range, which ijson's
#: yajl backend refuses (an input error) and orjson would read (as a float beyond 64 bits).
_LONG_DIGITS = b"0" * 19
#: Every digit as b"0", every other byte as b" ": the search for a long run is then one `find`.
_DIGITS_AS_ZERO = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))


def _orjson_top_level(data: bytes) -> dict[str, Any] | list[Any] | None:
    """The document parsed by orjson, or None where ijson could answer otherwise (then ijson reads it).

    orjson parses strict RFC 8259 JSON, like ijson's yajl backend with our options, into the same
    values (integers as int, other numbers as float, the last of repeated keys), two to three
    times faster. Where the two could differ, ijson decides: any document orjson refuses (NaN,
    infinities, lone surrogates, invalid UTF-8, nesting beyond its limit, trailing data), and any
    with 19 digits in a row, which may be an integer yajl refuses and orjson reads.
    """
    try:
        import orjson
    except ImportError:  # pragma: no cover - a dependency; ijson reads everything without it
        return None
    if data.translate(_DIGITS_AS_ZERO).find(_LONG_DIGITS) >= 0:
        return None
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return document if isinstance(document, dict | list) else None


def whole_top_level(open_input: Opener, path: Path, keep: frozenset[str]) -> tuple[set[str], dict[str, Any]]:
    """What `top_level` returns, in one pass that builds every top-level value in C (and drops
    those not in `keep` at once): faster for a document that fits in memory several times over."""
    keys: set[str] = set()
    kept: dict[str, Any] = {}
    with open_input() as handle:
        document = _orjson_top_level(handle.read())
    if isinstance(document, dict):
        return set(document), {key: value for key, value in document.items() if key in keep}
    if isinstance(document, list):  # not an object at the top: nothing is kept, as with ijson
        return keys, kept
    try:
        with open_input() as handle:
            for key, value in ijson.kvitems(handle, "", use_float=True):
                keys.add(key)
                if key in keep:
                    kept[key] = value
    except ijson.JSONError as error:
        raise _fail(open_input, path, error) from None
    return keys, kept


def items(open_input: Opener, path: Path, prefix: str) -> Iterator[Any]:
    """Each element of the array at `prefix`, built one at a time."""
    try:
        with open_input() as handle:
            yield from ijson.items(handle, f"{prefix}.item", use_float=True)
    except ijson.JSONError as error:
        raise _fail(open_input, path, error) from None
