"""The human report, shaped like the `Policies:` section of `pulumi preview`.

```
Policies:
    ❌ finops-guardrails@v0.1.0
        - [mandatory]  cost-allocation-tags  (aws:s3:Bucket: logs)
          Every taggable resource carries the cost-allocation tags.
          Bucket 'logs': tags lacks 'team'; expected ... Fix: ...
          at infra/__main__.py:12

3 mandatory, 1 advisory, 0 waived, 2 unverifiable · 41 resources · 1.8 s
FAILED: 3 mandatory policy violations would block this change.
```
Findings of one resource stay together (blank line between resources), in registration order.
"""

from __future__ import annotations

import io
from typing import TextIO

from finops_guard.model import Finding, RunResult

from ._common import (
    PathStyle,
    Scrubber,
    display_type,
    format_duration,
    group_by_resource,
    label,
    ordered_findings,
    policy_table,
    sanitize,
    secret_values,
    waiver_text,
)

# SGR codes; only used when the caller says the stream is a colour terminal.
_RESET = "\x1b[0m"
_STYLE = {
    "mandatory": "\x1b[1;31m",  # bold red: blocks the change
    "remediate": "\x1b[1;31m",
    "advisory": "\x1b[33m",  # yellow
    "unverifiable": "\x1b[36m",  # cyan: needs a human, not a fix
    "waived": "\x1b[32m",  # green: settled by an approval
    "dim": "\x1b[2m",
    "bold": "\x1b[1m",
    "fail": "\x1b[1;31m",
    "pass": "\x1b[1;32m",
}


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, style: str, text: str) -> str:
        if not self.enabled or style not in _STYLE:
            return text
        return f"{_STYLE[style]}{text}{_RESET}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(result: RunResult) -> str:
    s = result.summary
    errored = f" ({_plural(s.errored, 'check')} errored)" if s.errored else ""
    return (
        f"{s.mandatory} mandatory, {s.advisory} advisory, {s.waived} waived, {s.unverifiable} unverifiable{errored}"
        f" · {_plural(len(result.resources), 'resource')} · {format_duration(result.duration_seconds)}"
    )


def verdict_line(result: RunResult) -> str:
    mandatory = result.summary.mandatory
    if mandatory:
        return f"FAILED: {_plural(mandatory, 'mandatory policy violation')} would block this change."
    return "PASSED: no mandatory policy violations."


def _finding_lines(finding: Finding, description: str, paths: PathStyle, scrub: Scrubber, paint: _Paint) -> list[str]:
    state = label(finding)
    head = (
        f"        - {paint(state, f'[{state}]')}  {paint('bold', sanitize(finding.policy))}"
        f"  ({sanitize(display_type(finding.type))}: {sanitize(finding.name)})"
    )
    lines = [head]
    pad = "          "
    # the policy's one-line requirement, unless the message already starts with it (as Pulumi's
    # engine formats diagnostics)
    if description and not finding.message.startswith(description):
        lines.append(pad + paint("dim", scrub(description)))
    lines.extend(pad + line for line in scrub(finding.message).splitlines() or [""])
    if finding.state == "waived":
        lines.append(pad + paint("waived", "waived: " + scrub(waiver_text(finding.waiver) or "by policy config")))
    if finding.location is not None:
        where = f"at {paths.at(finding.location)}"
        if finding.related:
            where += " (via " + ", ".join(paths.at(loc) for loc in finding.related) + ")"
        lines.append(pad + paint("dim", sanitize(where)))
    return lines


def write_text(result: RunResult, out: TextIO, *, color: bool = False, base_dir: str | None = None) -> None:
    """The report to `out`, one resource's findings at a time (what `render_text` returns)."""
    paint = _Paint(color)
    paths = PathStyle.from_base(base_dir)
    scrub = Scrubber(secret_values(result))
    policies = policy_table(result)
    findings = ordered_findings(result)

    if not result.passed:
        icon = "❌"
    elif findings:
        icon = "⚠️ "
    else:
        icon = "✅"
    lines = [
        "Policies:",
        f"    {icon} {sanitize(result.pack_name)}@v{sanitize(result.pack_version.lstrip('v'))}",
    ]
    for index, group in enumerate(group_by_resource(findings)):
        if index:
            lines.append("")
        described: set[str] = set()
        for finding in group:
            # a policy's requirement once per resource, however many properties it found wrong
            info = policies.get(finding.policy)
            description = info.description if info and finding.policy not in described else ""
            described.add(finding.policy)
            lines.extend(_finding_lines(finding, description, paths, scrub, paint))
        if len(lines) > 4096:
            out.write("\n".join(lines) + "\n")
            lines = []
    lines.append("")
    if result.cost is not None:
        from .cost import preview_cost_lines

        cost_lines = preview_cost_lines(result.cost)
        if cost_lines:
            lines.extend(sanitize(line) for line in cost_lines)
            lines.append("")
    if result.coverage is not None:
        lines.append(result.coverage.line())
    lines.append(summary_line(result))
    verdict = verdict_line(result)
    lines.append(paint("fail" if result.summary.mandatory else "pass", verdict))
    out.write("\n".join(lines) + "\n")


def render_text(result: RunResult, *, color: bool = False, base_dir: str | None = None) -> str:
    out = io.StringIO()
    write_text(result, out, color=color, base_dir=base_dir)
    return out.getvalue()
