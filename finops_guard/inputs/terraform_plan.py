"""A Terraform plan (`terraform show -json plan.out`) as the registrations of a Pulumi preview.

Read per the JSON output format (developer.hashicorp.com/terraform/internals/json-format), which
Terraform 0.12 through 1.x and OpenTofu share (`format_version` "0.1", "0.2", "1.0", "1.1", ...):

- `resource_changes[]` of mode `managed`: created, updated, replaced and unchanged resources are
  checked with their planned values (`change.after`), as `pulumi preview` checks every resource of
  the program; deleted ones (and `forget`) are not. `after_unknown` marks what is known only after
  apply: those values stay unknown, so findings that need them are unverifiable, never failures.
  `after_sensitive` marks values that are kept out of every report.
- `configuration.provider_config`: each provider configuration (with its `alias`) becomes a
  Pulumi provider registration with `region` and `defaultTags` (a JSON string, as the engine sends
  provider config); each resource is linked to its configuration by `provider_config_key`.
- module addresses become component registrations that parent the module's resources;
  `expressions.*.references` and `depends_on` become dependencies and property dependencies.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..model import Registration, SourceLocation
from . import tf_shapes
from .common import (
    MODULE_TYPE,
    UNKNOWN,
    ReadInput,
    UrnMaker,
    provider_reference,
    provider_registration,
    stack_registration,
)
from .jsonfile import InputError

#: Actions whose result exists after apply (JSON output format: `change.actions`).
_CHECKED_ACTIONS = ({"create"}, {"update"}, {"delete", "create"}, {"no-op"})
_INDEX = re.compile(r"\[[^\]]*\]$")
_REFERENCE = re.compile(r"^((?:module\.[^.\[]+(?:\[[^\]]*\])?\.)*)([a-z][a-z0-9_]*\.[A-Za-z_][\w-]*)")


#: Top-level sections a plan is read from; the rest (planned_values, prior_state...) is skipped.
HEADER_KEYS = frozenset({"format_version", "terraform_version", "variables", "configuration"})

# What of `configuration` the reader uses: provider_config whole; of each module, its resources'
# `address`, `mode`, `provider_config_key`, `depends_on` and the `references` inside `expressions`
# (`_link`), and its module calls' `source` and `module` (`_source_lines`). A plan streamed from disk
# keeps only that (`configuration_compactors`): with 100,000 resource blocks the whole section is
# larger than everything else the reader holds.
_RESOURCE_ITEM = re.compile(r"^configuration\.root_module(?:\.module_calls\.[^.]+\.module)*\.resources\.item$")
_MODULE_CALL = re.compile(r"^configuration\.root_module(?:\.module_calls\.[^.]+\.module)*\.module_calls\.[^.]+$")
_RESOURCE_KEYS = ("address", "mode", "provider_config_key", "depends_on")


def _references_only(value: Any) -> Any:
    """`value` with only what `_references` yields: `references` entries and the containers leading to them."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key == "references":
                out[key] = item
            elif isinstance(item, dict | list) and (kept := _references_only(item)):
                out[key] = kept
        return out
    if isinstance(value, list):
        return [kept for item in value if isinstance(item, dict | list) and (kept := _references_only(item))]
    return None


def _shared(value: Any) -> Any:
    return sys.intern(value) if type(value) is str and len(value) <= 32 else value


def compact_resource_config(resource: Any) -> Any:
    """A configuration resource block with only what the reader reads of it."""
    if not isinstance(resource, dict):
        return resource
    out = {key: _shared(resource[key]) for key in _RESOURCE_KEYS if key in resource}
    expressions = resource.get("expressions")
    if isinstance(expressions, dict | list):
        compact = _references_only(expressions)
        if compact:
            out["expressions"] = compact
    elif "expressions" in resource:
        out["expressions"] = expressions
    return out


def _compact_configuration(prefix: str, value: Any) -> Any:
    if not isinstance(value, dict) or _RESOURCE_ITEM.match(prefix):
        return compact_resource_config(value)
    return {key: value[key] for key in ("source", "module") if key in value}  # a module call


def configuration_compactors() -> dict[str, tuple[Callable[[str], bool], Callable[[str, Any], Any]]]:
    """For `jsonstream.top_level`: keep `configuration` compact while it is read."""

    def watch(prefix: str) -> bool:  # called for every object and array: the cheap test first
        if prefix.endswith(".resources.item"):
            return bool(_RESOURCE_ITEM.match(prefix))
        return prefix.rsplit(".", 2)[-2:-1] == ["module_calls"] and bool(_MODULE_CALL.match(prefix))

    return {"configuration": (watch, _compact_configuration)}


def is_plan(data: Any) -> bool:
    """True for a plan's top-level object, or the set of its top-level keys."""
    return (
        isinstance(data, dict | set | frozenset)
        and "format_version" in data
        and ("resource_changes" in data or "planned_values" in data or "terraform_version" in data)
    )


def _constant(expression: Any, variables: dict[str, Any]) -> Any:
    """The value of a configuration expression: its constant, a root variable it names, else unknown."""
    if not isinstance(expression, dict):
        return UNKNOWN
    if "constant_value" in expression:
        return expression["constant_value"]
    references = expression.get("references") or []
    variable_refs = [r for r in references if isinstance(r, str) and r.startswith("var.")]
    if len(variable_refs) == 1 and len(references) == 1:
        name = variable_refs[0][4:]
        if name in variables:
            return variables[name]
    return UNKNOWN


def _default_tags(expressions: dict[str, Any], variables: dict[str, Any]) -> Any:
    blocks = expressions.get("default_tags")
    if not blocks:
        return None
    block = blocks[0] if isinstance(blocks, list) and blocks else blocks
    if not isinstance(block, dict) or "tags" not in block:
        return None
    tags = _constant(block["tags"], variables)
    if tags == UNKNOWN:
        return UNKNOWN
    return {"tags": tags} if isinstance(tags, dict) else None


def _package(provider_name: str) -> str:
    """`registry.terraform.io/hashicorp/aws` -> `aws`."""
    return provider_name.rsplit("/", 1)[-1] or "terraform"


def _module_configs(config_module: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(module address, module config) for the root ("") and every module call, recursively."""
    yield prefix, config_module
    for name, call in (config_module.get("module_calls") or {}).items():
        child = call.get("module") if isinstance(call, dict) else None
        if isinstance(child, dict):
            yield from _module_configs(child, f"{prefix}.module.{name}" if prefix else f"module.{name}")


def _strip_indexes(module_address: str) -> str:
    """`module.app["a"].module.db[0]` -> `module.app.module.db` (the configuration's key)."""
    if "[" not in module_address:  # most addresses (the root module's "" above all): nothing to strip
        return module_address
    return re.sub(r"\[[^\]]*\]", "", module_address)


class PlanReader:
    def __init__(
        self,
        data: dict[str, Any],
        path: str,
        project: str,
        stack: str,
        on_registration: Callable[[Registration], None] | None = None,
    ) -> None:
        self.data = data
        self.on_registration = on_registration
        self.path = path
        self.urns = UrnMaker(stack, project)
        self.result = ReadInput("terraform-plan", path, project, stack, [])
        self.variables = {k: v.get("value") for k, v in (data.get("variables") or {}).items() if isinstance(v, dict)}
        configuration = data.get("configuration") or {}
        self.provider_config: dict[str, Any] = configuration.get("provider_config") or {}
        self.resource_configs: dict[tuple[str, str], dict[str, Any]] = {}
        root = configuration.get("root_module")
        if isinstance(root, dict):
            for module_address, module in _module_configs(root):
                for resource in module.get("resources") or []:
                    if isinstance(resource, dict) and resource.get("mode", "managed") == "managed":
                        self.resource_configs[(module_address, str(resource.get("address")))] = resource
        #: some resource block may reference another (else no lookup by block is needed)
        self.linked = any("expressions" in c or "depends_on" in c for c in self.resource_configs.values())
        self.providers: dict[str, Registration] = {}
        #: the provider of each (package, provider_config_key, module) met so far
        self.provider_of_key: dict[tuple[str, str, str], Registration] = {}
        self.references: dict[str, str] = {}
        self.modules: dict[str, Registration] = {}
        self.stack = stack_registration(self.urns)
        self.locations = _source_lines(Path(path).parent, root) if isinstance(root, dict) else {}

    def _add(self, registration: Registration) -> None:
        """Keep a registration and hand it on at once (the pack may analyze while we read)."""
        self.result.registrations.append(registration)
        if self.on_registration is not None:
            self.on_registration(registration)

    # --- providers ------------------------------------------------------------------------------

    def _reference(self, provider: Registration) -> str:
        """`provider_reference(provider)`, one string per provider (not one per resource)."""
        found = self.references.get(provider.urn)
        if found is None:
            found = self.references[provider.urn] = provider_reference(provider)
        return found

    def _provider_named(self, key: str, package: str) -> Registration:
        found = self.providers.get(key)
        if found is not None:
            return found
        config = self.provider_config.get(key) if key in self.provider_config else None
        inputs: dict[str, Any] = {}
        if isinstance(config, dict):
            expressions = config.get("expressions") or {}
            variables = self.variables if not config.get("module_address") else {}
            if "region" in expressions:
                inputs["region"] = _constant(expressions["region"], variables)
            default_tags = _default_tags(expressions, variables)
            if default_tags is not None:
                inputs["defaultTags"] = default_tags
            if config.get("version_constraint"):
                inputs["version"] = str(config["version_constraint"])
        registration = provider_registration(self.urns, package, key.replace(":", "."), inputs)
        self.providers[key] = registration
        self._add(registration)
        return registration

    def _provider_for(self, change: dict[str, Any], config: dict[str, Any] | None) -> Registration:
        package = _package(str(change.get("provider_name") or "aws"))
        key = str(config.get("provider_config_key")) if config and config.get("provider_config_key") else ""
        module = _strip_indexes(str(change.get("module_address") or ""))
        # thousands of resources share a few (package, key, module): each is resolved once
        found = self.provider_of_key.get((package, key, module))
        if found is None:
            found = self.provider_of_key[(package, key, module)] = self._resolve_provider(package, key, module)
        return found

    def _resolve_provider(self, package: str, key: str, module: str) -> Registration:
        for candidate in (key, f"{module}:{key}" if module and key else "", f"module.{key}" if key else ""):
            if candidate and candidate in self.provider_config:
                return self._provider_named(candidate, package)
        if key:
            # A module's provider passed in from its caller, keyed as the caller names it.
            tail = key.split(":", 1)[-1]
            if tail in self.provider_config:
                return self._provider_named(tail, package)
        if package in self.provider_config:
            return self._provider_named(package, package)
        return self._provider_named(f"{package}.default", package)

    # --- modules --------------------------------------------------------------------------------

    def _module(self, address: str) -> str:
        """The URN of the component standing for module `address` (created with its ancestors)."""
        if not address:
            return self.stack.urn
        found = self.modules.get(address)
        if found is not None:
            return found.urn
        parts = re.findall(r"module\.[^.\[]+(?:\[[^\]]*\])?", address)
        parent = self._module(".".join(parts[:-1])) if len(parts) > 1 else self.stack.urn
        registration = Registration(
            urn=self.urns.make(MODULE_TYPE, address, parent),
            type=MODULE_TYPE,
            name=address,
            custom=False,
            parent=parent,
            provider=None,
            dependencies=[],
            property_dependencies={},
            inputs={},
        )
        self.modules[address] = registration
        self._add(registration)
        return registration.urn

    # --- resources ------------------------------------------------------------------------------

    def read(self, changes: Iterable[Any]) -> ReadInput:
        self._add(self.stack)
        by_block: dict[tuple[str, str], list[Registration]] = defaultdict(list)
        pending: list[tuple[Registration, dict[str, Any] | None, str, str, tf_shapes.Mapping | None]] = []
        skipped_deletes = 0
        for change in changes:
            if not isinstance(change, dict) or change.get("mode", "managed") != "managed":
                continue
            body = change.get("change") or {}
            actions = set(body.get("actions") or [])
            if actions not in _CHECKED_ACTIONS:
                skipped_deletes += "delete" in actions
                continue
            after = body.get("after")
            if not isinstance(after, dict):
                after = {}
            tf_type = str(change.get("type") or "")
            address = str(change.get("address") or tf_type)
            module_address = str(change.get("module_address") or "")
            block = address[len(module_address) + 1 :] if module_address else address
            if block.endswith("]"):  # an instance of `count` or `for_each`: its block's address
                block = _INDEX.sub("", block)
            config = self.resource_configs.get((_strip_indexes(module_address), block))
            provider = self._provider_for(change, config)
            mapping = tf_shapes.mapping_for(tf_type)
            if mapping is None:
                self.result.unmapped[tf_type] = self.result.unmapped.get(tf_type, 0) + 1
            token = (
                mapping.token
                if mapping is not None
                else f"{_package(str(change.get('provider_name') or ''))}:terraform:{tf_type}"
            )
            inputs = tf_shapes.to_pulumi_inputs(
                tf_type, mapping, after, body.get("after_unknown"), body.get("after_sensitive")
            )
            parent = self._module(module_address)
            registration = Registration(
                urn=self.urns.make(token, address, parent),
                type=token,
                name=address,
                custom=True,
                parent=parent,
                provider=self._reference(provider),
                dependencies=[],
                property_dependencies={},
                inputs=inputs,
                source=self.locations.get((_strip_indexes(module_address), block)),
            )
            self._add(registration)
            if self.linked:
                by_block[(module_address, block)].append(registration)
            # a block with neither expressions nor depends_on has no dependency to link
            if config is not None and ("expressions" in config or "depends_on" in config):
                pending.append((registration, config, module_address, tf_type, mapping))
        for registration, config, module_address, tf_type, mapping in pending:
            if config is not None:
                self._link(
                    registration,
                    config=config,
                    module_address=module_address,
                    tf_type=tf_type,
                    mapping=mapping,
                    by_block=by_block,
                )
        if skipped_deletes:
            self.result.warnings.append(
                f"{skipped_deletes} resource(s) the plan deletes were not checked (they will not exist after apply)."
            )
        return self.result

    def _link(
        self,
        registration: Registration,
        *,
        config: dict[str, Any],
        module_address: str,
        tf_type: str,
        mapping: tf_shapes.Mapping | None,
        by_block: dict[tuple[str, str], list[Registration]],
    ) -> None:
        def targets(reference: str) -> list[str]:
            match = _REFERENCE.match(reference)
            if match is None or match.group(1) or reference.startswith(("var.", "local.", "data.", "each.", "count.")):
                return []
            found = by_block.get((module_address, match.group(2)), [])
            return [r.urn for r in found if r.urn != registration.urn]

        dependencies: list[str] = []
        for attribute, expression in (config.get("expressions") or {}).items():
            if (
                type(expression) is dict
                and len(expression) == 1
                and type(expression.get("constant_value", expression)) in _SCALARS
            ):
                continue  # `{"constant_value": scalar}`: no references (most attributes of most blocks)
            urns: list[str] = []
            for reference in _references(expression):
                urns.extend(u for u in targets(reference) if u not in urns)
            if urns:
                registration.property_dependencies[tf_shapes.pulumi_property(tf_type, mapping, attribute)] = urns
                dependencies.extend(u for u in urns if u not in dependencies)
        for reference in config.get("depends_on") or []:
            dependencies.extend(u for u in targets(str(reference)) if u not in dependencies)
        registration.dependencies = dependencies


def _source_lines(directory: Path, root: dict[str, Any]) -> dict[tuple[str, str], SourceLocation]:
    """Where each resource block is declared, when the plan sits beside its configuration.

    The root module's `.tf` files are in the plan's directory; a module's are where its call's
    local `source` points. Nothing is found (and nothing is pointed at) for other layouts.
    """
    found: dict[tuple[str, str], SourceLocation] = {}
    if not any(directory.glob("*.tf")):
        return found
    from .terraform_source import block_lines  # imports the HCL parser (~0.15 s): only for .tf files

    def scan(module_address: str, folder: Path, config: dict[str, Any], depth: int) -> None:
        if depth > 16 or not folder.is_dir():
            return
        for path in sorted(folder.glob("*.tf")):
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue
            for key, line in block_lines(text).items():
                if key[0] == "resource":
                    found.setdefault((module_address, f"{key[1]}.{key[2]}"), SourceLocation(str(path.resolve()), line))
        for name, call in (config.get("module_calls") or {}).items():
            source = call.get("source") if isinstance(call, dict) else None
            child = call.get("module") if isinstance(call, dict) else None
            if isinstance(source, str) and source.startswith(("./", "../")) and isinstance(child, dict):
                address = f"{module_address}.module.{name}" if module_address else f"module.{name}"
                scan(address, (folder / source).resolve(), child, depth + 1)

    scan("", directory, root, 0)
    return found


#: JSON scalars: a `{"constant_value": scalar}` expression references nothing.
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _references(expression: Any) -> Iterator[str]:
    """Every `references` entry in an expression, including those of nested blocks."""
    found: list[str] = []
    _collect_references(expression, found)
    return iter(found)


def _collect_references(expression: Any, out: list[str]) -> None:
    """`_references` into `out`, in its order, with one call per container (not per generator step)."""
    if isinstance(expression, dict):
        for reference in expression.get("references") or []:
            if isinstance(reference, str):
                out.append(reference)
        for key, value in expression.items():
            if key != "references" and isinstance(value, dict | list):
                _collect_references(value, out)
    elif isinstance(expression, list):
        for item in expression:
            if isinstance(item, dict | list):
                _collect_references(item, out)


def read_plan(
    header: dict[str, Any],
    changes: Iterable[Any] | None,
    path: Path,
    *,
    state_only: bool = False,
    on_registration: Callable[[Registration], None] | None = None,
) -> ReadInput:
    """The registrations of the plan at `path`: its top-level `header` sections (HEADER_KEYS) and
    its `resource_changes` (None when the plan has none), which may be a stream."""
    version = str(header.get("format_version", ""))
    if not re.match(r"^[01]\.\d+", version):
        raise InputError(
            f"{path}: plan format_version {version!r} is not one this reader knows (0.x or 1.x, "
            "from Terraform 0.12 to 1.x or OpenTofu)."
        )
    reader = PlanReader(header, str(path), "terraform", path.stem or "plan", on_registration)
    if changes is None:
        reader.result.warnings.append(
            f"{path}: Terraform state (`terraform show -json` without a plan file), not a plan: nothing was "
            "checked; check `terraform show -json plan.out` of a saved plan instead."
            if state_only
            else f"{path}: the plan has no resource_changes; nothing was checked."
        )
        changes = ()
    elif isinstance(changes, dict | str | int | float):
        raise InputError(f"{path}: resource_changes must be a list, found {type(changes).__name__}.")
    return reader.read(changes)
