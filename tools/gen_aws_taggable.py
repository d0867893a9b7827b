"""Generate `finops_policies/data/aws_taggable.json`: which pulumi-aws resource types take cost tags.

The policy pack must not import `pulumi_aws` (≈270 MB, seconds to import), so the set of taggable
types is derived here, at build time, from the installed SDK and shipped as data. A resource type
counts as taggable when its Args class accepts `tags`; the shape of that input decides how:

- ``mapTags``: `tags` is a map of strings and the resource has a `tagsAll` output, i.e. it takes
  part in the provider's `defaultTags` merge;
- ``listTags``: `tags` is a list of `{key, value, propagateAtLaunch}` objects (the Auto Scaling
  group), which gets no provider default tags;
- ``selectorTags``: `tags` exists but selects *other* resources by tag (a map with no `tagsAll`,
  or an object): not cost tags, never checked.

The registry of every resource class is the JSON passed to `_utilities.register(resource_modules=
...)` at the bottom of `pulumi_aws/__init__.py`.

Usage: ``python tools/gen_aws_taggable.py [--output PATH] [--check]``.
"""

from __future__ import annotations

import argparse
import collections.abc
import importlib
import importlib.metadata
import importlib.util
import inspect
import json
import re
import sys
import typing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "policypack" / "finops_policies" / "data" / "aws_taggable.json"
_REGISTRY = re.compile(r'resource_modules="""\s*(\[.*?\])\s*"""', re.S)


def resource_registry() -> list[dict[str, Any]]:
    """The SDK's own module → class table, read from its source rather than by importing it all."""
    spec = importlib.util.find_spec("pulumi_aws")
    if spec is None or spec.origin is None:
        raise SystemExit("pulumi-aws is not installed: pip install pulumi-aws")
    match = _REGISTRY.search(Path(spec.origin).read_text(encoding="utf-8"))
    if match is None:
        raise SystemExit(f"no resource_modules registry found in {spec.origin}")
    modules: list[dict[str, Any]] = json.loads(match.group(1))
    return modules


def args_class(resource_class: type) -> type | None:
    """`<Class>Args`, or `<Class>InitArgs` where the plain name is taken by a nested input type."""
    module = sys.modules[resource_class.__module__]
    name = resource_class.__name__
    for candidate in (f"{name}InitArgs", f"{name}Args"):
        found = getattr(module, candidate, None)
        if isinstance(found, type):
            return found
    return None


def _container_kind(annotation: object) -> str | None:
    """'map' or 'list' for the outermost Mapping/Sequence in an `Input[...]` union, else None."""
    for member in typing.get_args(annotation) or (annotation,):
        origin = typing.get_origin(member)
        if origin is collections.abc.Mapping:
            return "map"
        if origin is collections.abc.Sequence:
            return "list"
    return None


def classify(resource_class: type) -> str | None:
    """'mapTags', 'listTags', 'selectorTags', or None when the class takes no `tags` input."""
    args = args_class(resource_class)
    if args is None:
        return None
    parameter = inspect.signature(args).parameters.get("tags")
    if parameter is None:
        return None
    kind = _container_kind(parameter.annotation)
    # `tags_all` is the output pulumi-aws fills from provider defaultTags ⊕ tags.
    if kind == "map" and isinstance(getattr(resource_class, "tags_all", None), property):
        return "mapTags"
    if kind == "list":
        return "listTags"
    return "selectorTags"


def generate() -> dict[str, Any]:
    found: dict[str, list[str]] = {"mapTags": [], "listTags": [], "selectorTags": []}
    total = 0
    for entry in resource_registry():
        module = importlib.import_module(entry["fqn"])
        for token, class_name in entry["classes"].items():
            total += 1
            verdict = classify(getattr(module, class_name))
            if verdict is not None:
                found[verdict].append(token)
    return {
        "pulumiAws": importlib.metadata.version("pulumi-aws"),
        "generatedBy": "tools/gen_aws_taggable.py",
        "resourceTypes": total,
        **{key: sorted(tokens) for key, tokens in found.items()},
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file at --output is stale")
    options = parser.parse_args(argv)
    text = render(generate())
    if options.check:
        current = options.output.read_text(encoding="utf-8") if options.output.exists() else ""
        if current != text:
            print(f"{options.output} is stale: run python tools/gen_aws_taggable.py", file=sys.stderr)
            return 1
        return 0
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text, encoding="utf-8")
    data = json.loads(text)
    print(
        f"{options.output}: pulumi-aws {data['pulumiAws']}, {data['resourceTypes']} types, "
        f"{len(data['mapTags'])} map-tagged, {len(data['listTags'])} list-tagged, "
        f"{len(data['selectorTags'])} selector"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
