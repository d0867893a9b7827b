"""Offline cost estimates: a sourced price catalog and pricing rules over the policies' resource views.

Plain functions, importable by the pack without pulumi-aws; the only I/O is reading the shipped
catalog (importlib.resources). A stack policy prices the stack it is given::

    from finops_policies.pricing import EstimateOptions, UsageBook, estimate_stack, estimate_dict

    estimate = estimate_stack(stack_view, usage=UsageBook.from_dict(config["usage"]),
                              options=EstimateOptions(default_region="us-east-1"))
    report = estimate_dict(estimate, budgets={...})      # the `finops-guard cost --format json` shape
    change = diff_reports(baseline_report, report)       # per service / resource, old -> new
"""

from __future__ import annotations

from .attribution import allocation_tags, category_of, is_allocated
from .catalog import CatalogInfo, PriceCatalog, PriceOverrides, PriceRow, Tier, instance_specs
from .diff import diff_reports
from .estimate import EstimateOptions, estimate_stack, priceable
from .free import free_reason, free_type_patterns, is_free
from .model import CATEGORIES, UNALLOCATED, CostLine, Estimate, ResourceCost, ServiceCost, Unpriced
from .report import budget_status, estimate_dict, observability_percent
from .usage import ServiceUsage, UsageBook

__all__ = [
    "CATEGORIES",
    "UNALLOCATED",
    "CatalogInfo",
    "CostLine",
    "Estimate",
    "EstimateOptions",
    "PriceCatalog",
    "PriceOverrides",
    "PriceRow",
    "ResourceCost",
    "ServiceCost",
    "ServiceUsage",
    "Tier",
    "Unpriced",
    "UsageBook",
    "allocation_tags",
    "budget_status",
    "category_of",
    "diff_reports",
    "estimate_dict",
    "estimate_stack",
    "free_reason",
    "free_type_patterns",
    "instance_specs",
    "is_allocated",
    "is_free",
    "observability_percent",
    "priceable",
]
