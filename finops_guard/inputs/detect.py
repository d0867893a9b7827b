"""Which kind of input a path holds, decided from its content, and reading it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..model import Registration
from . import jsonstream
from .common import InputKind, ReadInput
from .jsonfile import InputError, decode, loads, read_bytes
from .pulumi_state import deployment_of, read_state
from .sizes import WHOLE_PLAN_LIMIT
from .terraform_plan import HEADER_KEYS, configuration_compactors, is_plan, read_plan

_WHAT = (
    "expected a Terraform plan (`terraform show -json plan.out > plan.json`), a directory of Terraform "
    "files (.tf), or a Pulumi stack export (`pulumi stack export > stack.json`)"
)


def _items(value: Any) -> list[Any]:
    """What streaming `resource_changes.item` yields of a value already built (a list's elements)."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and "item" in value:  # the prefix names a key "item" of an object too
        return [value["item"]]
    return []


def detect_kind(path: Path) -> InputKind:
    """The kind of input at `path` (reads it whole; use `read_input` to read it once)."""
    return read_input(path).kind


def read_input(
    path: Path,
    *,
    variables: Mapping[str, str] | None = None,
    var_files: Sequence[Path] = (),
    on_registration: Callable[[Registration], None] | None = None,
    whole_limit: int = WHOLE_PLAN_LIMIT,
) -> ReadInput:
    """Read `path` into registrations; the kind comes from the content, not the file name.

    `on_registration` sees each registration of a plan as soon as it is made (other inputs are
    small and read whole; they are only returned).
    """
    if path.is_dir():
        if any(path.glob("*.tf")) or any(path.glob("*.tf.json")):
            from .terraform_source import read_source

            return read_source(path, variables=variables or {}, var_files=var_files)
        if (path / "Pulumi.yaml").exists() or (path / "Pulumi.yml").exists():
            raise InputError(f"{path}: a Pulumi program; check it with `finops-guard preview {path}`.")
        raise InputError(f"{path}: a directory without .tf files; {_WHAT}.")
    if not path.exists():
        raise InputError(f"{path}: no such file or directory; {_WHAT}.")
    if path.suffix == ".tf":
        raise InputError(f"{path}: a single .tf file; pass its directory ({path.parent}) to read the whole module.")
    open_input = jsonstream.opener(path)
    with open_input() as handle:
        head = handle.read(256).decode("utf-8", errors="replace").lstrip()
    if not head.startswith(("{", "[")):
        raise InputError(f"{path}:1:1: not JSON; {_WHAT}.")
    # Plans are streamed (they reach hundreds of megabytes), their configuration kept compact;
    # a smaller file is read in one pass that builds its sections in C. Other JSON is read whole.
    changes: Iterable[Any] | None = None
    if path.stat().st_size <= whole_limit:
        keys, header = jsonstream.whole_top_level(open_input, path, HEADER_KEYS | {"resource_changes"})
        changes = _items(header.pop("resource_changes", None))
    else:
        keys, header = jsonstream.top_level(open_input, path, HEADER_KEYS, configuration_compactors())
        if "resource_changes" in keys:
            changes = jsonstream.items(open_input, path, "resource_changes")
    if is_plan(keys):
        changes = changes if "resource_changes" in keys else None
        state_only = "values" in keys and "resource_changes" not in keys
        return read_plan(header, changes, path, state_only=state_only, on_registration=on_registration)
    data = loads(jsonstream.unwrap(decode(read_bytes(path), str(path))), str(path))
    if deployment_of(data) is not None:
        return read_state(data, path)
    raise InputError(f"{path}: JSON, but neither a Terraform plan nor a Pulumi stack export; {_WHAT}.")


__all__ = ["ReadInput", "detect_kind", "read_input"]
