"""Where the policy pack that ships with finops-guardrails lives, however it was installed.

In a source checkout (and so in an editable install) the pack is `policypack/` beside
`finops_guard/`. A built distribution carries that same directory as the package
`finops_policypack` (see pyproject.toml): a complete CrossGuard pack (`PulumiPolicy.yaml`,
`__main__.py`, `requirements.txt`, `finops_policies/`) that `pulumi preview --policy-pack` and
`pulumi policy publish` take as it is, so `finops-guard pack-dir` can hand it to the Pulumi CLI.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from .errors import PackError

#: The importable name of the installed pack directory.
PACK_PACKAGE = "finops_policypack"
MANIFEST = "PulumiPolicy.yaml"


def _checkout_pack() -> Path:
    return Path(__file__).resolve().parent.parent / "policypack"


def _installed_pack() -> Path | None:
    # The pack directory has no __init__.py (it would give mypy two names for each policy
    # module), so it installs as a namespace package: its spec has locations, not an origin.
    spec = importlib.util.find_spec(PACK_PACKAGE)
    for location in (spec.submodule_search_locations or ()) if spec is not None else ():
        if (Path(location) / MANIFEST).is_file():
            return Path(location).resolve()
    return None


def bundled_pack_dir() -> Path:
    """The directory of the pack that ships with this finops-guard: the checkout's, else the installed one."""
    checkout = _checkout_pack()
    if (checkout / MANIFEST).is_file():
        return checkout
    installed = _installed_pack()
    if installed is not None:
        return installed
    raise PackError(
        f"the policy pack that ships with finops-guardrails is missing: neither {checkout} nor an installed "
        f"`{PACK_PACKAGE}` package holds a {MANIFEST}. Reinstall finops-guardrails, or pass --policy-pack DIR."
    )
