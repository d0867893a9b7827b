"""What every reporter shares: finding order, labels, paths, sanitising and secret redaction."""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finops_guard.model import Finding, PolicyInfo, RunResult, SourceLocation

#: The Pulumi wire format marks a secret as `{SIG_KEY: SECRET_SIG, "value": ...}` (pulumi.runtime.rpc).
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
#: Shorter secret values are not scrubbed from messages: replacing "1" or "true" everywhere would
#: mangle every report, and values that short are not what a leak check is for.
_MIN_SCRUBBED_LENGTH = 4
REDACTED = "[secret]"

# C0/C1 control characters other than tab and newline: they corrupt XML 1.0 and let a resource
# name move a terminal's cursor or change its colours.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: Order of states within one resource: what blocks first, what is settled last.
_STATE_RANK = {"violation": 0, "unverifiable": 1, "waived": 2}


def display_type(token: str) -> str:
    """A type token as the CLI shows it beside a policy violation: `aws:s3/bucket:Bucket` as `aws:s3:Bucket`.

    `tokens.Type.DisplayName` (sdk/go/common/tokens/tokens.go), used by the CLI's
    policyResourceClause (pkg/backend/display/diff.go): the module path is cut at its last '/' when
    what follows is the type name with a lower-case first letter; any other token is shown whole.
    """
    parts = token.split(":")
    if len(parts) != 3 or not parts[2]:
        return token
    package, module, name = parts
    head, slash, tail = module.rpartition("/")
    if not slash or tail != name[:1].lower() + name[1:]:
        return token
    return f"{package}:{head}:{name}"


def sanitize(text: str) -> str:
    """The text without control characters (each shown as `?`)."""
    return _CONTROL.sub("?", text)


#: Leaves that hold no secret outside one: `secret_values` skips them without a call.
_PLAIN_LEAVES = frozenset({str, int, float, bool, type(None)})


def collect_secrets(value: Any, found: set[str], inside_secret: bool = False) -> None:
    """Add to `found` the plain value of every secret in `value` (a registration's inputs)."""
    if isinstance(value, Mapping):
        if value.get(_SIG_KEY) == _SECRET_SIG:
            collect_secrets(value.get("value"), found, True)
            return
        for item in value.values():
            if inside_secret or type(item) not in _PLAIN_LEAVES:
                collect_secrets(item, found, inside_secret)
    elif isinstance(value, list | tuple):
        for item in value:
            if inside_secret or type(item) not in _PLAIN_LEAVES:
                collect_secrets(item, found, inside_secret)
    elif inside_secret and value is not None and not isinstance(value, bool):
        text = str(value)
        if len(text) >= _MIN_SCRUBBED_LENGTH:
            found.add(text)


def longest_first(found: Iterable[str]) -> list[str]:
    """Secret values longest first, so that a secret containing a shorter one is replaced whole."""
    return sorted(found, key=len, reverse=True)


def secret_values(result: RunResult) -> list[str]:
    """Plain values of every secret in any registration's inputs, longest first (as collected
    while the input was read, when they were: `RunResult.report_secrets`)."""
    if result.report_secrets is not None:
        return list(result.report_secrets)
    found: set[str] = set()
    for registration in result.resources:
        collect_secrets(registration.inputs, found)
    return longest_first(found)


class Scrubber:
    """Replaces secret values in report text.

    The engine already redacts messages; this is a second line of defence, so that a policy that
    quotes a secret input cannot leak it through a report file uploaded by CI.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        self._secrets = tuple(secrets)
        #: short texts already scrubbed: details repeat the same few tag keys on every finding
        self._short: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return sanitize(text)

    def _memo(self, text: str) -> str:
        """`self(text)`, remembered for short texts (a bounded number of them)."""
        found = self._short.get(text)
        if found is None:
            found = self(text)
            if len(text) <= _MEMO_LENGTH and len(self._short) < _MEMO_ENTRIES:
                self._short[text] = found
        return found

    def details(self, details: Any) -> Any:
        """A finding's details (JSON values) with every string scrubbed, or None."""
        kind = type(details)  # exact types first: the isinstance chain below decides for the rest
        if kind is str:
            return self._memo(details)
        if kind is list:
            return [self._memo(v) if type(v) is str else self.details(v) for v in details]
        if kind is dict:
            return {self._memo(str(k)): self.details(v) for k, v in details.items()}
        if isinstance(details, str):
            return self(details)
        if isinstance(details, dict):
            return {self._memo(str(k)): self.details(v) for k, v in details.items()}
        if isinstance(details, list | tuple):
            return [self.details(v) for v in details]
        return details if details is None or isinstance(details, bool | int | float) else self(str(details))


#: `Scrubber` remembers texts up to this long, up to this many of them.
_MEMO_LENGTH = 64
_MEMO_ENTRIES = 50_000


def ordered_findings(result: RunResult) -> Collection[Finding]:
    """Findings in a stable order: by resource (registration order), state, policy, property.

    A `FindingStore` made for these registrations already iterates in this order, from disk when it
    is large: it is returned as it is (iterable more than once), never materialized.
    """
    ordered_for = getattr(result.findings, "ordered_for", None)
    if callable(ordered_for) and ordered_for(result.resources):
        return result.findings
    position = {registration.urn: index for index, registration in enumerate(result.resources)}
    unknown = len(position)
    return sorted(
        result.findings,
        key=lambda f: (
            position.get(f.urn, unknown),
            f.urn,
            _STATE_RANK.get(f.state, len(_STATE_RANK)),
            f.policy,
            f.property or "",
            f.message,
        ),
    )


def group_by_resource(findings: Iterable[Finding]) -> Iterator[list[Finding]]:
    """Consecutive findings of one resource (pass them ordered)."""
    group: list[Finding] = []
    for finding in findings:
        if group and group[0].urn != finding.urn:
            yield group
            group = []
        group.append(finding)
    if group:
        yield group


def label(finding: Finding) -> str:
    """What a reader calls the finding: its enforcement when it is a violation, else its state."""
    if finding.state != "violation":
        return finding.state
    return finding.enforcement


def waiver_text(waiver: Mapping[str, str] | None) -> str:
    """`FIN-123 approved by alice, expires 2026-01-31: reason` (the parts that are present)."""
    if not waiver:
        return ""
    text = waiver.get("ticket") or "waiver"
    if waiver.get("approvedBy"):
        text += f" approved by {waiver['approvedBy']}"
    if waiver.get("expires"):
        text += f", expires {waiver['expires']}"
    if waiver.get("reason"):
        text += f": {waiver['reason']}"
    return text


@dataclass(frozen=True)
class PathStyle:
    """Shows program files relative to a base directory (the working directory) when under it."""

    base: str

    @classmethod
    def from_base(cls, base: str | None) -> PathStyle:
        return cls(os.path.abspath(base if base is not None else os.getcwd()))

    def absolute(self, file: str) -> str:
        return os.path.normpath(os.path.join(self.base, file))

    def relative(self, file: str) -> str | None:
        """The path relative to the base, with `/` separators; None when the file is elsewhere."""
        path = self.absolute(file)
        for candidate, base in ((path, self.base), (os.path.realpath(path), os.path.realpath(self.base))):
            try:
                rel = os.path.relpath(candidate, base)
            except ValueError:  # another drive (Windows): cannot be relative
                continue
            if rel != os.pardir and not rel.startswith(os.pardir + os.sep) and not os.path.isabs(rel):
                return Path(rel).as_posix()
        return None

    def shown(self, file: str) -> str:
        """Relative when under the base, else absolute: what text and JSON reports print."""
        return self.relative(file) or self.absolute(file)

    def at(self, location: SourceLocation) -> str:
        return f"{self.shown(location.file)}:{location.line}"


def policy_docs(result: RunResult, info: PolicyInfo) -> tuple[str, str]:
    """(why, fix) of a policy from this project's pack documentation, or ("", "") when unknown.

    Only when the run used our own pack: another pack may reuse a policy name for another rule.
    """
    try:
        # imported by name: the pack lives outside this package, and importing it costs ~0.2 s
        pack = importlib.import_module("finops_policies.pack")
        registry = importlib.import_module("finops_policies.registry")
    except ImportError:  # the engine can run without our pack installed
        return "", ""
    if result.pack_name != pack.PACK_NAME:
        return "", ""
    try:
        spec = registry.get(info.name)
    # not a policy of ours (KeyError), or a policy module that fails to import: the rule falls
    # back to the description the pack sent rather than costing the user the whole report
    except Exception:  # noqa: BLE001 - any import-time error of a policy module lands here
        return "", ""
    return spec.why, spec.fix


def policy_table(result: RunResult) -> dict[str, PolicyInfo]:
    """Every policy of the run by name, plus a stand-in for a policy only named by a finding."""
    table = {info.name: info for info in result.policies}
    for finding in result.findings:
        if finding.policy not in table:
            table[finding.policy] = PolicyInfo(finding.policy, "", finding.enforcement, "resource")
    return table


def format_duration(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"
