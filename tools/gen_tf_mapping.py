"""Generate `finops_guard/data/tf_aws_mapping.json`: Terraform AWS resources in pulumi-aws's shape.

`finops-guard check` reads Terraform plans and `.tf` sources and must hand the pack what a Pulumi
program would have registered: the pulumi-aws type token, camelCase property names, and nested
blocks the way pulumi-aws shapes them (a Terraform block limited to one item, MaxItemsOne, is a
single object in Pulumi, not a list of one; other blocks are lists, named in the plural). Those are
facts about the public pulumi-aws provider, reduced here into shipped data from two sources:

- **Terraform type of each Pulumi token**: the bridge metadata of pulumi-aws
  (`provider/cmd/pulumi-resource-aws/bridge-metadata.json`, section `renames.resources`). The
  bridge names tokens by a convention (`aws_<module>_<snake_case(Name)>` ↔
  `aws:<module>/<name>:<Name>`); the renames table holds what deviates from it. `--bridge-metadata`
  takes the whole file or our extract of that section (`tools/data/pulumi-aws-bridge-renames.json`,
  which records the commit it was read from); its `renamedProperties`, when present, are used too.
- **Property names and shapes**: the pulumi-aws schema as the installed SDK renders it (each
  resource's `_<Name>State` class and its nested `...Args` input types: Pulumi name from
  `@pulumi.getter(name=...)`, list/object/map from the annotation). A property whose value is a
  single nested object is a MaxItemsOne block; a list of objects is a repeated block, whose
  Terraform name is the singular when the bridge pluralized it (`rule` → `rules`).

Only what differs from the default translation is shipped (the default: camelCase the Terraform
name, keep the value as it is), so the file stays small. Each entry names its source.

Usage: ``python tools/gen_tf_mapping.py [--bridge-metadata FILE] [--output PATH] [--check]``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import inspect
import json
import re
import sys
import typing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "finops_guard" / "data" / "tf_aws_mapping.json"
DEFAULT_RENAMES = ROOT / "tools" / "data" / "pulumi-aws-bridge-renames.json"
sys.path.insert(0, str(ROOT / "tools"))

from gen_aws_taggable import resource_registry  # noqa: E402 - the SDK's own module → class table

_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
#: Kinds of a shipped field: a single nested object (a MaxItemsOne block), a list of nested
#: objects (a repeated block), or only a different name.
OBJECT, LIST, NAME = "o", "l", "n"


def snake(name: str) -> str:
    """`LogGroup` -> `log_group`, `UserPoolUICustomization` -> `user_pool_ui_customization`."""
    return _HUMP.sub("_", name).lower()


def camel(tf_name: str) -> str:
    """The bridge's default Pulumi name of a Terraform attribute: `retention_in_days` -> `retentionInDays`."""
    head, *rest = tf_name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def conventional_tf_type(token: str) -> str:
    """`aws:cloudwatch/logGroup:LogGroup` -> `aws_cloudwatch_log_group` (the bridge's convention)."""
    package, module_path, name = token.split(":")
    module = module_path.split("/")[0]
    return f"{package}_{module}_{snake(name)}"


def singular(tf_name: str) -> str:
    """The name a repeated Terraform block had before the bridge pluralized it (`rules` -> `rule`)."""
    for plural, single in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh")):
        if tf_name.endswith(plural):
            return tf_name[: -len(plural)] + single
    if tf_name.endswith("s") and not tf_name.endswith("ss"):
        return tf_name[:-1]
    return tf_name


def load_renames(path: Path) -> tuple[dict[str, str], dict[str, dict[str, str]], dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    renames = data.get("renames", {})
    return dict(renames.get("resources", {})), dict(renames.get("renamedProperties", {})), dict(data.get("source", {}))


# --- reading shapes from the SDK's annotations ---------------------------------------------------


def _members(annotation: Any) -> list[Any]:
    args = typing.get_args(annotation)
    return list(args) if typing.get_origin(annotation) is typing.Union else [annotation]


def _args_class(annotation: Any, namespace: dict[str, Any]) -> type | None:
    """The nested input class named in `annotation` (a ForwardRef like 'LogGroupFooArgs')."""
    for member in _members(annotation):
        if isinstance(member, typing.ForwardRef):
            name = member.__forward_arg__
            if name.endswith("Args"):
                found = namespace.get(name)
                if isinstance(found, type):
                    return found
        elif isinstance(member, str) and member.endswith("Args"):
            found = namespace.get(member)
            if isinstance(found, type):
                return found
        elif isinstance(member, type) and member.__name__.endswith("Args"):
            return member
    return None


def shape(annotation: Any, namespace: dict[str, Any]) -> tuple[str, type | None]:
    """('object', cls), ('list', cls) for nested inputs; ('other', None) for scalars, maps and lists of them."""
    if isinstance(annotation, str):
        return "other", None
    nested = _args_class(annotation, namespace)
    if nested is not None:
        return "object", nested
    for member in _members(annotation):
        origin = typing.get_origin(member)
        if origin is not None and getattr(origin, "__name__", "") == "Sequence":
            inner = typing.get_args(member)
            element = _args_class(inner[0], namespace) if inner else None
            if element is not None:
                return "list", element
    return "other", None


def _fields(cls: type) -> list[tuple[str, str, Any]]:
    """(python name, Pulumi name, annotation) of each property of an input/state class."""
    out = []
    for parameter in list(inspect.signature(cls.__init__).parameters.values())[1:]:  # type: ignore[misc]
        if parameter.kind not in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            continue
        prop = getattr(cls, parameter.name, None)
        fget = getattr(prop, "fget", None)
        pulumi_name = getattr(fget, "_pulumi_name", None) or parameter.name
        out.append((parameter.name, pulumi_name, parameter.annotation))
    return out


class Shapes:
    """Nested types reachable from the resources, each converted once and referenced by name."""

    def __init__(self, renamed: dict[str, dict[str, str]]) -> None:
        self.types: dict[str, dict[str, list[Any]]] = {}
        self._renamed = renamed

    def type_of(self, cls: type, token: str | None = None) -> str | None:
        """The shipped type name of `cls`, or None when nothing in it differs from the default."""
        key = f"{cls.__module__.removeprefix('pulumi_aws.')}.{cls.__name__}"
        if key in self.types:
            return key if self.types[key] else None
        self.types[key] = {}  # placeholder: a recursive type refers to itself
        namespace = vars(sys.modules[cls.__module__])
        renamed = self._renamed.get(token or "", {})
        fields: dict[str, list[Any]] = {}
        for python_name, pulumi_name, annotation in _fields(cls):
            kind, nested = shape(annotation, namespace)
            nested_name = self.type_of(nested) if nested is not None else None
            tf_names = [renamed[pulumi_name]] if pulumi_name in renamed else [python_name]
            if kind == "list" and not renamed:
                tf_names.append(singular(python_name))
            for tf_name in dict.fromkeys(tf_names):
                if kind == "object":
                    fields[tf_name] = [pulumi_name, OBJECT, nested_name]
                elif kind == "list":
                    fields[tf_name] = [pulumi_name, LIST, nested_name]
                elif camel(tf_name) != pulumi_name:
                    fields[tf_name] = [pulumi_name, NAME, None]
        self.types[key] = dict(sorted(fields.items()))
        return key if fields else None


def state_class(module: Any, class_name: str) -> type | None:
    for candidate in (f"_{class_name}State", f"{class_name}Args", f"{class_name}InitArgs"):
        found = getattr(module, candidate, None)
        if isinstance(found, type):
            return found
    return None


def generate(renames_path: Path, modules: frozenset[str] | None = None) -> dict[str, Any]:
    """The mapping data; `modules` limits it to those pulumi-aws modules (for tests)."""
    renames, renamed_properties, source = load_renames(renames_path)
    shapes = Shapes(renamed_properties)
    resources: dict[str, dict[str, Any]] = {}
    claimed_by_rename: set[str] = set()
    for entry in resource_registry():
        if modules is not None and entry["fqn"].removeprefix("pulumi_aws.") not in modules:
            continue
        module = importlib.import_module(entry["fqn"])
        for token, class_name in sorted(entry["classes"].items()):
            explicit = token in renames
            tf_type = renames[token] if explicit else conventional_tf_type(token)
            if tf_type in resources and (tf_type in claimed_by_rename or not explicit):
                continue  # a token the bridge names explicitly wins over one named by convention
            cls = state_class(sys.modules[getattr(module, class_name).__module__], class_name)
            record: dict[str, Any] = {"token": token, "from": "bridge-metadata" if explicit else "convention"}
            if cls is not None:
                type_name = shapes.type_of(cls, token)
                if type_name is not None:
                    record["type"] = type_name
            resources[tf_type] = record
            if explicit:
                claimed_by_rename.add(tf_type)
    used = _reachable(resources, shapes.types)
    return {
        "pulumiAws": importlib.metadata.version("pulumi-aws"),
        "generatedBy": "tools/gen_tf_mapping.py",
        "bridgeMetadata": source,
        "kinds": {OBJECT: "single nested object (MaxItemsOne block)", LIST: "list of nested objects", NAME: "renamed"},
        "resources": dict(sorted(resources.items())),
        "types": {name: shapes.types[name] for name in sorted(used)},
    }


def _reachable(resources: dict[str, dict[str, Any]], types: dict[str, dict[str, list[Any]]]) -> set[str]:
    seen: set[str] = set()
    stack = [r["type"] for r in resources.values() if "type" in r]
    while stack:
        name = stack.pop()
        if name in seen or not types.get(name):
            continue
        seen.add(name)
        stack.extend(field[2] for field in types[name].values() if field[2])
    return seen


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--bridge-metadata", type=Path, default=DEFAULT_RENAMES, help="bridge-metadata.json, or our extract of it"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file at --output is stale")
    parser.add_argument("--modules", help="only these pulumi-aws modules, comma-separated (for tests)")
    options = parser.parse_args(argv)
    modules = frozenset(options.modules.split(",")) if options.modules else None
    text = render(generate(options.bridge_metadata, modules))
    if options.check:
        current = options.output.read_text(encoding="utf-8") if options.output.exists() else ""
        if current != text:
            print(f"{options.output} is stale: run python tools/gen_tf_mapping.py", file=sys.stderr)
            return 1
        return 0
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text, encoding="utf-8")
    data = json.loads(text)
    from_metadata = sum(1 for r in data["resources"].values() if r["from"] == "bridge-metadata")
    print(
        f"{options.output}: pulumi-aws {data['pulumiAws']}, {len(data['resources'])} Terraform types "
        f"({from_metadata} named by the bridge metadata), {len(data['types'])} nested types"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
