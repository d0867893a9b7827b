"""Whether an ECR repository's lifecycle policy ever deletes images."""

from __future__ import annotations

from finops_policies.values import UNKNOWN, as_mapping, is_unknown, lookup

from .kept import Tri


def ecr_policy_expires(policy: object) -> tuple[Tri, str]:
    """Whether an ECR lifecycle policy (JSON string or object) has a rule that expires images."""
    if policy is UNKNOWN or is_unknown(policy):
        return UNKNOWN, ""
    document = as_mapping(policy)
    if document is None:
        return False, "it is not a JSON object"
    rules = lookup(document, "rules")
    if rules is UNKNOWN:
        return UNKNOWN, ""
    if not isinstance(rules, list) or not rules:
        return False, "it has no rules"
    saw_unknown = False
    for rule in rules:
        action = lookup(rule, "action", "type")
        if action is UNKNOWN or is_unknown(action):
            saw_unknown = True
        elif isinstance(action, str) and action.strip().lower() == "expire":
            return True, ""
    if saw_unknown:
        return UNKNOWN, ""
    return False, "its rules only transition images, which deletes nothing"
