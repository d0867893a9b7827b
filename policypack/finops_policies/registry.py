"""Every policy of the pack, discovered from the modules of `finops_policies.policies`.

Each module there defines `POLICY: PolicySpec`; adding a module adds a policy.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from . import policies as _policies_pkg
from .spec import PolicySpec


@cache
def _discover() -> tuple[PolicySpec, ...]:
    specs: list[PolicySpec] = []
    for info in sorted(pkgutil.iter_modules(_policies_pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{_policies_pkg.__name__}.{info.name}")
        spec = getattr(module, "POLICY", None)
        if isinstance(spec, PolicySpec):
            specs.append(spec)
    return tuple(specs)


def all_policies() -> list[PolicySpec]:
    return list(_discover())


def get(name: str) -> PolicySpec:
    for spec in _discover():
        if spec.name == name:
            return spec
    raise KeyError(name)
