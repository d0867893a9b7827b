"""The shape of one policy: its documentation, config keys and check function.

A policy module holds the rule and its documentation. Its bad and good examples are real programs
in `finops_policies/examples/<module>/{bad,good}.py`, and its test cases live in
`finops_policies/cases/<module>.py`; both are read only when asked for (`finops-guard explain`, the
tests), never when the pack starts.
"""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any, Literal

from . import conventions as conv
from .findings import Finding
from .resources import ResourceView, StackView

if TYPE_CHECKING:
    from .cases import Case

#: The file beside a policy's examples holding the policy config they run with, when they need one.
EXAMPLE_CONFIG_FILE = "policy-config.json"

ResourceCheck = Callable[[ResourceView, Mapping[str, Any]], Iterable[Finding]]
StackCheck = Callable[[StackView, Mapping[str, Any]], Iterable[Finding]]


@dataclass(frozen=True)
class ConfigKey:
    """One policy config key: its JSON schema (with a default) and a one-line description."""

    schema: Mapping[str, Any]
    doc: str

    @property
    def default(self) -> Any:
        return copy.deepcopy(self.schema.get("default"))


APPROVAL_ITEM_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "properties": {
        "resources": {"type": "array", "items": {"type": "string"}},
        "ticket": {"type": "string"},
        "reason": {"type": "string"},
        "approvedBy": {"type": "string"},
        "expires": {"type": "string"},
    },
    "additionalProperties": False,
}

#: Keys every policy accepts.
COMMON_CONFIG: Mapping[str, ConfigKey] = {
    "waivers": ConfigKey(
        {"type": "array", "items": APPROVAL_ITEM_SCHEMA, "default": []},
        "Time-boxed exceptions: `{resources: [glob], ticket, reason, approvedBy, expires: YYYY-MM-DD}`. "
        "A waived finding stays visible but does not fail the run; an expired or malformed waiver waives nothing.",
    ),
    "ticketPattern": ConfigKey(
        {"type": "string", "default": conv.DEFAULT_TICKET_PATTERN},
        "Regular expression a waiver's (or review's) ticket must match.",
    ),
    "onError": ConfigKey(
        {"type": "string", "enum": ["advisory", "mandatory"], "default": "advisory"},
        'What a check that fails (a bug in it) reports: "advisory" (fail open, the default) an unverifiable '
        'finding that blocks nothing; "mandatory" (fail closed) a violation of this policy, which blocks '
        "the run when the policy is mandatory.",
    ),
}


@dataclass(frozen=True)
class PolicySpec:
    name: str
    #: One line: the requirement, shown as the policy's description by the CLI.
    description: str
    #: What it blocks (README table).
    blocks: str
    why: str
    fix: str
    scope: Literal["resource", "stack"]
    check: ResourceCheck | StackCheck
    enforcement: Literal["mandatory", "advisory"] = "mandatory"
    config: Mapping[str, ConfigKey] = field(default_factory=dict)
    #: Further sections `explain` prints after the fix: (title, lines), e.g. what the policy covers.
    explain_sections: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: For a resource policy: the part of its rule that needs the whole stack (e.g. an Auto Scaling
    #: group's launch template), run at `AnalyzeStack`; `check` leaves those resources to it.
    stack_check: StackCheck | None = None

    @property
    def scope_label(self) -> str:
        """How the docs name the policy's scope: "resource", "stack", or "resource + stack"."""
        return "resource + stack" if self.scope == "resource" and self.stack_check is not None else self.scope

    @property
    def module(self) -> str:
        """The policy's module name (`cost_allocation_tags`), which names its examples and cases too."""
        return self.name.replace("-", "_")

    def example_path(self, which: Literal["bad", "good"]) -> Traversable:
        """The bad or good example program, shipped with the package."""
        return resources.files(__package__ or "finops_policies").joinpath("examples", self.module, f"{which}.py")

    @property
    def bad_example(self) -> str:
        """A program whose marked resources (`# [<policy>]`) break this policy, and nothing else does."""
        return self.example_path("bad").read_text(encoding="utf-8")

    @property
    def good_example(self) -> str:
        """A program with resources this policy checks, none of which break it."""
        return self.example_path("good").read_text(encoding="utf-8")

    @property
    def example_config(self) -> dict[str, Any] | None:
        """The policy config both examples run with (`examples/<module>/policy-config.json`, in the
        CLI's `--policy-pack-config` format), for policies that judge nothing without config."""
        path = resources.files(__package__ or "finops_policies").joinpath("examples", self.module, EXAMPLE_CONFIG_FILE)
        if not path.is_file():
            return None
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded

    @property
    def cases(self) -> tuple[Case, ...]:
        """The policy's test cases (`finops_policies/cases/<module>.py`), built on first use."""
        module = importlib.import_module(f"{__package__ or 'finops_policies'}.cases.{self.module}")
        found: tuple[Case, ...] = module.CASES
        return found

    @property
    def all_config(self) -> dict[str, ConfigKey]:
        return {**self.config, **COMMON_CONFIG}

    def config_schema(self) -> dict[str, Any]:
        return {key: dict(spec.schema) for key, spec in self.all_config.items()}

    def effective_config(self, given: Mapping[str, Any] | None) -> dict[str, Any]:
        """Schema defaults overlaid with what the engine passed (which may be None or partial)."""
        merged = {key: spec.default for key, spec in self.all_config.items()}
        if isinstance(given, Mapping):
            for key, value in given.items():
                if key in merged and value is not None:
                    merged[key] = value
        return merged

    def check_resource(self, resource: ResourceView, config: Mapping[str, Any]) -> list[Finding]:
        assert self.scope == "resource"
        return list(self.check(resource, config))  # type: ignore[arg-type]

    def check_stack(self, stack: StackView, config: Mapping[str, Any]) -> list[Finding]:
        """A stack policy's findings, or the stack part of a resource policy that has one."""
        if self.scope == "resource":
            return list(self.stack_check(stack, config)) if self.stack_check is not None else []
        return list(self.check(stack, config))  # type: ignore[arg-type]
