"""Resources of Terraform's kubernetes provider as the Kubernetes objects the policies read.

hashicorp/kubernetes writes every nested block as a list (`metadata { }` is `metadata = [{...}]`
in a plan) and names repeated blocks in the singular (`container`, `port`, `env`), while the
Kubernetes API, and so pulumi-kubernetes and the policies, nest single objects and name lists in
the plural (`spec.template.spec.containers[].env[]`). Maps (labels, annotations, resource limits,
config data) are attributes, not blocks, and keep their keys. Mapped by hand, type by type, from
the provider's documentation (registry.terraform.io/providers/hashicorp/kubernetes/latest/docs)
and the Kubernetes API reference (kubernetes.io/docs/reference/kubernetes-api/).
"""

from __future__ import annotations

from typing import Any

#: Terraform type -> (Pulumi type token, apiVersion, kind).
_KINDS: dict[str, tuple[str, str, str]] = {}
for _names, _api, _kind in (
    (("kubernetes_deployment", "kubernetes_deployment_v1"), "apps/v1", "Deployment"),
    (("kubernetes_stateful_set", "kubernetes_stateful_set_v1"), "apps/v1", "StatefulSet"),
    (("kubernetes_daemonset", "kubernetes_daemon_set_v1"), "apps/v1", "DaemonSet"),
    (("kubernetes_job", "kubernetes_job_v1"), "batch/v1", "Job"),
    # kubernetes_cron_job is the provider's batch/v1beta1 CronJob; its shape is batch/v1's.
    (("kubernetes_cron_job", "kubernetes_cron_job_v1"), "batch/v1", "CronJob"),
    (("kubernetes_horizontal_pod_autoscaler", "kubernetes_horizontal_pod_autoscaler_v1"), "autoscaling/v1",
     "HorizontalPodAutoscaler"),
    (("kubernetes_horizontal_pod_autoscaler_v2",), "autoscaling/v2", "HorizontalPodAutoscaler"),
    (("kubernetes_horizontal_pod_autoscaler_v2beta2",), "autoscaling/v2beta2", "HorizontalPodAutoscaler"),
    (("kubernetes_namespace", "kubernetes_namespace_v1"), "v1", "Namespace"),
    (("kubernetes_service", "kubernetes_service_v1"), "v1", "Service"),
    (("kubernetes_config_map", "kubernetes_config_map_v1"), "v1", "ConfigMap"),
):  # fmt: skip
    for _name in _names:
        _group = _api if "/" in _api else f"core/{_api}"
        _KINDS[_name] = (f"kubernetes:{_group}:{_kind}", _api, _kind)

TOKENS: dict[str, str] = {name: token for name, (token, _, _) in _KINDS.items()}

#: Repeated blocks of the provider and their Kubernetes list names; every other nested block is
#: a single object.
_LISTS: dict[str, str] = {
    "container": "containers",
    "init_container": "initContainers",
    "env": "env",
    "env_from": "envFrom",
    "port": "ports",
    "volume": "volumes",
    "volume_mount": "volumeMounts",
    "volume_device": "volumeDevices",
    "toleration": "tolerations",
    "image_pull_secrets": "imagePullSecrets",
    "host_aliases": "hostAliases",
    "match_expressions": "matchExpressions",
    "metric": "metrics",
    "policy": "policies",
    "volume_claim_template": "volumeClaimTemplates",
    "topology_spread_constraint": "topologySpreadConstraints",
    "ingress": "ingress",
    "items": "items",
    "readiness_gate": "readinessGates",
    "secret": "secrets",
}
#: Attributes whose Kubernetes name is not the camelCase of the Terraform one.
_RENAMES: dict[str, str] = {
    "target_cpu_utilization_percentage": "targetCPUUtilizationPercentage",
}


def _camel(name: str) -> str:
    if name in _RENAMES:
        return _RENAMES[name]
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _block(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        if item is None:
            continue
        if isinstance(item, list) and item and all(isinstance(e, dict) for e in item):
            if key in _LISTS:
                out[_LISTS[key]] = [_block(e) for e in item]
            else:
                out[_camel(key)] = _block(item[0])
        elif isinstance(item, list) and not item and key not in _LISTS:
            continue  # an absent single block
        else:
            # maps (labels, annotations, limits, data), scalars and lists of scalars: as they are
            out[_camel(key)] = item
    return out


def to_object(tf_type: str, value: dict[str, Any]) -> dict[str, Any]:
    """The Kubernetes object (apiVersion, kind, metadata, spec/data...) of a Terraform resource."""
    _, api_version, kind = _KINDS[tf_type]
    body = _block({k: v for k, v in value.items() if k not in ("id", "timeouts", "wait_for_rollout")})
    return {"apiVersion": api_version, "kind": kind, **body}
