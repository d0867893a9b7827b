"""`RetentionIndex`: the resources that configure another one, joined to it in one pass over the stack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import yaml

from finops_policies import conventions as conv
from finops_policies.clock import today
from finops_policies.resources import ResourceView, StackView
from finops_policies.values import MISSING, UNKNOWN, is_unknown, lookup

from .buckets import (
    BucketParts,
    BucketRetention,
    bucket_retention,
    inline_parts,
    lock_of,
    standalone_rules,
    versioning_status,
)
from .ecr import ecr_policy_expires
from .kept import Tri

#: Above this, a YAML/JSON document in a ConfigMap is not parsed (a policy must stay fast).
_MAX_DOCUMENT_CHARS: Final = 256_000


class _Join:
    """Resolves the target of a configuring resource by name, else by property dependency."""

    def __init__(self, targets: Sequence[ResourceView], name_prop: str) -> None:
        self.by_urn = {t.urn: t for t in targets}
        self.by_name: dict[str, list[ResourceView]] = {}
        for target in targets:
            name = target.get(name_prop)
            if isinstance(name, str) and name:
                self.by_name.setdefault(name, []).append(target)

    def targets(self, resource: ResourceView, input_name: str) -> tuple[list[ResourceView], bool]:
        """(targets, attributable): unattributable when the input is unknown and no dependency says more."""
        found: dict[str, ResourceView] = {}
        value = resource.get(input_name)
        if isinstance(value, str):
            for target in self.by_name.get(value, ()):
                found[target.urn] = target
            # an ARN-shaped reference still names the bucket/repository at its end
            tail = value.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
            if tail != value:
                for target in self.by_name.get(tail, ()):
                    found[target.urn] = target
        for urn in resource.property_dependencies.get(input_name, ()):
            if urn in self.by_urn:
                found[urn] = self.by_urn[urn]
        # only an unknown name leaves the target open; an absent one names nothing (and fails at deploy)
        attributable = bool(found) or value is not UNKNOWN
        return list(found.values()), attributable


@dataclass
class RetentionIndex:
    """The joins both policies need, built in one pass over the stack.

    It holds no reference to the stack: kept in the stack's memo (`of`), it must not make a cycle
    that only the collector frees (the pack pauses it during `AnalyzeStack`).
    """

    buckets: dict[str, BucketParts] = field(default_factory=dict)
    #: Kinds of bucket configuration ("lifecycle", "versioning", "lock") with an instance whose bucket
    #: cannot be told during preview: any bucket might be its target.
    floating_bucket_configs: set[str] = field(default_factory=set)
    ecr_policies: dict[str, list[Tri]] = field(default_factory=dict)
    ecr_reasons: dict[str, list[str]] = field(default_factory=dict)
    floating_ecr_policies: bool = False
    configmaps: dict[str, list[ResourceView]] = field(default_factory=dict)

    @classmethod
    def of(cls, stack: StackView) -> RetentionIndex:
        """The stack's index, built once for every policy handed the same `StackView` (read-only after `build`)."""
        found = stack.memo.get(cls)
        if not isinstance(found, cls):
            found = stack.memo[cls] = cls.build(stack)
        return found

    @classmethod
    def build(cls, stack: StackView) -> RetentionIndex:
        index = cls()
        buckets = [r for r in stack.resources if r.type in conv.S3_BUCKETS]
        repositories = [r for r in stack.resources if r.type == conv.ECR_REPOSITORY]
        bucket_join = _Join(buckets, "bucket")
        repo_join = _Join(repositories, "name")
        for bucket in buckets:
            index.buckets[bucket.urn] = inline_parts(bucket)
        for r in stack.resources:
            if r.type in conv.S3_LIFECYCLES:
                index._attach(bucket_join, r, "lifecycle", standalone_rules(r))
            elif r.type in (conv.S3_VERSIONING, conv.S3_VERSIONING_V2):
                index._attach(bucket_join, r, "versioning", versioning_status(r))
            elif r.type in conv.S3_OBJECT_LOCKS:
                index._attach(bucket_join, r, "lock", lock_of(r, "rule", "defaultRetention"))
            elif r.type == conv.ECR_LIFECYCLE_POLICY:
                index._attach_ecr(repo_join, r)
            elif r.type == conv.K8S_CONFIGMAP:
                name = r.get("metadata", "name")
                if isinstance(name, str):
                    index.configmaps.setdefault(name, []).append(r)
        return index

    def _attach(self, join: _Join, r: ResourceView, kind: str, payload: Any) -> None:
        targets, attributable = join.targets(r, "bucket")
        if not attributable:
            self.floating_bucket_configs.add(kind)
        for target in targets:
            parts = self.buckets[target.urn]
            if kind == "lifecycle":
                parts.rules.extend(payload)
            elif kind == "versioning":
                parts.versioning.append(payload)
            else:
                parts.locks.append(payload)
                parts.lock_configs += 1

    def _attach_ecr(self, join: _Join, r: ResourceView) -> None:
        targets, attributable = join.targets(r, "repository")
        if not attributable:
            self.floating_ecr_policies = True
        verdict, reason = ecr_policy_expires(r.get("policy"))
        for target in targets:
            self.ecr_policies.setdefault(target.urn, []).append(verdict)
            if reason:
                self.ecr_reasons.setdefault(target.urn, []).append(reason)

    def bucket(self, bucket: ResourceView, on: dt.date | None = None) -> BucketRetention:
        """What the bucket's own and joined lifecycle, versioning and Object Lock do to its objects."""
        parts = self.buckets.get(bucket.urn) or inline_parts(bucket)
        return bucket_retention(bucket, parts, frozenset(self.floating_bucket_configs), on or today())

    def ecr(self, repository: ResourceView) -> tuple[Tri, str]:
        verdicts = self.ecr_policies.get(repository.urn, [])
        if any(v is True for v in verdicts):
            return True, ""
        if any(v is UNKNOWN for v in verdicts) or (self.floating_ecr_policies and not verdicts):
            return UNKNOWN, ""
        if not verdicts:
            return False, "no lifecycle policy"
        reasons = self.ecr_reasons.get(repository.urn, [])
        return False, reasons[0] if reasons else "no rule expires images"

    def configs_for(self, resource: ResourceView, pod_spec: object) -> tuple[list[object], bool]:
        """Parsed documents of the ConfigMaps mounted by a pod; the flag says one was not in the stack."""
        volumes = lookup(pod_spec, "volumes")
        names: list[str] = []
        for volume in volumes if isinstance(volumes, list) else []:
            name = lookup(volume, "configMap", "name")
            if isinstance(name, str):
                names.append(name)
            sources = lookup(volume, "projected", "sources")
            for source in sources if isinstance(sources, list) else []:
                projected = lookup(source, "configMap", "name")
                if isinstance(projected, str):
                    names.append(projected)
        namespace = resource.get("metadata", "namespace")
        docs: list[object] = []
        missing = is_unknown(volumes)
        for name in names:
            maps = [
                m
                for m in self.configmaps.get(name, ())
                if not isinstance(namespace, str) or m.get("metadata", "namespace") in (namespace, MISSING)
            ]
            if not maps:
                missing = True
            for config_map in maps:
                docs.extend(_documents(config_map))
        return docs, missing


def _documents(config_map: ResourceView) -> list[object]:
    data = config_map.get("data")
    out: list[object] = []
    for value in data.values() if isinstance(data, dict) else []:
        if not isinstance(value, str) or len(value) > _MAX_DOCUMENT_CHARS:
            continue
        try:
            out.extend(doc for doc in yaml.safe_load_all(value) if isinstance(doc, dict))
        except yaml.YAMLError:
            continue
    return out
