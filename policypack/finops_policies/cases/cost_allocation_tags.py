"""Cases of `cost-allocation-tags`: resource tags, provider default tags, tagsAll, platform syntax,
allowed values and patterns, Kubernetes labels, Auto Scaling groups, ECS propagation, unknowns, waivers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseResource, Expect, aws_provider, one
from finops_policies.cases.builders import AWS_UNKNOWN_DEFAULT_TAGS, K8S, day, waivers
from finops_policies.policies import cost_allocation_tags as policy
from finops_policies.values import UNKNOWN_ARRAY, UNKNOWN_BOOL, UNKNOWN_OBJECT, UNKNOWN_STRING

_FULL: Final = {"service": "orders", "team": "payments", "domain": "commerce", "environment": "prod"}
_BUCKET: Final = conv.S3_BUCKET


def _tags(**changes: str | None) -> dict[str, str]:
    """The full, valid tag set with some keys changed (None drops the key)."""
    out = dict(_FULL)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def _deployment(labels: Mapping[str, Any], pod_labels: Any) -> dict[str, Any]:
    template: dict[str, Any] = {"spec": {"containers": [{"name": "app", "image": "orders:1.0"}]}}
    if pod_labels is not None:
        template["metadata"] = {"labels": pod_labels}
    return {
        "metadata": {"name": "orders", "labels": dict(labels)},
        "spec": {"replicas": 2.0, "template": template},
    }


def _cronjob(job_labels: Mapping[str, Any], pod_labels: Mapping[str, Any] | None) -> dict[str, Any]:
    pod: dict[str, Any] = {"spec": {"containers": [{"name": "report", "image": "report:1.0"}]}}
    if pod_labels is not None:
        pod["metadata"] = {"labels": dict(pod_labels)}
    return {
        "metadata": {"name": "nightly-report", "labels": dict(_FULL)},
        "spec": {
            "schedule": "0 2 * * *",
            "jobTemplate": {"metadata": {"labels": dict(job_labels)}, "spec": {"template": pod}},
        },
    }


def _asg(tags: list[dict[str, Any]] | str) -> dict[str, Any]:
    return {"maxSize": 4.0, "minSize": 1.0, "tags": tags}


def _asg_tags(propagate: bool | str = True, **changes: str | None) -> list[dict[str, Any]]:
    return [{"key": k, "value": v, "propagateAtLaunch": propagate} for k, v in _tags(**changes).items()]


def _waiver(expires: str, ticket: str = "FIN-1234") -> dict[str, Any]:
    return waivers("legacy-*", expires=expires, ticket=ticket, reason="tagged by the legacy CMDB sync")


_DEPLOYMENT: Final = conv.K8S_DEPLOYMENT
_SECRET: Final = "hunter2-Sup3rS3cret-token"

CASES: Final = (
    # resource tags
    Case("resource-tags", one(_BUCKET, "audit-evidence", {"tags": _tags()}, provider=aws_provider())),
    Case(
        "no-tags-at-all",
        one(_BUCKET, "audit-evidence", {}, provider=aws_provider()),
        violations=(
            Expect("audit-evidence", "tags.team is unset (no resource tag, no provider default tag)"),
            Expect("audit-evidence", "tags.service is unset"),
            Expect("audit-evidence", 'Fix: add tags={"team": ...} or set aws:defaultTags'),
        ),
    ),
    Case(
        "missing-one-key",
        one(_BUCKET, "audit-evidence", {"tags": _tags(domain=None)}, provider=aws_provider()),
        violations=(Expect("audit-evidence", "tags.domain is unset"),),
    ),
    Case(
        "key-with-other-casing",
        one(
            _BUCKET,
            "audit-evidence",
            {"tags": {**_tags(team=None), "Team": "payments"}},
            provider=aws_provider(),
        ),
        violations=(Expect("audit-evidence", "found 'Team' in tags, but keys are case-sensitive"),),
    ),
    # provider default tags only: explicit provider and the stack's default provider
    Case(
        "explicit-provider-default-tags",
        one(_BUCKET, "audit-evidence", {}, provider=aws_provider(name="tagged", default_tags=_FULL)),
    ),
    Case(
        "explicit-provider-default-tags-incomplete",
        one(_BUCKET, "audit-evidence", {}, provider=aws_provider(name="tagged", default_tags=_tags(team=None))),
        violations=(Expect("audit-evidence", "tags.team is unset"),),
    ),
    Case("stack-default-tags", one(_BUCKET, "audit-evidence", {}, provider=aws_provider(default_tags=_FULL))),
    Case(
        "stack-default-tags-placeholder",
        one(_BUCKET, "audit-evidence", {}, provider=aws_provider(default_tags=_tags(environment="TBD"))),
        violations=(
            Expect(
                "audit-evidence",
                "tags.environment is 'TBD', a placeholder (from provider 'default_7_51_1' defaultTags)",
            ),
            Expect("audit-evidence", "provider's defaultTags (aws:defaultTags)"),
        ),
    ),
    # tagsAll, as `pulumi preview` sends it after the provider's Check
    Case("tags-all-only", one(_BUCKET, "audit-evidence", {"tagsAll": _tags()}, provider=aws_provider())),
    Case(
        "tags-all-incomplete",
        one(_BUCKET, "audit-evidence", {"tagsAll": _tags(service=None)}, provider=aws_provider()),
        violations=(Expect("audit-evidence", "tags.service is unset"),),
    ),
    Case(
        "tags-all-placeholder",
        one(_BUCKET, "audit-evidence", {"tagsAll": _tags(team="TODO")}, provider=aws_provider()),
        violations=(
            Expect("audit-evidence", "tagsAll.team is 'TODO', a placeholder"),
            Expect("audit-evidence", "in tags={...} or in the provider's defaultTags"),
        ),
    ),
    Case(
        "tags-all-unknown-but-inputs-known",
        one(
            _BUCKET,
            "audit-evidence",
            {"tags": {"service": "orders"}, "tagsAll": UNKNOWN_OBJECT},
            provider=aws_provider(default_tags=_tags(service=None)),
        ),
    ),
    # a resource tag overrides a provider default
    Case(
        "resource-overrides-placeholder-default",
        one(
            _BUCKET,
            "audit-evidence",
            {"tags": {"team": "payments"}},
            provider=aws_provider(default_tags=_tags(team="todo")),
        ),
    ),
    Case(
        "resource-override-is-placeholder",
        one(_BUCKET, "audit-evidence", {"tags": {"team": "TBD"}}, provider=aws_provider(default_tags=_FULL)),
        violations=(Expect("audit-evidence", "tags.team is 'TBD', a placeholder; expected a real"),),
    ),
    # empty values and placeholders, case-insensitively
    Case(
        "empty-value",
        one(_BUCKET, "audit-evidence", {"tags": _tags(team="")}, provider=aws_provider()),
        violations=(Expect("audit-evidence", "tags.team is empty"),),
    ),
    Case(
        "blank-value",
        one(_BUCKET, "audit-evidence", {"tags": _tags(team="   ")}, provider=aws_provider()),
        violations=(Expect("audit-evidence", "tags.team is empty"),),
    ),
    Case(
        "placeholder-any-case",
        one(
            _BUCKET,
            "audit-evidence",
            {"tags": _tags(team="ToDo", domain="N/A", service="ChangeMe")},
            provider=aws_provider(),
        ),
        violations=(
            Expect("audit-evidence", "tags.team is 'ToDo', a placeholder"),
            Expect("audit-evidence", "tags.domain is 'N/A', a placeholder"),
            Expect("audit-evidence", "tags.service is 'ChangeMe', a placeholder"),
        ),
    ),
    Case(
        "placeholder-word-inside-a-real-value",
        one(
            _BUCKET,
            "audit-evidence",
            {"tags": _tags(service="unknown-words-decoder")},
            provider=aws_provider(),
        ),
    ),
    Case(
        "custom-placeholders",
        one(_BUCKET, "audit-evidence", {"tags": _tags(team="xxx")}, provider=aws_provider()),
        config={"placeholders": ["xxx"]},
        violations=(Expect("audit-evidence", "tags.team is 'xxx', a placeholder"),),
    ),
    # AWS syntax: reserved prefix, lengths, characters
    Case(
        "aws-prefix-lookalike-key",
        one(_BUCKET, "audit-evidence", {"tags": {**_FULL, "aws-account": "prod"}}, provider=aws_provider()),
    ),
    Case(
        "aws-reserved-prefix-key",
        one(_BUCKET, "audit-evidence", {"tags": {**_FULL, "AWS:createdBy": "me"}}, provider=aws_provider()),
        violations=(Expect("audit-evidence", "tags.AWS:createdBy uses the reserved prefix 'aws:'"),),
    ),
    Case(
        "aws-reserved-prefix-value",
        one(_BUCKET, "audit-evidence", {"tags": _tags(service="aws:orders")}, provider=aws_provider()),
        violations=(Expect("audit-evidence", "with the reserved prefix 'aws:'"),),
    ),
    Case(
        "longest-value",
        one(_BUCKET, "audit-evidence", {"tags": _tags(service="o" * 256)}, provider=aws_provider()),
    ),
    Case(
        "too-long-value",
        one(_BUCKET, "audit-evidence", {"tags": _tags(service="o" * 257)}, provider=aws_provider()),
        violations=(Expect("audit-evidence", "tags.service is 257 characters long; expected at most 256"),),
    ),
    Case(
        "too-long-key",
        one(_BUCKET, "audit-evidence", {"tags": {**_FULL, "k" * 129: "x"}}, provider=aws_provider()),
        violations=(Expect("audit-evidence", "is 129 characters long; expected a key of at most 128"),),
    ),
    Case(
        "allowed-characters",
        one(
            _BUCKET,
            "audit-evidence",
            {"tags": _tags(team="Payments Core/EU_1 = a+b @x.y:z-ä")},
            provider=aws_provider(),
        ),
    ),
    Case(
        "invalid-characters",
        one(_BUCKET, "audit-evidence", {"tags": _tags(team="payments#1;drop")}, provider=aws_provider()),
        violations=(Expect("audit-evidence", "with characters AWS tags do not allow ('#;')"),),
    ),
    # allowed values and patterns
    Case(
        "allowed-value",
        one(_BUCKET, "audit-evidence", {"tags": _tags(environment="prod")}, provider=aws_provider()),
        config={"allowedValues": {"environment": ["dev", "staging", "prod"]}},
    ),
    Case(
        "disallowed-value",
        one(_BUCKET, "audit-evidence", {"tags": _tags(environment="production")}, provider=aws_provider()),
        config={"allowedValues": {"environment": ["dev", "staging", "prod"]}},
        violations=(
            Expect(
                "audit-evidence",
                "tags.environment is 'production', not an allowed value; expected one of 'dev'",
            ),
        ),
    ),
    Case(
        "pattern-match",
        one(_BUCKET, "audit-evidence", {"tags": _tags(team="payments-core")}, provider=aws_provider()),
        config={"patterns": {"team": "[a-z][a-z0-9-]*"}},
    ),
    Case(
        "pattern-mismatch",
        one(_BUCKET, "audit-evidence", {"tags": _tags(team="Payments")}, provider=aws_provider()),
        config={"patterns": {"team": "[a-z][a-z0-9-]*"}},
        violations=(Expect("audit-evidence", "tags.team is 'Payments', which does not match '[a-z][a-z0-9-]*'"),),
    ),
    Case(
        "pattern-config-invalid",
        one(_BUCKET, "audit-evidence", {"tags": _tags()}, provider=aws_provider()),
        config={"patterns": {"team": "[a-z"}},
        violations=(
            Expect("audit-evidence", "config patterns.team '[a-z' is not a regular expression"),
            Expect("audit-evidence", "Fix: correct patterns.team in the policy config"),
        ),
    ),
    Case(
        "custom-required-keys",
        one(_BUCKET, "audit-evidence", {"tags": {"CostCenter": "cc-42"}}, provider=aws_provider()),
        config={"requiredKeys": ["CostCenter"]},
    ),
    Case(
        "custom-required-keys-missing",
        one(_BUCKET, "audit-evidence", {"tags": _tags()}, provider=aws_provider()),
        config={"requiredKeys": ["CostCenter"]},
        violations=(Expect("audit-evidence", "tags.CostCenter is unset"),),
    ),
    # Kubernetes: object labels and pod template labels
    Case("k8s-deployment-labelled", one(_DEPLOYMENT, "orders", _deployment(_FULL, _FULL), provider=K8S)),
    Case(
        "k8s-pod-template-unlabelled",
        one(_DEPLOYMENT, "orders", _deployment(_FULL, None), provider=K8S),
        violations=(
            Expect(
                "orders",
                "spec.template.metadata.labels.team is unset (the Deployment's own labels are not copied to its pods)",
            ),
        ),
    ),
    Case(
        "k8s-object-unlabelled",
        one(_DEPLOYMENT, "orders", _deployment({"app": "orders"}, _FULL), provider=K8S),
        violations=(Expect("orders", "metadata.labels.team is unset; expected a non-empty cost-allocation label"),),
    ),
    Case(
        "k8s-configmap-labelled",
        one(
            "kubernetes:core/v1:ConfigMap",
            "orders-config",
            {"metadata": {"labels": _FULL}, "data": {"a": "b"}},
            provider=K8S,
        ),
    ),
    Case(
        "k8s-configmap-unlabelled",
        one("kubernetes:core/v1:ConfigMap", "orders-config", {"data": {"a": "b"}}, provider=K8S),
        violations=(Expect("orders-config", "metadata.labels.environment is unset"),),
    ),
    Case(
        "k8s-label-value-valid",
        one(
            _DEPLOYMENT,
            "orders",
            _deployment(_tags(team="payments_core.eu-1"), _tags(team="payments_core.eu-1")),
            provider=K8S,
        ),
    ),
    Case(
        "k8s-label-value-with-space",
        one(_DEPLOYMENT, "orders", _deployment(_tags(team="payments team"), _FULL), provider=K8S),
        violations=(Expect("orders", "metadata.labels.team is 'payments team', not a valid label value"),),
    ),
    Case(
        "k8s-label-value-too-long",
        one(_DEPLOYMENT, "orders", _deployment(_FULL, _tags(service="s" * 64)), provider=K8S),
        violations=(Expect("orders", "spec.template.metadata.labels.service is"),),
    ),
    Case(
        "k8s-label-key-invalid",
        one(_DEPLOYMENT, "orders", _deployment({**_FULL, "cost center": "x"}, _FULL), provider=K8S),
        violations=(Expect("orders", "metadata.labels.cost center is not a valid label key"),),
    ),
    Case(
        "k8s-cronjob-pod-template-labelled",
        one(conv.K8S_CRONJOB, "nightly-report", _cronjob({}, _FULL), provider=K8S),
    ),
    Case(
        "k8s-cronjob-job-labels-only",
        one(conv.K8S_CRONJOB, "nightly-report", _cronjob(_FULL, None), provider=K8S),
        violations=(Expect("nightly-report", "spec.jobTemplate.spec.template.metadata.labels.team is unset"),),
    ),
    Case(
        "k8s-not-checked",
        one(_DEPLOYMENT, "orders", _deployment({}, None), provider=K8S),
        config={"checkKubernetes": False},
    ),
    Case(
        "k8s-labels-unknown",
        one(_DEPLOYMENT, "orders", _deployment(_FULL, UNKNOWN_OBJECT), provider=K8S),
        unverifiable=("orders",),
    ),
    # Auto Scaling groups: a tag list, no provider default tags, propagateAtLaunch
    Case("asg-propagated", one(conv.ASG, "workers", _asg(_asg_tags()), provider=aws_provider())),
    Case(
        "asg-not-propagated",
        one(conv.ASG, "workers", _asg(_asg_tags(propagate=False)), provider=aws_provider()),
        violations=(
            Expect(
                "workers",
                "tags[team].propagateAtLaunch is false: instances the group launches do not get the key",
            ),
        ),
    ),
    Case(
        "asg-default-tags-do-not-apply",
        one(conv.ASG, "workers", _asg([]), provider=aws_provider(default_tags=_FULL)),
        violations=(Expect("workers", "tags[team] is unset (Auto Scaling groups get no provider default tags)"),),
    ),
    Case(
        "asg-placeholder",
        one(conv.ASG, "workers", _asg(_asg_tags(team="unknown")), provider=aws_provider()),
        violations=(Expect("workers", "tags[team].value is 'unknown', a placeholder"),),
    ),
    Case(
        "asg-tags-unknown",
        one(conv.ASG, "workers", _asg(UNKNOWN_ARRAY), provider=aws_provider()),
        unverifiable=("workers",),
    ),
    Case(
        "asg-propagate-unknown",
        one(conv.ASG, "workers", _asg(_asg_tags(propagate=UNKNOWN_BOOL)), provider=aws_provider()),
        unverifiable=("workers",),
    ),
    # ECS services: what reaches the tasks
    Case(
        "ecs-propagates-service-tags",
        one(
            conv.ECS_SERVICE,
            "orders-svc",
            {"tags": _tags(), "propagateTags": "SERVICE"},
            provider=aws_provider(),
        ),
    ),
    Case(
        "ecs-propagates-task-definition-tags",
        one(
            conv.ECS_SERVICE,
            "orders-svc",
            {"propagateTags": "TASK_DEFINITION"},
            provider=aws_provider(default_tags=_FULL),
        ),
    ),
    Case(
        "ecs-no-propagation",
        one(conv.ECS_SERVICE, "orders-svc", {"tags": _tags()}, provider=aws_provider()),
        violations=(Expect("orders-svc", "propagateTags is unset: tasks start without the cost-allocation tags"),),
    ),
    Case(
        "ecs-propagation-none",
        one(
            conv.ECS_SERVICE,
            "orders-svc",
            {"tags": _tags(), "propagateTags": "NONE"},
            provider=aws_provider(),
        ),
        violations=(Expect("orders-svc", "propagateTags is 'NONE'"),),
    ),
    Case(
        "ecs-daemon-propagates",
        one(policy.ECS_DAEMON, "node-agent", {"tags": _tags(), "propagateTags": "DAEMON"}, provider=aws_provider()),
    ),
    Case(
        "ecs-propagation-unknown",
        one(
            conv.ECS_SERVICE,
            "orders-svc",
            {"tags": _tags(), "propagateTags": UNKNOWN_STRING},
            provider=aws_provider(),
        ),
        unverifiable=("orders-svc",),
    ),
    # a secret-looking value in an unrelated tag never reaches a message
    Case(
        "secret-in-unrelated-tag",
        one(_BUCKET, "audit-evidence", {"tags": {**_FULL, "dbPassword": _SECRET}}, provider=aws_provider()),
        never_shown=(_SECRET,),
    ),
    Case(
        "secret-in-unrelated-tag-of-untagged",
        one(
            _BUCKET,
            "audit-evidence",
            {"tags": {"dbPassword": _SECRET}, "tagsAll": {"dbPassword": _SECRET}},
            provider=aws_provider(default_tags={"token": _SECRET}),
        ),
        violations=(Expect("audit-evidence", "tags.team is unset"),),
        never_shown=(_SECRET,),
    ),
    # unknown values: unverifiable, never a violation
    Case(
        "tags-unknown",
        one(_BUCKET, "audit-evidence", {"tags": UNKNOWN_OBJECT}, provider=aws_provider()),
        unverifiable=("audit-evidence",),
    ),
    Case(
        "tags-unknown-defaults-cover",
        one(_BUCKET, "audit-evidence", {"tags": UNKNOWN_OBJECT}, provider=aws_provider(default_tags=_FULL)),
    ),
    Case(
        "tag-value-unknown",
        one(_BUCKET, "audit-evidence", {"tags": _tags(service=UNKNOWN_STRING)}, provider=aws_provider()),
        unverifiable=("audit-evidence",),
    ),
    Case(
        "default-tags-unknown",
        (CaseResource(_BUCKET, "audit-evidence", {"tags": {"service": "orders"}}, provider=AWS_UNKNOWN_DEFAULT_TAGS),),
        unverifiable=("audit-evidence",),
    ),
    Case(
        "tags-unknown-but-one-default-missing",
        one(
            _BUCKET,
            "audit-evidence",
            {"tags": UNKNOWN_OBJECT},
            provider=aws_provider(default_tags=_tags(team=None)),
        ),
        unverifiable=("audit-evidence",),
    ),
    # the stack, providers, components and non-taggable types are never flagged
    Case(
        "plumbing-and-components-never-flagged",
        (
            CaseResource(conv.STACK_TYPE, "case-dev", {}, custom=False),
            CaseResource(conv.AWS_PROVIDER, "default_7_51_1", {"region": "us-east-1"}),
            CaseResource(conv.KUBERNETES_PROVIDER, "default_4_34_2", {}),
            CaseResource("finops:index:Service", "orders", {"contract": {"service": "orders"}}, custom=False),
            CaseResource(conv.K8S_HELM_CHART_V4, "kube-prometheus", {"chart": "kube-prometheus-stack"}, custom=False),
            CaseResource("kubernetes:helm.sh/v3:Chart", "legacy-chart", {}, custom=False),
            CaseResource(conv.K8S_HELM_RELEASE, "ingress", {"chart": "ingress-nginx"}, provider=K8S),
            CaseResource("kubernetes:yaml/v2:ConfigGroup", "manifests", {}, custom=False),
            CaseResource("kubernetes:yaml:ConfigFile", "manifest", {}, custom=False),
            CaseResource(
                "kubernetes:apps/v1:DeploymentPatch",
                "patch-coredns",
                {"metadata": {"name": "coredns"}},
                provider=K8S,
            ),
            CaseResource("kubernetes:core/v1:ConfigMapList", "cms", {"items": []}, provider=K8S),
        ),
    ),
    Case(
        "component-child-is-checked",
        (
            CaseResource("finops:index:Service", "orders", {}, custom=False),
            CaseResource(_BUCKET, "orders-artifacts", {}, provider=aws_provider(), parent="orders"),
        ),
        violations=(Expect("orders-artifacts", "tags.team is unset"),),
    ),
    Case(
        "non-taggable-types-never-flagged",
        (
            CaseResource(
                "aws:iam/rolePolicy:RolePolicy",
                "orders-policy",
                {"role": "orders", "policy": "{}"},
                provider=aws_provider(),
            ),
            CaseResource(
                "aws:inspector/resourceGroup:ResourceGroup",
                "scan-targets",
                {"tags": {"Env": "TODO"}},
                provider=aws_provider(),
            ),
            CaseResource(
                "aws:devopsguru/resourceCollection:ResourceCollection",
                "watched",
                {"tags": {"appBoundaryKey": "DevOps-Guru-app", "tagValues": ["orders"]}},
                provider=aws_provider(),
            ),
        ),
    ),
    Case(
        "taggable-iam-role",
        one("aws:iam/role:Role", "orders-role", {"assumeRolePolicy": "{}"}, provider=aws_provider()),
        violations=(Expect("orders-role", "tags.domain is unset"),),
    ),
    Case(
        "excluded-type",
        one(_BUCKET, "audit-evidence", {}, provider=aws_provider()),
        config={"excludeTypes": ["aws:s3/*"]},
    ),
    # odd shapes never crash
    Case(
        "tags-null-and-odd-values",
        one(
            _BUCKET,
            "audit-evidence",
            {"tags": {**_tags(team=None), "team": None, "environment": 42.0}},
            provider=aws_provider(),
        ),
        violations=(Expect("audit-evidence", "tags.team is unset"),),
    ),
    Case(
        "tags-not-a-map",
        one(_BUCKET, "audit-evidence", {"tags": ["service", "team"]}, provider=aws_provider()),
        violations=(Expect("audit-evidence", "tags.service is unset"),),
    ),
    # waivers
    Case(
        "waiver-valid",
        one(_BUCKET, "legacy-reports", {}, provider=aws_provider()),
        config=_waiver(day(30)),
        waived=("legacy-reports",),
    ),
    Case(
        "waiver-expired",
        one(_BUCKET, "legacy-reports", {}, provider=aws_provider()),
        config=_waiver(day(-1)),
        violations=(Expect("legacy-reports", "not waived: waiver 'FIN-1234' expired on"),),
    ),
    Case(
        "waiver-malformed",
        one(_BUCKET, "legacy-reports", {}, provider=aws_provider()),
        config=_waiver(day(30), ticket="see slack"),
        violations=(Expect("legacy-reports", "does not match"),),
    ),
)
