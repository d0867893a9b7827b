"""Refresh the shipped price catalog from AWS Price List offer files (the public bulk JSON).

    python tools/refresh_prices.py OFFER.json [OFFER.json ...] --version 2027.01.1 [--date 2027-01-05]

An offer file is what a maintainer downloads when online from the AWS Price List bulk API, per
service and region (`.../offers/v1.0/aws/<offerCode>/current/<region>/index.json`): `products`
(sku -> productFamily, attributes) and `terms.OnDemand` (sku -> term -> priceDimensions with
`unit`, `beginRange`, `endRange`, `pricePerUnit.USD`). Each product that one of the mappers below
recognises becomes a catalog row keyed like the shipped ones; a row with the same (service, key,
region) is replaced, every other row is kept. The offer file is the row's source (offer code,
version, publication date, file name) and the term's effective date its effective date. Nothing
is converted between regions or sizes. The catalog is written atomically.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "policypack" / "finops_policies" / "data" / "prices" / "catalog.json"
sys.path.insert(0, str(ROOT / "tools"))

from seed_prices import dump  # noqa: E402 - the same one-row-per-line writer as the seed

#: Unit of the offer file -> (catalog unit, factor applied to the USD price)
UNITS: dict[str, tuple[str, float]] = {
    "Hrs": ("hour", 1.0),
    "hours": ("hour", 1.0),
    "GB": ("GB", 1.0),
    "GB-Mo": ("GB-month", 1.0),
    "GB-month": ("GB-month", 1.0),
    "IOPS-Mo": ("IOPS-month", 1.0),
    "MiBps-Mo": ("MiBps-month", 1.0),
    "LCU-Hrs": ("LCU-hour", 1.0),
    "Requests": ("1M requests", 1e6),
    "Lambda-GB-Second": ("GB-second", 1.0),
    "GB-Seconds": ("GB-second", 1.0),
    "WriteRequestUnits": ("1M WRU", 1e6),
    "ReadRequestUnits": ("1M RRU", 1e6),
    "WriteCapacityUnit-Hrs": ("WCU-hour", 1.0),
    "ReadCapacityUnit-Hrs": ("RCU-hour", 1.0),
    "vCPU-Hours": ("vCPU-hour", 1.0),
    "GB-Hours": ("GB-hour", 1.0),
}


@dataclass(frozen=True)
class Product:
    offer: str
    family: str
    attributes: Mapping[str, str]

    def attr(self, name: str) -> str:
        return str(self.attributes.get(name, ""))

    @property
    def usage(self) -> str:
        return self.attr("usagetype")

    @property
    def region(self) -> str:
        return self.attr("regionCode")


Mapper = Callable[[Product], "tuple[str, str] | None"]


def _ec2(p: Product) -> tuple[str, str] | None:
    if p.family == "Compute Instance" and p.attr("instanceType"):
        wanted = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}
        if all(p.attr(k) == v for k, v in wanted.items()) and p.attr("licenseModel") in ("", "No License required"):
            return "ec2", f"instance/{p.attr('instanceType')}"
        return None
    if p.family == "NAT Gateway":
        if p.usage.endswith("NatGateway-Hours"):
            return "vpc", "nat-gateway/hours"
        if p.usage.endswith("NatGateway-Bytes"):
            return "vpc", "nat-gateway/data-processed"
    if p.family == "Storage" and p.attr("volumeApiName"):
        return "ebs", f"storage/{p.attr('volumeApiName')}"
    return None


_RDS_ENGINES = {"PostgreSQL": "postgres", "MySQL": "mysql"}
_AURORA_ENGINES = {"Aurora PostgreSQL": "aurora-postgresql", "Aurora MySQL": "aurora-mysql"}


def _rds(p: Product) -> tuple[str, str] | None:
    if p.family != "Database Instance" or not p.attr("instanceType"):
        return None
    engine, option, klass = p.attr("databaseEngine"), p.attr("deploymentOption"), p.attr("instanceType")
    if engine in _RDS_ENGINES and option in ("Single-AZ", "Multi-AZ"):
        return "rds", f"instance/{_RDS_ENGINES[engine]}/{klass}/{option.lower()}"
    # Aurora's standard configuration (I/O-Optimized instances are priced differently).
    if engine in _AURORA_ENGINES and option == "Single-AZ" and "IO Optimization" not in p.attr("storage"):
        return "aurora", f"instance/{_AURORA_ENGINES[engine]}/{klass}"
    return None


def _elasticache(p: Product) -> tuple[str, str] | None:
    if p.family == "Cache Instance" and p.attr("cacheEngine") in ("Redis", "Memcached"):
        return "elasticache", f"node/{p.attr('cacheEngine').lower()}/{p.attr('instanceType')}"
    return None


def _suffix(table: Mapping[str, tuple[str, str]]) -> Mapper:
    def mapper(p: Product) -> tuple[str, str] | None:
        for suffix, row in table.items():
            if p.usage.endswith(suffix):
                return row
        return None

    return mapper


_S3_CLASSES = {
    "Standard": "STANDARD",
    "Standard - Infrequent Access": "STANDARD_IA",
    "One Zone - Infrequent Access": "ONEZONE_IA",
    "Amazon Glacier": "GLACIER",
    "Glacier Deep Archive": "DEEP_ARCHIVE",
}


def _s3(p: Product) -> tuple[str, str] | None:
    if p.family == "Storage" and p.attr("volumeType") in _S3_CLASSES:
        return "s3", f"storage/{_S3_CLASSES[p.attr('volumeType')]}"
    return None


def _transfer(p: Product) -> tuple[str, str] | None:
    kind = p.attr("transferType")
    region = p.attr("fromRegionCode")
    if not region:
        return None
    if kind == "InterRegion Outbound" and p.attr("toRegionCode"):
        return "data-transfer", f"inter-region/{p.attr('toRegionCode')}"
    if kind == "AWS Outbound" and p.attr("toLocation") == "External":
        return "data-transfer", "internet-out"
    if kind == "IntraRegion":
        return "data-transfer", "inter-az"
    return None


MAPPERS: dict[str, Mapper] = {
    "AmazonEC2": _ec2,
    "AmazonRDS": _rds,
    "AmazonElastiCache": _elasticache,
    "AmazonEKS": _suffix({"AmazonEKS-Hours:perCluster": ("eks", "cluster/hours")}),
    "AmazonECS": _suffix(
        {
            "Fargate-ARM-vCPU-Hours:perCPU": ("fargate", "vcpu-hours/linux-arm"),
            "Fargate-ARM-GB-Hours": ("fargate", "gb-hours/linux-arm"),
            "Fargate-vCPU-Hours:perCPU": ("fargate", "vcpu-hours/linux-x86"),
            "Fargate-GB-Hours": ("fargate", "gb-hours/linux-x86"),
        }
    ),
    "AWSLambda": _suffix(
        {
            "Lambda-GB-Second-ARM": ("lambda", "duration/arm64"),
            "Lambda-GB-Second": ("lambda", "duration/x86_64"),
            "Request-ARM": ("lambda", "requests-arm64"),
            "Request": ("lambda", "requests"),
        }
    ),
    "AmazonCloudWatch": _suffix(
        {"DataProcessing-Bytes": ("cloudwatch", "logs/ingested"), "TimedStorage-ByteHrs": ("cloudwatch", "logs/stored")}
    ),
    "AmazonS3": _s3,
    "AmazonDynamoDB": _suffix(
        {
            "WriteRequestUnits": ("dynamodb", "on-demand/write-request-units"),
            "ReadRequestUnits": ("dynamodb", "on-demand/read-request-units"),
            "WriteCapacityUnit-Hrs": ("dynamodb", "provisioned/write-capacity-unit-hours"),
            "ReadCapacityUnit-Hrs": ("dynamodb", "provisioned/read-capacity-unit-hours"),
            "TimedStorage-ByteHrs": ("dynamodb", "storage"),
        }
    ),
    "AWSQueueService": _suffix(
        {"Requests-FIFO-RBP": ("sqs", "requests/fifo"), "Requests-RBP": ("sqs", "requests/standard")}
    ),
    "AmazonSNS": _suffix({"Requests-Tier1": ("sns", "requests")}),
    "AWSELB": _suffix(
        {
            "LoadBalancerUsage": ("elb", "application/hours"),
            "LCUUsage": ("elb", "application/lcu-hours"),
        }
    ),
    "AWSDataTransfer": _transfer,
}


class OfferError(ValueError):
    """An offer file that is not in the AWS Price List format."""


def _range(value: Any) -> float | None:
    if value in (None, "", "Inf"):
        return None
    return float(value)


def offer_rows(document: Mapping[str, Any], name: str) -> Iterator[dict[str, Any]]:
    """Catalog rows for every product of one offer file that a mapper recognises."""
    offer = document.get("offerCode")
    products = document.get("products")
    terms = (document.get("terms") or {}).get("OnDemand")
    if not isinstance(offer, str) or not isinstance(products, dict) or not isinstance(terms, dict):
        raise OfferError(f"{name}: not an AWS Price List offer file (needs offerCode, products, terms.OnDemand)")
    mapper = MAPPERS.get(offer)
    if mapper is None:
        return
    source = f"aws-offer-{offer}-{document.get('version', '')}"
    for sku, raw in products.items():
        product = Product(offer, str(raw.get("productFamily", "")), raw.get("attributes") or {})
        mapped = mapper(product)
        region = product.region or product.attr("fromRegionCode")
        if mapped is None or not region:
            continue
        for term in (terms.get(sku) or {}).values():
            dimensions = sorted(
                (term.get("priceDimensions") or {}).values(), key=lambda d: float(d.get("beginRange") or 0)
            )
            if not dimensions:
                continue
            unit, factor = UNITS.get(str(dimensions[0].get("unit")), (str(dimensions[0].get("unit")), 1.0))
            tiers = []
            for d in dimensions:
                usd = float((d.get("pricePerUnit") or {}).get("USD", "nan")) * factor
                upper = _range(d.get("endRange"))
                tiers.append(
                    {"upTo": upper / factor if upper is not None and factor != 1.0 else upper, "usd": round(usd, 10)}
                )
            row: dict[str, Any] = {"service": mapped[0], "key": mapped[1], "region": region, "unit": unit}
            if len(tiers) == 1 and tiers[0]["upTo"] is None:
                row["usd"] = tiers[0]["usd"]
            else:
                row["tiers"] = [{k: v for k, v in t.items() if v is not None} for t in tiers]
            effective = str(term.get("effectiveDate", ""))[:10]
            row.update(source=source, effectiveDate=effective, note=str(dimensions[0].get("description", "")))
            yield row


def refresh(
    catalog: dict[str, Any], offers: list[tuple[str, Mapping[str, Any]]], version: str, date: str
) -> tuple[dict[str, Any], int]:
    """The catalog with rows from `offers` replacing those of the same key; and how many rows came in."""
    rows = {(r["service"], r["key"], r["region"]): r for r in catalog["rows"]}
    sources = dict(catalog.get("sources") or {})
    count = 0
    for name, document in offers:
        for row in offer_rows(document, name):
            rows[(row["service"], row["key"], row["region"])] = row
            sources[row["source"]] = {
                "document": f"AWS Price List offer file {document['offerCode']}",
                "path": Path(name).name,
                "version": str(document.get("version", "")),
                "date": str(document.get("publicationDate", ""))[:10],
                "what": "on-demand list prices (terms.OnDemand priceDimensions)",
            }
            count += 1
    used = {r["source"] for r in rows.values()}
    head = dict(catalog["catalog"], version=version, effectiveDate=date)
    refreshed = {
        "catalog": head,
        "sources": {k: v for k, v in sorted(sources.items()) if k in used},
        "rows": sorted(rows.values(), key=lambda r: (r["service"], r["region"], r["key"])),
    }
    return refreshed, count


def write_atomic(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("offers", nargs="+", type=Path, metavar="OFFER.json")
    parser.add_argument("--catalog", type=Path, default=CATALOG)
    parser.add_argument("--version", required=True, help="the new catalog version, e.g. 2027.01.1")
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help="the catalog's effective date")
    args = parser.parse_args(argv)
    try:
        catalog = json.loads(args.catalog.read_text(encoding="utf-8"))
        offers = [(str(path), json.loads(path.read_text(encoding="utf-8"))) for path in args.offers]
        refreshed, count = refresh(catalog, offers, args.version, args.date)
    except (OSError, ValueError) as error:
        print(f"refresh_prices: {error}", file=sys.stderr)
        return 2
    write_atomic(args.catalog, dump(refreshed))
    print(f"{count} rows from {len(offers)} offer file(s); catalog {args.version}: {len(refreshed['rows'])} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
