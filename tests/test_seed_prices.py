"""tools/seed_prices.py's cross-checks: a row from a secondary source is used only where the source
agrees with the primary one on the figures they share."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from enginetools import ROOT


def load_seed() -> ModuleType:
    spec = importlib.util.spec_from_file_location("seed_prices", ROOT / "tools" / "seed_prices.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("seed_prices", module)
    spec.loader.exec_module(module)
    return module


SEED = load_seed()
HEADER = (
    "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone\n"
)


def karpenter(**prices: float) -> list[dict[str, Any]]:
    return [{"key": f"instance/{kind.replace('_', '.')}", "usd": usd} for kind, usd in prices.items()]


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "vms.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_skypilot_rows_outside_us_east_1_come_through_when_us_east_1_agrees(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m6i.large,,,2.0,8.0,,0.096,0.03,us-east-1,use1-az1",
        "m6i.large,,,2.0,8.0,,0.107,0.05,eu-west-1,euw1-az1",
        "m6i.large,,,2.0,8.0,,0.12,0.05,ap-southeast-1,apse1-az1",
    )
    rows = SEED.skypilot_rows(karpenter(m6i_large=0.096), path)
    # us-east-1 stays Karpenter's, regions outside the catalog's are left out
    assert [(r["key"], r["region"], r["usd"]) for r in rows] == [("instance/m6i.large", "eu-west-1", 0.107)]
    assert rows[0]["source"] == "skypilot-catalog"


def test_skypilot_rows_are_refused_when_us_east_1_disagrees_with_karpenter(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m6i.large,,,2.0,8.0,,0.106,0.03,us-east-1,use1-az1",  # e.g. a Dedicated-tenancy figure
        "m6i.large,,,2.0,8.0,,0.107,0.05,eu-west-1,euw1-az1",
    )
    with pytest.raises(SystemExit, match=re.escape("cross-check failed: skypilot m6i.large")):
        SEED.skypilot_rows(karpenter(m6i_large=0.096), path)


def test_skypilot_rows_need_a_us_east_1_figure_to_check(tmp_path: Path) -> None:
    path = write(tmp_path, "m7i.large,,,2.0,8.0,,0.1176,0.05,eu-west-1,euw1-az1")
    with pytest.raises(SystemExit, match="cross-check failed"):
        SEED.skypilot_rows(karpenter(m7i_large=0.1008), path)


def test_a_type_listed_twice_for_a_region_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m6i.large,,,2.0,8.0,,0.096,0.03,us-east-1,use1-az1",
        "m6i.large,,,2.0,8.0,,0.107,0.05,eu-west-1,euw1-az1",
        "m6i.large,,,2.0,8.0,,0.108,0.05,eu-west-1,euw1-az2",
    )
    with pytest.raises(SystemExit, match="listed twice"):
        SEED.skypilot_rows(karpenter(m6i_large=0.096), path)


#: eu-west-1 prices of the overlapping rows as SkyPilot's catalog and coroot's extract list them.
EU_WEST_1 = {
    ("ec2", "instance/t3.small"): 0.0228,
    ("ec2", "instance/t3.large"): 0.0912,
    ("ec2", "instance/t3a.xlarge"): 0.1632,
    ("ec2", "instance/t3a.large"): 0.0816,
    ("rds", "instance/postgres/db.m6g.xlarge/multi-az"): 0.704,
}


def eu_rows(prices: dict[tuple[str, str], float]) -> list[dict[str, Any]]:
    return [{"service": s, "key": k, "region": "eu-west-1", "usd": usd} for (s, k), usd in prices.items()]


def test_eu_west_1_golden_figures_vouch_for_the_rows_they_overlap() -> None:
    SEED.check_eu_west_1(eu_rows(EU_WEST_1))  # the figures as printed: no error
    with pytest.raises(SystemExit, match=re.escape("instance/t3.small")):
        # us-east-1's t3.small price where eu-west-1's belongs
        SEED.check_eu_west_1(eu_rows(EU_WEST_1 | {("ec2", "instance/t3.small"): 0.0208}))
    with pytest.raises(SystemExit, match=re.escape("db.m6g.xlarge")):
        SEED.check_eu_west_1(eu_rows({k: v for k, v in EU_WEST_1.items() if k[0] != "rds"}))  # missing: no match


def test_eu_west_1_golden_rows_reproduce_their_printed_figures() -> None:
    for _service, key, _unit, usd, quantity, monthly, _line in SEED.EU_WEST_1_GOLDEN:
        assert round(usd * quantity, 2) == monthly, key


def test_a_copied_line_off_its_familys_ratio_to_us_east_1_is_refused(tmp_path: Path) -> None:
    lines = (
        "c6i.large,,,2.0,4.0,,0.085,0.03,us-east-1,use1-az1",
        "c6i.xlarge,,,4.0,8.0,,0.17,0.07,us-east-1,use1-az1",
        "c6i.2xlarge,,,8.0,16.0,,0.34,0.16,us-east-1,use1-az1",
        "c6i.large,,,2.0,4.0,,0.0912,0.03,eu-west-1,euw1-az1",
        "c6i.2xlarge,,,8.0,16.0,,0.3648,0.17,eu-west-1,euw1-az1",
    )
    prices = karpenter(c6i_large=0.085, c6i_xlarge=0.17, c6i_2xlarge=0.34)
    as_read = "c6i.xlarge,,,4.0,8.0,,0.1824,0.07,eu-west-1,euw1-az1"
    rows = SEED.skypilot_rows(prices, write(tmp_path, *lines, as_read))
    assert {r["key"]: r["usd"] for r in rows}["instance/c6i.xlarge"] == 0.1824
    mistyped = "c6i.xlarge,,,4.0,8.0,,0.1842,0.07,eu-west-1,euw1-az1"  # two digits swapped while copying
    with pytest.raises(SystemExit, match=re.escape("transcription check failed: skypilot c6i.xlarge eu-west-1")):
        SEED.skypilot_rows(prices, write(tmp_path, *lines, mistyped))


def test_a_monthly_figure_pins_a_price_only_when_its_neighbours_miss_it() -> None:
    # "Per vCPU per hour 1 CPU $29.55": 0.04047 and 0.04049 give $29.54 and $29.56, so 0.04048 is fixed
    assert SEED._pinned(0.04048, 730, 29.55)
    # "Per GB per hour 1 GB $3.24": 0.004444 gives $3.24 too, so the figure does not fix 0.004445
    assert not SEED._pinned(0.004445, 730, 3.24)
    assert not SEED._pinned(0.10, 730, 73.01)  # not reproduced at all


def test_golden_rows_outside_us_east_1_are_pinned_by_their_printed_figures() -> None:
    for _service, key, _region, _unit, usd, _test, _date, quantity, monthly, _line in SEED.REGION_GOLDEN:
        assert monthly is None or SEED._pinned(usd, quantity, monthly), key


def test_us_west_2_golden_figures_vouch_for_skypilots_us_west_2_rows() -> None:
    rows = [
        {"service": "ec2", "key": "instance/m5.large", "region": "us-west-2", "usd": 0.096},
        {"service": "ec2", "key": "instance/m6i.large", "region": "us-west-2", "usd": 0.096},
        {"service": "ec2", "key": "instance/t3.large", "region": "us-west-2", "usd": 0.0832},
    ]
    SEED.check_us_west_2(rows)
    with pytest.raises(SystemExit, match=re.escape("us-west-2 ec2/instance/t3.large")):
        SEED.check_us_west_2([*rows[:2], {**rows[2], "usd": 0.0912}])  # eu-west-1's t3.large price


def test_us_east_1_dynamodb_rows_must_reproduce_the_us_east_1_test() -> None:
    rows = [
        {"service": "dynamodb", "key": "on-demand/write-request-units", "region": "us-east-1", "usd": 0.625},
        {"service": "dynamodb", "key": "on-demand/read-request-units", "region": "us-east-1", "usd": 0.125},
        {"service": "dynamodb", "key": "storage", "region": "us-east-1", "usd": 0.25},
    ]
    SEED.check_dynamodb_us_east_1(rows)
    with pytest.raises(SystemExit, match=re.escape("on-demand/write-request-units")):
        SEED.check_dynamodb_us_east_1([{**rows[0], "usd": 1.25}, *rows[1:]])  # the price before November 2024
