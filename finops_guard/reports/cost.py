"""Reports of a cost estimate: text (terminal), JSON (the documented document), Markdown (a pull
request comment) and HTML (one self-contained file: inline SVG charts, no scripts, no network).

All of them render the JSON report (`finops_policies.pricing.estimate_dict`), so every format
shows the same figures.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from finops_guard.formats import COST_FORMATS

from ._common import sanitize

CATEGORY_COLORS: Final = {
    "compute": "#4e79a7",
    "database": "#f28e2b",
    "storage": "#59a14f",
    "network": "#76b7b2",
    "observability": "#e15759",
    "other": "#9c755f",
}
_TOP_CHANGES: Final = 10


def usd(value: Any) -> str:
    number = float(value or 0)
    sign = "-" if number < 0 else ""
    return f"{sign}${abs(number):,.2f}"


def unit_usd(value: Any) -> str:
    """A cost per unit: four decimals below a dollar, where cents would round it away."""
    number = float(value or 0)
    return f"${number:,.4f}" if abs(number) < 1 else usd(number)


def span(low: Any, high: Any, money: Any = usd) -> str:
    """`$10.00` or `$10.00 – $30.00` for a range."""
    if high is None or money(low) == money(high):
        return str(money(low))
    return f"{money(low)} – {money(high)}"


def catalog_line(report: Mapping[str, Any]) -> str:
    catalog = report.get("priceCatalog") or {}
    digest = str(catalog.get("sha256", ""))[:12]
    return (
        f"price catalog {catalog.get('version')} ({catalog.get('effectiveDate')}, sha256 {digest}…), "
        "list prices in USD, 730 h/month"
    )


def _change(change: Mapping[str, Any] | None) -> str:
    if not change:
        return ""
    delta = float(change.get("delta") or 0)
    percent = change.get("percent")
    sign = "+" if delta > 0 else ""
    text = f"{sign}{usd(delta)}"
    if percent is not None:
        text += f" ({sign}{percent:g} %)"
    return text


def _quantity(component: Mapping[str, Any]) -> str:
    low = component.get("monthlyQuantity")
    if low is None:
        return "unknown"
    high = component.get("monthlyQuantityHigh")
    text = f"{low:,.4g}" if low < 1000 else f"{low:,.0f}"
    if high is not None:
        text += f"–{high:,.4g}" if high < 1000 else f"–{high:,.0f}"
    return text


def render_cost(report: Mapping[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if fmt == "text":
        return render_text(report)
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    raise ValueError(f"unknown cost report format {fmt!r}; expected one of: {', '.join(COST_FORMATS)}")


# --- text ---------------------------------------------------------------------------------------
def render_text(report: Mapping[str, Any]) -> str:
    lines = [f"Cost estimate: {report.get('project')}/{report.get('stack')} · {catalog_line(report)}", ""]
    services = report.get("services") or []
    width = max([len(str(s["service"])) for s in services] + [7])
    lines.append(f"  {'service':<{width}}  {'monthly':>12}  {'at max scale':>12}  budget")
    for s in services:
        budget = s.get("budget") or {}
        status = budget.get("status", "")
        lines.append(
            f"  {sanitize(str(s['service'])):<{width}}  {usd(s['monthlyCost']):>12}"
            f"  {usd(s['monthlyCostHigh']):>12}  {status}"
        )
        for unit in s.get("unitCosts") or []:
            lines.append(
                f"  {'':<{width}}    per {unit['unit']}: {span(unit['costPerUnit'], unit['costPerUnitHigh'], unit_usd)}"
            )
    lines.append("")
    lines.append(
        f"Total {span(report.get('totalMonthlyCost'), report.get('totalMonthlyCostHigh'))} per month · "
        f"unallocated {usd(report.get('unallocatedMonthlyCost'))}"
        f" ({100 * float(report.get('unallocatedShare') or 0):.1f} %)"
    )
    lines.append("")
    lines.append("Resources:")
    for r in report.get("resources") or []:
        lines.append(
            f"  {sanitize(r['name'])} ({r['type']}) [{sanitize(str(r['service']))}, {r['category']}]"
            f"  {span(r['monthlyCost'], r['monthlyCostHigh'])}"
        )
        for c in r.get("costComponents") or []:
            cost = "unknown" if c.get("monthlyCost") is None else span(c.get("monthlyCost"), c.get("monthlyCostHigh"))
            price = "" if c.get("price") is None else f" × {c['price']:g}"
            note = f" — {c['note']}" if c.get("note") else ""
            lines.append(
                f"      {c['name']}: {_quantity(c)} {c.get('unit', '')}{price} = {cost} [{c['quantitySource']}]{note}"
            )
    unpriced = report.get("unpriced") or []
    if unpriced:
        lines.append("")
        lines.append(f"Unpriced ({len(unpriced)}):")
        lines.extend(f"  - {sanitize(u['name'])} ({u['type']}): {u['reason']}" for u in unpriced)
    diff = report.get("diff")
    if diff:
        lines.append("")
        first, *rest = diff_lines(diff)
        lines.append(first[0].upper() + first[1:])
        lines.extend(rest)
    return "\n".join(lines) + "\n"


def preview_cost_lines(summary: Mapping[str, Any]) -> list[str]:
    """The cost lines `finops-guard preview` prints at the end of its text report: one per service,
    then, against a baseline, the services and resources whose cost changed (old → new)."""
    lines = []
    for s in summary.get("services") or []:
        status = f" · budget: {s['budgetStatus']}" if s.get("budgetStatus") else ""
        lines.append(f"cost: {s['service']} {span(s['monthlyCost'], s['monthlyCostHigh'])} per month{status}")
    unpriced = summary.get("unpriced")
    if unpriced:
        lines.append(f"cost: {unpriced} unpriced (see `finops-guard cost`)")
    diff = summary.get("diff")
    if diff:
        lines.extend(f"cost: {line}" for line in diff_lines(diff, resources=_TOP_CHANGES))
    return lines


def _old_new(change: Mapping[str, Any]) -> str:
    """`$10.00 → $12.00 (+$2.00, +20 %)`."""
    delta = float(change.get("delta") or 0)
    if not delta:
        return f"{usd(change['old'])} (unchanged)"
    sign = "+" if delta > 0 else ""
    percent = change.get("percent")
    share = f", {sign}{percent:g} %" if percent is not None else ""
    return f"{usd(change['old'])} → {usd(change['new'])} ({sign}{usd(delta)}{share})"


def diff_lines(diff: Mapping[str, Any], resources: int | None = None) -> list[str]:
    """The diff against the baseline as text: the total, each service, each resource (old → new)."""
    lines = [
        f"against the baseline: total {_old_new(diff['totalMonthlyCost'])}, "
        f"at max scale {_old_new(diff['totalMonthlyCostHigh'])}"
    ]
    for s in diff.get("services") or []:
        lines.append(
            f"  service {sanitize(str(s['service']))} ({s['status']}): {_old_new(s['monthlyCost'])},"
            f" at max scale {_old_new(s['monthlyCostHigh'])}"
        )
    changed = list(diff.get("resources") or [])
    for r in changed[:resources] if resources is not None else changed:
        lines.append(
            f"  {sanitize(str(r['name']))} ({r['type']}, {r['status']}): {_old_new(r['monthlyCost'])},"
            f" at max scale {_old_new(r['monthlyCostHigh'])}"
        )
    if resources is not None and len(changed) > resources:
        lines.append(f"  and {len(changed) - resources} more resources (see `finops-guard cost --baseline`)")
    return lines


# --- markdown -----------------------------------------------------------------------------------
def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Mapping[str, Any]) -> str:
    diff = report.get("diff") or {}
    by_service = {s["service"]: s for s in diff.get("services") or []}
    out = [f"### 💰 Cost estimate: `{_md(report.get('project'))}/{_md(report.get('stack'))}`", ""]
    total = span(report.get("totalMonthlyCost"), report.get("totalMonthlyCostHigh"))
    line = f"**{total} per month**"
    if diff:
        line += (
            f" (against the baseline: {_old_new(diff['totalMonthlyCost'])},"
            f" at max scale {_old_new(diff['totalMonthlyCostHigh'])})"
        )
    out += [
        line,
        "",
        "| service | team | monthly | at max scale | change at max scale | budget |",
        "|---|---|---:|---:|---:|---|",
    ]
    for s in report.get("services") or []:
        budget = s.get("budget") or {}
        status = budget.get("status", "–")
        mark = {
            "within": "✅ within",
            "over-soft-limit": "⚠️ over soft limit",
            "over-hard-review-threshold": "❌ over review threshold",
        }
        moved = by_service.get(s["service"], {}).get("monthlyCostHigh")
        change = _old_new(moved) if moved else ""
        out.append(
            f"| {_md(s['service'])} | {_md(s.get('team') or '–')} | {usd(s['monthlyCost'])}"
            f" | {usd(s['monthlyCostHigh'])} "
            f"| {change or '–'} | {mark.get(status, status)} |"
        )
    share = 100 * float(report.get("unallocatedShare") or 0)
    out += ["", f"Unallocated: {usd(report.get('unallocatedMonthlyCost'))} ({share:.1f} % of the total)."]
    gone = [s for s in diff.get("services") or [] if s.get("status") == "removed"]
    if gone:
        out += ["", "Removed: " + ", ".join(f"{_md(s['service'])} ({_old_new(s['monthlyCostHigh'])})" for s in gone)]
    changes = list(diff.get("resources") or [])[:_TOP_CHANGES]
    if diff and diff.get("resourcesCompared") is False:
        out += ["", "_The baseline is a compact one (per service figures): resources are not compared._"]
    if changes:
        out += ["", "**Top changes**", "", "| resource | service | status | monthly | at max scale |"]
        out += ["|---|---|---|---:|---:|"]
        for r in changes:
            out.append(
                f"| `{_md(r['name'])}` ({_md(r['type'])}) | {_md(r.get('service'))} | {_md(r['status'])}"
                f" | {_old_new(r['monthlyCost'])} | {_old_new(r['monthlyCostHigh'])} |"
            )
    unpriced = report.get("unpriced") or []
    if unpriced:
        out += ["", f"<details><summary>{len(unpriced)} unpriced</summary>", ""]
        out += [f"- `{_md(u['name'])}` ({_md(u['type'])}): {_md(u['reason'])}" for u in unpriced]
        out += ["", "</details>"]
    out += ["", f"<sub>{_md(catalog_line(report))}. Ranges run from min to max replicas.</sub>"]
    return "\n".join(out) + "\n"


# --- html ---------------------------------------------------------------------------------------
def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _bars(items: Sequence[tuple[str, float, float, str]], title: str) -> str:
    """A horizontal bar chart: a solid bar for the low figure, a lighter one to the high figure."""
    top = max([high for _, _, high, _ in items] + [1.0])
    row, label_w, bar_w = 26, 220, 420
    height = row * len(items) + 30
    parts = [
        f'<svg role="img" aria-label="{_e(title)}" width="{label_w + bar_w + 140}" height="{height}" '
        f'viewBox="0 0 {label_w + bar_w + 140} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(title)}</title>",
    ]
    for i, (label, low, high, color) in enumerate(items):
        y = 10 + i * row
        w_low = bar_w * low / top
        w_high = bar_w * high / top
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" class="lbl">{_e(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w_high:.1f}" height="18" fill="{color}" opacity="0.35"/>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w_low:.1f}" height="18" fill="{color}"/>')
        parts.append(f'<text x="{label_w + w_high + 6:.1f}" y="{y + 15}" class="val">{_e(span(low, high))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _gauge(service: Mapping[str, Any]) -> str:
    budget = service.get("budget") or {}
    soft = float(budget.get("monthlySoftLimit") or 0)
    hard = float(budget.get("monthlyHardReviewThreshold") or 0)
    high = float(service.get("monthlyCostHigh") or 0)
    low = float(service.get("monthlyCost") or 0)
    scale = max(hard * 1.2, high, 1.0)
    width = 480

    def x(v: float) -> float:
        return width * min(v, scale) / scale

    color = {"within": "#59a14f", "over-soft-limit": "#edc948"}.get(budget.get("status", ""), "#e15759")
    return (
        f'<svg role="img" aria-label="budget of {_e(service["service"])}" width="{width + 20}" height="54" '
        f'viewBox="0 0 {width + 20} 54" xmlns="http://www.w3.org/2000/svg">'
        f"<title>budget of {_e(service['service'])}</title>"
        f'<rect x="0" y="10" width="{width}" height="16" fill="#eee"/>'
        f'<rect x="0" y="10" width="{x(high):.1f}" height="16" fill="{color}" opacity="0.4"/>'
        f'<rect x="0" y="10" width="{x(low):.1f}" height="16" fill="{color}"/>'
        f'<line x1="{x(soft):.1f}" x2="{x(soft):.1f}" y1="4" y2="32" stroke="#b07aa1" stroke-width="2"/>'
        f'<line x1="{x(hard):.1f}" x2="{x(hard):.1f}" y1="4" y2="32" stroke="#e15759" stroke-width="2"/>'
        f'<text x="{x(soft):.1f}" y="46" class="val" text-anchor="middle">soft {_e(usd(soft))}</text>'
        f'<text x="{x(hard):.1f}" y="46" class="val" text-anchor="start">review {_e(usd(hard))}</text></svg>'
    )


def _diff_html(diff: Mapping[str, Any]) -> str:
    """The diff against the baseline: each service and each changed resource, old → new."""
    rows = [
        "<h2>Against the baseline</h2>",
        f"<p>Total {_e(_old_new(diff['totalMonthlyCost']))}; "
        f"at max scale {_e(_old_new(diff['totalMonthlyCostHigh']))}</p>",
        '<table><tr><th>service</th><th>status</th><th class="n">monthly</th><th class="n">at max scale</th></tr>',
    ]
    rows += [
        f'<tr><td>{_e(s["service"])}</td><td>{_e(s["status"])}</td><td class="n">{_e(_old_new(s["monthlyCost"]))}</td>'
        f'<td class="n">{_e(_old_new(s["monthlyCostHigh"]))}</td></tr>'
        for s in diff.get("services") or []
    ]
    rows.append("</table>")
    if diff.get("resourcesCompared") is False:
        rows.append(
            '<p class="muted">The baseline is a compact one (per service figures): resources are not compared.</p>'
        )
    elif diff.get("resources"):
        rows.append(
            '<table><tr><th>resource</th><th>service</th><th>status</th><th class="n">monthly</th>'
            '<th class="n">at max scale</th></tr>'
        )
        rows += [
            f'<tr><td>{_e(r["name"])}<br><span class="muted">{_e(r["type"])}</span></td><td>{_e(r.get("service"))}</td>'
            f'<td>{_e(r["status"])}</td><td class="n">{_e(_old_new(r["monthlyCost"]))}</td>'
            f'<td class="n">{_e(_old_new(r["monthlyCostHigh"]))}</td></tr>'
            for r in diff["resources"]
        ]
        rows.append("</table>")
    return "".join(rows)


_CSS: Final = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222;max-width:1100px}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}td.n,th.n{text-align:right}
.lbl{font-size:12px;fill:#333}.val{font-size:11px;fill:#555}.muted{color:#666;font-size:.85rem}
.legend span{display:inline-block;margin-right:1rem}
.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem}
"""


def render_html(report: Mapping[str, Any]) -> str:
    services = report.get("services") or []
    categories: dict[str, list[float]] = {}
    for s in services:
        for name, value in (s.get("byCategory") or {}).items():
            categories.setdefault(name, [0.0, 0.0])[0] += value
        for name, value in (s.get("byCategoryHigh") or {}).items():
            categories.setdefault(name, [0.0, 0.0])[1] += value
    service_bars = [
        (str(s["service"]), float(s["monthlyCost"]), float(s["monthlyCostHigh"]), "#4e79a7") for s in services
    ]
    category_bars = [(name, lo, hi, CATEGORY_COLORS.get(name, "#999")) for name, (lo, hi) in sorted(categories.items())]
    title = f"Cost estimate: {report.get('project')}/{report.get('stack')}"
    body = [
        f"<h1>{_e(title)}</h1>",
        f"<p><strong>{_e(span(report.get('totalMonthlyCost'), report.get('totalMonthlyCostHigh')))} per month</strong>"
        f" · unallocated {_e(usd(report.get('unallocatedMonthlyCost')))}"
        f" ({100 * float(report.get('unallocatedShare') or 0):.1f} %)</p>",
        f'<p class="muted">{_e(catalog_line(report))}. Light bars run to the maximum replicas.</p>',
        "<h2>By service</h2>",
        _bars(service_bars, "monthly cost by service"),
        "<h2>By category</h2>",
        _bars(category_bars, "monthly cost by category"),
    ]
    budgeted = [s for s in services if s.get("budget")]
    if budgeted:
        body.append("<h2>Budgets</h2>")
        for s in budgeted:
            budget = s["budget"]
            body.append(
                f"<p>{_e(s['service'])}: {_e(budget['status'])}; observability {budget['observabilityPercent']:g} % "
                f"(limit {_e(budget.get('observabilityPercentLimit'))} %)</p>{_gauge(s)}"
            )
    diff = report.get("diff")
    if diff:
        body.append(_diff_html(diff))
    unpriced = report.get("unpriced") or []
    body.append(f"<h2>Unpriced ({len(unpriced)})</h2>")
    if unpriced:
        body.append("<table><tr><th>resource</th><th>type</th><th>reason</th></tr>")
        body += [
            f"<tr><td>{_e(u['name'])}</td><td>{_e(u['type'])}</td><td>{_e(u['reason'])}</td></tr>" for u in unpriced
        ]
        body.append("</table>")
    else:
        body.append("<p>Every resource is priced or known to be free.</p>")
    body.append(
        "<h2>Resources</h2><table><tr><th>resource</th><th>service</th><th>category</th><th>component</th>"
        '<th class="n">quantity</th><th>source</th><th class="n">monthly</th></tr>'
    )
    for r in report.get("resources") or []:
        for i, c in enumerate(r.get("costComponents") or [{}]):
            head = (
                (
                    f'<td>{_e(r["name"])}<br><span class="muted">{_e(r["type"])}</span></td><td>{_e(r["service"])}</td>'
                    f"<td>{_e(r['category'])}</td>"
                )
                if i == 0
                else "<td></td><td></td><td></td>"
            )
            cost = "unknown" if c.get("monthlyCost") is None else span(c.get("monthlyCost"), c.get("monthlyCostHigh"))
            body.append(
                f"<tr>{head}<td>{_e(c.get('name', ''))}</td>"
                f'<td class="n">{_e(_quantity(c))} {_e(c.get("unit", ""))}</td>'
                f"<td>{_e(c.get('quantitySource', ''))}{' — ' + _e(c['note']) if c.get('note') else ''}</td>"
                f'<td class="n">{_e(cost)}</td></tr>'
            )
    body.append("</table>")
    legend = "".join(f'<span><i style="background:{c}"></i>{_e(n)}</span>' for n, c in CATEGORY_COLORS.items())
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<title>{_e(title)}</title><meta name="viewport" content="width=device-width">'
        f'<style>{_CSS}</style></head><body>{"".join(body)}<p class="legend muted">{legend}</p></body></html>\n'
    )
