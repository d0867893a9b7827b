"""Cases of `cost-allocation-tags`: resource tags, provider default tags, tagsAll, one finding per
resource, which resources block (cost classes), tag syntax per AWS service, allowed values and
patterns, Kubernetes labels, Auto Scaling groups and their launch templates, ECS propagation,
unknowns, waivers."""

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


def _asg(tags: list[dict[str, Any]] | str, **props: Any) -> dict[str, Any]:
    return {"maxSize": 4.0, "minSize": 1.0, "tags": tags, **props}


def _lt(
    instance: Mapping[str, Any] | None = None, volume: Mapping[str, Any] | None = None, **props: Any
) -> dict[str, Any]:
    """A launch template (itself tagged) whose tag specifications give these tags to instances and volumes."""
    specs = [
        {"resourceType": kind, "tags": dict(tags)}
        for kind, tags in (("instance", instance), ("volume", volume))
        if tags
    ]
    return {
        "imageId": "ami-0123456789abcdef0",
        "instanceType": "m6i.large",
        "tags": dict(_FULL),
        "tagSpecifications": specs,
        **props,
    }


#: How a group names a template created in the same program: its id, unknown during preview.
_BY_ID: Final = {"launchTemplate": {"id": UNKNOWN_STRING, "version": "$Latest"}}
_LT_DEPENDENCY: Final = {"launchTemplate": ("web-lt",)}
_LT: Final = "aws:ec2/launchTemplate:LaunchTemplate"
_TASK_DEFINITION: Final = conv.ECS_TASK_DEFINITION
_CONTAINERS: Final = '[{"name": "app", "image": "orders:1.0", "memory": 512}]'


def _asg_tags(propagate: bool | str = True, **changes: str | None) -> list[dict[str, Any]]:
    return [{"key": k, "value": v, "propagateAtLaunch": propagate} for k, v in _tags(**changes).items()]


def _waiver(expires: str, ticket: str = "FIN-1234") -> dict[str, Any]:
    return waivers("legacy-*", expires=expires, ticket=ticket, reason="tagged by the legacy CMDB sync")


_DEPLOYMENT: Final = conv.K8S_DEPLOYMENT
_SECRET: Final = "hunter2-Sup3rS3cret-token"
_SECURITY_GROUP: Final = "aws:ec2/securityGroup:SecurityGroup"
_CERTIFICATE: Final = "aws:acm/certificate:Certificate"
#: a type neither the free nor the priced list classifies
_COMPOSITE_ALARM: Final = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
_INSTANCE: Final = "aws:ec2/instance:Instance"
_LAMBDA: Final = conv.LAMBDA_FUNCTION
_NAMESPACE: Final = "kubernetes:core/v1:Namespace"
_K8S_SERVICE: Final = "kubernetes:core/v1:Service"
_PVC: Final = "kubernetes:core/v1:PersistentVolumeClaim"
_INGRESS: Final = "kubernetes:networking.k8s.io/v1:Ingress"

CASES: Final = (
    # resource tags; one finding per resource, naming every key
    Case("resource-tags", one(_BUCKET, "audit-evidence", {"tags": _tags()}, provider=aws_provider())),
    Case(
        "no-tags-at-all",
        one(_BUCKET, "audit-evidence", {}, provider=aws_provider()),
        violations=(
            Expect(
                "audit-evidence",
                "tags lack service, team, domain, environment (no resource tag, no provider default tag)",
            ),
            Expect("audit-evidence", 'Fix: add tags={"service": ..., "team": ..., "domain": ..., "environment": ...}'),
            Expect("audit-evidence", '"keys": ["service", "team", "domain", "environment"]'),
        ),
    ),
    Case(
        "missing-one-key",
        one(_BUCKET, "audit-evidence", {"tags": _tags(domain=None)}, provider=aws_provider()),
        violations=(Expect("audit-evidence", "tags lack domain (no resource tag"),),
    ),
    Case(
        "missing-and-invalid-keys-in-one-finding",
        one(_BUCKET, "audit-evidence", {"tags": _tags(domain=None, team="TODO")}, provider=aws_provider()),
        violations=(
            Expect(
                "audit-evidence", "tags lack domain (no resource tag, no provider default tag); tags.team is 'TODO'"
            ),
            Expect("audit-evidence", '"invalid": ["team"]'),
        ),
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
        violations=(Expect("audit-evidence", "tags lack team"),),
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
        violations=(Expect("audit-evidence", "tags lack service"),),
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
    # which resources block: what costs money blocks, what costs nothing is advisory (levels)
    Case(
        "free-type-is-advisory",
        one("aws:iam/role:Role", "orders-role", {"assumeRolePolicy": "{}"}, provider=aws_provider()),
        advisory=(
            Expect("orders-role", "tags lack service, team, domain, environment"),
            Expect("orders-role", "(not blocking: a Role costs nothing by itself)"),
        ),
    ),
    Case(
        "free-types-are-advisory",
        (
            CaseResource(_SECURITY_GROUP, "web-sg", {"vpcId": "vpc-1"}, provider=aws_provider()),
            CaseResource("aws:ec2/subnet:Subnet", "private-a", {"cidrBlock": "10.0.1.0/24"}, provider=aws_provider()),
            CaseResource(_TASK_DEFINITION, "orders-task", {"family": "orders"}, provider=aws_provider()),
            CaseResource("aws:lb/targetGroup:TargetGroup", "orders-tg", {"port": 80.0}, provider=aws_provider()),
        ),
        advisory=(
            Expect("web-sg", "tags lack service"),
            Expect("private-a", "tags lack service"),
            Expect("orders-task", "tags lack service"),
            Expect("orders-tg", "tags lack service"),
        ),
    ),
    Case(
        "free-type-blocks-when-configured",
        one("aws:iam/role:Role", "orders-role", {"assumeRolePolicy": "{}"}, provider=aws_provider()),
        config={"levels": {"awsFree": "mandatory"}},
        violations=(Expect("orders-role", "tags lack service, team, domain, environment"),),
    ),
    Case(
        "free-type-skipped-when-configured",
        one("aws:iam/role:Role", "orders-role", {"assumeRolePolicy": "{}"}, provider=aws_provider()),
        config={"levels": {"awsFree": "skip"}},
    ),
    Case(
        "cost-bearing-type-still-blocks-when-free-ones-are-skipped",
        one("aws:rds/instance:Instance", "orders-db", {"instanceClass": "db.t3.micro"}, provider=aws_provider()),
        config={"levels": {"awsFree": "skip"}},
        violations=(Expect("orders-db", "tags lack service, team, domain, environment"),),
    ),
    Case(
        "cost-bearing-type-advisory-when-configured",
        one("aws:ec2/natGateway:NatGateway", "nat-a", {"subnetId": "subnet-1"}, provider=aws_provider()),
        config={"levels": {"awsCostBearing": "advisory"}},
        advisory=(Expect("nat-a", "(not blocking: levels.awsCostBearing is advisory in the policy config)"),),
    ),
    Case(
        "gateway-vpc-endpoint-is-free",
        one("aws:ec2/vpcEndpoint:VpcEndpoint", "s3-endpoint", {"serviceName": "com.amazonaws.us-east-1.s3"}),
        advisory=(Expect("s3-endpoint", "tags lack service"),),
    ),
    Case(
        "interface-vpc-endpoint-costs",
        one(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "sqs-endpoint",
            {"serviceName": "com.amazonaws.us-east-1.sqs", "vpcEndpointType": "Interface"},
        ),
        violations=(Expect("sqs-endpoint", "tags lack service"),),
    ),
    Case(
        "vpc-endpoint-type-unknown-is-not-free",
        one(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "endpoint",
            {"serviceName": "com.amazonaws.us-east-1.sqs", "vpcEndpointType": UNKNOWN_STRING},
        ),
        violations=(Expect("endpoint", "tags lack service"),),
    ),
    Case(
        "public-certificate-is-free-private-one-costs",
        (
            CaseResource(_CERTIFICATE, "public-cert", {"domainName": "example.com"}, provider=aws_provider()),
            CaseResource(
                _CERTIFICATE,
                "private-cert",
                {"domainName": "internal.example.com", "certificateAuthorityArn": "arn:aws:acm-pca:::ca/1"},
                provider=aws_provider(),
            ),
        ),
        advisory=(Expect("public-cert", "tags lack service"),),
        violations=(Expect("private-cert", "tags lack service"),),
    ),
    Case(
        "unclassified-type-blocks-by-default",
        one(_COMPOSITE_ALARM, "slo-alarm", {"alarmRule": "ALARM(a)"}, provider=aws_provider()),
        violations=(Expect("slo-alarm", "tags lack service"),),
    ),
    Case(
        "unclassified-type-advisory-when-configured",
        one(_COMPOSITE_ALARM, "slo-alarm", {"alarmRule": "ALARM(a)"}, provider=aws_provider()),
        config={"levels": {"awsUnclassified": "advisory"}},
        advisory=(Expect("slo-alarm", "tags lack service"),),
    ),
    Case(
        "tags-that-never-reach-a-bill-are-never-checked",
        (
            CaseResource("aws:s3/bucketObjectv2:BucketObjectv2", "index-html", {"key": "index.html"}),
            CaseResource("aws:s3/bucketObject:BucketObject", "legacy-object", {"key": "a.txt", "tags": {"x": "TODO"}}),
            CaseResource("aws:ec2/eip:Eip", "nat-ip", {"domain": "vpc"}),
        ),
        config={"levels": {"awsFree": "mandatory", "awsUnclassified": "mandatory"}},
    ),
    # AWS syntax: the reserved prefix and lengths everywhere; characters where the service's API rejects them
    Case(
        "aws-prefix-lookalike-key",
        one(_BUCKET, "audit-evidence", {"tags": {**_FULL, "aws-account": "prod"}}, provider=aws_provider()),
    ),
    Case(
        "aws-reserved-prefix-key",
        one(_BUCKET, "audit-evidence", {"tags": {**_FULL, "AWS:createdBy": "me"}}, provider=aws_provider()),
        violations=(Expect("audit-evidence", "tags.AWS:createdBy uses the prefix 'aws:', reserved for AWS"),),
    ),
    Case(
        "aws-reserved-prefix-value-is-advisory",
        one(_BUCKET, "audit-evidence", {"tags": _tags(service="aws:orders")}, provider=aws_provider()),
        advisory=(Expect("audit-evidence", "with the prefix 'aws:' AWS reserves for its own tags"),),
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
        "longest-key",
        one(_BUCKET, "audit-evidence", {"tags": {**_FULL, "k" * 128: "x"}}, provider=aws_provider()),
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
        # Amazon EC2 User Guide, "Tag restrictions": "EC2 allows for any character in its tags"
        "ec2-key-with-any-character-is-advisory",
        one(
            _INSTANCE, "web", {"instanceType": "t3.micro", "tags": {**_FULL, "Name#1": "web"}}, provider=aws_provider()
        ),
        advisory=(Expect("web", "tags.Name#1 has characters some AWS services reject in tags ('#')"),),
    ),
    Case(
        # the Lambda API's tag key pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*
        "lambda-key-its-api-rejects",
        one(_LAMBDA, "handler", {"runtime": "python3.12", "tags": {**_FULL, "cost#center": "42"}}),
        violations=(Expect("handler", "tags.cost#center has characters the Lambda API rejects in tag keys ('#')"),),
    ),
    Case(
        # the EFS API's key pattern rejects what its user guide says EFS itself allows
        "efs-key-its-api-rejects",
        one("aws:efs/fileSystem:FileSystem", "shared", {"tags": {**_FULL, "owner|team": "x"}}),
        violations=(Expect("shared", "the EFS API rejects in tag keys ('|')"),),
    ),
    Case(
        "lambda-value-its-api-rejects",
        one(_LAMBDA, "handler", {"runtime": "python3.12", "tags": _tags(team="payments#1")}),
        violations=(Expect("handler", "tags.team is 'payments#1', with characters the Lambda API rejects"),),
    ),
    Case(
        "bucket-value-only-some-services-reject-is-advisory",
        one(_BUCKET, "audit-evidence", {"tags": _tags(team="payments#1;drop")}, provider=aws_provider()),
        advisory=(Expect("audit-evidence", "with characters some AWS services reject in tags ('#;')"),),
    ),
    Case(
        # the CloudWatch Logs API pattern allows ':' although its user guide's list does not name it
        "log-group-key-with-colon",
        one(conv.LOG_GROUP, "app-logs", {"retentionInDays": 14.0, "tags": {**_FULL, "app:tier": "web"}}),
    ),
    Case(
        "advisory-syntax-note-rides-on-a-blocking-finding",
        one(_INSTANCE, "web", {"instanceType": "t3.micro", "tags": {**_tags(team=None), "Name#1": "web"}}),
        violations=(Expect("web", "tags lack team (no resource tag, no provider default tag); tags.Name#1 has"),),
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
        violations=(Expect("audit-evidence", "tags lack CostCenter"),),
    ),
    # Kubernetes: pod templates (and pods, namespaces) block; workloads' own labels, Services,
    # claims and Ingresses are advisory; ConfigMaps, Secrets, RBAC and the like are skipped
    Case("k8s-deployment-labelled", one(_DEPLOYMENT, "orders", _deployment(_FULL, _FULL), provider=K8S)),
    Case(
        "k8s-pod-template-unlabelled",
        one(_DEPLOYMENT, "orders", _deployment(_FULL, None), provider=K8S),
        violations=(
            Expect(
                "orders",
                "spec.template.metadata.labels lack service, team, domain, environment (the Deployment's own labels "
                "are not copied to its pods)",
            ),
        ),
    ),
    Case(
        "k8s-own-labels-only-are-advisory",
        one(_DEPLOYMENT, "orders", _deployment({"app": "orders"}, _FULL), provider=K8S),
        advisory=(
            Expect("orders", "metadata.labels lack service, team, domain, environment"),
            Expect("orders", "(not blocking: cost tools read the labels of pods, namespaces and nodes"),
        ),
    ),
    Case(
        "k8s-pod-template-and-own-labels-in-one-finding",
        one(_DEPLOYMENT, "orders", _deployment({"app": "orders"}, {"app": "orders", **_tags(team=None)}), provider=K8S),
        violations=(
            Expect(
                "orders",
                "spec.template.metadata.labels lack team (the Deployment's own labels are not copied to its pods); "
                "metadata.labels lack service, team, domain, environment",
            ),
        ),
    ),
    Case(
        "k8s-pod-and-namespace-block",
        (
            CaseResource(_NAMESPACE, "orders-ns", {"metadata": {"name": "orders"}}, provider=K8S),
            CaseResource(
                "kubernetes:core/v1:Pod",
                "debug-pod",
                {"metadata": {"labels": {"app": "debug"}}, "spec": {"containers": []}},
                provider=K8S,
            ),
        ),
        violations=(Expect("orders-ns", "metadata.labels lack service"), Expect("debug-pod", "metadata.labels lack")),
    ),
    Case(
        "k8s-service-claim-ingress-are-advisory",
        (
            CaseResource(_K8S_SERVICE, "orders-svc", {"spec": {"selector": {"app": "orders"}}}, provider=K8S),
            CaseResource(_PVC, "orders-data", {"spec": {"accessModes": ["ReadWriteOnce"]}}, provider=K8S),
            CaseResource(_INGRESS, "orders-web", {"spec": {"rules": []}}, provider=K8S),
        ),
        advisory=(
            Expect("orders-svc", "metadata.labels lack service"),
            Expect("orders-data", "metadata.labels lack service"),
            Expect("orders-web", "metadata.labels lack service"),
        ),
    ),
    Case(
        "k8s-service-blocks-when-configured",
        one(_K8S_SERVICE, "orders-svc", {"spec": {"selector": {"app": "orders"}}}, provider=K8S),
        config={"levels": {"kubernetesCostObjects": "mandatory"}},
        violations=(Expect("orders-svc", "metadata.labels lack service"),),
    ),
    Case(
        "k8s-configuration-objects-are-skipped",
        (
            CaseResource("kubernetes:core/v1:ConfigMap", "orders-config", {"data": {"a": "b"}}, provider=K8S),
            CaseResource("kubernetes:core/v1:Secret", "orders-secret", {"stringData": {"a": "b"}}, provider=K8S),
            CaseResource("kubernetes:core/v1:ServiceAccount", "orders-sa", {}, provider=K8S),
            CaseResource("kubernetes:rbac.authorization.k8s.io/v1:Role", "orders-role", {"rules": []}, provider=K8S),
            CaseResource("kubernetes:networking.k8s.io/v1:NetworkPolicy", "deny-all", {"spec": {}}, provider=K8S),
        ),
    ),
    Case(
        "k8s-configmap-labelled",
        one(
            "kubernetes:core/v1:ConfigMap",
            "orders-config",
            {"metadata": {"labels": _FULL}, "data": {"a": "b"}},
            provider=K8S,
        ),
        config={"levels": {"kubernetesOther": "mandatory"}},
    ),
    Case(
        "k8s-configmap-unlabelled-when-configured",
        one("kubernetes:core/v1:ConfigMap", "orders-config", {"data": {"a": "b"}}, provider=K8S),
        config={"levels": {"kubernetesOther": "mandatory"}},
        violations=(Expect("orders-config", "metadata.labels lack service, team, domain, environment"),),
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
        "k8s-pod-label-value-with-space",
        one(_DEPLOYMENT, "orders", _deployment(_FULL, _tags(team="payments team")), provider=K8S),
        violations=(
            Expect("orders", "spec.template.metadata.labels.team is 'payments team', not a valid label value"),
        ),
    ),
    Case(
        "k8s-own-label-value-with-space",
        one(_DEPLOYMENT, "orders", _deployment(_tags(team="payments team"), _FULL), provider=K8S),
        advisory=(Expect("orders", "metadata.labels.team is 'payments team', not a valid label value"),),
    ),
    Case(
        "k8s-label-value-too-long",
        one(_DEPLOYMENT, "orders", _deployment(_FULL, _tags(service="s" * 64)), provider=K8S),
        violations=(Expect("orders", "spec.template.metadata.labels.service is"),),
    ),
    Case(
        "k8s-label-key-invalid",
        one(_DEPLOYMENT, "orders", _deployment(_FULL, {**_FULL, "cost center": "x"}), provider=K8S),
        violations=(Expect("orders", "spec.template.metadata.labels.cost center is not a valid label key"),),
    ),
    Case(
        "k8s-cronjob-pod-template-labelled",
        one(conv.K8S_CRONJOB, "nightly-report", _cronjob({}, _FULL), provider=K8S),
    ),
    Case(
        "k8s-cronjob-job-labels-only",
        one(conv.K8S_CRONJOB, "nightly-report", _cronjob(_FULL, None), provider=K8S),
        violations=(Expect("nightly-report", "spec.jobTemplate.spec.template.metadata.labels lack service, team"),),
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
    # Auto Scaling groups without a launch template: the group's propagated tags
    Case("asg-propagated", one(conv.ASG, "workers", _asg(_asg_tags()), provider=aws_provider())),
    Case(
        "asg-not-propagated",
        one(conv.ASG, "workers", _asg(_asg_tags(propagate=False)), provider=aws_provider()),
        violations=(
            Expect(
                "workers",
                "tags lack service, team, domain, environment for the instances it launches (no tag with "
                "propagateAtLaunch true; the group's service, team, domain, environment tags have no "
                "propagateAtLaunch)",
            ),
        ),
    ),
    Case(
        "asg-default-tags-do-not-apply",
        one(conv.ASG, "workers", _asg([]), provider=aws_provider(default_tags=_FULL)),
        violations=(
            Expect("workers", "provider defaultTags do not reach the instances an Auto Scaling group launches"),
        ),
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
    # Auto Scaling groups with a launch template: its tag specifications tag instances and volumes
    Case(
        "asg-launch-template-tags-instances-and-volumes",
        (
            CaseResource(_LT, "web-lt", _lt(instance=_FULL, volume=_FULL)),
            CaseResource(conv.ASG, "workers", _asg([], **_BY_ID), property_dependencies=_LT_DEPENDENCY),
        ),
    ),
    Case(
        "asg-launch-template-leaves-volumes-untagged",
        (
            CaseResource(_LT, "web-lt", _lt(instance=_FULL)),
            CaseResource(conv.ASG, "workers", _asg([], **_BY_ID), property_dependencies=_LT_DEPENDENCY),
        ),
        violations=(
            Expect(
                "workers",
                "tags lack service, team, domain, environment for the volumes it launches (group tags never reach "
                "EBS volumes; launch template 'web-lt' has no volume tag for them)",
            ),
            Expect("workers", "to the tag_specifications of launch template 'web-lt' with resource_type \"volume\""),
        ),
    ),
    Case(
        "asg-group-tags-never-reach-volumes",
        (
            CaseResource(_LT, "web-lt", _lt()),
            CaseResource(conv.ASG, "workers", _asg(_asg_tags(), **_BY_ID), property_dependencies=_LT_DEPENDENCY),
        ),
        violations=(Expect("workers", "for the volumes it launches"),),
    ),
    Case(
        "asg-group-tag-wins-over-the-template",
        (
            CaseResource(_LT, "web-lt", _lt(instance=_FULL, volume=_FULL)),
            CaseResource(
                conv.ASG,
                "workers",
                _asg([{"key": "team", "value": "TODO", "propagateAtLaunch": True}], **_BY_ID),
                property_dependencies=_LT_DEPENDENCY,
            ),
        ),
        violations=(Expect("workers", "tags[team].value is 'TODO', a placeholder"),),
    ),
    Case(
        "asg-template-tags-instances-the-group-does-not-propagate",
        (
            CaseResource(_LT, "web-lt", _lt(instance=_FULL, volume=_FULL)),
            CaseResource(
                conv.ASG,
                "workers",
                _asg([{"key": "team", "value": "TODO", "propagateAtLaunch": False}], **_BY_ID),
                property_dependencies=_LT_DEPENDENCY,
            ),
        ),
    ),
    Case(
        "asg-template-instance-tag-placeholder",
        (
            CaseResource(_LT, "web-lt", _lt(instance=_tags(team="tbd"), volume=_FULL)),
            CaseResource(conv.ASG, "workers", _asg([], **_BY_ID), property_dependencies=_LT_DEPENDENCY),
        ),
        violations=(Expect("workers", "launch template 'web-lt' instance tag team is 'tbd', a placeholder"),),
    ),
    Case(
        "asg-template-by-name",
        (
            CaseResource(_LT, "web-lt", _lt(instance=_FULL, volume=_FULL, name="web-template")),
            CaseResource(conv.ASG, "workers", _asg([], launchTemplate={"name": "web-template", "version": "$Latest"})),
        ),
    ),
    Case(
        "asg-mixed-instances-template",
        (
            CaseResource(_LT, "web-lt", _lt(instance=_FULL, volume=_tags(domain=None))),
            CaseResource(
                conv.ASG,
                "workers",
                _asg(
                    [],
                    mixedInstancesPolicy={
                        "launchTemplate": {"launchTemplateSpecification": {"launchTemplateId": UNKNOWN_STRING}}
                    },
                ),
                property_dependencies={"mixedInstancesPolicy": ("web-lt",)},
            ),
        ),
        violations=(Expect("workers", "tags lack domain for the volumes it launches"),),
    ),
    Case(
        "asg-provider-default-tags-do-not-reach-template-tags",
        (
            CaseResource(_LT, "web-lt", _lt(), provider=aws_provider(default_tags=_FULL)),
            CaseResource(
                conv.ASG,
                "workers",
                _asg([], **_BY_ID),
                provider=aws_provider(default_tags=_FULL),
                property_dependencies=_LT_DEPENDENCY,
            ),
        ),
        violations=(
            Expect("workers", "for the instances it launches"),
            Expect("workers", "provider defaultTags do not reach the instances an Auto Scaling group launches"),
        ),
    ),
    Case(
        "asg-template-outside-the-stack",
        one(conv.ASG, "workers", _asg(_asg_tags(), launchTemplate={"id": "lt-0123456789abcdef0"})),
        unverifiable=("workers",),
    ),
    Case(
        "asg-template-unknown",
        one(conv.ASG, "workers", _asg(_asg_tags(), **_BY_ID)),
        unverifiable=("workers",),
    ),
    Case(
        "asg-template-tag-specifications-unknown",
        (
            CaseResource(_LT, "web-lt", {"tags": _tags(), "tagSpecifications": UNKNOWN_ARRAY}),
            CaseResource(conv.ASG, "workers", _asg(_asg_tags(), **_BY_ID), property_dependencies=_LT_DEPENDENCY),
        ),
        # the finding is on the group; its message names the template whose tag specifications are unknown
        unverifiable=("workers", "web-lt"),
    ),
    Case(
        "asg-launch-configuration-volumes-are-advisory",
        one(conv.ASG, "workers", _asg(_asg_tags(), launchConfiguration="web-lc")),
        advisory=(Expect("workers", "a launch configuration cannot tag volumes"),),
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
        (
            CaseResource(_TASK_DEFINITION, "orders-task", {"family": "orders", "containerDefinitions": _CONTAINERS}),
            CaseResource(
                conv.ECS_SERVICE,
                "orders-svc",
                {"taskDefinition": UNKNOWN_STRING, "propagateTags": "TASK_DEFINITION"},
                provider=aws_provider(default_tags=_FULL),
                property_dependencies={"taskDefinition": ("orders-task",)},
            ),
        ),
        # the task definition costs nothing itself: only an advisory note on it; the tasks get its tags
        advisory=(Expect("orders-task", "tags lack service"),),
        violations=(
            Expect(
                "orders-svc",
                "tags lack service, team, domain, environment for the tasks it starts (propagateTags is "
                "TASK_DEFINITION, and task definition 'orders-task' has no such tag)",
            ),
        ),
    ),
    Case(
        "ecs-task-definition-tagged",
        (
            CaseResource(
                _TASK_DEFINITION,
                "orders-task",
                {"family": "orders", "containerDefinitions": _CONTAINERS},
                provider=aws_provider(default_tags=_FULL),
            ),
            CaseResource(
                conv.ECS_SERVICE,
                "orders-svc",
                {"taskDefinition": "orders:3", "propagateTags": "TASK_DEFINITION"},
                provider=aws_provider(default_tags=_FULL),
            ),
        ),
    ),
    Case(
        "ecs-task-definition-outside-the-stack",
        one(
            conv.ECS_SERVICE,
            "orders-svc",
            {
                "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/billing:7",
                "propagateTags": "TASK_DEFINITION",
            },
            provider=aws_provider(default_tags=_FULL),
        ),
        unverifiable=("orders-svc",),
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
        violations=(Expect("audit-evidence", "tags lack service, team"),),
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
    Case(
        "unknown-and-missing-keys-in-one-blocking-finding",
        one(_BUCKET, "audit-evidence", {"tags": {**_tags(domain=None), "service": UNKNOWN_STRING}}),
        violations=(
            Expect(
                "audit-evidence", "tags lack domain (no resource tag, no provider default tag); tags.service is unknown"
            ),
        ),
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
        violations=(Expect("orders-artifacts", "tags lack service, team"),),
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
        "excluded-type",
        one(_BUCKET, "audit-evidence", {}, provider=aws_provider()),
        config={"excludeTypes": ["aws:s3/*"]},
    ),
    Case(
        "excluded-type-judged-with-the-stack",
        one(conv.ASG, "workers", _asg([]), provider=aws_provider()),
        config={"excludeTypes": ["aws:autoscaling/*"]},
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
        violations=(Expect("audit-evidence", "tags lack team"),),
    ),
    Case(
        "tags-not-a-map",
        one(_BUCKET, "audit-evidence", {"tags": ["service", "team"]}, provider=aws_provider()),
        violations=(Expect("audit-evidence", "tags lack service"),),
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
