"""Resource types that cost nothing by themselves: `finops_policies.cost_classes` reads the data
(`data/prices/free_types.json`, with its sources) for the cost estimate and the tag policy alike;
this module keeps the pricing package's names for it.
"""

from __future__ import annotations

from ..cost_classes import FREE_TYPES_FILE, free_reason, free_type_patterns, is_free

__all__ = ["FREE_TYPES_FILE", "free_reason", "free_type_patterns", "is_free"]
