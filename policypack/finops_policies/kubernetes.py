"""Kubernetes facts both the components and the pack rely on: label syntax, which type tokens are
objects with labels, and where each workload kind keeps its pod template.

Plain functions over strings and type tokens: no Pulumi import, so components and policies share them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Final

# Label keys and values: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
LABEL_NAME_MAX: Final = 63
LABEL_PREFIX_MAX: Final = 253
_LABEL_NAME: Final = re.compile(r"(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_DNS_SUBDOMAIN: Final = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")
# Object names such as namespaces (RFC 1123 label):
# https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
_DNS_LABEL: Final = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?")
#: How the label-name rule reads in a message.
LABEL_NAME_SYNTAX: Final = "at most 63 characters: letters, digits, '-', '_', '.', starting and ending alphanumeric"


def is_label_name(text: str) -> bool:
    """A label value that is not empty, or the name part of a label key."""
    return len(text) <= LABEL_NAME_MAX and _LABEL_NAME.fullmatch(text) is not None


def is_label_value(text: str) -> bool:
    """A label value: empty, or a label name."""
    return text == "" or is_label_name(text)


def is_dns_subdomain(text: str) -> bool:
    """A label key's optional prefix (`example.com` in `example.com/team`)."""
    return len(text) <= LABEL_PREFIX_MAX and _DNS_SUBDOMAIN.fullmatch(text) is not None


def is_dns_label(text: str) -> bool:
    """An object name such as a namespace: at most 63 lower-case letters, digits or '-'."""
    return len(text) <= LABEL_NAME_MAX and _DNS_LABEL.fullmatch(text) is not None


def label_key_problem(key: str) -> tuple[str, str] | None:
    """What is wrong with `key` as a label key `[prefix/]name` and what is expected, or None."""
    prefix, _, name = key.rpartition("/")
    if "/" in prefix:
        return "has more than one '/'", "a label key [prefix/]name"
    if prefix and not is_dns_subdomain(prefix):
        return "has an invalid prefix", "a prefix that is a lower-case DNS subdomain of at most 253 characters"
    if not is_label_name(name):
        return "is not a valid label key", f"a name of {LABEL_NAME_SYNTAX}, optionally after a DNS prefix and '/'"
    return None


# --- type tokens: `kubernetes:<group>/<version>:<Kind>` -------------------------------------------
#: Groups whose "types" are Pulumi components or Helm releases, not objects with labels.
_NOT_OBJECT_GROUPS: Final = frozenset({"helm.sh", "yaml", "kustomize"})
#: Built-in groups whose workload kinds have a pod template (a CRD's `Job` kind may look different).
_BUILTIN_GROUPS: Final = frozenset({"core", "apps", "batch", "extensions"})
_TEMPLATE: Final = ("spec", "template")
#: Where each built-in workload kind keeps its pod template (a Pod is its own template).
# https://kubernetes.io/docs/concepts/workloads/pods/#pod-templates
_POD_TEMPLATE_PATHS: Final[Mapping[str, tuple[str, ...]]] = {
    "Pod": (),
    "Deployment": _TEMPLATE,
    "StatefulSet": _TEMPLATE,
    "DaemonSet": _TEMPLATE,
    "ReplicaSet": _TEMPLATE,
    "ReplicationController": _TEMPLATE,
    "Job": _TEMPLATE,
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}


def _group_and_kind(type_: str) -> tuple[str, str] | None:
    parts = type_.split(":")
    if len(parts) != 3 or parts[0] != "kubernetes" or "/" not in parts[1]:
        return None  # v1 components (`kubernetes:yaml:ConfigFile`) have no version segment
    return parts[1].split("/", 1)[0], parts[2]


@functools.lru_cache(maxsize=2048)
def is_kubernetes_object(type_: str) -> bool:
    """`kubernetes:<group>/<version>:<Kind>` that is an object with `metadata.labels`.

    Not objects: Helm releases and charts, YAML and Kustomize components (`kubernetes:yaml:ConfigFile`
    and `kubernetes:yaml/v2:ConfigGroup` alike), `*List` kinds (list metadata, no labels) and
    `*Patch` kinds (they edit objects owned elsewhere).
    """
    found = _group_and_kind(type_)
    if found is None:
        return False
    group, kind = found
    return group not in _NOT_OBJECT_GROUPS and not kind.endswith(("List", "Patch"))


@functools.lru_cache(maxsize=2048)
def pod_template_path(type_: str) -> tuple[str, ...] | None:
    """Property path of a workload's pod template (`()` for a Pod), or None when it has none."""
    found = _group_and_kind(type_)
    if found is None or found[0] not in _BUILTIN_GROUPS:
        return None
    return _POD_TEMPLATE_PATHS.get(found[1])


def is_workload(type_: str) -> bool:
    """A built-in kind that runs pods: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
    ReplicationController, Job, CronJob."""
    return pod_template_path(type_) is not None
