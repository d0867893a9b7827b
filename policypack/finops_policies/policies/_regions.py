"""Where an AWS resource lives, as far as a policy can tell without calling AWS.

Facts read from the pulumi-aws 7.51.1 SDK (its resources' Args classes): 1,568 resource types take a
per-resource `region` input; 180 do not, because the service is global or managed from a home region (IAM, CloudFront,
Route 53, Organizations, ...). Those 180 are encoded compactly: every type of the modules in
`GLOBAL_MODULES`, plus the types in `GLOBAL_TYPES` from otherwise regional modules.
`tests/test_cross_region_regions.py` regenerates both from the installed SDK and compares.
"""

from __future__ import annotations

import functools
import re
from typing import Final

#: pulumi-aws modules none of whose resource types take a `region` input.
GLOBAL_MODULES: Final = frozenset(
    {
        "account",
        "bcmdata",
        "billing",
        "budgets",
        "cloudfront",
        "costexplorer",
        "costoptimizationhub",
        "cur",
        "globalaccelerator",
        "iam",
        "networkmanager",
        "notifications",
        "organizations",
        "pricingplanmanager",
        "rolesanywhere",
        "route53domains",
        "route53recoverycontrol",
        "route53recoveryreadiness",
        "savingsplans",
        "shield",
        "uxc",
        "waf",
    }
)

#: Types without a `region` input in modules whose other types have one.
GLOBAL_TYPES: Final = frozenset(
    {
        "aws:backup/globalSettings:GlobalSettings",
        "aws:bedrock/useCaseForModelAccess:UseCaseForModelAccess",
        "aws:chime/sdkvoiceGlobalSettings:SdkvoiceGlobalSettings",
        "aws:cloudtrail/organizationDelegatedAdminAccount:OrganizationDelegatedAdminAccount",
        "aws:directconnect/gateway:Gateway",
        "aws:directconnect/hostedConnection:HostedConnection",
        "aws:ec2/vpcIpamOrganizationAdminAccount:VpcIpamOrganizationAdminAccount",
        "aws:fms/adminAccount:AdminAccount",
        "aws:ram/sharingWithOrganization:SharingWithOrganization",
        "aws:route53/cidrCollection:CidrCollection",
        "aws:route53/cidrLocation:CidrLocation",
        "aws:route53/delegationSet:DelegationSet",
        "aws:route53/healthCheck:HealthCheck",
        "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec",
        "aws:route53/keySigningKey:KeySigningKey",
        "aws:route53/queryLog:QueryLog",
        "aws:route53/record:Record",
        "aws:route53/recordsExclusive:RecordsExclusive",
        "aws:route53/trafficPolicy:TrafficPolicy",
        "aws:route53/trafficPolicyInstance:TrafficPolicyInstance",
        "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization",
        "aws:route53/zone:Zone",
        "aws:route53/zoneAssociation:ZoneAssociation",
        "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
        "aws:servicecatalog/organizationsAccess:OrganizationsAccess",
    }
)

#: Types whose (deprecated) `region` input names *another* region, not where the resource is
#: managed (their pulumi-aws 7.51.1 docstrings say so): for these the provider's region is the home.
REGION_INPUT_NAMES_OTHER_REGION: Final = frozenset(
    {
        "aws:cfg/aggregateAuthorization:AggregateAuthorization",
        "aws:cloudformation/stackSetInstance:StackSetInstance",
        "aws:servicequotas/template:Template",
        "aws:ssmincidents/replicationSet:ReplicationSet",
        "aws:securitylake/dataLake:DataLake",
    }
)

#: (type, top-level property) -> the one region AWS requires there: cross-region by design, no
#: choice to review (edge-optimized custom domains use an ACM certificate in us-east-1).
HOME_REGION_BY_DESIGN: Final = {
    ("aws:apigateway/domainName:DomainName", "certificateArn"): "us-east-1",
    ("aws:cognito/userPoolDomain:UserPoolDomain", "certificateArn"): "us-east-1",
}

#: us-east-1, eu-west-1, us-gov-west-1, ap-southeast-5, cn-north-1 ...
REGION_PATTERN: Final = re.compile(r"[a-z]{2,4}(?:-[a-z]+)+-\d+")
#: An ARN with a non-empty region field, anywhere in a string (JSON documents included).
_ARN_WITH_REGION: Final = re.compile(r"arn:aws[a-z-]*:([a-z0-9-]+):([a-z]{2,4}(?:-[a-z]+)+-\d+):[^\s\"',]*")
#: Endings (lower-cased) of property keys whose value names a region: peerRegion,
#: destinationRegion, replicas[].regionName, regionLists, details.regions[].region ...
_REGION_KEY_ENDINGS: Final = ("region", "regions", "regionname", "regionlist", "regionlists")


def module_of(type_token: str) -> str:
    """`aws:ec2/vpc:Vpc` -> `ec2`."""
    parts = type_token.split(":")
    return parts[1].split("/", 1)[0] if len(parts) == 3 else ""


def is_global(type_token: str) -> bool:
    """True for pulumi-aws types without a `region` input (global or home-region services)."""
    return type_token in GLOBAL_TYPES or module_of(type_token) in GLOBAL_MODULES


def is_region(value: object) -> bool:
    return isinstance(value, str) and REGION_PATTERN.fullmatch(value) is not None


@functools.lru_cache(maxsize=4096)  # asked for every string under every key of every resource
def is_region_key(key: str) -> bool:
    return key.lower().endswith(_REGION_KEY_ENDINGS)


def arns_with_region(text: str) -> list[tuple[str, str, str]]:
    """(arn, service, region) for each ARN in `text` that names a region (S3/IAM ARNs do not)."""
    return [(m.group(0), m.group(1), m.group(2)) for m in _ARN_WITH_REGION.finditer(text)]
