"""Runs a Pulumi Python program under the SDK's mocks and records every registration.

This file runs inside the *program's* interpreter (its virtualenv, like the CLI's language host),
so it imports nothing but the standard library and the Pulumi SDK that the program itself
installs. The parent process (`runner.py`) passes a JSON spec on the command line and reads one
JSON object per line from the output file:

    {"kind": "resource", ...}   one per registration, in registration order
    {"kind": "error", ...}      the program failed (traceback trimmed to the user's frames)
    {"kind": "done", ...}       the program ran to the end

What it repairs, compared with plain mocks (see DESIGN.md, engine pitfalls): real URNs for
top-level resources; default providers synthesized from stack config; resource transforms run in
the engine's order; outputs a real preview would not know stay unknown (a custom resource's
outputs are its inputs, as the provider's preview answers; a remote component's, and the results
of component methods, are all unknown, since no plugin constructs them); invokes answered from
stack config (region, partition, the region's availability zones from `aws_zones.json`) or shaped
and typed by the invoke's result type, the arguments coerced to it and the rest invented (lists of
three, strings unknown to the pack).
"""

from __future__ import annotations

import asyncio
import collections.abc
import contextlib
import functools
import importlib
import inspect
import itertools
import json
import os
import re
import runpy
import sys
import sysconfig
import threading
import traceback
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pulumi
import pulumi.runtime
from google.protobuf import json_format
from pulumi.runtime import mocks as _mocks
from pulumi.runtime import rpc, settings
from pulumi.runtime.proto import provider_pb2, resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's unknown-value sentinel (also its UnknownID)
SECRET_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")
RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
#: Strings invented for invoke results carry this marker; any input containing one is unknown.
PLACEHOLDER = "finops-preview-placeholder"
STACK_TYPE = "pulumi:pulumi:Stack"


class RecordWriter:
    def __init__(self, target: str | int) -> None:
        # A pipe fd from the parent (streaming), or a file path.
        self._file = open(target, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, separators=(",", ":"), default=str)
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()

    def close(self) -> None:
        self._file.close()


def _position(pos: Any) -> dict[str, Any] | None:
    if pos is None or not pos.uri:
        return None
    parsed = urlparse(pos.uri)
    path = unquote(parsed.path) if parsed.scheme == "file" else pos.uri
    return {"file": path, "line": int(pos.line)}


_SDK_ROOTS = (
    str(Path(pulumi.__file__).resolve().parent) + os.sep,
    str(Path(sysconfig.get_paths()["stdlib"]).resolve()) + os.sep,
)
_HERE = str(Path(__file__).resolve())


def _is_sdk_file(path: str) -> bool:
    """Frames in the Pulumi SDK, a provider SDK (pulumi_aws, ...) or this recorder are not the user's."""
    if path == _HERE or path.startswith(_SDK_ROOTS):
        return True
    parts = Path(path).parts
    return any(part.startswith("pulumi_") for part in parts[:-1]) and "site-packages" in parts


def _user_frames(request: Any) -> list[dict[str, Any]]:
    fields = request.DESCRIPTOR.fields_by_name
    frames = []
    if "stackTrace" in fields:
        frames = [_position(f.pc) for f in request.stackTrace.frames if f.HasField("pc")]
    if not frames and "sourcePosition" in fields and request.HasField("sourcePosition"):
        frames = [_position(request.sourcePosition)]  # older SDKs send only the creating line
    return [f for f in frames if f is not None and not _is_sdk_file(f["file"])]


def _scrub(value: Any) -> Any:
    """Wire-form value as an analyzer gets it: placeholders unknown, resource references downgraded.

    The CLI marshals analyzer properties without resource references (pulumi-policy cannot read
    them): a custom resource becomes its ID, unknown while it is yet to be created, and a
    component its URN.
    """
    if isinstance(value, str):
        return UNKNOWN if PLACEHOLDER in value else value
    if isinstance(value, dict):
        if value.get(SECRET_SIG[0]) == RESOURCE_REF_SIG:
            return _scrub(value["id"] if "id" in value else value.get("urn", UNKNOWN))
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _package_of(type_: str) -> str:
    return type_.split(":", 1)[0]


def _provider_config_value(value: Any) -> str:
    # The engine passes provider config to providers (and analyzers) as strings, objects JSON-encoded.
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


# --- what the engine adds to a registration ------------------------------------------------------

#: pkg/resource/deploy/target.go: the packages of the Node.js and Python dynamic providers, which
#: get the whole stack config with full keys (`proj:key`) instead of their own namespace's.
DYNAMIC_PROVIDER_PACKAGES = ("pulumi-nodejs", "pulumi-python")
#: pkg/resource/deploy/providers/registry.go: provider inputs that are the engine's, not the provider's
INTERNAL_KEY = "__internal"

_SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$")
_NAME_CHAR = re.compile(r"[^A-Za-z0-9_.-]")


def _qname(text: str) -> str:
    """`tokens.IntoQName` (sdk/go/common/tokens/names.go): '/'-separated name parts, other characters as '_'."""
    parts = [_NAME_CHAR.sub("_", part) for part in text.split("/") if part]
    return "/".join(parts) or "_"


def default_provider_name(version: str, download_url: str = "") -> str:
    """`ProviderRequest.DefaultName` (pkg/resource/deploy/providers/provider.go).

    `default`, then `_major_minor_patch` and the pre-release and build parts, then the download URL.
    """
    name = "default"
    match = _SEMVER.match(version) if version else None
    if match is not None:
        name += "_" + "_".join(str(int(part)) for part in match.group(1, 2, 3))
        for extra in (match.group(4), match.group(5)):
            if extra:
                name += "".join("_" + part for part in extra.split("."))
    elif version:
        name += "_" + _NAME_CHAR.sub("_", version)
    if download_url:
        name += "_" + _qname(download_url)
    return name


def _set_provider_plugin(inputs: dict[str, Any], version: str, download_url: str) -> None:
    """`SetProviderVersion`/`SetProviderURL`: a provider's plugin version and URL become its inputs."""
    if version:
        inputs.setdefault(INTERNAL_KEY, {})
        inputs["version"] = version
    if download_url:
        internal = inputs.setdefault(INTERNAL_KEY, {})
        internal["pluginDownloadURL"] = download_url


#: Go's time.ParseDuration units, which the engine parses custom timeouts with (source_eval.go)
_DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "\u00b5s": 1e-6,
    "\u03bcs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_DURATION_PART = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")


def timeout_seconds(text: str) -> float:
    """A custom timeout ("1m", "1h30m", "90s") in seconds, or ValueError with the engine's message."""
    body = text[1:] if text[:1] in "+-" else text
    sign = -1.0 if text[:1] == "-" else 1.0
    if body == "0":
        return 0.0
    total, pos = 0.0, 0
    while body and pos < len(body):
        match = _DURATION_PART.match(body, pos)
        if match is None:
            break
        total += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        pos = match.end()
    if not body or pos < len(body):
        raise ValueError(f"unable to parse customTimeout Value {text}")
    return sign * total


def _has(request: Any, field: str) -> bool:
    return field in request.DESCRIPTOR.fields_by_name


def _resource_options(request: Any) -> dict[str, Any]:
    """The options the engine keeps from a `RegisterResourceRequest` and hands analyzers.

    source_eval.go builds the goal from the request; step_generator.go passes `Protect`,
    `IgnoreChanges`, `DeleteBeforeReplace`, `AdditionalSecretOutputs`, `Aliases` and
    `CustomTimeouts` to `Analyze`. Aliases are only those that matched a resource of the previous
    deployment (generateResourceSteps); an offline preview has none, so none are sent.
    """
    delete_before_replace = None
    defined = _has(request, "deleteBeforeReplaceDefined") and request.deleteBeforeReplaceDefined
    if defined or request.deleteBeforeReplace:  # "DeleteBeforeReplaceDefined || DeleteBeforeReplace"
        delete_before_replace = bool(request.deleteBeforeReplace)
    timeouts: dict[str, float] = {}
    if _has(request, "customTimeouts") and request.HasField("customTimeouts"):
        given = request.customTimeouts
        for key in ("create", "update", "delete", "read"):
            value = getattr(given, key, "")
            if value:
                timeouts[key] = timeout_seconds(value)
    return {
        "protect": bool(request.protect),
        "ignoreChanges": list(request.ignoreChanges),
        "deleteBeforeReplace": delete_before_replace,
        "additionalSecretOutputs": list(request.additionalSecretOutputs),
        "aliases": [],
        "customTimeouts": timeouts,
    }


# --- invokes -------------------------------------------------------------------------------------


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _result_type(token: str) -> type | None:
    """The `...Result` class of an invoke, found in the provider SDK the program imported."""
    try:
        pkg, module, func = token.split(":")
    except ValueError:
        return None
    mod_path = module.split("/")[0]
    candidates = [f"pulumi_{pkg.replace('-', '_')}"]
    if mod_path and mod_path != "index":
        candidates = [f"{candidates[0]}.{mod_path}", f"{candidates[0]}.{mod_path}_"]
    for name in candidates:
        module_obj = sys.modules.get(name)
        if module_obj is None:
            try:
                module_obj = importlib.import_module(name)
            except Exception:  # noqa: BLE001 - an unknown package just gets no shaped result
                continue
        fn = getattr(module_obj, _snake(func), None)
        if fn is None:
            continue
        try:
            hints = typing.get_type_hints(fn)
        except Exception:  # noqa: BLE001
            hints = getattr(fn, "__annotations__", {})
        ret = hints.get("return")
        if inspect.isclass(ret):
            # `AwaitableGetXResult` subclasses `GetXResult`, which carries the getters.
            for klass in ret.__mro__:
                if klass.__name__.endswith("Result") and not klass.__name__.startswith("Awaitable"):
                    return klass
            return ret
    return None


#: Invented lists have this many elements, so ordinary indexing (`ids[0]`, `names[2]`) works.
INVENTED_LIST_LENGTH = 3
_serial = itertools.count(1)


def _placeholder() -> str:
    """An invented string: unknown to the pack, and distinct, so names built from it do not collide."""
    return f"{PLACEHOLDER}-{next(_serial)}"


def _is_sequence(origin: Any) -> bool:
    return origin in (list, tuple, collections.abc.Sequence)


def _is_mapping(origin: Any) -> bool:
    return origin in (dict, collections.abc.Mapping)


def _non_null_arms(annotation: Any) -> list[Any] | None:
    """The arms of `Optional[X]` / `X | Y` without None; None when the annotation is no union."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [arm for arm in typing.get_args(annotation) if arm is not type(None)]
    return None


def _shape(annotation: Any, depth: int = 0) -> Any:
    """An invented value of the annotated type: placeholder strings, neutral numbers, lists of three."""
    if depth > 4:
        return None
    arms = _non_null_arms(annotation)
    if arms is not None:
        return _shape(arms[0], depth) if arms else None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is str:
        return _placeholder()
    if annotation is bool:
        return False
    if annotation in (int, float):
        return 0
    if _is_sequence(origin):
        return [_shape(args[0], depth + 1) for _ in range(INVENTED_LIST_LENGTH)] if args else []
    if _is_mapping(origin):
        return {}
    if _is_output_type(annotation):
        return _shape_output_type(annotation, depth + 1)
    return None


def _is_output_type(klass: Any) -> bool:
    return inspect.isclass(klass) and (
        hasattr(klass, "_pulumi_output_type")
        or hasattr(klass, "_translate_property")
        or (getattr(klass, "__module__", "").startswith("pulumi_") and "outputs" in getattr(klass, "__module__", ""))
    )


def _getters(klass: type) -> dict[str, Any]:
    """Wire name → return annotation for each `@pulumi.getter` property of an SDK class."""
    out: dict[str, Any] = {}
    try:
        hints_source = inspect.getmembers(klass, lambda m: isinstance(m, property))
    except Exception:  # noqa: BLE001
        return out
    for attr, prop in hints_source:
        fget = prop.fget
        if fget is None:
            continue
        wire = getattr(fget, "_pulumi_name", None) or attr
        try:
            ann = typing.get_type_hints(fget).get("return")
        except Exception:  # noqa: BLE001
            ann = None
        out[wire] = ann
    return out


def _shape_output_type(klass: type, depth: int) -> dict[str, Any]:
    return {wire: _shape(ann, depth) for wire, ann in _getters(klass).items() if ann is not None}


class _MismatchError(Exception):
    """A value that cannot stand for the annotated type."""


#: What the provider (Terraform's strconv.ParseBool) reads as a bool from a string argument.
_BOOL_WORDS = {"1": True, "t": True, "true": True, "0": False, "f": False, "false": False}


def _coerce_scalar(value: Any, annotation: Any) -> Any:
    if annotation is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
            return _BOOL_WORDS[value.strip().lower()]
        raise _MismatchError
    if isinstance(value, bool):  # a bool is an int to Python, never to the provider
        if annotation is str:
            return "true" if value else "false"
        raise _MismatchError
    try:
        if annotation is int:
            if isinstance(value, float) and not value.is_integer():
                raise _MismatchError
            return int(value.strip() if isinstance(value, str) else value)
        if annotation is float:
            return float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise _MismatchError from None
    if isinstance(value, (str, int, float)):  # str
        return str(value)
    raise _MismatchError


def _coerce(value: Any, annotation: Any, depth: int = 0) -> Any:
    """An argument's value as the invoke's result type declares it (the provider returns typed values).

    Raises `_MismatchError` when the value cannot be read as that type; the caller then invents one.
    """
    if value is None or depth > 6:
        return value
    arms = _non_null_arms(annotation)
    if arms is not None:
        for arm in arms:
            with contextlib.suppress(_MismatchError):
                return _coerce(value, arm, depth)
        raise _MismatchError
    if annotation in (bool, int, float, str):
        return _coerce_scalar(value, annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if _is_sequence(origin):
        if not isinstance(value, list):
            raise _MismatchError
        return [_coerce(item, args[0], depth + 1) for item in value] if args else value
    if _is_mapping(origin):
        if not isinstance(value, dict):
            raise _MismatchError
        return {k: _coerce(v, args[1], depth + 1) for k, v in value.items()} if len(args) == 2 else value
    if _is_output_type(annotation):
        if not isinstance(value, dict):
            raise _MismatchError
        return _overlay(_shape_output_type(annotation, depth + 1), _getters(annotation), value, depth + 1)
    return value  # Any, or a type we do not model: as given


def _overlay(shaped: dict[str, Any], getters: dict[str, Any], given: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """Invented values replaced by what the arguments say, typed as the result declares them.

    A data source's arguments are also its attributes (the provider returns them as given, typed).
    """
    for key, value in given.items():
        annotation = getters.get(key)
        if key in shaped and value is not None and annotation is not None:
            with contextlib.suppress(_MismatchError):
                shaped[key] = _coerce(value, annotation, depth)
    return shaped


def typed_result(token: str, args: dict[str, Any]) -> dict[str, Any]:
    """An invoke's result shaped by its result type: the arguments typed, the rest invented."""
    klass = _result_type(token)
    if klass is None:
        return {}
    return _overlay(_shape_output_type(klass, 0), _getters(klass), args)


# --- availability zones ---------------------------------------------------------------------------


@functools.cache
def _zone_table() -> dict[str, Any]:
    with open(Path(__file__).with_name("aws_zones.json"), encoding="utf-8") as fh:
        regions: dict[str, Any] = json.load(fh)["regions"]
    return regions


def _strings(value: Any) -> set[str]:
    return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()


def availability_zones(result: dict[str, Any], args: dict[str, Any], region: str | None) -> dict[str, Any]:
    """`aws.get_availability_zones()` for `region`, from the shipped table (`aws_zones.json`).

    Where the table knows the Region's uniform mapping, names and AZ IDs are answered (less the
    excluded ones); where AWS maps them per account, or the Region is unknown, they are invented
    (unknown to the pack), as many as the Region has, else three.
    """
    entry = _zone_table().get(region or "")
    excluded_names, excluded_ids = _strings(args.get("excludeNames")), _strings(args.get("excludeZoneIds"))
    if entry is not None and entry["mapping"] == "uniform":
        zones = [(n, i) for n, i in entry["zones"] if n not in excluded_names and i not in excluded_ids]
        names, zone_ids = [n for n, _ in zones], [i for _, i in zones]
    else:
        count = entry["count"] if entry is not None else INVENTED_LIST_LENGTH
        count = max(1, count - len(excluded_names) - len(excluded_ids)) if entry is not None else count
        names = [_placeholder() for _ in range(count)]
        zone_ids = [_placeholder() for _ in range(count)]
    known_region = region or None
    result.update(
        {
            "names": names,
            "zoneIds": zone_ids,
            # An Availability Zone's group is its Region (Local Zones, which have their own, are not listed).
            "groupNames": [known_region or _placeholder()] if names else [],
            "id": known_region or _placeholder(),
        }
    )
    if "region" in result:
        result["region"] = known_region or _placeholder()
    return result


# --- the mocks -----------------------------------------------------------------------------------


#: invokes whose answer is a list of manifests only the Kubernetes provider can render
_RENDERED_BY_PROVIDER = {
    "kubernetes:helm:template": "A Helm chart (kubernetes.helm.v3.Chart)",
    "kubernetes:kustomize:directory": "A kustomization (kubernetes.kustomize.Directory)",
}


def _rendered_what(args: dict[str, Any]) -> str:
    raw = args.get("jsonOpts")
    try:
        opts = json.loads(raw) if isinstance(raw, str) else {}
    except ValueError:
        opts = {}
    what = (opts.get("chart") or opts.get("path")) if isinstance(opts, dict) else None
    what = what or args.get("directory")
    return f"{what!r} " if isinstance(what, str) and what else ""


def _decode_manifests(text: Any) -> list[Any]:
    """`kubernetes:yaml:decode`: the objects of a multi-document YAML text, as JSON values."""
    if not isinstance(text, str):
        return []
    import yaml  # the Pulumi SDK's own dependency, so present wherever the SDK is

    documents = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    # YAML timestamps and the like become strings, as the provider's JSON answer has them.
    decoded: list[Any] = json.loads(json.dumps(documents, default=str))
    return decoded


class PreviewMocks(_mocks.Mocks):
    """Outputs are the inputs (what a preview knows); invokes answered as far as config allows."""

    def __init__(self, config: dict[str, str], notice: Callable[[str], None] = lambda message: None) -> None:
        self.config = config
        self.notice = notice
        # (provider type, name) -> its region; None where two providers share the key
        self._provider_regions: dict[tuple[str, str], str | None] = {}

    def new_resource(self, args: _mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ == "pulumi:providers:aws":
            region = args.inputs.get("region")
            key = (args.typ, args.name)
            known = region if isinstance(region, str) and region else self._ambient_region()
            self._provider_regions[key] = known if key not in self._provider_regions else None
        # A custom resource about to be created: the engine's preview state is the provider's preview
        # of it, the inputs plus unknown computed outputs, or the inputs themselves for providers
        # without previews (pulumi/pulumi sdk/go/common/resource/plugin/provider_plugin.go, Create).
        return "", dict(args.inputs)

    def _ambient_region(self) -> str | None:
        return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None

    def region_of(self, args: _mocks.MockCallArgs) -> str | None:
        """The region an AWS invoke asks: its `region` argument, its provider's, else the stack's."""
        asked = args.args.get("region")
        if isinstance(asked, str) and asked:
            return asked
        if args.provider:
            # A provider reference is `<urn>::<id>`; the URN ends in `<qualified type>::<name>`.
            parts = args.provider.split("::")
            if len(parts) >= 3:
                key = (parts[-3].split("$")[-1], parts[-2])
                if key in self._provider_regions:
                    return self._provider_regions[key]
        # Explicit providers do not read stack config; default providers (and invokes without one) do.
        return self.config.get("aws:region") or self._ambient_region()

    def call(self, args: _mocks.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        token = args.token
        if token == "kubernetes:yaml:decode":
            # The provider only parses the text (no cluster involved), so we can do it too.
            return {"result": _decode_manifests(args.args.get("text"))}
        if token in _RENDERED_BY_PROVIDER:
            self.notice(
                f"{_RENDERED_BY_PROVIDER[token]} {_rendered_what(args.args)}is rendered by the Kubernetes provider "
                "(helm/kustomize, often fetching from the network); an offline preview cannot render it, so "
                "the resources it would create were not checked. `pulumi preview --policy-pack` checks them."
            )
            return {"result": []}
        region = self.region_of(args) if token.startswith("aws:") else None
        if token == "aws:index/getRegion:getRegion" and region:
            asked = args.args.get("name") or region
            return {
                "name": asked,
                "id": asked,
                "region": asked,
                "description": asked,
                "endpoint": f"ec2.{asked}.amazonaws.com",
            }
        if token == "aws:index/getPartition:getPartition":
            partition = (
                "aws-cn"
                if (region or "").startswith("cn-")
                else ("aws-us-gov" if (region or "").startswith("us-gov-") else "aws")
            )
            suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
            return {
                "partition": partition,
                "id": partition,
                "dnsSuffix": suffix,
                "reverseDnsPrefix": ".".join(reversed(suffix.split("."))),
            }
        result = typed_result(token, args.args)
        if region and isinstance(result.get("region"), str) and PLACEHOLDER in result["region"]:
            result["region"] = region  # pulumi-aws answers every invoke with the region it asked
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            return availability_zones(result, args.args, region)
        return result


class RecordingMonitor(_mocks.MockMonitor):
    def __init__(
        self,
        mocks: PreviewMocks,
        writer: RecordWriter,
        stack: str,
        project: str,
        config: dict[str, str],
        *,
        secret_keys: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(mocks)
        self.writer = writer
        self.stack = stack
        self.project = project
        self.config = config
        self.secret_keys = secret_keys
        self._lock = threading.Lock()
        self._types: dict[str, str] = {}  # urn -> qualified type (for child URNs)
        self._transforms: dict[str, list[Callable[..., Any]]] = {}
        self._parents: dict[str, str] = {}
        self._default_providers: dict[tuple[str, str, str], str] = {}
        self.count = 0
        if not hasattr(self, "_stack_transforms"):  # older SDKs' MockMonitor keeps none
            self._stack_transforms: list[Callable[..., Any]] = []

    def RegisterStackTransform(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        keep = getattr(_mocks.MockMonitor, "RegisterStackTransform", None)
        if keep is not None:
            return keep(self, request)
        # Older SDKs' MockMonitor has no such method: keep the function for `_run_transforms`.
        from google.protobuf import empty_pb2

        with self._lock:
            self._stack_transforms.extend(_transform_functions([request]))
        return empty_pb2.Empty()

    # URNs as the engine makes them: children of the root stack carry no `Stack$` prefix.
    def make_urn(self, parent: str, type_: str, name: str) -> str:
        qualified = type_
        if parent:
            parent_type = self._types.get(parent) or parent.split("::")[2]
            if parent_type.split("$")[-1] != STACK_TYPE:
                qualified = f"{parent_type}${type_}"
        return f"urn:pulumi:{self.stack}::{self.project}::{qualified}::{name}"

    def _package_config(self, package: str) -> dict[str, Any]:
        """`Target.GetPackageConfig` (pkg/resource/deploy/target.go): a default provider's inputs.

        A package gets its own namespace's keys without the namespace; the dynamic providers get
        the whole config with full keys. Secure values stay secrets.
        """
        dynamic = package in DYNAMIC_PROVIDER_PACKAGES
        inputs: dict[str, Any] = {}
        for key, value in self.config.items():
            namespace, _, name = key.partition(":")
            if not dynamic and namespace != package:
                continue
            text: Any = _provider_config_value(value)
            if key in self.secret_keys:
                text = {SECRET_SIG[0]: SECRET_SIG[1], "value": text}
            inputs[key if dynamic else name] = text
        return inputs

    def _default_provider(self, package: str, version: str, download_url: str = "") -> str:
        key = (package, version, download_url)
        with self._lock:
            ref = self._default_providers.get(key)
            if ref is not None:
                return ref
            name = default_provider_name(version, download_url)
            ptype = f"pulumi:providers:{package}"
            urn = f"urn:pulumi:{self.stack}::{self.project}::{ptype}::{name}"
            inputs = self._package_config(package)
            _set_provider_plugin(inputs, version, download_url)
            self._types[urn] = ptype
            ref = f"{urn}::{UNKNOWN}"
            self._default_providers[key] = ref
        self.writer.write(
            {
                "kind": "resource",
                "urn": urn,
                "type": ptype,
                "name": name,
                "custom": True,
                "parent": None,
                "provider": None,
                "dependencies": [],
                "propertyDependencies": {},
                "inputs": inputs,
                "source": None,
                "stackTrace": [],
                "synthesized": True,
            }
        )
        return ref

    def _run_transforms(self, request: Any, urn: str, inputs: dict[str, Any]) -> dict[str, Any] | None:
        own = _transform_functions(request.transforms if "transforms" in request.DESCRIPTOR.fields_by_name else ())
        with self._lock:
            self._transforms[urn] = own
            chain = list(own)
            parent = request.parent
            while parent:
                chain.extend(self._transforms.get(parent, []))
                parent = self._parents.get(parent, "")
            chain.extend(self._stack_transforms)
        if not chain:
            return None
        props = rpc.deserialize_properties(request.object, keep_unknowns=True)
        opts = pulumi.ResourceOptions()
        changed = False
        for transform in chain:
            result = transform(
                pulumi.ResourceTransformArgs(
                    custom=request.custom, type_=request.type, name=request.name, props=props, opts=opts
                )
            )
            if inspect.isawaitable(result):
                result = _sync_await(result)
            if result is not None:
                props = result.props if result.props is not None else props
                opts = result.opts if result.opts is not None else opts
                changed = True
        if not changed:
            return None
        struct = _sync_await(rpc.serialize_properties(props, {}, keep_output_values=False))
        return dict(json_format.MessageToDict(struct))

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        urn = self.make_urn(request.parent, request.type, request.name)
        with self._lock:
            self._types[urn] = urn.split("::")[2]
            if request.parent:
                self._parents[urn] = request.parent
        _ensure_event_loop()  # type: ignore[no-untyped-call]
        inputs = json_format.MessageToDict(request.object)
        transformed = self._run_transforms(request, urn, inputs) if request.type != STACK_TYPE else None
        if transformed is not None:
            inputs = transformed
        frames = _user_frames(request) if request.type != STACK_TYPE else []
        # Parsed first: a custom timeout the engine cannot parse fails the registration, as it does there.
        options = _resource_options(request)
        download_url = request.pluginDownloadURL if _has(request, "pluginDownloadURL") else ""
        if "remote" in request.DESCRIPTOR.fields_by_name and request.remote:
            # The CLI has the component's provider plugin construct it; we run no plugins, so its
            # children never register. Say so rather than pass what was never checked.
            self.writer.write(
                {
                    "kind": "notice",
                    "message": f"{request.type} '{request.name}' is a component its provider plugin builds "
                    "(a remote component); an offline preview runs no provider plugins, so the resources "
                    "inside it were not checked. `pulumi preview --policy-pack` checks them.",
                }
            )
        provider = request.provider or None
        if (
            request.custom
            and not provider
            and not request.type.startswith("pulumi:providers:")
            and request.type != STACK_TYPE
        ):
            provider = self._default_provider(_package_of(request.type), request.version, download_url)
        recorded = _scrub(inputs)
        if request.type.startswith("pulumi:providers:"):
            # source_eval.go: an explicit provider's requested plugin version (and URL) become inputs.
            _set_provider_plugin(recorded, request.version, download_url)
        record = {
            "kind": "resource",
            "urn": urn,
            "type": request.type,
            "name": request.name,
            "custom": bool(request.custom),
            "parent": request.parent or None,
            "provider": provider,
            "dependencies": list(request.dependencies),
            "propertyDependencies": {k: list(v.urns) for k, v in request.propertyDependencies.items()},
            "inputs": recorded,
            "source": frames[0] if frames else None,
            "stackTrace": frames,
            "synthesized": request.type == STACK_TYPE,
            "options": options,
        }
        self.writer.write(record)
        self.count += 1
        if request.type == STACK_TYPE:
            return resource_pb2.RegisterResourceResponse(urn=urn)
        if _is_remote(request):
            # Nothing constructs a remote component offline, so a preview knows none of its outputs:
            # all unknown, never its inputs echoed (an input and an output may share a name and not a type).
            self.resources[urn] = _mocks.MockMonitor.ResourceRegistration(urn, "", {})
            return resource_pb2.RegisterResourceResponse(urn=urn, id="")
        outputs = rpc.deserialize_properties(_dict_to_struct(inputs), keep_unknowns=True)
        _id, state = self.mocks.new_resource(
            _mocks.MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=outputs,
                provider=provider,
                resource_id=request.importId,
                custom=request.custom,
            )
        )
        obj = _sync_await(rpc.serialize_properties(state, {}))
        self.resources[urn] = _mocks.MockMonitor.ResourceRegistration(urn, "", state)
        # An empty id is unknown in preview, as for a resource about to be created.
        return resource_pb2.RegisterResourceResponse(urn=urn, id="", object=obj)

    def Call(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        """A resource method (`cluster.get_kubeconfig()`): its provider plugin runs it, so offline it is unknown."""
        return provider_pb2.CallResponse(**{"return": _dict_to_struct({"result": UNKNOWN})})


def _is_remote(request: Any) -> bool:
    """A component its provider plugin constructs (multi-language components such as awsx's)."""
    return "remote" in request.DESCRIPTOR.fields_by_name and bool(request.remote)


def _dict_to_struct(data: dict[str, Any]) -> Any:
    from google.protobuf import struct_pb2

    struct = struct_pb2.Struct()
    struct.update(data)
    return struct


# --- running the program -------------------------------------------------------------------------


def _is_program_file(filename: str, root: Path) -> bool:
    """A frame of the program's own code: under its directory, but not in a virtualenv kept there."""
    if filename.startswith("<"):  # <frozen runpy>, <string>: no file of the program's
        return False
    path = Path(filename).resolve()
    if not path.is_relative_to(root) or str(path) == _HERE or "site-packages" in path.parts:
        return False
    return not path.is_relative_to(Path(sys.prefix).resolve())


def _user_traceback(exc: BaseException, program_dir: str) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    root = Path(program_dir).resolve()
    user = [f for f in frames if _is_program_file(f.filename, root)]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(user or frames[-3:])]
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines)


def _root_cause(exc: BaseException) -> BaseException:
    seen: set[int] = set()
    while exc.__cause__ is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc = exc.__cause__
    return exc


# The program pins its own SDK, so the recorder meets many SDK versions: it feature-detects what
# changed between them rather than assuming the one the engine itself was built against.


def _set_config(config: dict[str, str], secret_keys: list[str]) -> None:
    set_all = getattr(pulumi.runtime, "set_all_config", None)
    if set_all is None:
        for key, value in config.items():
            pulumi.runtime.set_config(key, value)
        return
    try:
        set_all(config, secret_keys or None)
    except TypeError:  # SDKs whose set_all_config takes no secret keys
        set_all(config)


def _monitor_features(monitor: RecordingMonitor) -> dict[str, Any]:
    """Settings for SDKs that read the monitor's features once; older ones ask SupportsFeature."""
    info = getattr(monitor, "GetDeploymentInfo", None)
    if info is None:
        return {}
    return {"monitor_features": set(info(None).supportedFeatures)}


async def _callbacks_for(monitor: RecordingMonitor) -> Any:
    """The callback server transforms register with.

    Newer SDKs make one for any monitor; older ones only for a real gRPC monitor, so a program
    with transforms would stop with "No callback server registered". Nothing calls it remotely:
    `_transform_functions` finds the functions by their tokens.
    """
    try:
        from pulumi.runtime._callbacks import _CallbackServicer
    except ImportError:  # SDKs without transforms
        return None
    # It only keeps the monitor, to register stack transforms with.
    servicer = _CallbackServicer(monitor)  # type: ignore[arg-type]
    await servicer.serve()  # type: ignore[no-untyped-call]
    return servicer


def _transform_functions(refs: Any) -> list[Callable[..., Any]]:
    """The Python functions behind the callback references of a registration's transforms."""
    try:
        from pulumi.runtime._callbacks import _CallbackServicer
    except ImportError:  # SDKs without transforms
        return []
    by_token: dict[str, Callable[..., Any]] = {}
    for servicer in list(getattr(_CallbackServicer, "_servicers", ())):
        for function, token in dict(getattr(servicer, "_transforms", {})).items():
            by_token[token] = function
    return [by_token[ref.token] for ref in refs if ref.token in by_token]


def _run_program(main_path: str) -> Any:
    runpy.run_path(main_path, run_name="__main__")
    return _settle()


async def _settle() -> None:
    """Let the program's outstanding outputs and RPCs finish, one callback per task and round.

    After the program, the SDK's `wait_for_rpcs` waits for the outstanding outputs with
    `asyncio.wait(..., FIRST_COMPLETED)` in a loop, registering a callback on every pending output
    each round: a 3,000-resource program leaves ~66,000 outputs pending, and those rounds took
    most of the recorder's time (8.5 million callbacks). Waiting for all of them at once first
    leaves it nothing to wait for. A failed task keeps its exception, which the SDK still raises;
    a round without progress hands the rest back to the SDK, as before. Older SDKs without this
    bookkeeping are left alone.
    """
    from pulumi.runtime import settings as runtime_settings

    state = getattr(runtime_settings, "SETTINGS", None)
    rpc_manager = getattr(runtime_settings, "_get_rpc_manager", None)
    if state is None or rpc_manager is None or not hasattr(state, "outputs") or not hasattr(state, "lock"):
        return
    while True:
        with state.lock:
            pending = [task for task in state.outputs if not task.done()]
        pending += [rpc for rpc in rpc_manager().rpcs if isinstance(rpc, asyncio.Future) and not rpc.done()]
        if not pending:
            return
        done, _ = await asyncio.wait(pending, timeout=5.0)
        if not done:
            return


def main(spec_path: str) -> int:
    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)
    writer = RecordWriter(spec["outFd"] if "outFd" in spec else spec["out"])
    program_dir = spec["programDir"]
    main_path = spec["main"]
    os.chdir(program_dir)
    sys.path.insert(0, str(Path(main_path).parent if os.path.isfile(main_path) else main_path))
    sys.argv = [main_path]
    config: dict[str, str] = spec.get("config", {})
    _set_config(config, spec.get("secretKeys") or [])

    mocks = PreviewMocks(config, notice=lambda message: writer.write({"kind": "notice", "message": message}))
    monitor = RecordingMonitor(
        mocks, writer, spec["stack"], spec["project"], config, secret_keys=frozenset(spec.get("secretKeys") or ())
    )
    mock_settings = _mocks.MockSettings(  # type: ignore[no-untyped-call]
        monitor=monitor,
        engine=_mocks.MockEngine(None),
        project=spec["project"],
        stack=spec["stack"],
        dry_run=True,
        organization=spec.get("organization", "organization"),
        root_directory=program_dir,
        **_monitor_features(monitor),
    )
    settings.configure(mock_settings)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    settings.SETTINGS.callbacks = loop.run_until_complete(_callbacks_for(monitor))
    status = 0
    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(lambda: _run_program(main_path)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides the exit code
        cause = _root_cause(exc)
        kind = "config" if type(cause).__name__ == "ConfigMissingError" else "error"
        record: dict[str, Any] = {
            "kind": kind,
            "exception": type(cause).__name__,
            "message": str(cause),
            "traceback": _user_traceback(cause, program_dir),
        }
        if kind == "config":
            record["key"] = getattr(cause, "key", "")
        # The SDK's convention: a RunError is a message for the user, printed without a stack
        # trace (components raise it for a bad contract or an over-drawn connection budget).
        record["runError"] = isinstance(cause, pulumi.RunError)
        writer.write(record)
        status = 3
    else:
        writer.write({"kind": "done", "resources": monitor.count})
    finally:
        writer.close()
        with contextlib.suppress(Exception):  # pending tasks at exit are harmless here
            loop.close()
    return status


if __name__ == "__main__":
    # Silence the SDK's "Task was destroyed" noise from abandoned outputs at interpreter exit.
    code = main(sys.argv[1])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
