"""Resource properties as a policy reads them, without the analyzer protocol in between.

Over the protocol a resource's inputs travel as a protobuf `Struct` (`session.to_struct`), and
pulumi-policy's servicer reads them back with `json_format.MessageToDict`, `deserialize_properties`
and `unknown_checking_proxy` (pulumi_policy/policy.py, `Analyze` and `AnalyzeStack`). What the
policy sees is therefore not the input itself: every number is a float (a `Value` holds a double),
tuples are lists, secrets (`{sig: secret, value}`) are their plain value, assets and archives are
pulumi's objects, and every dict and list is a read-only proxy that raises `UnknownValueError` when
an unknown value is touched.

`wire_value` makes that same value directly, and `WireProps` hands it out key by key through the
SDK's own proxies, so the in-process check (`inprocess.py`) gives policies exactly what the pack's
servicer gives them. A value the round trip would reject or change in a way not reproduced here
(a NaN, a non-string key, bytes, a lone surrogate, a type of no JSON kind) raises `Unrepresentable`:
the caller then runs the pack in its own process, which fails or not exactly as before.

The order of a dict's keys is reproduced too: a `Struct` is a protobuf map, which the pack iterates
in the order of protobuf's hash table, not the input's, and a policy that lists what it found in
the order it met it (cross-region-review names the properties that carry a dependency) says it
in that order. The order depends only on the keys (and the order they were inserted in), so
`struct_order` asks protobuf once per distinct set of keys, with no values, and remembers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from google.protobuf import struct_pb2
from pulumi_policy.deserialize import _deserialize_property
from pulumi_policy.proxy import UnknownValueError, _DictProxy, _is_unknown, _ListProxy, _proxy_helper

#: The key that marks a secret, asset or archive in the wire format (pulumi/sdk properties.go).
SIG_KEY = "4dabf18193072939515e22adb298388d"


#: Orders already asked for, by key tuple in input order (plans repeat a few shapes many times).
_ORDERS: dict[tuple[str, ...], tuple[str, ...]] = {}
_DEPENDENCY_ORDERS: dict[tuple[str, ...], tuple[str, ...]] = {}
_MAX_ORDERS = 100_000


def struct_order(keys: tuple[str, ...]) -> tuple[str, ...]:
    """The order in which the pack meets the fields of a `Struct` built from a dict with `keys`.

    `to_struct` inserts the keys in the dict's order, the request is serialized in the map's
    iteration order and parsed by the pack, whose `MessageToDict` iterates the parsed map.
    """
    if len(keys) < 2:
        return keys
    found = _ORDERS.get(keys)
    if found is None:
        if len(_ORDERS) >= _MAX_ORDERS:
            _ORDERS.clear()
        struct = struct_pb2.Struct()
        struct.update(dict.fromkeys(keys))
        found = _ORDERS[keys] = tuple(struct_pb2.Struct.FromString(struct.SerializeToString()).fields)
    return found


def dependency_order(keys: tuple[str, ...]) -> tuple[str, ...]:
    """The order in which pulumi-policy's `AnalyzeStack` meets a resource's `propertyDependencies` (a map too)."""
    if len(keys) < 2:
        return keys
    found = _DEPENDENCY_ORDERS.get(keys)
    if found is None:
        from pulumi.runtime.proto import analyzer_pb2

        if len(_DEPENDENCY_ORDERS) >= _MAX_ORDERS:
            _DEPENDENCY_ORDERS.clear()
        resource = analyzer_pb2.AnalyzerResource()
        for key in keys:
            resource.propertyDependencies[key].urns.append("")
        parsed = analyzer_pb2.AnalyzerResource.FromString(resource.SerializeToString())
        found = _DEPENDENCY_ORDERS[keys] = tuple(parsed.propertyDependencies)
    return found


class Unrepresentable(Exception):  # noqa: N818 - names what the value is, not that it failed
    """A value the protocol round trip would reject or transform in a way `wire_value` does not copy."""


def wire_value(value: Any) -> Any:
    """`value` as pulumi-policy's servicer deserializes it from a `Struct` field (before proxying).

    `Struct.update` (google/protobuf/internal/well_known_types.py `_SetStructValue`) takes None,
    bool, str, int and float (as a double), dict and list or tuple; `MessageToDict` refuses
    NaN and infinities; `deserialize_properties` turns signature objects into their values.
    """
    kind = type(value)
    if kind is str:
        if not value.isascii():
            try:
                value.encode("utf-8")  # a `Value`'s string must be UTF-8: lone surrogates are refused
            except UnicodeEncodeError:
                raise Unrepresentable("a string that is not valid UTF-8") from None
        return value
    if value is None or kind is bool:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise Unrepresentable("a number that is not finite")
        return value
    if kind is int:
        try:
            return float(value)
        except OverflowError:
            raise Unrepresentable("an integer too large for a double") from None
    if kind is dict:
        for key in value:
            if type(key) is not str:
                raise Unrepresentable("a key that is not a string")
        out = {key: wire_value(value[key]) for key in struct_order(tuple(value))}
        if SIG_KEY in out:
            # secrets, assets, archives: pulumi-policy's own deserializer, which also refuses
            # what it does not know (an unknown signature, a secret without a value)
            try:
                return _deserialize_property(out)
            except AssertionError:
                raise Unrepresentable("a signature object the pack refuses") from None
        return out
    if kind is list or kind is tuple:
        return [wire_value(item) for item in value]
    raise Unrepresentable(f"a value of type {kind.__name__}")


def check_representable(inputs: Mapping[str, Any]) -> None:
    """Raise `Unrepresentable` unless every property of `inputs` survives the round trip as `wire_value` says."""
    for key, value in inputs.items():
        if type(key) is not str:
            raise Unrepresentable("a key that is not a string")
        if not key.startswith("__") and (type(value) is not str or not value.isascii()):
            _check(value)


def _check(value: Any) -> None:
    """`wire_value(value)` would not raise (checked without building the copy)."""
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        if kind is int or (kind is str and not value.isascii()):
            wire_value(value)
    elif kind is float:
        if not math.isfinite(value):
            raise Unrepresentable("a number that is not finite")
    elif kind is dict:
        if SIG_KEY in value:
            wire_value(value)
            return
        for key, item in value.items():
            if type(key) is not str:
                raise Unrepresentable("a key that is not a string")
            if type(item) is not str or not item.isascii():  # an ASCII string, most leaves, passes as it is
                _check(item)
    elif kind is list or kind is tuple:
        for item in value:
            if type(item) is not str or not item.isascii():
                _check(item)
    else:
        wire_value(value)


def _wire_proxy(value: Any, path: list[str]) -> Any:
    """`_proxy_helper(wire_value(value), path)` (pulumi_policy/proxy.py) in one pass."""
    kind = type(value)
    if kind is dict:
        if SIG_KEY in value:  # a secret, asset or archive: the deserializer's own way
            return _proxy_helper(wire_value(value), path)
        return _DictProxy({k: _wire_proxy(value[k], [*path, k]) for k in struct_order(tuple(value))}, path)
    if kind is list or kind is tuple:
        return _ListProxy([_wire_proxy(v, [*path, str(i)]) for i, v in enumerate(value)], path)
    return wire_value(value)


class WireProps(Mapping[str, Any]):
    """A resource's properties as the pack's proxy hands them out, converted when read.

    Equivalent to `unknown_checking_proxy(wire_value(without_internal_keys(inputs)))`: reading an
    unknown raises `UnknownValueError` naming its path, dicts and lists come back as the SDK's
    read-only proxies, the same object each time a key is read again when `keep` is set (as from
    the SDK's proxy). Without `keep` nothing is held: a stack of 100,000 resources holds their
    inputs once, not a converted copy beside them. `check_representable(inputs)` must have passed.
    """

    __slots__ = ("_inputs", "_kept", "_order")

    def __init__(self, inputs: Mapping[str, Any], keep: bool = False) -> None:
        self._inputs = inputs
        self._kept: dict[str, Any] | None = {} if keep else None
        self._order: tuple[str, ...] | None = None

    def _child(self, key: str) -> Any:
        kept = self._kept
        if kept is not None:
            found = kept.get(key, _ABSENT)
            if found is not _ABSENT:
                return found
        value = self._inputs[key]
        kind = type(value)
        child = value if kind is str or kind is bool or value is None else _wire_proxy(value, [key])
        if kept is not None:
            kept[key] = child
        return child

    def __getitem__(self, key: str) -> Any:
        if key == "__target":  # what the SDK's proxy answers for it: the whole (proxied) dict
            return {k: self._child(k) for k in self}
        if type(key) is not str or key.startswith("__"):
            raise KeyError(key)
        child = self._child(key)
        if type(child) is str and _is_unknown(child):
            raise UnknownValueError(child, [key])
        return child

    def get(self, key: str, default: Any = None) -> Any:
        """`Mapping.get` (which reads the value, so an unknown one raises), without its try/except."""
        hash(key)  # an unhashable key raises, as a dict lookup does
        if type(key) is not str or key not in self._inputs or (key.startswith("__") and key != "__target"):
            return default if key != "__target" else self["__target"]
        return self[key]

    def __contains__(self, key: object) -> bool:
        """`Mapping.__contains__`: reads the value, so asking about an unknown one raises, as the SDK's proxy does."""
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        if self._order is None:  # the engine drops the internal keys before building the Struct
            self._order = struct_order(tuple(k for k in self._inputs if not k.startswith("__")))
        return iter(self._order)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"WireProps({sorted(self)})"


_ABSENT = object()
