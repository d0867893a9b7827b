"""YAML loading that remembers where each value was, so errors can name the file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ProjectError


@dataclass
class LocatedYaml:
    path: Path
    data: Any
    #: "a.b.c" -> 1-based line of that key or item
    lines: dict[str, int] = field(default_factory=dict)

    def where(self, dotted: str) -> str:
        line = self.lines.get(dotted)
        return f"{self.path}:{line}" if line else str(self.path)


def _walk(node: yaml.Node, prefix: str, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            dotted = f"{prefix}.{key}" if prefix else key
            lines[dotted] = key_node.start_mark.line + 1
            _walk(value_node, dotted, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            dotted = f"{prefix}[{index}]"
            lines[dotted] = item.start_mark.line + 1
            _walk(item, dotted, lines)


def load_located(path: Path, error: type[Exception] = ProjectError) -> LocatedYaml:
    """Parse `path`; a syntax error names the file, line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        raise error(f"{where}: not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from None
    lines: dict[str, int] = {}
    if node is not None:
        _walk(node, "", lines)
    return LocatedYaml(path, data, lines)
