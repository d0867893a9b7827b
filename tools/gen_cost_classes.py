"""Generate which pulumi-aws types cost money by themselves, from Infracost's AWS resource registry.

Writes, in `policypack/finops_policies/data/prices/`:

- the generated group of `free_types.json`: every type Infracost lists as free (its `FreeResources`
  and the registry items that return "Free resource."), less the few that bill per use all the same
  (`NOT_FREE`). The file's other groups are written by hand, each with its AWS source, and are kept;
- `priced_types.json`: the types Infracost prices, the types the cost estimate itself prices
  (`finops_policies.pricing` rules), and the few that are priced by AWS but covered by neither
  (`JUDGED_PRICED`, each with the pricing dimension that bills).

The cost estimate reads the free list; the `cost-allocation-tags` policy reads both to decide
whether a type's missing tags block (`finops_policies.cost_classes`).

Terraform names become pulumi-aws type tokens by the SDK's own registry (the JSON passed to
`_utilities.register` in `pulumi_aws/__init__.py`): a Terraform name `aws_<module>_<name>` matches
the one token whose module and resource name read the same once underscores and case are dropped,
where the module may be one the bridge drops or renames (`MODULE_ALIASES`); the rest are
`RENAMES`, read from the bridge's own table. Names that match no token (resources pulumi-aws no
longer has) are listed in the output as `unmapped`.

Usage: ``python tools/gen_cost_classes.py [--check]`` (``--check`` exits 1 when the files differ).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_aws_taggable import resource_registry  # noqa: E402 - a sibling tool, found through the line above

SEED = ROOT / "tools" / "seed_data" / "infracost_aws_resources.json"
PRICES = ROOT / "policypack" / "finops_policies" / "data" / "prices"
FREE_FILE = PRICES / "free_types.json"
PRICED_FILE = PRICES / "priced_types.json"
GENERATOR = "tools/gen_cost_classes.py"

#: Terraform module prefixes the pulumi-aws bridge drops or renames: `aws_vpc` is `ec2/vpc`,
#: `aws_dx_lag` `directconnect/...`, `aws_db_instance` `rds/instance`, `aws_config_*` `cfg/*`.
MODULE_ALIASES: dict[str, tuple[str, ...]] = {
    "": ("ec2",),
    "dx": ("directconnect",),
    "db": ("rds",),
    "config": ("cfg",),
    "ec2": ("ec2transitgateway", "ec2clientvpn"),
    "ec2_transit_gateway": ("ec2transitgateway",),
    "ec2_client_vpn": ("ec2clientvpn",),
    "prometheus": ("amp",),
    "service_discovery": ("servicediscovery",),
    "media_convert": ("mediaconvert",),
}

# Terraform name -> pulumi-aws tokens where the names differ, as pulumi-aws's bridge maps them:
# pulumi/pulumi-aws provider/cmd/pulumi-resource-aws/bridge-metadata.json, "renames.resources".
RENAMES: dict[str, tuple[str, ...]] = {
    "aws_account_alternate_contact": ("aws:account/alternativeContact:AlternativeContact",),
    "aws_alb": ("aws:alb/loadBalancer:LoadBalancer",),
    "aws_api_gateway_gateway_response": ("aws:apigateway/response:Response",),
    "aws_app_cookie_stickiness_policy": ("aws:elb/appCookieStickinessPolicy:AppCookieStickinessPolicy",),
    "aws_appintegrations_event_integration": ("aws:appconfig/eventIntegration:EventIntegration",),
    "aws_autoscaling_group_tag": ("aws:autoscaling/tag:Tag",),
    "aws_cloudformation_type": ("aws:cloudformation/cloudFormationType:CloudFormationType",),
    "aws_cloudtrail": ("aws:cloudtrail/trail:Trail",),
    "aws_codedeploy_app": ("aws:codedeploy/application:Application",),
    "aws_cognito_identity_pool_roles_attachment": (
        "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment",
    ),
    "aws_config_config_rule": ("aws:cfg/rule:Rule",),
    "aws_config_configuration_recorder": ("aws:cfg/recorder:Recorder",),
    "aws_config_configuration_recorder_status": ("aws:cfg/recorderStatus:RecorderStatus",),
    "aws_db_instance_role_association": ("aws:rds/roleAssociation:RoleAssociation",),
    "aws_dx_hosted_transit_virtual_interface_accepter": (
        "aws:directconnect/hostedTransitVirtualInterfaceAcceptor:HostedTransitVirtualInterfaceAcceptor",
    ),
    "aws_dx_lag": ("aws:directconnect/linkAggregationGroup:LinkAggregationGroup",),
    "aws_ec2_host": ("aws:ec2/dedicatedHost:DedicatedHost",),
    "aws_elb": ("aws:elb/loadBalancer:LoadBalancer",),
    "aws_iam_user_ssh_key": ("aws:iam/sshKey:SshKey",),
    "aws_lb": ("aws:lb/loadBalancer:LoadBalancer",),
    "aws_lb_cookie_stickiness_policy": (
        "aws:elb/loadBalancerCookieStickinessPolicy:LoadBalancerCookieStickinessPolicy",
    ),
    "aws_lb_ssl_negotiation_policy": ("aws:elb/sslNegotiationPolicy:SslNegotiationPolicy",),
    "aws_load_balancer_backend_server_policy": (
        "aws:elb/loadBalancerBackendServerPolicy:LoadBalancerBackendServerPolicy",
    ),
    "aws_load_balancer_listener_policy": ("aws:elb/listenerPolicy:ListenerPolicy",),
    "aws_load_balancer_policy": ("aws:elb/loadBalancerPolicy:LoadBalancerPolicy",),
    "aws_network_interface_sg_attachment": (
        "aws:ec2/networkInterfaceSecurityGroupAttachment:NetworkInterfaceSecurityGroupAttachment",
    ),
    "aws_s3_bucket": ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"),
    "aws_s3_bucket_analytics_configuration": ("aws:s3/analyticsConfiguration:AnalyticsConfiguration",),
    "aws_s3_bucket_inventory": ("aws:s3/inventory:Inventory",),
    "aws_s3_bucket_replication_configuration": ("aws:s3/bucketReplicationConfig:BucketReplicationConfig",),
    "aws_s3_object": ("aws:s3/bucketObjectv2:BucketObjectv2",),
    "aws_ses_domain_mail_from": ("aws:ses/mailFrom:MailFrom",),
    "aws_sqs_queue_redrive_allow_policy": ("aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",),
    "aws_sqs_queue_redrive_policy": ("aws:sqs/redrivePolicy:RedrivePolicy",),
    "aws_vpc_endpoint_security_group_association": ("aws:ec2/securityGroupAssociation:SecurityGroupAssociation",),
    "aws_vpc_endpoint_service_allowed_principal": (
        "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple",
    ),
    "aws_vpc_peering_connection_options": ("aws:ec2/peeringConnectionOptions:PeeringConnectionOptions",),
}

#: Types Infracost lists as free that bill per use all the same (they are left out of the free list).
NOT_FREE: dict[str, str] = {
    "aws_pipes_pipe": "Amazon EventBridge pricing: Pipes bill per million requests",
    "aws_scheduler_schedule": "Amazon EventBridge pricing: Scheduler bills invocations beyond the free tier",
}

#: Types AWS prices that neither Infracost nor the cost estimate covers: (token, what bills).
JUDGED_PRICED: tuple[tuple[str, str], ...] = (
    ("aws:rds/proxy:Proxy", "Amazon RDS pricing: RDS Proxy bills per vCPU-hour of its target"),
    ("aws:rds/snapshot:Snapshot", "Amazon RDS pricing: manual snapshot storage"),
    ("aws:rds/clusterSnapshot:ClusterSnapshot", "Amazon RDS pricing: manual snapshot storage"),
    ("aws:elasticache/serverlessCache:ServerlessCache", "Amazon ElastiCache pricing: data stored and ECPUs"),
    ("aws:memorydb/cluster:Cluster", "Amazon MemoryDB pricing: node-hours"),
    ("aws:cognito/userPool:UserPool", "Amazon Cognito pricing: monthly active users"),
    ("aws:codepipeline/pipeline:Pipeline", "AWS CodePipeline pricing: active pipelines or action minutes"),
    ("aws:athena/workgroup:Workgroup", "Amazon Athena pricing: data scanned per query"),
    (
        "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
        "AWS Cloud Map pricing: the namespace's Route 53 hosted zone",
    ),
    ("aws:appsync/graphQLApi:GraphQLApi", "AWS AppSync pricing: requests and connection minutes"),
    ("aws:sagemaker/endpoint:Endpoint", "Amazon SageMaker pricing: instance-hours of the endpoint"),
    ("aws:amp/workspace:Workspace", "Amazon Managed Service for Prometheus pricing: samples ingested and stored"),
    ("aws:ec2/ami:Ami", "Amazon EBS pricing: the image's snapshot storage"),
    ("aws:guardduty/detector:Detector", "Amazon GuardDuty pricing: events and volume analysed"),
    ("aws:securityhub/account:Account", "AWS Security Hub pricing: checks and findings ingested"),
)


def registry_tokens() -> list[str]:
    return [token for module in resource_registry() for token in module["classes"]]


def _index(tokens: Iterable[str]) -> dict[tuple[str, str], list[str]]:
    index: dict[tuple[str, str], list[str]] = defaultdict(list)
    for token in tokens:
        _, module_resource, name = token.split(":")
        index[(module_resource.split("/")[0], name.lower())].append(token)
    return index


def tokens_for(terraform: str, index: dict[tuple[str, str], list[str]], known: set[str]) -> tuple[str, ...]:
    """The pulumi-aws tokens of a Terraform type name, or () when none is found (or several are)."""
    if terraform in RENAMES:
        return tuple(t for t in RENAMES[terraform] if t in known)
    parts = terraform.removeprefix("aws_").split("_")
    found: set[str] = set()
    for split in range(len(parts)):
        prefix = "_".join(parts[:split])
        name = "".join(parts[split:])
        for module in {prefix.replace("_", ""), *MODULE_ALIASES.get(prefix, ())}:
            found.update(index.get((module, name), ()))
    return tuple(sorted(found)) if len(found) == 1 else ()


def _pricing_rule_types() -> list[str]:
    sys.path.insert(0, str(ROOT / "policypack"))
    from finops_policies.pricing.rules_aws import RULES

    return sorted(RULES)


def generate() -> tuple[dict[str, Any], dict[str, Any]]:
    """(free_types.json, priced_types.json) as they should be."""
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    tokens = registry_tokens()
    known = set(tokens)
    index = _index(tokens)
    unmapped: dict[str, list[str]] = {"free": [], "priced": []}

    def mapped(names: Iterable[str], kind: str) -> list[str]:
        out: set[str] = set()
        for terraform in names:
            found = tokens_for(terraform, index, known)
            if found:
                out.update(found)
            else:
                unmapped[kind].append(terraform)
        return sorted(out)

    free = mapped((n for n in seed["free"] if n not in NOT_FREE), "free")
    priced = mapped(seed["priced"], "priced")
    infracost = seed["_source"].split(",", 1)[0]

    free_doc = json.loads(FREE_FILE.read_text(encoding="utf-8"))
    groups = [g for g in free_doc["groups"] if g.get("generated") != GENERATOR]
    groups.append(
        {
            "types": free,
            "source": f"{infracost}: the AWS resources its registry lists as free or prices at nothing "
            "('Free resource.'); " + "; ".join(f"{k} left out ({v})" for k, v in sorted(NOT_FREE.items())),
            "generated": GENERATOR,
        }
    )
    free_doc["groups"] = groups

    priced_doc = {
        "about": "Resource types that bill by themselves, by the hour or by use, with the source that prices "
        "them. Generated by tools/gen_cost_classes.py; a type listed as free (free_types.json) is free "
        "whatever this file says.",
        "groups": [
            {"types": priced, "source": f"{infracost}: the AWS resources its registry prices"},
            {
                "types": _pricing_rule_types(),
                "source": "finops_policies.pricing: the types the cost estimate prices from the price catalog",
            },
            *({"types": [token], "source": why, "judgement": True} for token, why in JUDGED_PRICED),
        ],
        "unmapped": {kind: sorted(names) for kind, names in unmapped.items()},
    }
    return free_doc, priced_doc


def _dump(doc: dict[str, Any]) -> str:
    """One line per group, like the hand-written groups of free_types.json."""
    lines = []
    for key, value in doc.items():
        if key == "groups":
            inner = ",\n".join("  " + json.dumps(group, ensure_ascii=False) for group in value)
            lines.append(f' "groups": [\n{inner}\n ]')
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped files are not what this generates")
    args = parser.parse_args(argv)
    free_doc, priced_doc = generate()
    outputs = {FREE_FILE: _dump(free_doc), PRICED_FILE: _dump(priced_doc)}
    if args.check:
        stale = [str(p) for p, text in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"stale: {path}", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
    print(f"{len(free_doc['groups'][-1]['types'])} free, {len(priced_doc['groups'][0]['types'])} priced by Infracost")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
