"""Which AWS resource types take cost tags: the list generated from pulumi-aws and shipped as data.

`tools/gen_aws_taggable.py` writes `data/aws_taggable.json` at build time; the pack (to check tags)
and the components (to add them) both read it here, so they never disagree about a type. Neither
imports pulumi-aws (≈270 MB) to learn this.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Final

DATA_FILE: Final = "aws_taggable.json"


@dataclass(frozen=True)
class TaggableTypes:
    """The shipped list of AWS types that take cost tags, and the pulumi-aws version it came from."""

    pulumi_aws: str
    #: `tags` is a map and the type has `tagsAll`: provider `defaultTags` apply.
    map_tags: frozenset[str]
    #: `tags` is a list of `{key, value, propagateAtLaunch}` (the Auto Scaling group).
    list_tags: frozenset[str]


@functools.cache
def taggable_types() -> TaggableTypes:
    """The shipped list, read once. Raises `OSError`/`ValueError`/`KeyError` when it is missing or broken."""
    text = resources.files(__package__ or "finops_policies").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    raw = json.loads(text)
    return TaggableTypes(str(raw["pulumiAws"]), frozenset(raw["mapTags"]), frozenset(raw["listTags"]))
