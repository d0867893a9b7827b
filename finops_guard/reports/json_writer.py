"""Writes JSON exactly as `json.dumps(value, indent=2, ensure_ascii=False)`, to a stream, with lists
that may be produced lazily (`Lazy`).

A report of 400,000 findings is ~300 MB of JSON; built as one dict and one string it needs several
times that in memory, and `json.dumps` with an indent runs the pure-Python encoder. Here values
are written as they come, scalars go through the C string encoder, and the text is flushed to the
stream in blocks. The output is the standard library's, byte for byte (the tests compare them on
random documents). A document of strings, whole numbers, booleans and nulls (a report's findings)
is written by orjson, which writes those exactly as `json.dumps` does, only its floats differently.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from typing import Any

import orjson

_encode_string: Callable[[str], str] = json.encoder.encode_basestring
#: Text held before it is written out.
_BLOCK = 1 << 16


class Lazy:
    """A JSON array whose items come from an iterable, written one at a time (iterated once)."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


#: Encoders by exact type (subclasses take the general path below, as json's encoder sees them).
_SCALAR: dict[type, Callable[[Any], str]] = {
    str: _encode_string,
    type(None): lambda _: "null",
    bool: lambda value: "true" if value else "false",
    int: int.__repr__,
    float: _float,
}


def _scalar(value: Any) -> str | None:
    """The JSON of a scalar (json.encoder's order of checks), None for anything else."""
    if isinstance(value, str):
        return _encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _key(key: Any) -> str:
    # json.encoder._make_iterencode: str keys as they are, a few scalars converted, others refused
    if isinstance(key, str):
        return _encode_string(key)
    if isinstance(key, float):
        return _encode_string(_float(key))
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return _encode_string(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


_NEWLINES = ["\n" + "  " * level for level in range(64)]


def _newline(level: int) -> str:
    return _NEWLINES[level] if level < len(_NEWLINES) else "\n" + "  " * level


class _Slow(Exception):  # noqa: N818 - control flow: the general writer must write this value
    pass


#: orjson writes `json.dumps(indent=2, ensure_ascii=False)`'s text for plain documents, and raises
#: (rather than converting) for what `json.dumps` would refuse or write otherwise: subclasses,
#: dataclasses, dates, integers beyond 64 bits, strings with lone surrogates.
_ORJSON = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS
_ORJSON |= orjson.OPT_PASSTHROUGH_DATETIME
#: Exact types orjson and `json.dumps` write alike (floats differ: `1e+16` or `1e16`, NaN or null).
_ALIKE = frozenset({str, int, bool, type(None)})


def _alike(value: Any) -> bool:
    """Whether `value` holds only dicts, lists and `_ALIKE` scalars, at any depth."""
    kind = type(value)
    if kind is dict:
        items = value.values()
    elif kind is list:
        items = value
    else:
        return kind in _ALIKE
    for item in items:  # a loop, not all(<generator>): this runs on every finding of a report
        kind = type(item)
        if kind not in _ALIKE and not ((kind is dict or kind is list) and _alike(item)):
            return False
    return True


def _text(value: Any, level: int) -> str:
    """`_built`, by orjson (in C) when the value is written alike by both."""
    if type(value) is dict and _alike(value):
        try:
            text = orjson.dumps(value, option=_ORJSON).decode()
        except orjson.JSONEncodeError:  # a key that is not a str, a huge int, a lone surrogate
            pass
        else:  # orjson indents from level 0; strings hold no raw newline, so every one is structure
            return text.replace("\n", _newline(level)) if level else text
    return _built(value, level)


def _built(value: Any, level: int) -> str:
    """The JSON of `value` built in one piece, for dicts with str keys, lists and exact scalars;
    raises `_Slow` for anything else (other keys, subclasses, `Lazy`), which `_Writer` handles.

    A report's findings are small documents of that kind: joining each one's text from list
    comprehensions is about three times faster than appending its parts one call at a time.
    """
    kind = type(value)
    encode = _SCALAR.get(kind)
    if encode is not None:
        return encode(value)
    inner = _newline(level + 1)
    if kind is dict:
        if not value:
            return "{}"
        level += 1
        items = [
            _encode_string(key) + ": " + (encode(item) if (encode := _SCALAR.get(type(item))) else _built(item, level))
            if type(key) is str
            else _slow()
            for key, item in value.items()
        ]
        return "{" + inner + ("," + inner).join(items) + _newline(level - 1) + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        level += 1
        items = [encode(item) if (encode := _SCALAR.get(type(item))) else _built(item, level) for item in value]
        return "[" + inner + ("," + inner).join(items) + _newline(level - 1) + "]"
    raise _Slow


def _slow() -> str:
    raise _Slow


class _Writer:
    def __init__(self, out: Any) -> None:
        self.out = out
        self.parts: list[str] = []

    def flush(self) -> None:
        if self.parts:
            self.out.write("".join(self.parts))
            self.parts = []

    def value(self, value: Any, level: int) -> None:
        parts = self.parts
        encode = _SCALAR.get(type(value))
        if encode is not None:
            parts.append(encode(value))
            return
        try:
            parts.append(_text(value, level))
            return
        except _Slow:
            pass
        text = _scalar(value)
        if text is not None:
            parts.append(text)
        elif isinstance(value, dict):
            self.mapping(value, level)
        elif isinstance(value, list | tuple):
            self.array(value, level, lazy=False)
        elif isinstance(value, Lazy):
            self.array(value.items, level, lazy=True)
        else:
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    def mapping(self, value: dict[Any, Any], level: int) -> None:
        parts = self.parts
        if not value:
            parts.append("{}")
            return
        inner = _newline(level + 1)
        separator = "{" + inner
        for key, item in value.items():
            name = _encode_string(key) if type(key) is str else _key(key)
            encode = _SCALAR.get(type(item))
            if encode is not None:
                parts.append(separator + name + ": " + encode(item))
            else:
                parts.append(separator + name + ": ")
                self.value(item, level + 1)
                parts = self.parts  # a lazy array inside may have flushed
            separator = "," + inner
        parts.append(_newline(level) + "}")

    def array(self, items: Iterable[Any], level: int, *, lazy: bool) -> None:
        inner = _newline(level + 1)
        separator = "[" + inner
        empty = True
        for item in items:
            self.parts.append(separator)
            separator = "," + inner
            empty = False
            self.value(item, level + 1)
            if lazy and len(self.parts) > _BLOCK // 64:
                self.flush()
        self.parts.append("[]" if empty else _newline(level) + "]")


def dumps(value: Any) -> str:
    """`value` as `json.dumps(value, indent=2, ensure_ascii=False)` writes it (`Lazy` lists allowed)."""
    writer = _Writer(None)
    writer.value(value, 0)
    return "".join(writer.parts)


def write(value: Any, out: Any) -> None:
    """Write `value` to the text stream `out` as `dumps` would, a block at a time."""
    writer = _Writer(out)
    writer.value(value, 0)
    writer.flush()
