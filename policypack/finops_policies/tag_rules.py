"""AWS tag syntax: what every service accepts, and what each service's API rejects.

Two different facts, kept apart because only one of them may block a deploy:

- the characters *every* AWS service accepts in tags: letters, digits, spaces and `_ . : / = + - @`
  (Amazon EC2 User Guide, "Tag restrictions": "Although EC2 allows for any character in its tags,
  other AWS services are more restrictive. The allowed characters across all AWS services are ...").
  A key outside that set is not portable, which is worth saying, but EC2, ElastiCache, EFS's user
  guide and others accept it;
- what one service's API *rejects*: the pattern and maximum length of its tag key and value shapes in
  the AWS API models (botocore), generated into `data/aws_tag_rules.json` by
  `tools/gen_aws_tag_rules.py` with the service each pulumi-aws type belongs to.

Limits every service shares: keys of at most 128 and values of at most 256 Unicode characters, and
the `aws:` prefix reserved for AWS (Tagging AWS Resources, "Tag naming limits and requirements").
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

DATA_FILE: Final = "aws_tag_rules.json"
#: Tagging AWS Resources, "Tag naming limits and requirements": 128 / 256 Unicode characters.
KEY_MAX: Final = 128
VALUE_MAX: Final = 256
RESERVED_PREFIX: Final = "aws:"
#: Besides Unicode letters, digits and separators (spaces), what every service accepts.
PORTABLE_PUNCTUATION: Final = frozenset("_.:/=+-@")
PORTABLE_DOC: Final = "letters, digits, spaces and _ . : / = + - @"


@functools.lru_cache(maxsize=4096)  # tag keys and values repeat across a stack
def non_portable_chars(text: str) -> str:
    """The characters of `text` outside the set every AWS service accepts, each once, in order."""
    bad = dict.fromkeys(c for c in text if c not in PORTABLE_PUNCTUATION and unicodedata.category(c)[0] not in "LNZ")
    return "".join(bad)


@dataclass(frozen=True)
class CharClass:
    """The characters one API pattern allows: Unicode categories (`L`, `Z`, `N`...), ranges, characters."""

    categories: str
    chars: frozenset[str]
    ranges: tuple[tuple[int, int], ...]

    def allows(self, char: str) -> bool:
        if char in self.chars:
            return True
        if self.categories and unicodedata.category(char)[0] in self.categories:
            return True
        code = ord(char)
        return any(low <= code <= high for low, high in self.ranges)

    def describe(self) -> str:
        names = {"L": "letters", "N": "digits", "Z": "spaces"}
        parts = [names.get(c, f"Unicode category {c}") for c in self.categories]
        for low, high in self.ranges:
            parts.append(f"{chr(low)!r}..{chr(high)!r}" if high - low < 0x7F else f"U+{low:04X}..U+{high:04X}")
        printable = "".join(sorted(c for c in self.chars if c.isprintable() and not c.isspace()))
        if printable:
            parts.append(" ".join(printable))
        return ", ".join(parts)


@dataclass(frozen=True)
class Allowed:
    """One API pattern: its characters (None: any), and a prefix it forbids."""

    chars: CharClass | None
    forbidden_prefix: str = ""
    prefix_ignores_case: bool = False

    def rejects(self, text: str) -> str:
        """The characters of `text` this pattern rejects (each once), or "" when it accepts them."""
        if self.chars is None:
            return ""
        return "".join(dict.fromkeys(c for c in text if not self.chars.allows(c)))


@dataclass(frozen=True)
class TextRule:
    """What a service's API accepts for tag keys (or values): a maximum length and its patterns."""

    max: int | None
    #: the API accepts a text any one of these patterns accepts; empty: any character
    allowed: tuple[Allowed, ...]

    def bad_chars(self, text: str) -> str:
        """Characters no pattern of the API accepts (as far as any single pattern goes)."""
        return _bad_chars(self, text) if self.allowed else ""

    def describe(self) -> str:
        classes = [a.chars.describe() for a in self.allowed if a.chars is not None]
        return classes[0] if classes else "any character"


@functools.lru_cache(maxsize=4096)  # tag keys and values repeat across a stack
def _bad_chars(rule: TextRule, text: str) -> str:
    rejected = [a.rejects(text) for a in rule.allowed]
    return "" if any(r == "" for r in rejected) else rejected[0]


@dataclass(frozen=True)
class ServiceRule:
    service: str
    #: the service's name as AWS writes it (botocore's serviceId), e.g. "Lambda"
    name: str
    key: TextRule
    value: TextRule


def _text_rule(raw: Mapping[str, Any]) -> TextRule:
    allowed = []
    for item in raw.get("allow") or ():
        chars = item.get("chars")
        char_class = (
            None
            if chars is None
            else CharClass(
                str(chars.get("categories", "")),
                frozenset(chars.get("chars", "")),
                tuple((int(lo), int(hi)) for lo, hi in chars.get("ranges", ())),
            )
        )
        allowed.append(
            Allowed(char_class, str(item.get("forbiddenPrefix", "")), bool(item.get("prefixIgnoresCase", False)))
        )
    # a pattern that allows any character makes the whole rule allow any character
    if any(a.chars is None for a in allowed):
        allowed = []
    maximum = raw.get("max")
    return TextRule(int(maximum) if isinstance(maximum, int | float) else None, tuple(allowed))


@functools.cache
def _data() -> tuple[Mapping[str, ServiceRule], Mapping[str, str]]:
    text = resources.files(__package__ or "finops_policies").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    raw = json.loads(text)
    rules = {
        service: ServiceRule(
            service, str(item.get("name") or service), _text_rule(item["key"]), _text_rule(item["value"])
        )
        for service, item in raw["services"].items()
    }
    return rules, dict(raw["types"])


def service_of(type_token: str) -> str | None:
    """The AWS service (botocore's name) whose API creates and tags a pulumi-aws type, if known."""
    return _data()[1].get(type_token)


def api_rule(type_token: str) -> ServiceRule | None:
    """What the API of the type's service accepts in tags, or None when its model constrains nothing."""
    service = service_of(type_token)
    return None if service is None else _data()[0].get(service)


def rules() -> Sequence[ServiceRule]:
    """Every service rule of the shipped data."""
    return tuple(_data()[0].values())
