"""Self-hosted telemetry stores and their retention: Prometheus, Loki and Tempo installed by a Helm
release or chart, the Prometheus operator's resource, or a workload's containers (args and mounted
ConfigMaps)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from finops_policies import conventions as conv
from finops_policies.policies import _workloads as wl
from finops_policies.resources import ResourceView
from finops_policies.values import UNKNOWN, as_bool, is_absent, is_unknown, lookup, shown

from .durations import duration_days

if TYPE_CHECKING:
    from .stack_index import RetentionIndex

TelemetryState = Literal["set", "unset", "forever", "unknown", "hidden"]


@dataclass(frozen=True)
class Telemetry:
    """The retention setting of one self-hosted Prometheus, Loki or Tempo."""

    system: str
    property: str
    state: TelemetryState
    found: str
    fix: str
    days: float | None = None


_PROMETHEUS_CHARTS: Final = frozenset({"kube-prometheus-stack", "prometheus"})
_LOKI_CHARTS: Final = frozenset({"loki", "loki-stack", "loki-distributed", "loki-simple-scalable"})
_TEMPO_CHARTS: Final = frozenset({"tempo", "tempo-distributed"})
#: Where Loki's config sits in the values of the charts above (grafana/loki v6 first).
_LOKI_PREFIXES: Final = (("loki",), ("loki", "structuredConfig"), ("config",), ("loki", "config"), ())
_PROMETHEUS_VALUES: Final[tuple[tuple[str, ...], ...]] = (
    ("prometheus", "prometheusSpec", "retention"),
    ("prometheus", "prometheusSpec", "retentionSize"),
    ("server", "retention"),
    ("server", "retentionSize"),
)
_PROMETHEUS_FLAGS: Final = (
    "storage.tsdb.retention.time",
    "storage.tsdb.retention",
    "storage.tsdb.retention.size",
)
_TEMPO_VALUES: Final[tuple[tuple[str, ...], ...]] = (
    ("tempo", "retention"),
    ("compactor", "config", "compaction", "block_retention"),
    ("tempo", "structuredConfig", "compactor", "compaction", "block_retention"),
    ("config", "compactor", "compaction", "block_retention"),
)


def chart_name(resource: ResourceView) -> str:
    chart = resource.get("chart")
    if not isinstance(chart, str):
        return ""
    name = chart.strip().rstrip("/").rsplit("/", 1)[-1].lower()
    name = name.split("@", 1)[0]
    return re.sub(r"-\d+(\.\d+)*(-[\w.]+)?\.tgz$", "", name)


def _find(doc: object, paths: Iterable[tuple[str, ...]]) -> tuple[tuple[str, ...], object] | None:
    """The first path present in `doc` (its value may be UNKNOWN)."""
    for path in paths:
        value = lookup(doc, *path)
        if not is_absent(value):
            return path, value
    return None


def _duration_setting(system: str, prop: str, value: object, fix: str) -> Telemetry:
    if value is UNKNOWN or is_unknown(value):
        return Telemetry(system, prop, "unknown", "is unknown until apply", fix)
    days = duration_days(value)
    if prop.endswith(("Size", "size")):
        return Telemetry(system, prop, "set", f"is {shown(value)}", fix)
    return Telemetry(system, prop, "set", f"is {shown(value)}", fix, days)


def _loki(docs: Sequence[object], where: str, fix: str, hidden: bool, default_prefix: str = "") -> Telemetry:
    """Loki deletes nothing unless the compactor's retention (or the table manager's) is on with a period."""
    enabled_paths = [(*p, "compactor", "retention_enabled") for p in _LOKI_PREFIXES]
    period_paths = [(*p, "limits_config", "retention_period") for p in _LOKI_PREFIXES]
    table_paths = [
        (*p, key, "retention_deletes_enabled") for p in _LOKI_PREFIXES for key in ("table_manager", "tableManager")
    ]
    table_period_paths = [
        (*p, key, "retention_period") for p in _LOKI_PREFIXES for key in ("table_manager", "tableManager")
    ]
    enabled_prop = f"{where}{default_prefix}compactor.retention_enabled"
    for doc in docs:
        for switch_paths, length_paths in ((enabled_paths, period_paths), (table_paths, table_period_paths)):
            switch = _find(doc, switch_paths)
            if switch is None:
                continue
            path, value = switch
            prop = where + ".".join(path)
            if value is UNKNOWN or is_unknown(value):
                return Telemetry("Loki", prop, "unknown", "is unknown until apply", fix)
            if as_bool(value) is not True:
                continue
            length = _find(doc, length_paths)
            if length is None:
                period_prop = where + ".".join(length_paths[0])
                return Telemetry(
                    "Loki", period_prop, "forever", "is unset (0s: retention is on but deletes nothing)", fix
                )
            period_path, period = length
            period_prop = where + ".".join(period_path)
            if period is UNKNOWN or is_unknown(period):
                return Telemetry("Loki", period_prop, "unknown", "is unknown until apply", fix)
            days = duration_days(period)
            if days == 0:
                return Telemetry("Loki", period_prop, "forever", f"is {shown(period)} (deletes nothing)", fix)
            return Telemetry("Loki", period_prop, "set", f"is {shown(period)}", fix, days)
    for doc in docs:
        switch = _find(doc, enabled_paths)
        if switch is not None:
            return Telemetry(
                "Loki",
                where + ".".join(switch[0]),
                "forever",
                f"is {shown(switch[1])} (Loki keeps logs forever)",
                fix,
            )
    if hidden:
        return Telemetry(
            "Loki", enabled_prop, "hidden", "is not visible to the policy (set in a file it cannot read)", fix
        )
    return Telemetry("Loki", enabled_prop, "forever", "is unset (Loki keeps logs forever by default)", fix)


def helm_telemetry(resource: ResourceView) -> list[Telemetry]:
    """Prometheus, Loki and Tempo installed by a Helm release (v3 Release or v4 Chart)."""
    chart = chart_name(resource)
    values = resource.get("values")
    files = resource.get("valueYamlFiles")
    hidden = files is UNKNOWN or (isinstance(files, list) and len(files) > 0)
    if chart in _LOKI_CHARTS:
        fix = (
            "set values loki.compactor.retention_enabled=true and loki.limits_config.retention_period "
            "(e.g. '744h'), with loki.compactor.delete_request_store on Loki 3"
        )
        if values is UNKNOWN:
            return [Telemetry("Loki", "values", "unknown", "is unknown until apply", fix)]
        return [_loki([values], "values.", fix, hidden, "loki.")]
    if chart in _PROMETHEUS_CHARTS:
        path = "prometheus.prometheusSpec.retention" if chart == "kube-prometheus-stack" else "server.retention"
        fix = f"set values {path} (e.g. '15d') and, for a bounded disk, the matching retentionSize"
        paths = _PROMETHEUS_VALUES
        system = "Prometheus"
    elif chart in _TEMPO_CHARTS:
        path = "tempo.retention" if chart == "tempo" else "compactor.config.compaction.block_retention"
        fix = f"set values {path} (e.g. '336h')"
        paths = _TEMPO_VALUES
        system = "Tempo"
    else:
        return []
    if values is UNKNOWN:
        return [Telemetry(system, "values", "unknown", "is unknown until apply", fix)]
    found = _find(values, paths)
    if found is not None:
        return [_duration_setting(system, "values." + ".".join(found[0]), found[1], fix)]
    if hidden:
        return [
            Telemetry(
                system,
                f"values.{path}",
                "hidden",
                "is not in values (valueYamlFiles, which a policy cannot read, may set it)",
                fix,
            )
        ]
    return [Telemetry(system, f"values.{path}", "unset", "is unset (retention left to the chart's default)", fix)]


def prometheus_cr_telemetry(resource: ResourceView) -> list[Telemetry]:
    fix = "set spec.retention (e.g. '15d') on the Prometheus resource"
    found = _find(resource.get("spec"), (("retention",), ("retentionSize",)))
    if resource.get("spec") is UNKNOWN:
        return [Telemetry("Prometheus", "spec", "unknown", "is unknown until apply", fix)]
    if found is None:
        return [
            Telemetry(
                "Prometheus",
                "spec.retention",
                "unset",
                "is unset (the operator's default of 24h applies implicitly)",
                fix,
            )
        ]
    return [_duration_setting("Prometheus", "spec." + found[0][0], found[1], fix)]


def _image_system(image: object) -> str | None:
    if not isinstance(image, str):
        return None
    repository = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()
    return {"prometheus": "Prometheus", "loki": "Loki", "tempo": "Tempo"}.get(repository)


def _flags(args: Sequence[object]) -> dict[str, object]:
    """`--name=value`, `-name=value`, `--name value` and bare boolean flags of a command line."""
    out: dict[str, object] = {}
    items = list(args)
    for i, arg in enumerate(items):
        if is_unknown(arg):
            continue
        if not isinstance(arg, str) or not arg.startswith("-"):
            continue
        name, sep, value = arg.lstrip("-").partition("=")
        if sep:
            out[name] = value
        elif i + 1 < len(items) and isinstance(items[i + 1], str) and not str(items[i + 1]).startswith("-"):
            out[name] = items[i + 1]
        else:
            out[name] = "true"
    return out


def workload_telemetry(resource: ResourceView, index: RetentionIndex) -> list[Telemetry]:
    """Prometheus/Loki/Tempo containers of a Deployment, StatefulSet or Pod, judged by their args."""
    spec = wl.pod_spec(resource)
    pod_spec = spec[1] if spec is not None else None
    out: list[Telemetry] = []
    for c in wl.containers(resource).containers:
        if c.list_name != "containers":
            continue  # init containers run before the store starts; they do not serve it
        system = _image_system(lookup(c.spec, "image"))
        if system is None:
            continue
        args = lookup(c.spec, "args")
        command = lookup(c.spec, "command")
        where = c.path
        if args is UNKNOWN or command is UNKNOWN:
            out.append(Telemetry(system, f"{where}.args", "unknown", "is unknown until apply", ""))
            continue
        line = [*(command if isinstance(command, list) else []), *(args if isinstance(args, list) else [])]
        flags = _flags(line)
        if system == "Prometheus":
            fix = "add --storage.tsdb.retention.time=15d to the container args"
            for flag in _PROMETHEUS_FLAGS:
                if flag in flags:
                    out.append(_duration_setting(system, f"{where}.args --{flag}", flags[flag], fix))
                    break
            else:
                out.append(
                    Telemetry(
                        system,
                        f"{where}.args --storage.tsdb.retention.time",
                        "unset",
                        "is unset (the default of 15d applies implicitly)",
                        fix,
                    )
                )
            continue
        if system == "Loki":
            fix = (
                "set compactor.retention_enabled: true and limits_config.retention_period in the Loki "
                "config (or -compactor.retention-enabled=true -store.retention=744h)"
            )
            if "compactor.retention-enabled" in flags:
                switch = flags["compactor.retention-enabled"]
                doc: dict[str, object] = {"compactor": {"retention_enabled": switch}}
                if "store.retention" in flags:
                    doc["limits_config"] = {"retention_period": flags["store.retention"]}
                docs: list[object] = [doc]
                hidden = False
                source = f"{where}.args (as config)"
            else:
                docs, hidden = index.configs_for(resource, pod_spec)
                source = f"{where} Loki config"
            telemetry = _loki(docs, "", fix, hidden or ("config.file" in flags and not docs))
            out.append(
                Telemetry(
                    system,
                    f"{source} {telemetry.property}",
                    telemetry.state,
                    telemetry.found,
                    fix,
                    telemetry.days,
                )
            )
            continue
        fix = "set compactor.compaction.block_retention (e.g. '336h') in the Tempo config"
        docs, hidden = index.configs_for(resource, pod_spec)
        block = ("compactor", "compaction", "block_retention")
        found = next((f for f in (_find(d, [block]) for d in docs) if f), None)
        if found is not None:
            out.append(_duration_setting(system, f"{where} Tempo config {'.'.join(block)}", found[1], fix))
        elif hidden or "config.file" in flags:
            out.append(
                Telemetry(
                    system,
                    f"{where} Tempo config compactor.compaction.block_retention",
                    "hidden",
                    "is not visible to the policy (the config file is not in this stack)",
                    fix,
                )
            )
        else:
            out.append(
                Telemetry(
                    system,
                    f"{where} Tempo config compactor.compaction.block_retention",
                    "unset",
                    "is unset (the default of 336h applies implicitly)",
                    fix,
                )
            )
    return out


TELEMETRY_WORKLOADS: Final = (conv.K8S_DEPLOYMENT, conv.K8S_STATEFULSET, conv.K8S_POD)


def telemetry_of(resource: ResourceView, index: RetentionIndex) -> list[Telemetry]:
    if resource.type in (conv.K8S_HELM_RELEASE, conv.K8S_HELM_CHART_V4):
        return helm_telemetry(resource)
    if resource.type == conv.K8S_PROMETHEUS_CR:
        return prometheus_cr_telemetry(resource)
    if resource.type in TELEMETRY_WORKLOADS:
        return workload_telemetry(resource, index)
    return []
