"""tools/refresh_prices.py on offer files of our own in the AWS Price List format."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from enginetools import ROOT, TESTS
from finops_policies.pricing import PriceCatalog

OFFERS = TESTS / "data" / "offers"
SHIPPED = ROOT / "policypack" / "finops_policies" / "data" / "prices" / "catalog.json"


def refresh(catalog: Path, *offers: Path, version: str = "2027.01.1") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "refresh_prices.py"),
            *map(str, offers),
            "--catalog",
            str(catalog),
            "--version",
            version,
            "--date",
            "2027-01-05",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    copy = tmp_path / "catalog.json"
    shutil.copy(SHIPPED, copy)
    return copy


def test_refresh_adds_rows_with_their_offer_file_as_source(catalog: Path) -> None:
    before = PriceCatalog.from_text(catalog.read_text())
    done = refresh(catalog, OFFERS / "AmazonEC2-us-west-2.json", OFFERS / "AWSLambda-us-west-2.json")
    assert done.returncode == 0, done.stderr
    after = PriceCatalog.from_text(catalog.read_text())
    assert (after.info.version, after.info.effective_date) == ("2027.01.1", "2027-01-05")
    row = after.find("ec2", "instance/m9x.large", "us-west-2")
    # the shared-tenancy Linux price, not the dedicated, Windows or capacity-reservation ones
    assert row is not None and row.usd == 0.1234 and row.effective_date == "2026-12-01"
    source = after.sources[row.source]
    assert source["path"] == "AmazonEC2-us-west-2.json" and source["version"] == "20270101000000"
    nat = after.find("vpc", "nat-gateway/hours", "us-west-2")
    assert nat is not None and nat.usd == 0.047 and nat.unit == "hour"
    gp3 = after.find("ebs", "storage/gp3", "us-west-2")
    assert gp3 is not None and (gp3.usd, gp3.unit) == (0.081, "GB-month")
    # requests are priced per million; tiers come in begin-range order
    requests = after.find("lambda", "requests", "us-west-2")
    assert requests is not None and requests.usd == pytest.approx(0.21) and requests.unit == "1M requests"
    duration = after.find("lambda", "duration/x86_64", "us-west-2")
    assert duration is not None and [t.up_to for t in duration.tiers] == [6e9, 15e9, None]
    # every other row is kept as it was
    assert after.find("ec2", "instance/m6i.large", "us-east-1") == before.find("ec2", "instance/m6i.large", "us-east-1")
    assert after.info.rows == before.info.rows + 5  # m9x.large, NAT hours, gp3, Lambda requests and duration


def test_refresh_replaces_a_row_of_the_same_key(catalog: Path, tmp_path: Path) -> None:
    offer = json.loads((OFFERS / "AmazonEC2-us-west-2.json").read_text())
    for product in offer["products"].values():
        product["attributes"]["regionCode"] = "us-east-1"
        if product["attributes"].get("instanceType"):
            product["attributes"]["instanceType"] = "m6i.large"
    moved = tmp_path / "AmazonEC2-us-east-1.json"
    moved.write_text(json.dumps(offer))
    assert refresh(catalog, moved).returncode == 0
    after = PriceCatalog.from_text(catalog.read_text())
    row = after.find("ec2", "instance/m6i.large", "us-east-1")
    assert row is not None and row.usd == 0.1234 and row.source.startswith("aws-offer-AmazonEC2")


def test_a_file_that_is_not_an_offer_file_changes_nothing(catalog: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"products": {}}')
    original = catalog.read_text()
    done = refresh(catalog, bad)
    assert done.returncode == 2 and "not an AWS Price List offer file" in done.stderr
    assert catalog.read_text() == original
