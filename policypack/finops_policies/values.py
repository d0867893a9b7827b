"""Reading resource properties the way the engine sends them, without ever raising.

Policies receive `args.props` as a read-only proxy that raises `UnknownValueError` when an
unknown (preview-time) value is touched, numbers as floats, provider config as JSON strings, and
anything at all where a program passed something odd. Every policy reads through `lookup`, which
returns a plain Python value, `UNKNOWN`, or `MISSING`, so a check can report "unverifiable"
instead of crashing or silently passing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import UnknownValueError

try:  # the SDK's read-only proxies; reading through them costs a check per access
    from pulumi_policy.proxy import _DictProxy, _ListProxy

    _PROXY_TYPES: frozenset[type] = frozenset({_DictProxy, _ListProxy})
except ImportError:  # pragma: no cover - another pulumi-policy layout: the generic path still works
    _PROXY_TYPES = frozenset()

# The engine's wire sentinels for unknown values (pulumi_policy/proxy.py); test cases use them
# verbatim so that a case looks exactly like an `Analyze` request.
UNKNOWN_STRING: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
UNKNOWN_NUMBER: Final = "3eeb2bf0-c639-47a8-9e75-3b44932eb421"
UNKNOWN_BOOL: Final = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"
UNKNOWN_ARRAY: Final = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2"
UNKNOWN_OBJECT: Final = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff"
_UNKNOWN_SENTINELS: Final = frozenset(
    {
        UNKNOWN_STRING,
        UNKNOWN_NUMBER,
        UNKNOWN_BOOL,
        UNKNOWN_ARRAY,
        UNKNOWN_OBJECT,
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
    }
)


class _Marker:
    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name

    def __bool__(self) -> bool:
        return False


#: A value that exists but cannot be known until the resource is created.
UNKNOWN: Final = _Marker("<unknown>")
#: A property that is absent (unset inputs are simply absent on the wire).
MISSING: Final = _Marker("<missing>")


def is_unknown(value: object) -> bool:
    return value is UNKNOWN or (isinstance(value, str) and value in _UNKNOWN_SENTINELS)


def is_absent(value: object) -> bool:
    """True for MISSING and for explicit nulls: both mean "not set" to the provider."""
    return value is MISSING or value is None


def _unwrap(value: object) -> object:
    """The SDK proxy's own dict or list (its children stay proxies), read without the per-access
    unknown check: `lookup` and `plain` map the unknown sentinels themselves. The proxies hand out
    their target for the key "__target" (pulumi_policy/proxy.py)."""
    if type(value) in _PROXY_TYPES:
        return value["__target"]  # type: ignore[index]
    return value


def _child(container: object, key: str | int) -> object:
    container = _unwrap(container)
    try:
        if isinstance(key, int):
            if isinstance(container, Sequence) and not isinstance(container, str | bytes):
                return container[key] if -len(container) <= key < len(container) else MISSING
            return MISSING
        if isinstance(container, Mapping):
            return container.get(key, MISSING)
    except UnknownValueError:
        return UNKNOWN
    except (KeyError, IndexError, TypeError):
        return MISSING
    return MISSING


#: Readers for container types that find their plain values faster than the generic walk below,
#: by exact type (a subclass takes the generic path): `reader(container, path)` returns what
#: `lookup(container, *path)` returns, or NotImplemented to take the generic path after all. The
#: engine registers one for the properties it hands the pack in-process (its `WireProps`), read
#: some 200,000 times in a check of 10,000 resources; the pack itself registers none.
_FAST_READERS: dict[type, Callable[[Any, tuple[Any, ...]], Any]] = {}


def register_fast_reader(kind: type, reader: Callable[[Any, tuple[Any, ...]], Any]) -> None:
    """Let `lookup` read containers of exactly type `kind` with `reader` (see `_FAST_READERS`)."""
    _FAST_READERS[kind] = reader


def lookup(container: object, *path: str | int) -> Any:
    """The plain value at `path`, or UNKNOWN / MISSING. Never raises."""
    reader = _FAST_READERS.get(type(container))
    if reader is not None:
        found = reader(container, path)
        if found is not NotImplemented:
            return found
    current: object = container
    for key in path:
        if current is MISSING or current is None:
            return MISSING
        if is_unknown(current):
            return UNKNOWN
        current = _child(current, key)
    return plain(current)


def plain(value: object, _depth: int = 0) -> Any:
    """Deep-copy proxies into dicts/lists, mapping unknown sentinels to UNKNOWN."""
    if value is MISSING or value is UNKNOWN:
        return value
    if isinstance(value, str):
        return UNKNOWN if value in _UNKNOWN_SENTINELS else value
    if _depth > 64:  # a pathological nesting is treated as unknowable rather than recursed
        return UNKNOWN
    value = _unwrap(value)
    if type(value) is dict:
        return {str(key): plain(item, _depth + 1) for key, item in value.items()}
    if type(value) is list:
        return [plain(item, _depth + 1) for item in value]
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        try:
            keys = list(value.keys())
        except UnknownValueError:
            return UNKNOWN
        for key in keys:
            out[str(key)] = plain(_child(value, key), _depth + 1)
        return out
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        try:
            size = len(value)
        except UnknownValueError:
            return UNKNOWN
        return [plain(_child(value, i), _depth + 1) for i in range(size)]
    return value


def json_encoder(
    *, sort_keys: bool = False, ensure_ascii: bool = True, default: Callable[[Any], Any] | None = None
) -> Callable[[Any], str]:
    """`json.JSONEncoder(sort_keys=..., ensure_ascii=..., default=...).encode`, for dicts and lists
    without the C encoder `JSONEncoder.encode` builds anew on every call (most of the cost of
    encoding a small document, which the pack does for every finding).

    The one difference: a document that contains itself recurses until RecursionError instead of
    raising "Circular reference detected" (keeping the check would share state between threads).
    """
    options = json.JSONEncoder(sort_keys=sort_keys, ensure_ascii=ensure_ascii, default=default)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython ships the C encoder
        return options.encode
    strings = json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring
    encode = make(
        None, options.default, strings, None, options.key_separator, options.item_separator, sort_keys, False, True
    )

    def encoded(value: Any) -> str:
        if type(value) is dict or type(value) is list:
            return "".join(encode(value, 0))
        return options.encode(value)

    return encoded


def as_number(value: object) -> float | None:
    """Numbers arrive as floats, sometimes as strings ("500"); anything else is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def as_bool(value: object) -> bool | None:
    """Booleans arrive as bools, or as "true"/"false" strings in provider config."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return None


def as_mapping(value: object) -> dict[str, Any] | None:
    """A mapping, or a JSON string of one (provider config, policy documents), else None."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            decoded = json.loads(value)
        except ValueError:
            return None
        return plain(decoded) if isinstance(decoded, dict) else None
    return None


def as_list(value: object) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            decoded = json.loads(value)
        except ValueError:
            return None
        return plain(decoded) if isinstance(decoded, list) else None
    return None


def contains_unknown(value: object) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def shown(value: object, limit: int = 60) -> str:
    """A value quoted for a message, cut short so a huge input cannot flood the report."""
    if value is MISSING or value is None:
        return "unset"
    if value is UNKNOWN:
        return "unknown until apply"
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text) if isinstance(value, str) else text
