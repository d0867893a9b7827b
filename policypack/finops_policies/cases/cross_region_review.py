"""Cases of `cross-region-review`: dependencies, ARNs and region inputs across regions, reviews,
unknowns and waivers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseProvider, CaseResource, Expect, aws_provider, k8s_provider, one
from finops_policies.cases.builders import day, waivers
from finops_policies.values import UNKNOWN_ARRAY, UNKNOWN_OBJECT, UNKNOWN_STRING

_US = aws_provider("us-east-1")
_EU = aws_provider("eu-west-1", name="eu")
#: An explicit provider whose region comes from AWS_REGION at deploy time: nothing in its inputs.
_NO_REGION = CaseProvider(conv.AWS_PROVIDER, "from-env", {"skipCredentialsValidation": "false"})
_ACCOUNT = "123456789012"
_PRIMARY_ARN = f"arn:aws:rds:us-east-1:{_ACCOUNT}:db:ledger-db"
_NEXT_YEAR = day(365)
_LAST_MONTH = day(-30)
_PRIMARY = CaseResource(conv.RDS_INSTANCE, "ledger-db", {"engine": "postgres", "arn": _PRIMARY_ARN}, _US)


def _replica(provider: Any = _EU, props: Mapping[str, Any] | None = None, **kw: Any) -> CaseResource:
    """A read replica whose source ARN is unknown in preview: only its property dependency tells."""
    return CaseResource(
        conv.RDS_INSTANCE,
        "ledger-replica",
        props if props is not None else {"replicateSourceDb": UNKNOWN_STRING},
        provider,
        property_dependencies={"replicateSourceDb": ("ledger-db",)},
        **kw,
    )


def _review(**changes: Any) -> dict[str, Any]:
    review = {
        "from": "eu-west-1",
        "to": "us-east-1",
        "resources": ["ledger-*"],
        "ticket": "ARB-1042",
        "approvedBy": "architecture-review-board",
        "expires": _NEXT_YEAR,
        "reason": "DR read replica",
    }
    review.update(changes)
    return {k: v for k, v in review.items() if v is not None}


_CROSS = "replicateSourceDb → Instance 'ledger-db' in us-east-1, but 'ledger-replica' is in eu-west-1"
_TAGGED = {"replicateSourceDb": UNKNOWN_STRING, "tags": {conv.CROSS_REGION_REVIEW_TAG: "ARB-1042"}}

CASES = (
    Case("replica-in-the-same-region", (_PRIMARY, _replica(_US))),
    Case(
        "unknown-arn-resolved-through-property-dependency",
        (_PRIMARY, _replica()),
        violations=(Expect("ledger-replica", _CROSS),),
    ),
    Case(
        "known-arn-resolved-to-its-resource",
        (_PRIMARY, CaseResource(conv.RDS_INSTANCE, "ledger-replica", {"replicateSourceDb": _PRIMARY_ARN}, _EU)),
        violations=(Expect("ledger-replica", _CROSS),),
        never_shown=(_ACCOUNT,),
    ),
    Case(
        "per-resource-region-input-wins-over-provider",
        (_PRIMARY, _replica(_US, {"replicateSourceDb": UNKNOWN_STRING, "region": "eu-west-1"})),
        violations=(Expect("ledger-replica", _CROSS),),
    ),
    Case(
        "stack-region-from-the-default-provider",
        (
            CaseResource(conv.AWS_PROVIDER, "default_7_51_1", {"region": "us-east-1", "version": "7.51.1"}),
            CaseResource(conv.RDS_INSTANCE, "ledger-db", {"engine": "postgres"}),
            _replica(),
        ),
        violations=(Expect("ledger-replica", _CROSS),),
    ),
    Case(
        "explicit-second-provider-dependency-via-depends-on",
        (
            CaseResource("aws:sqs/queue:Queue", "orders-dlq", {}, _US),
            CaseResource(
                "aws:lambda/function:Function",
                "orders-worker",
                {"runtime": "python3.12"},
                _EU,
                depends_on=("orders-dlq",),
            ),
        ),
        violations=(
            Expect("orders-worker", "dependsOn → Queue 'orders-dlq' in us-east-1, but 'orders-worker' is in eu-west-1"),
        ),
    ),
    Case(
        "arn-of-another-region-in-an-input",
        one(
            "aws:sns/topicSubscription:TopicSubscription",
            "orders-fanout",
            {
                "protocol": "sqs",
                "endpoint": f"arn:aws:sqs:eu-west-1:{_ACCOUNT}:orders",
                "topic": f"arn:aws:sns:us-east-1:{_ACCOUNT}:orders",
            },
            provider=_US,
        ),
        violations=(
            Expect("orders-fanout", "endpoint → an sqs ARN in eu-west-1, but 'orders-fanout' is in us-east-1"),
        ),
        never_shown=(_ACCOUNT,),
    ),
    Case(
        "arn-inside-a-json-document",
        one(
            "aws:sqs/queue:Queue",
            "orders",
            {
                "redrivePolicy": f'{{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:{_ACCOUNT}:orders-dlq",'
                '"maxReceiveCount":5}'
            },
            provider=_US,
        ),
        violations=(Expect("orders", "redrivePolicy → an sqs ARN in eu-west-1"),),
        never_shown=(_ACCOUNT,),
    ),
    Case(
        "peering-peer-region",
        one(
            "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
            "core-to-eu",
            {"vpcId": "vpc-1", "peerVpcId": "vpc-2", "peerRegion": "eu-west-1"},
            provider=_US,
        ),
        violations=(Expect("core-to-eu", "peerRegion → eu-west-1, but 'core-to-eu' is in us-east-1"),),
    ),
    Case(
        "peering-in-its-own-region",
        one(
            "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
            "core-to-shared",
            {"peerRegion": "us-east-1", "peerVpcId": "vpc-2"},
            provider=_US,
        ),
    ),
    Case(
        "global-table-replica-regions",
        one(
            "aws:dynamodb/table:Table",
            "sessions",
            {"replicas": [{"regionName": "eu-west-1"}, {"regionName": "us-east-1"}]},
            provider=_US,
        ),
        violations=(Expect("sessions", "replicas[0].regionName → eu-west-1"),),
    ),
    Case(
        "global-services-make-no-edge",
        (
            CaseResource("aws:iam/role:Role", "replicator", {"arn": f"arn:aws:iam::{_ACCOUNT}:role/replicator"}, _US),
            CaseResource("aws:s3/bucket:Bucket", "ledger-eu", {"arn": "arn:aws:s3:::ledger-eu"}, _EU),
            CaseResource(
                conv.S3_REPLICATION,
                "ledger-replication",
                {
                    "role": f"arn:aws:iam::{_ACCOUNT}:role/replicator",
                    "rules": [{"destination": {"bucket": "arn:aws:s3:::ledger-eu"}}],
                },
                _EU,
                property_dependencies={"role": ("replicator",)},
            ),
            CaseResource(
                "aws:cloudfront/distribution:Distribution",
                "cdn",
                {"viewerCertificate": {"acmCertificateArn": f"arn:aws:acm:us-east-1:{_ACCOUNT}:certificate/x"}},
                _EU,
                property_dependencies={"origins": ("ledger-eu",)},
            ),
        ),
    ),
    Case(
        "s3-replication-to-a-bucket-in-another-region",
        (
            CaseResource("aws:s3/bucket:Bucket", "ledger", {"arn": "arn:aws:s3:::ledger"}, _US),
            CaseResource("aws:s3/bucket:Bucket", "ledger-eu", {"arn": "arn:aws:s3:::ledger-eu"}, _EU),
            CaseResource(
                conv.S3_REPLICATION,
                "ledger-replication",
                {"bucket": "ledger", "rules": [{"destination": {"bucket": UNKNOWN_STRING}}]},
                _US,
                property_dependencies={"bucket": ("ledger",), "rules": ("ledger-eu",)},
            ),
        ),
        violations=(Expect("ledger-replication", "rules → Bucket 'ledger-eu' in eu-west-1"),),
    ),
    Case(
        "edge-certificate-must-live-in-us-east-1",
        one(
            "aws:apigateway/domainName:DomainName",
            "api-domain",
            {"certificateArn": f"arn:aws:acm:us-east-1:{_ACCOUNT}:certificate/abc"},
            provider=_EU,
        ),
    ),
    Case(
        "kubernetes-has-no-aws-region",
        (
            _PRIMARY,
            CaseResource(
                conv.K8S_DEPLOYMENT,
                "ledger-api",
                {"spec": UNKNOWN_OBJECT},
                k8s_provider(),
                property_dependencies={"spec": ("ledger-db",)},
            ),
        ),
    ),
    Case("valid-review", (_PRIMARY, _replica()), config={"reviews": [_review()]}),
    Case(
        "review-names-the-resource-by-urn",
        (_PRIMARY, _replica()),
        config={"reviews": [_review(resources=["urn:pulumi:*::ledger-replica"])]},
    ),
    Case(
        "expired-review",
        (_PRIMARY, _replica()),
        config={"reviews": [_review(expires=_LAST_MONTH)]},
        violations=(Expect("ledger-replica", f"not reviewed: review 'ARB-1042' expired on {_LAST_MONTH}"),),
    ),
    Case(
        "review-with-a-malformed-ticket",
        (_PRIMARY, _replica()),
        config={"reviews": [_review(ticket="arb 1042")]},
        violations=(Expect("ledger-replica", "ticket 'arb 1042' does not match"),),
    ),
    Case(
        "review-without-approver",
        (_PRIMARY, _replica()),
        config={"reviews": [_review(approvedBy=None)]},
        violations=(Expect("ledger-replica", "has no approvedBy"),),
    ),
    Case(
        "review-for-the-other-direction",
        (_PRIMARY, _replica()),
        config={"reviews": [_review(**{"from": "us-east-1", "to": "eu-west-1"})]},
        violations=(Expect("ledger-replica", "'ARB-1042' covers us-east-1 → eu-west-1, not eu-west-1 → us-east-1"),),
    ),
    Case(
        "review-for-other-resources",
        (_PRIMARY, _replica()),
        config={"reviews": [_review(resources=["orders-*"])]},
        violations=(Expect("ledger-replica", _CROSS),),
    ),
    Case(
        "review-ticket-pattern-from-config",
        (_PRIMARY, _replica()),
        config={"ticketPattern": r"^CHG[0-9]{6}$", "reviews": [_review(ticket="CHG004211")]},
    ),
    Case(
        "review-tag-ignored-by-default",
        (_PRIMARY, _replica(props=_TAGGED)),
        violations=(Expect("ledger-replica", "allowReviewTags is off"),),
    ),
    Case("review-tag-allowed-by-config", (_PRIMARY, _replica(props=_TAGGED)), config={"allowReviewTags": True}),
    Case(
        "review-tag-from-provider-default-tags",
        (_PRIMARY, _replica(aws_provider("eu-west-1", {conv.CROSS_REGION_REVIEW_TAG: "ARB-1042"}, name="eu"))),
        config={"allowReviewTags": True},
    ),
    Case(
        "review-tag-in-default-tags-ignored-by-default",
        (_PRIMARY, _replica(aws_provider("eu-west-1", {conv.CROSS_REGION_REVIEW_TAG: "ARB-1042"}, name="eu"))),
        violations=(Expect("ledger-replica", "allowReviewTags is off"),),
    ),
    Case(
        "review-tag-without-a-ticket",
        (_PRIMARY, _replica(props={**_TAGGED, "tags": {conv.CROSS_REGION_REVIEW_TAG: "approved"}})),
        config={"allowReviewTags": True},
        violations=(Expect("ledger-replica", "does not hold a ticket matching"),),
    ),
    Case(
        "provider-region-unknown-until-apply",
        (_PRIMARY, _replica(aws_provider(UNKNOWN_STRING, name="dr"))),
        unverifiable=("ledger-replica", "ledger-db"),
        note="the unverifiable message names both ends",
    ),
    Case(
        "explicit-provider-without-region",
        (_PRIMARY, _replica(_NO_REGION)),
        unverifiable=("ledger-replica", "ledger-db"),
    ),
    Case(
        "same-provider-without-region-is-one-region",
        (CaseResource(conv.RDS_INSTANCE, "ledger-db", {"engine": "postgres"}, _NO_REGION), _replica(_NO_REGION)),
    ),
    Case(
        "unknowns-at-any-depth",
        one(
            "aws:dynamodb/table:Table",
            "sessions",
            {"replicas": UNKNOWN_ARRAY, "tags": UNKNOWN_STRING, "region": "us-east-1"},
            provider=_US,
        ),
    ),
    Case(
        "waived",
        (_PRIMARY, _replica()),
        waived=("ledger-replica",),
        config=waivers(
            "ledger-replica", expires=_NEXT_YEAR, ticket="FIN-7", approved_by="platform", reason="migration"
        ),
    ),
    Case(
        "expired-waiver",
        (_PRIMARY, _replica()),
        config=waivers(
            "ledger-replica", expires=_LAST_MONTH, ticket="FIN-7", approved_by="platform", reason="migration"
        ),
        violations=(Expect("ledger-replica", "not waived: waiver 'FIN-7' expired"),),
    ),
)
