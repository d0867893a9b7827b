"""Generate `finops_policies/data/rds_instance_memory.json`: the memory (GiB) of every RDS/Aurora DB instance class.

`bounded-db-pool` and `PooledDatabase` size a database's default `max_connections` from the memory of
its instance class (`finops_policies.db_capacity`). The figures come from AWS's published class
specifications, never typed by hand:

1. the "Hardware specifications for DB instance classes" tables of the Amazon RDS User Guide and of
   the Amazon Aurora User Guide (column "Memory (GiB)"), as published in AWS's documentation
   sources (awsdocs/amazon-rds-user-guide and awsdocs/amazon-aurora-user-guide on GitHub, last
   content 2023-06-09); where both list a class the RDS table is taken;
2. for a class those tables do not list (classes AWS added after June 2023: db.r7i, db.r8g, db.m7i,
   24xlarge/48xlarge sizes, ...), the memory of the EC2 instance type of the same name less `db.`
   (EC2 DescribeInstanceTypes `MemoryInfo.SizeInMiB`, as shipped in
   `finops_policies/data/prices/instance_specs.json`). A DB instance class is that EC2 type: the
   two sources agree on every class present in both but two legacy ones (db.m1.medium 3.75 vs
   3.70 GiB, db.r3.large 15.25 vs 15.0 GiB), where the RDS table is kept;
3. which classes exist: the DB instance classes of the AWS Price List (AmazonRDS, product family
   "Database Instance"), as cfn-lint 1.58.0 ships them.

The inputs live in `tools/seed_data/` (the two tables verbatim, the class list) with their source
named in each file's first line; `extract` rebuilds them from fresh copies of the sources.

Usage:
    python tools/gen_rds_instance_memory.py [--output PATH] [--check]
    python tools/gen_rds_instance_memory.py extract --rds-doc MD --aurora-doc MD --cfn-lint DIR
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tools" / "seed_data"
DATA = ROOT / "policypack" / "finops_policies" / "data"
DEFAULT_OUTPUT = DATA / "rds_instance_memory.json"
EC2_SPECS = DATA / "prices" / "instance_specs.json"
RDS_TABLE = SEED / "rds_user_guide_instance_class_hardware.md"
AURORA_TABLE = SEED / "aurora_user_guide_instance_class_hardware.md"
CLASS_LIST = SEED / "rds_instance_classes.txt"

RDS_SOURCE: Final = {
    "document": "Amazon RDS User Guide, DB instance classes, Hardware specifications for DB instance classes",
    "url": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html",
    "repository": "awsdocs/amazon-rds-user-guide",
    "path": "doc_source/Concepts.DBInstanceClass.md",
    "commit": "50e7617a861617feb57905ab25adb629c31cb98e",
    "date": "2023-06-09",
}
AURORA_SOURCE: Final = {
    "document": "Amazon Aurora User Guide, Aurora DB instance classes, Hardware specifications for DB instance "
    "classes for Aurora",
    "url": "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.Summary.html",
    "repository": "awsdocs/amazon-aurora-user-guide",
    "path": "doc_source/Concepts.DBInstanceClass.md",
    "commit": "287c60402f2da72238efbe4bd10cc34bb03acfa3",
    "date": "2023-06-09",
}
CLASS_SOURCE: Final = {
    "document": "AWS Price List API, AmazonRDS products of family 'Database Instance' (attribute instanceType), "
    "as generated into cfn-lint by its scripts/update_specs_from_pricing.py",
    "package": "cfn-lint 1.58.0 (PyPI)",
    "paths": "cfnlint/data/schemas/extensions/aws_rds_dbinstance/{dbinstanceclass_enum,db_instance_class}.json, "
    "cfnlint/data/schemas/extensions/aws_rds_dbcluster/dbclusterinstanceclass_enum.json",
}
_CFN_FILES: Final = (
    "aws_rds_dbinstance/dbinstanceclass_enum.json",
    "aws_rds_dbinstance/db_instance_class.json",
    "aws_rds_dbcluster/dbclusterinstanceclass_enum.json",
)
_TABLE_HEADER: Final = "| Instance class | vCPU | ECU | Memory"
_CLASS: Final = re.compile(r"db\.[a-z0-9]+\.[a-z0-9]+(?:\.[a-z0-9]+)*")


# --- reading the inputs ---------------------------------------------------------------------------
def table_lines(markdown: str) -> list[str]:
    """The hardware table of a user-guide page: its header line and every row after it."""
    start = markdown.find(_TABLE_HEADER)
    if start < 0:
        raise ValueError(f"no table starting with {_TABLE_HEADER!r}")
    lines: list[str] = []
    for line in markdown[start:].splitlines():
        if not line.startswith("|"):
            if line.strip():
                break
            continue
        lines.append(line.rstrip())
    return lines


def table_memory(lines: Iterable[str]) -> dict[str, float]:
    """Class -> "Memory (GiB)" of a hardware table (markdown-escaped as AWS's sources write it)."""
    rows: dict[str, float] = {}
    for line in lines:
        cells = [c.replace("\\", "").strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4:
            continue  # a family heading row: "| db.m7g – general-purpose ... |"
        name = cells[0].rstrip("*").strip()
        if not _CLASS.fullmatch(name):
            continue
        try:
            rows[name] = float(cells[3].replace(",", ""))
        except ValueError:
            continue  # "—" or a footnote
    return rows


def _seed_body(path: Path) -> list[str]:
    """A seed file's lines without its provenance comment (lines starting with '#' or '<!--')."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith(("#", "<!--"))]


def ec2_memory_gib(specs: Mapping[str, Any]) -> dict[str, float]:
    """EC2 type -> memory (GiB) from `instance_specs.json` (`types: {name: [vcpus, memoryMiB]}`)."""
    return {name: values[1] / 1024 for name, values in specs["types"].items()}


def _enum_classes(obj: Any, found: set[str]) -> None:
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "enum" and isinstance(value, list):
                found.update(v for v in value if isinstance(v, str) and v.startswith("db."))
            else:
                _enum_classes(value, found)
    elif isinstance(obj, list):
        for value in obj:
            _enum_classes(value, found)


# --- the data -------------------------------------------------------------------------------------
def generate(
    rds_rows: Mapping[str, float],
    aurora_rows: Mapping[str, float],
    classes: Iterable[str],
    ec2: Mapping[str, float],
) -> dict[str, Any]:
    """The shipped document: memory per class, where each figure comes from, and the cross-check."""
    memory: dict[str, float] = {}
    origin: dict[str, str] = {}
    for name in sorted(set(classes) | set(rds_rows) | set(aurora_rows)):
        if name in rds_rows:
            memory[name], origin[name] = rds_rows[name], "rds-user-guide"
        elif name in aurora_rows:
            memory[name], origin[name] = aurora_rows[name], "aurora-user-guide"
        elif name.removeprefix("db.") in ec2:
            memory[name], origin[name] = ec2[name.removeprefix("db.")], "ec2-instance-type"
    documented = {**aurora_rows, **rds_rows}
    both = sorted(n for n in documented if n.removeprefix("db.") in ec2)
    mismatches = [
        {"class": n, "userGuideGiB": documented[n], "ec2GiB": ec2[n.removeprefix("db.")]}
        for n in both
        if abs(documented[n] - ec2[n.removeprefix("db.")]) > 0.01
    ]
    return {
        "about": "Memory (GiB) of RDS and Aurora DB instance classes, from AWS's published class specifications. "
        "Generated by tools/gen_rds_instance_memory.py; do not edit.",
        "sources": {
            "rds-user-guide": RDS_SOURCE,
            "aurora-user-guide": AURORA_SOURCE,
            "ec2-instance-type": {
                "document": "EC2 DescribeInstanceTypes MemoryInfo.SizeInMiB / 1024 of the EC2 instance type named like "
                "the class without 'db.', for classes the user guides' tables do not list",
                "data": "policypack/finops_policies/data/prices/instance_specs.json (moto 5.2.5, PyPI)",
            },
            "classes": CLASS_SOURCE,
        },
        "crossCheck": {"classesInBoth": len(both), "mismatches": mismatches},
        "classesWithoutMemory": sorted(set(classes) - set(memory)),
        "memoryGiB": memory,
        "source": origin,
    }


def generate_from_seed(seed: Path = SEED, ec2_specs: Path = EC2_SPECS) -> dict[str, Any]:
    rds = table_memory(_seed_body(seed / RDS_TABLE.name))
    aurora = table_memory(_seed_body(seed / AURORA_TABLE.name))
    classes = [line.strip() for line in _seed_body(seed / CLASS_LIST.name) if line.strip()]
    return generate(rds, aurora, classes, ec2_memory_gib(json.loads(ec2_specs.read_text(encoding="utf-8"))))


def render(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=False) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same directory, so no reader sees half of it."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temp, 0o644)  # mkstemp makes it private; data files are read by everyone
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# --- refreshing the seed --------------------------------------------------------------------------
def extract(rds_doc: Path, aurora_doc: Path, cfn_lint_dir: Path, seed: Path = SEED) -> None:
    """Rewrite the seed files from fresh copies of the two user-guide pages and a cfn-lint install."""
    for source, doc, target in ((RDS_SOURCE, rds_doc, RDS_TABLE), (AURORA_SOURCE, aurora_doc, AURORA_TABLE)):
        header = (
            f"<!-- {source['document']}: the table verbatim from {source['repository']} @ {source['commit']} "
            f"{source['path']} ({source['date']}) -->"
        )
        lines = table_lines(doc.read_text(encoding="utf-8"))
        write_atomic(seed / target.name, "\n".join([header, *lines]) + "\n")
    found: set[str] = set()
    for rel in _CFN_FILES:
        _enum_classes(json.loads((cfn_lint_dir / "data" / "schemas" / "extensions" / rel).read_text()), found)
    header = f"# {CLASS_SOURCE['document']}; {CLASS_SOURCE['package']}: {CLASS_SOURCE['paths']}"
    write_atomic(seed / CLASS_LIST.name, "\n".join([header, *sorted(found)]) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    refresh = sub.add_parser("extract", help="rebuild tools/seed_data from fresh copies of the sources")
    refresh.add_argument("--rds-doc", type=Path, required=True, help="RDS User Guide Concepts.DBInstanceClass.md")
    refresh.add_argument("--aurora-doc", type=Path, required=True, help="Aurora User Guide Concepts.DBInstanceClass.md")
    refresh.add_argument("--cfn-lint", type=Path, required=True, help="the installed cfnlint package directory")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 when the shipped data is not what the seed gives")
    options = parser.parse_args(argv)
    if options.command == "extract":
        extract(options.rds_doc, options.aurora_doc, options.cfn_lint)
    text = render(generate_from_seed())
    if options.check:
        current = options.output.read_text(encoding="utf-8") if options.output.exists() else ""
        if current != text:
            print(f"{options.output} is stale: run python tools/gen_rds_instance_memory.py", file=sys.stderr)
            return 1
        return 0
    write_atomic(options.output, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
