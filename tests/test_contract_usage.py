"""The contract's `usage` section and unit volumes: validated with file, line and field like the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from finops_components.contract import ContractError, ServiceCostContract, load_usage_file

REFERENCE = Path(__file__).resolve().parent.parent / "examples" / "reference-service" / "cost-contract.yaml"


def without_usage() -> str:
    text = REFERENCE.read_text()
    return text[: text.index("  usage:\n")] + text[text.index("  review:\n") :]


def with_usage(block: str) -> str:
    return without_usage().replace("  review:\n", block + "  review:\n", 1)


def test_reference_contract_declares_usage_and_volumes() -> None:
    contract = ServiceCostContract.load(REFERENCE)
    usage = contract.usage.as_dict()
    assert usage["logs"] == {"debug": 2, "logs": 120, "traces": 40}
    assert usage["natGbPerMonth"] == 150
    assert contract.spec.unit_economics.expected_monthly_volume["finalized_decision"] == 90000


def test_usage_is_optional() -> None:
    contract = ServiceCostContract.parse(without_usage())
    assert contract.usage.as_dict()["logs"] == {}


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("  usage:\n    logs: {verbose: 3}\n", "spec.usage.logs.verbose is 'verbose'; expected a retention class"),
        (
            "  usage:\n    natGbPerMonth: -1\n",
            "spec.usage.natGbPerMonth is -1; expected GB per month through NAT gateways",
        ),
        ("  usage:\n    interRegionGbPerMonth: {mars-1: 2}\n", "expected an AWS region code such as 'eu-west-1'"),
        ("  usage:\n    requestsPerMonth: {kafka: 2}\n", "spec.usage.requestsPerMonth.kafka"),
        (
            "  usage:\n    resources:\n      db: {lcuu: 1}\n",
            "spec.usage.resources.db.lcuu is not a known field; expected one of",
        ),
    ],
)
def test_bad_usage_names_line_field_and_expectation(block: str, message: str) -> None:
    text = with_usage(block)
    with pytest.raises(ContractError) as caught:
        ServiceCostContract.parse(text, source="c.yaml")
    # the offending key is on the block's last line
    line = text[: text.index("  usage:")].count("\n") + block.count("\n")
    assert str(caught.value).startswith(f"c.yaml:{line}: ")


def test_volumes_must_name_declared_units() -> None:
    text = REFERENCE.read_text().replace(
        "      finalized_decision: 90000\n", "      finalized_decision: 90000\n      widgets: 4\n"
    )
    with pytest.raises(
        ContractError, match="expectedMonthlyVolume for 'widgets'; expected volumes only for the declared units"
    ):
        ServiceCostContract.parse(text, source="c.yaml")


def test_usage_file_loads_and_rejects_with_line_numbers(tmp_path: Path) -> None:
    good = tmp_path / "usage.yaml"
    good.write_text(
        "services:\n  orders:\n    logs: {logs: 10}\n"
        "resources:\n  orders-table: {storageGb: 5}\n"
        "unitVolumes:\n  orders: {order: 100}\n"
    )
    loaded = load_usage_file(good).as_dict()
    assert loaded["services"]["orders"]["logs"] == {"logs": 10} and loaded["resources"]["orders-table"] == {
        "storageGb": 5
    }
    bad = tmp_path / "bad.yaml"
    bad.write_text("services:\n  orders:\n    logs: {logs: 10}\nresources:\n  t: {storageGb: -5}\n")
    with pytest.raises(ContractError, match=rf"{bad}:5: resources.t.storageGb is -5"):
        load_usage_file(bad)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n")
    with pytest.raises(ContractError, match="expected a usage file"):
        load_usage_file(listed)
