"""`values.lookup` on `WireProps` without building the SDK's proxies it would otherwise walk.

A policy reads every property through `finops_policies.values.lookup`, which walks the proxies a
`WireProps` hands out and then deep-copies the value it reaches into plain dicts and lists
(`values.plain`). The walk and the copy together made a proxy, a path list and a converted
copy per level for each of some 200,000 reads in a check of 10,000 resources. The reader here
goes straight from the resource's own inputs to the plain value those two steps produce: the wire
conversion (`wire.wire_value`: integers as floats, dict keys in protobuf's order, tuples as lists)
and `plain`'s mapping of unknown sentinels and its depth limit, in one pass.

Anything it does not reproduce itself (a secret, asset or archive on the way or in the value,
a key that is neither a string nor an integer, an internal `__` key) it hands back to the generic
walk, which stays the reference: `tests/test_check_inprocess.py` compares both with what
pulumi-policy's servicer hands a policy, for every path of random inputs.
"""

from __future__ import annotations

from typing import Any

from finops_policies import values

from .wire import SIG_KEY, WireProps, struct_order

_UNKNOWN = values.UNKNOWN
_MISSING = values.MISSING
_SENTINELS = values._UNKNOWN_SENTINELS
#: `values.plain` treats anything nested deeper than this as unknowable
_MAX_DEPTH = 64


class _Generic(Exception):  # noqa: N818 - control flow: the generic walk must answer
    pass


def _plain(value: Any, depth: int) -> Any:
    """`values.plain(wire_value(value))` for a value of a representable input."""
    kind = type(value)
    if kind is str:
        return _UNKNOWN if value in _SENTINELS else value
    if depth > _MAX_DEPTH:
        return _UNKNOWN
    if value is None or kind is bool or kind is float:
        return value
    if kind is int:
        return float(value)  # `check_representable` refuses integers a double cannot hold (else: OverflowError)
    # strings, most leaves, are copied without a call (a sentinel takes the call, for UNKNOWN)
    if kind is dict:
        if SIG_KEY in value:
            raise _Generic
        depth += 1
        return {
            key: item if type(item := value[key]) is str and item not in _SENTINELS else _plain(item, depth)
            for key in struct_order(tuple(value))
        }
    if kind is list or kind is tuple:
        depth += 1
        return [item if type(item) is str and item not in _SENTINELS else _plain(item, depth) for item in value]
    raise _Generic


def read_wire_props(props: WireProps, path: tuple[Any, ...]) -> Any:
    """What `values.lookup(props, *path)` returns, or NotImplemented for the generic walk."""
    inputs = props._inputs
    try:
        if not path:
            # `plain` of the whole mapping: its keys in the pack's order, each read as by `get`
            return {key: _plain(inputs[key], 1) for key in props}
        key = path[0]
        if type(key) is not str or key.startswith("__"):
            return NotImplemented
        current = inputs.get(key, _MISSING)
        if current is _MISSING:
            return _MISSING
        if len(path) == 1:  # most reads: one property, often a string
            if type(current) is str and current not in _SENTINELS:
                return current
            return _plain(current, 0)
        for key in path[1:]:
            kind = type(current)
            # `lookup`'s own steps: nothing below null, unknown below an unknown
            if current is None:
                return _MISSING
            if kind is str:
                return _UNKNOWN if current in _SENTINELS else _MISSING
            if kind is dict:
                if SIG_KEY in current:
                    return NotImplemented
                key_kind = type(key)
                if key_kind is str:
                    current = current.get(key, _MISSING)
                    if current is _MISSING:
                        return _MISSING
                elif key_kind is int:
                    return _MISSING  # a dict is no sequence
                else:
                    return NotImplemented
            elif kind is list or kind is tuple:
                key_kind = type(key)
                if key_kind is int:
                    if not -len(current) <= key < len(current):
                        return _MISSING
                    current = current[key]
                elif key_kind is str:
                    return _MISSING  # a list is no mapping
                else:
                    return NotImplemented
            else:  # a number or a boolean has no children
                return _MISSING
        return _plain(current, 0)
    except (_Generic, OverflowError):  # an integer beyond a double: the generic walk fails as it always has
        return NotImplemented


values.register_fast_reader(WireProps, read_wire_props)
