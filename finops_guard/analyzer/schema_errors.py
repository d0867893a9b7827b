"""JSON-schema validation errors worded as the Pulumi CLI words them.

The CLI validates policy config with gojsonschema (v1.2.0, pinned in pulumi's pkg/go.mod) and
prints each error as gojsonschema's `ResultError.String()`, `<field>: <description>`, less a
leading `(root): ` (pkg/resource/analyzer/config.go, validatePolicyConfig). We validate with
python-jsonschema and translate its errors into those words, so a user sees the same lines
offline as with `pulumi preview`. The description templates are gojsonschema's English locale
(locales.go, DefaultLocale); an error kind with no translation keeps python-jsonschema's message.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # named in annotations only: jsonschema is imported where it validates
    from jsonschema import ValidationError

_ROOT = "(root)"


def _json(value: Any) -> str:
    """A value as Go's encoding/json writes it (the CLI quotes enum and const values so)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _choices(values: Any) -> str:
    return ", ".join(_json(value) for value in values) if isinstance(values, list) else _json(values)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def json_type(value: Any) -> str:
    """gojsonschema's name for a value's type: a whole number is an `integer`, any other `number`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    return "object"


def _expected_types(types: Any) -> str:
    # jsonSchemaType.String(): one type by name, several as "[a,b]"
    if isinstance(types, list):
        return types[0] if len(types) == 1 else "[" + ",".join(types) + "]"
    return str(types)


def _missing_property(error: ValidationError) -> str:
    # python-jsonschema: "<repr of the property> is a required property"
    text = error.message.removesuffix(" is a required property")
    try:
        return str(ast.literal_eval(text))
    except (ValueError, SyntaxError):
        return text


def _duplicate_pair(items: list[Any]) -> tuple[int, int]:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        key = json.dumps(item, sort_keys=True)
        if key in seen:
            return seen[key], index
        seen[key] = index
    return 0, 0


def _unique(error: ValidationError) -> str:
    first, second = _duplicate_pair(list(error.instance) if isinstance(error.instance, list) else [])
    return f"array items[{first},{second}] must be unique"


def _additional(error: ValidationError) -> Iterable[str]:
    known = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [f"Additional property {key} is not allowed" for key in instance if key not in known]


_DESCRIBE: dict[str, Callable[[ValidationError, str], str]] = {
    "required": lambda e, field: f"{_missing_property(e)} is required",
    "type": lambda e, field: (
        f"Invalid type. Expected: {_expected_types(e.validator_value)}, given: {json_type(e.instance)}"
    ),
    "enum": lambda e, field: f"{field} must be one of the following: {_choices(e.validator_value)}",
    "const": lambda e, field: f"{field} does not match: {_json(e.validator_value)}",
    "minLength": lambda e, field: f"String length must be greater than or equal to {e.validator_value}",
    "maxLength": lambda e, field: f"String length must be less than or equal to {e.validator_value}",
    "minimum": lambda e, field: f"Must be greater than or equal to {_number(e.validator_value)}",
    "exclusiveMinimum": lambda e, field: f"Must be greater than {_number(e.validator_value)}",
    "maximum": lambda e, field: f"Must be less than or equal to {_number(e.validator_value)}",
    "exclusiveMaximum": lambda e, field: f"Must be less than {_number(e.validator_value)}",
    "multipleOf": lambda e, field: f"Must be a multiple of {_number(e.validator_value)}",
    "pattern": lambda e, field: f"Does not match pattern '{e.validator_value}'",
    "format": lambda e, field: f"Does not match format '{e.validator_value}'",
    "minItems": lambda e, field: f"Array must have at least {e.validator_value} items",
    "maxItems": lambda e, field: f"Array must have at most {e.validator_value} items",
    "uniqueItems": lambda e, field: _unique(e),
    "contains": lambda e, field: "At least one of the items must match",
    "minProperties": lambda e, field: f"Must have at least {e.validator_value} properties",
    "maxProperties": lambda e, field: f"Must have at most {e.validator_value} properties",
    "anyOf": lambda e, field: "Must validate at least one schema (anyOf)",
    "oneOf": lambda e, field: "Must validate one and only one schema (oneOf)",
    "allOf": lambda e, field: "Must validate all the schemas (allOf)",
    "not": lambda e, field: "Must not validate the schema (not)",
    "false": lambda e, field: "False always fails validation",
}


def cli_messages(error: ValidationError) -> list[str]:
    """The lines the CLI prints for one validation error (one per extra property for additionalProperties)."""
    field = ".".join(str(part) for part in error.absolute_path) or _ROOT
    if error.validator == "additionalProperties":
        descriptions = list(_additional(error)) or [error.message]
    elif error.validator is None or error.validator_value is False:
        descriptions = [_DESCRIBE["false"](error, field)]
    elif error.validator in _DESCRIBE:
        descriptions = [_DESCRIBE[str(error.validator)](error, field)]
    else:
        descriptions = [error.message]
    return [f"{field}: {text}".removeprefix(f"{_ROOT}: ") for text in descriptions]
