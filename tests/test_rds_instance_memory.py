"""The shipped DB instance memory data is what `tools/gen_rds_instance_memory.py` makes of its inputs.

The inputs are in the repository (`tools/seed_data/`: AWS's two hardware tables verbatim and the
class list; the EC2 memory in `instance_specs.json`), so this runs offline.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from enginetools import ROOT
from finops_policies import db_capacity as capacity


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_rds_instance_memory", ROOT / "tools" / "gen_rds_instance_memory.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_rds_instance_memory", module)
    spec.loader.exec_module(module)
    return module


TOOL = _load_tool()
SHIPPED = json.loads(TOOL.DEFAULT_OUTPUT.read_text(encoding="utf-8"))


def test_the_shipped_data_is_the_tool_s_output_of_the_seed():
    assert TOOL.render(TOOL.generate_from_seed()) == TOOL.DEFAULT_OUTPUT.read_text(encoding="utf-8")
    assert TOOL.main(["--check"]) == 0


def test_every_row_of_aws_s_tables_is_read():
    rds = TOOL._seed_body(TOOL.RDS_TABLE)
    class_rows = [line for line in rds if line.startswith("| db\\.") and line.count("|") > 3]
    assert len(TOOL.table_memory(rds)) == len(class_rows) == 202
    aurora = TOOL.table_memory(TOOL._seed_body(TOOL.AURORA_TABLE))
    assert len(aurora) == 56
    parsed = TOOL.table_memory(rds)
    # the Aurora guide's table agrees with the RDS guide's on every class both list
    assert {name: gib for name, gib in aurora.items() if parsed.get(name) != gib} == {}


def test_user_guides_and_ec2_agree_on_every_class_both_describe_but_two_legacy_ones():
    check = SHIPPED["crossCheck"]
    assert check["classesInBoth"] > 150
    assert {m["class"] for m in check["mismatches"]} == {"db.m1.medium", "db.r3.large"}
    # where they differ the user guide's figure is kept
    assert SHIPPED["memoryGiB"]["db.r3.large"] == 15.25


def test_a_figure_from_an_ec2_type_is_that_type_s_memory():
    specs = json.loads(TOOL.EC2_SPECS.read_text(encoding="utf-8"))["types"]
    from_ec2 = [name for name, source in SHIPPED["source"].items() if source == "ec2-instance-type"]
    assert from_ec2
    for name in from_ec2:
        assert SHIPPED["memoryGiB"][name] == specs[name.removeprefix("db.")][1] / 1024


@pytest.mark.parametrize(
    ("instance_class", "gib", "source"),
    [
        ("db.r7i.large", 16, "ec2-instance-type"),
        ("db.r7i.48xlarge", 1536, "ec2-instance-type"),
        ("db.m7i.24xlarge", 384, "ec2-instance-type"),
        ("db.x2g.16xlarge", 1024, "rds-user-guide"),
        ("db.r6i.32xlarge", 1024, "rds-user-guide"),
        ("db.r5.24xlarge", 768, "rds-user-guide"),
    ],
)
def test_classes_the_issue_names_have_their_published_memory(instance_class, gib, source):
    assert SHIPPED["memoryGiB"][instance_class] == gib
    assert SHIPPED["source"][instance_class] == source
    assert capacity.instance_memory_gib(instance_class) == gib


def test_classes_without_a_published_figure_stay_unknown():
    assert "db.serverless" in SHIPPED["classesWithoutMemory"]
    for name in SHIPPED["classesWithoutMemory"]:
        assert capacity.instance_memory_gib(name) is None


def test_the_generator_reads_a_markdown_table_as_aws_writes_it(tmp_path: Path):
    page = "intro\n\n| Instance class | vCPU | ECU | Memory \\(GiB\\) | x |\n| --- | --- | --- | --- | --- |\n"
    page += "| db\\.m7g – general\\-purpose |\n| db\\.m7g\\.2xlarge\\* | 8 | — | 32 | Yes |\n"
    page += "| db\\.r3\\.large | 2 | 6\\.5 | 15\\.25 | No |\n\n\\* footnote\n"
    lines = TOOL.table_lines(page)
    assert TOOL.table_memory(lines) == {"db.m7g.2xlarge": 32.0, "db.r3.large": 15.25}
