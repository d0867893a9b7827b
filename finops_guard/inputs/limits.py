"""What a policy cannot judge on each input kind, and why: shown by `explain` and in reports.

The readers translate every input into the registrations a Pulumi program would make, so every
policy runs on every input; these notes say where a translation is necessarily partial.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import RunResult

KIND_NAMES = {
    "terraform-plan": "a Terraform plan",
    "terraform-source": "Terraform source",
    "pulumi-state": "a Pulumi stack export",
}

_MODULE_LINKS = (
    "dependencies are read from references between resources of the same module and depends_on; a "
    "resource reached through a module's variables or outputs is not linked, so such a dependency is not judged"
)
_STATIC = (
    "values a provider computes (tags_all, ARNs, ids) and variables with neither a default nor a -var/-var-file "
    "value are unknown, so checks that need them are unverifiable"
)

#: policy -> input kind -> what it cannot judge there, and why.
POLICY_NOTES: dict[str, dict[str, str]] = {
    "cross-region-review": {
        "terraform-plan": _MODULE_LINKS,
        "terraform-source": _MODULE_LINKS + "; " + _STATIC,
    },
    "bounded-db-pool": {
        "terraform-plan": _MODULE_LINKS + " (the finops.dev/db annotation still links a workload to its database)",
        "terraform-source": _MODULE_LINKS + " (the finops.dev/db annotation still links a workload to its database)",
    },
    "cost-allocation-tags": {
        "terraform-source": "tags_all is computed by the provider; the provider's default_tags are merged instead, "
        "and tags set from unresolvable expressions are unverifiable",
    },
}


def notes_for(policy: str) -> dict[str, str]:
    """{input kind: note} for `policy` (empty when it judges every input kind fully)."""
    return dict(POLICY_NOTES.get(policy, {}))


def run_notes(kind: str, result: RunResult) -> list[str]:
    """One line per enabled policy of the run that cannot fully judge this input kind."""
    out = []
    for info in result.policies:
        note = POLICY_NOTES.get(info.name, {}).get(kind)
        if note and info.enforcement != "disabled":
            out.append(f"{info.name} on {KIND_NAMES.get(kind, kind)}: {note}.")
    return out
