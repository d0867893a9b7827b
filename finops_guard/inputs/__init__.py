"""Readers that turn what `finops-guard check` is given into the registrations the pack reads.

Every input (a Terraform plan, a Terraform source directory, a Pulumi stack export) becomes the
same thing a Pulumi program registers: `finops_guard.model.Registration`s with a Pulumi type
token, Pulumi-shaped camelCase inputs, a provider, a parent, dependencies and property
dependencies. Readers translate; the pack never knows where a resource came from.
"""

from __future__ import annotations

from . import jsonstream
from .common import InputKind, ReadInput
from .detect import detect_kind, read_input

__all__ = ["InputKind", "ReadInput", "detect_kind", "jsonstream", "read_input"]
