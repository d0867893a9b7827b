"""A directory of Terraform files (.tf) as the registrations of a preview: no init, no plan, no cloud.

Parsed with python-hcl2. Values are resolved statically, as far as Terraform itself could without
providers: literals, variables (`-var`, `-var-file`, `terraform.tfvars`, `*.auto.tfvars`, then
defaults, in Terraform's precedence), locals, `each.key`/`each.value`/`count.index`, string
templates and `merge()` of maps. Anything else (a resource attribute, a data source, a function we
do not evaluate) stays unknown, as an unknown output does in a Pulumi preview: a finding that
needs it is unverifiable, never a failure.

`count` and `for_each` with known values make one registration per instance (`aws_s3_bucket.b[0]`,
`aws_s3_bucket.b["k"]`); local modules (`source = "./..."`) are followed, registry and git modules
are named in a warning. Every resource keeps the file and line of its block, which the reports
(and SARIF annotations) point at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

from ..model import Registration, SourceLocation
from . import tf_shapes
from .common import MODULE_TYPE, UNKNOWN, ReadInput, UrnMaker, provider_reference, provider_registration
from .common import stack_registration as make_stack
from .jsonfile import InputError

_TRAVERSAL = re.compile(r"^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[^\]]*\])*$")
_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[\s*([^\]]*?)\s*\]")
_REFERENCE = re.compile(r"(?<![\w.\"])([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)")
_INTERPOLATION = re.compile(r"\$\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
_META = frozenset({"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection", "dynamic"})
_NOT_RESOURCES = frozenset({"var", "local", "each", "count", "path", "data", "module", "self", "terraform"})
MAX_MODULE_DEPTH = 16


class _UnresolvableError(Exception):
    """An expression we cannot resolve statically."""


def _unquote(text: str) -> str:
    inner = text[1:-1]
    if inner.startswith("<<"):  # heredoc kept by python-hcl2 as "<<EOT\n...\nEOT"
        lines = inner.split("\n")
        return "\n".join(lines[1:-1]) + "\n"
    return inner.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _split_args(text: str) -> list[str]:
    args: list[str] = []
    current: list[str] = []
    depth, quoted = 0, False
    for char in text:
        if char == '"' and (not current or current[-1] != "\\"):
            quoted = not quoted
        if not quoted:
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
            elif char == "," and depth == 0:
                args.append("".join(current).strip())
                current = []
                continue
        current.append(char)
    if "".join(current).strip():
        args.append("".join(current).strip())
    return args


@dataclass
class Scope:
    """What names resolve to inside one module (and one instance of a resource)."""

    variables: dict[str, Any]
    locals_raw: dict[str, Any]
    module_dir: Path
    locals_done: dict[str, Any] = field(default_factory=dict)
    each: tuple[Any, Any] | None = None
    count_index: int | None = None
    resolving: set[str] = field(default_factory=set)

    def instance(self, each: tuple[Any, Any] | None = None, index: int | None = None) -> Scope:
        return Scope(self.variables, self.locals_raw, self.module_dir, self.locals_done, each, index, self.resolving)

    # --- values ---------------------------------------------------------------------------------

    def value(self, raw: Any) -> Any:
        """A python-hcl2 value resolved: plain Python, with UNKNOWN where it cannot be known."""
        if isinstance(raw, str):
            return self._string(raw)
        if isinstance(raw, list):
            return [self.value(item) for item in raw]
        if isinstance(raw, dict):
            return {_label(k): self.value(v) for k, v in raw.items() if k != "__is_block__"}
        return raw

    def _string(self, raw: str) -> Any:
        if raw.startswith("${") and raw.endswith("}") and _INTERPOLATION.fullmatch(raw):
            try:
                return self.expression(raw[2:-1])
            except _UnresolvableError:
                return UNKNOWN
        if len(raw) >= 2 and raw.startswith('"') and raw.endswith('"'):
            text = _unquote(raw)
            if "${" not in text:
                return text
            try:
                return _INTERPOLATION.sub(lambda m: _as_text(self.expression(m.group(1))), text)
            except _UnresolvableError:
                return UNKNOWN
        return raw

    def expression(self, text: str) -> Any:
        text = text.strip()
        if _TRAVERSAL.match(text):
            return self._traversal(text)
        call = re.fullmatch(r"(merge|tomap|lower|upper|tostring|tonumber)\((.*)\)", text, re.S)
        if call:
            args = [self._argument(a) for a in _split_args(call.group(2))]
            return _call(call.group(1), args)
        return self._argument(text, literal_only=True)

    def _argument(self, text: str, literal_only: bool = False) -> Any:
        if not literal_only and (_TRAVERSAL.match(text) or re.match(r"^\w+\(", text)):
            return self.expression(text)
        try:
            parsed = hcl2.loads(f"v = {text}\n").get("v")
        except Exception:  # noqa: BLE001 - anything python-hcl2 cannot read is unknown to us
            raise _UnresolvableError(text) from None
        if isinstance(parsed, str) and parsed.startswith("${"):
            if parsed[2:-1].strip() == text and literal_only:
                raise _UnresolvableError(text)
            return self._string(parsed)
        value = self.value(parsed)
        if _has_unknown(value):
            raise _UnresolvableError(text)
        return value

    def _traversal(self, text: str) -> Any:
        head, _, rest = text.partition(".")
        steps = [m.group(1) if m.group(1) is not None else m.group(2) for m in _STEP.finditer("." + rest)]
        if head == "var" and steps:
            if steps[0] not in self.variables:
                raise _UnresolvableError(text)
            current = self.variables[steps[0]]
            steps = steps[1:]
        elif head == "local" and steps:
            current = self.local(steps[0])
            steps = steps[1:]
        elif head == "each" and steps and self.each is not None:
            current = self.each[0] if steps[0] == "key" else self.each[1] if steps[0] == "value" else UNKNOWN
            steps = steps[1:]
        elif head == "count" and steps == ["index"] and self.count_index is not None:
            return self.count_index
        elif head == "path" and steps and steps[0] in ("module", "root", "cwd"):
            return str(self.module_dir)
        else:
            raise _UnresolvableError(text)
        for step in steps:
            key: Any = step
            if isinstance(step, str) and len(step) >= 2 and step[0] == '"' == step[-1]:
                key = step[1:-1]
            elif isinstance(step, str) and step.isdigit():
                key = int(step)
            found = _step(current, key)
            if found is _MISSING:
                raise _UnresolvableError(text)
            current = found
        if current == UNKNOWN:
            raise _UnresolvableError(text)
        return current

    def local(self, name: str) -> Any:
        if name in self.locals_done:
            return self.locals_done[name]
        if name not in self.locals_raw or name in self.resolving:
            raise _UnresolvableError(f"local.{name}")
        self.resolving.add(name)
        try:
            value = self.value(self.locals_raw[name])
        finally:
            self.resolving.discard(name)
        self.locals_done[name] = value
        if value == UNKNOWN:
            raise _UnresolvableError(f"local.{name}")
        return value


_MISSING = object()


def _step(container: Any, key: Any) -> Any:
    """`container[key]` for a map key or a list index, else `_MISSING`."""
    if isinstance(container, dict) and isinstance(key, str):
        return container.get(key, _MISSING)
    if isinstance(container, list) and isinstance(key, int) and 0 <= key < len(container):
        return container[key]
    return _MISSING


def _label(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == '"' == key[-1] else key


def _as_text(value: Any) -> str:
    if value == UNKNOWN or isinstance(value, dict | list):
        raise _UnresolvableError(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _has_unknown(value: Any) -> bool:
    if value == UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False


def _call(name: str, args: list[Any]) -> Any:
    if any(_has_unknown(a) for a in args):
        raise _UnresolvableError(name)
    if name == "merge":
        merged: dict[str, Any] = {}
        for arg in args:
            if not isinstance(arg, dict):
                raise _UnresolvableError(name)
            merged.update(arg)
        return merged
    if name == "tomap" and len(args) == 1 and isinstance(args[0], dict):
        return args[0]
    if name in ("lower", "upper", "tostring") and len(args) == 1:
        text = _as_text(args[0])
        return text.lower() if name == "lower" else text.upper() if name == "upper" else text
    if name == "tonumber" and len(args) == 1:
        try:
            return float(args[0])
        except (TypeError, ValueError):
            raise _UnresolvableError(name) from None
    raise _UnresolvableError(name)


def _expressions(raw: Any) -> Iterator[str]:
    """Every expression text inside a raw python-hcl2 value (for references)."""
    if isinstance(raw, str):
        if raw.startswith("${"):
            yield raw[2:-1]
        else:
            yield from (m.group(1) for m in _INTERPOLATION.finditer(raw))
    elif isinstance(raw, list):
        for item in raw:
            yield from _expressions(item)
    elif isinstance(raw, dict):
        for item in raw.values():
            yield from _expressions(item)


def _blocks(document: dict[str, Any], kind: str) -> Iterator[tuple[list[str], dict[str, Any]]]:
    """(labels, body) of every top-level block of `kind` (python-hcl2 nests one dict per label)."""
    for entry in document.get(kind) or []:
        if not isinstance(entry, dict):
            continue
        if entry.get("__is_block__") and kind == "locals":
            yield [], entry
            continue
        yield from _unnest(entry, [])


def _unnest(entry: dict[str, Any], labels: list[str]) -> Iterator[tuple[list[str], dict[str, Any]]]:
    for key, value in entry.items():
        if key == "__is_block__" or not isinstance(value, dict):
            continue
        if value.get("__is_block__"):
            yield [*labels, _label(key)], value
        else:
            yield from _unnest(value, [*labels, _label(key)])


@dataclass
class _Module:
    address: str  # "" for the root, else "module.a.module.b" (instance keys included)
    directory: Path
    documents: list[tuple[Path, dict[str, Any], str]]  # (file, parsed, text)
    scope: Scope
    #: provider configuration key in this module -> the registration it resolves to
    providers: dict[str, Registration]
    parent_urn: str


class SourceReader:
    def __init__(self, root: Path, variables: Mapping[str, str], var_files: Sequence[Path]) -> None:
        self.root = root
        project = root.resolve().name or "terraform"
        self.urns = UrnMaker("source", project)
        self.result = ReadInput("terraform-source", str(root), project, "source", [])
        self.cli_variables = dict(variables)
        self.var_files = list(var_files)
        self.stack = make_stack(self.urns)
        self.result.registrations.append(self.stack)
        self.provider_count = 0

    # --- files ----------------------------------------------------------------------------------

    def _parse_dir(self, directory: Path) -> list[tuple[Path, dict[str, Any], str]]:
        documents = []
        for path in sorted(directory.glob("*.tf")):
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"{path}: cannot be read ({exc}).") from None
            try:
                documents.append((path, hcl2.loads(text), text))
            except Exception as exc:  # noqa: BLE001 - python-hcl2 raises lark errors of many kinds
                line = getattr(exc, "line", None)
                column = getattr(exc, "column", None)
                where = f"{path}:{line}:{column}" if line else str(path)
                detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise InputError(f"{where}: not valid Terraform (HCL): {detail}") from None
        if list(directory.glob("*.tf.json")):
            self.result.warnings.append(f"{directory}: *.tf.json files are not read; only .tf files are.")
        return documents

    def _var_file(self, path: Path) -> dict[str, Any]:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
        if path.name.endswith(".json"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}.") from None
            return dict(data) if isinstance(data, dict) else {}
        try:
            raw = hcl2.loads(text)
        except Exception as exc:  # noqa: BLE001
            raise InputError(f"{path}: not a valid variable file: {str(exc).splitlines()[0]}") from None
        scope = Scope({}, {}, path.parent)
        return {k: scope.value(v) for k, v in raw.items()}

    def _root_variables(self, documents: list[tuple[Path, dict[str, Any], str]]) -> dict[str, Any]:
        declared = self._declared(documents)
        values: dict[str, Any] = {}
        for name, body in declared.items():
            if "default" in body:
                values[name] = Scope({}, {}, self.root).value(body["default"])
        auto = [self.root / "terraform.tfvars", self.root / "terraform.tfvars.json"]
        auto += sorted(self.root.glob("*.auto.tfvars")) + sorted(self.root.glob("*.auto.tfvars.json"))
        for path in [p for p in auto if p.exists()] + self.var_files:
            values.update(self._var_file(path))
        for name, text in self.cli_variables.items():
            values[name] = _cli_value(text, declared.get(name, {}))
        return values

    @staticmethod
    def _declared(documents: list[tuple[Path, dict[str, Any], str]]) -> dict[str, dict[str, Any]]:
        return {labels[0]: body for _, doc, _ in documents for labels, body in _blocks(doc, "variable") if labels}

    # --- providers ------------------------------------------------------------------------------

    def _providers(self, module: _Module) -> None:
        for _, document, _ in module.documents:
            for labels, body in _blocks(document, "provider"):
                if not labels:
                    continue
                package = labels[0]
                alias = module.scope.value(body.get("alias")) if "alias" in body else None
                key = f"{package}.{alias}" if isinstance(alias, str) else package
                inputs: dict[str, Any] = {}
                if "region" in body:
                    inputs["region"] = module.scope.value(body["region"])
                default_tags = body.get("default_tags")
                if isinstance(default_tags, list) and default_tags and isinstance(default_tags[0], dict):
                    tags = module.scope.value(default_tags[0].get("tags", {}))
                    inputs["defaultTags"] = UNKNOWN if _has_unknown(tags) else {"tags": tags}
                name = f"{module.address}.{key}" if module.address else key
                registration = provider_registration(self.urns, package, name, inputs)
                module.providers[key] = registration
                self.result.registrations.append(registration)

    def _provider_of(self, module: _Module, tf_type: str, body: dict[str, Any]) -> Registration:
        package = tf_type.split("_", 1)[0]
        key = package
        if "provider" in body:
            raw = body["provider"]
            text = raw[2:-1] if isinstance(raw, str) and raw.startswith("${") else _label(str(raw))
            key = text.strip()
        found = module.providers.get(key) or module.providers.get(package)
        if found is None:
            # The provider Terraform would configure by default: no region, no default tags known.
            found = provider_registration(self.urns, package, f"{package}.default", {})
            module.providers.setdefault(package, found)
            self.result.registrations.append(found)
        return found

    # --- modules and resources ------------------------------------------------------------------

    def read(self) -> ReadInput:
        documents = self._parse_dir(self.root)
        scope = Scope(self._root_variables(documents), self._locals(documents), self.root)
        root = _Module("", self.root, documents, scope, {}, self.stack.urn)
        self._read_module(root, depth=0)
        return self.result

    @staticmethod
    def _locals(documents: list[tuple[Path, dict[str, Any], str]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for _, document, _ in documents:
            for entry in document.get("locals") or []:
                if isinstance(entry, dict):
                    found.update({k: v for k, v in entry.items() if k != "__is_block__"})
        return found

    def _read_module(self, module: _Module, depth: int) -> None:
        self._providers(module)
        resources: dict[str, list[Registration]] = {}
        pending: list[tuple[Registration, dict[str, Any], str]] = []
        for path, document, text in module.documents:
            lines = block_lines(text)
            for labels, body in _blocks(document, "resource"):
                if len(labels) != 2:
                    continue
                tf_type, name = labels
                block = f"{tf_type}.{name}"
                location = SourceLocation(str(path.resolve()), lines.get(("resource", tf_type, name), 0))
                for address, scope in self._instances(module, block, body):
                    registration = self._resource(module, tf_type, address, body=body, scope=scope, location=location)
                    resources.setdefault(block, []).append(registration)
                    pending.append((registration, body, tf_type))
        for registration, body, tf_type in pending:
            _link(registration, body, tf_type, resources)
        for path, document, text in module.documents:
            lines = block_lines(text)
            for labels, body in _blocks(document, "module"):
                if labels:
                    self._module_call(
                        module,
                        labels[0],
                        body,
                        depth,
                        SourceLocation(str(path.resolve()), lines.get(("module", labels[0]), 0)),
                    )

    def _instances(self, module: _Module, block: str, body: dict[str, Any]) -> Iterator[tuple[str, Scope]]:
        prefix = f"{module.address}." if module.address else ""
        if "count" in body:
            count = module.scope.value(body["count"])
            if isinstance(count, int | float) and not isinstance(count, bool) and count >= 0:
                for index in range(int(count)):
                    yield f"{prefix}{block}[{index}]", module.scope.instance(index=index)
                return
            self.result.warnings.append(f"{prefix}{block}: count is not known statically; checked as one instance.")
            yield f"{prefix}{block}[0]", module.scope.instance(index=None)
            return
        if "for_each" in body:
            each = module.scope.value(body["for_each"])
            if isinstance(each, dict):
                for key, value in each.items():
                    yield f'{prefix}{block}["{key}"]', module.scope.instance(each=(key, value))
                return
            if isinstance(each, list) and not _has_unknown(each):
                for key in each:
                    yield f'{prefix}{block}["{key}"]', module.scope.instance(each=(key, key))
                return
            self.result.warnings.append(f"{prefix}{block}: for_each is not known statically; checked as one instance.")
            yield f"{prefix}{block}[*]", module.scope.instance(each=(UNKNOWN, UNKNOWN))
            return
        yield f"{prefix}{block}", module.scope

    def _resource(
        self,
        module: _Module,
        tf_type: str,
        address: str,
        *,
        body: dict[str, Any],
        scope: Scope,
        location: SourceLocation,
    ) -> Registration:
        provider = self._provider_of(module, tf_type, body)
        attributes = {k: scope.value(v) for k, v in body.items() if k not in _META and k != "__is_block__"}
        if "dynamic" in body:
            self.result.warnings.append(f"{address}: dynamic blocks are not expanded; their content is not checked.")
        mapping = tf_shapes.mapping_for(tf_type)
        if mapping is None:
            self.result.unmapped[tf_type] = self.result.unmapped.get(tf_type, 0) + 1
        token = mapping.token if mapping is not None else f"{tf_type.split('_', 1)[0]}:terraform:{tf_type}"
        inputs = tf_shapes.to_pulumi_inputs(tf_type, mapping, attributes)
        registration = Registration(
            urn=self.urns.make(token, address, module.parent_urn),
            type=token,
            name=address,
            custom=True,
            parent=module.parent_urn,
            provider=provider_reference(provider),
            dependencies=[],
            property_dependencies={},
            inputs=inputs,
            source=location,
        )
        self.result.registrations.append(registration)
        return registration

    def _module_call(
        self, parent: _Module, name: str, body: dict[str, Any], depth: int, location: SourceLocation
    ) -> None:
        source = parent.scope.value(body.get("source"))
        address = f"{parent.address}.module.{name}" if parent.address else f"module.{name}"
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            self.result.warnings.append(
                f"{address}: module source {source!r} is not a local directory; its resources were not checked "
                "(check the plan of this configuration to include them)."
            )
            return
        directory = (parent.directory / source).resolve()
        if depth >= MAX_MODULE_DEPTH or not directory.is_dir():
            self.result.warnings.append(f"{address}: module directory {directory} not found; not checked.")
            return
        documents = self._parse_dir(directory)
        declared = self._declared(documents)
        inputs = {
            k: parent.scope.value(v)
            for k, v in body.items()
            if k not in _META and k not in ("source", "version", "__is_block__", "providers")
        }
        variables: dict[str, Any] = {}
        for var_name, declaration in declared.items():
            if var_name in inputs:
                variables[var_name] = inputs[var_name]
            elif "default" in declaration:
                variables[var_name] = Scope({}, {}, directory).value(declaration["default"])
        component = Registration(
            urn=self.urns.make(MODULE_TYPE, address, parent.parent_urn),
            type=MODULE_TYPE,
            name=address,
            custom=False,
            parent=parent.parent_urn,
            provider=None,
            dependencies=[],
            property_dependencies={},
            inputs={},
        )
        self.result.registrations.append(component)
        # Providers are inherited by default; `providers = { aws = aws.us }` passes another one.
        providers = dict(parent.providers)
        passed = body.get("providers")
        for inner, outer in passed.items() if isinstance(passed, dict) else ():
            outer_key = (outer[2:-1] if isinstance(outer, str) and outer.startswith("${") else str(outer)).strip()
            if outer_key in parent.providers:
                providers[_label(inner)] = parent.providers[outer_key]
        child = _Module(
            address,
            directory,
            documents,
            Scope(variables, self._locals(documents), directory),
            providers,
            component.urn,
        )
        self._read_module(child, depth + 1)


def _cli_value(text: str, declaration: dict[str, Any]) -> Any:
    """A `-var` value as Terraform reads it: per the declared type, strings by default."""
    declared = str(declaration.get("type", "")).strip('"${}')
    if declared == "number":
        try:
            return float(text)
        except ValueError:
            return text
    if declared == "bool" and text in ("true", "false"):
        return text == "true"
    if declared.startswith(("map", "object", "list", "set", "tuple")) or text.strip().startswith(("{", "[")):
        try:
            return Scope({}, {}, Path()).value(hcl2.loads(f"v = {text}\n").get("v"))
        except Exception:  # noqa: BLE001 - not HCL: keep the string
            return text
    return text


def block_lines(text: str) -> dict[tuple[str, ...], int]:
    """Line of each `resource "type" "name" {` and `module "name" {` header in a file."""
    lines: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        found = re.match(r'\s*resource\s+"([^"]+)"\s+"([^"]+)"', line)
        if found:
            lines.setdefault(("resource", found.group(1), found.group(2)), number)
        found = re.match(r'\s*module\s+"([^"]+)"', line)
        if found:
            lines.setdefault(("module", found.group(1)), number)
    return lines


def _link(
    registration: Registration, body: dict[str, Any], tf_type: str, resources: dict[str, list[Registration]]
) -> None:
    """Dependencies and property dependencies from references to other resources of the module."""
    mapping = tf_shapes.mapping_for(tf_type)

    def targets(raw: Any) -> list[str]:
        urns: list[str] = []
        for expression in _expressions(raw):
            for match in _REFERENCE.finditer(expression):
                if match.group(1) in _NOT_RESOURCES:
                    continue
                for target in resources.get(f"{match.group(1)}.{match.group(2)}", []):
                    if target.urn != registration.urn and target.urn not in urns:
                        urns.append(target.urn)
        return urns

    dependencies: list[str] = []
    for attribute, raw in body.items():
        if attribute in _META or attribute == "__is_block__":
            continue
        urns = targets(raw)
        if urns:
            registration.property_dependencies[tf_shapes.pulumi_property(tf_type, mapping, attribute)] = urns
            dependencies.extend(u for u in urns if u not in dependencies)
    dependencies.extend(u for u in targets(body.get("depends_on") or []) if u not in dependencies)
    registration.dependencies = dependencies


def read_source(path: Path, *, variables: Mapping[str, str], var_files: Sequence[Path]) -> ReadInput:
    return SourceReader(path, variables, var_files).read()
