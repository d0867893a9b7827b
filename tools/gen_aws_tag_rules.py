"""Generate `finops_policies/data/aws_tag_rules.json`: which characters and lengths each AWS service's
API accepts in tag keys and values, for every pulumi-aws type that takes tags.

AWS documents one set of tag characters that every service accepts (letters, digits, spaces and
`_ . : / = + - @`), and says that some services (EC2, ElastiCache, EFS, MemoryDB) accept any
character. Whether a service *rejects* a key is what its API model says: botocore ships every
service's model, where a tag key or value shape may carry a `pattern` and a `max` length. This
tool reads them so the pack can tell "the Lambda API rejects this key" (a blocking finding) from "some
services reject this key" (advisory), without importing botocore (a tool-time dependency only).

For each service, the tag key and value shapes are those reached from any operation's input
member named like tags (`Tags`, `TagList`, `TagSpecifications`, `Tagging`, ...): a list of
`{Key, Value}` structures or a map. A service's rule is the loosest of its shapes: if one shape has
no pattern, no character is rejected; the longest `max` wins. Patterns are stored as the
character class they allow (Unicode categories, ranges and characters), which the pack checks
with `unicodedata`; a pattern of any other form is kept as text and enforces nothing.

A pulumi-aws type maps to the botocore service of its module, by name, by `MODULES`, or by
`TYPES` for modules whose resources belong to several services (CloudWatch holds Logs and
EventBridge resources). Types whose service is unknown get no rule.

Usage: ``python tools/gen_aws_tag_rules.py [--output PATH] [--check]``; needs ``pip install botocore``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "policypack" / "finops_policies" / "data" / "aws_tag_rules.json"
TAGGABLE = ROOT / "policypack" / "finops_policies" / "data" / "aws_taggable.json"

#: Input members that hold tags (lower case), and members to walk through on the way to them.
TAG_MEMBERS = frozenset(
    {"tags", "tag", "taglist", "tagset", "tagging", "resourcetags", "tagspecifications", "tagstoadd", "addtags"}
)
_KEY_NAMES = ("key", "tagkey")
_VALUE_NAMES = ("value", "tagvalue")

#: pulumi-aws modules named differently from the botocore service that creates their resources.
MODULES: dict[str, str] = {
    "alb": "elbv2",
    "lb": "elbv2",
    "appautoscaling": "application-autoscaling",
    "cfg": "config",
    "cognito": "cognito-idp",
    "directoryservice": "ds",
    "ebs": "ec2",
    "ec2clientvpn": "ec2",
    "ec2transitgateway": "ec2",
    "elasticsearch": "es",
    "msk": "kafka",
    "mskconnect": "kafkaconnect",
    "opensearchingest": "osis",
    "resourceexplorer": "resource-explorer-2",
    "route53recoverycontrol": "route53-recovery-control-config",
    "serverlessrepository": "serverlessrepo",
    "sfn": "stepfunctions",
    "verifiedaccess": "ec2",
    "vpc": "ec2",
    "costexplorer": "ce",
}
#: Types whose module mixes services: (module, resource-name prefix) -> service.
TYPE_PREFIXES: dict[tuple[str, str], str] = {
    ("cloudwatch", "log"): "logs",
    ("cloudwatch", "event"): "events",
    ("cloudwatch", "query"): "logs",
    ("cloudwatch", "internetMonitor"): "internetmonitor",
    ("cloudwatch", "contributor"): "cloudwatch",
    ("kinesis", "firehose"): "firehose",
    ("kinesis", "analytics"): "kinesisanalytics",
    ("kinesis", "video"): "kinesisvideo",
    ("cognito", "identityPool"): "cognito-identity",
    ("ssm", "contacts"): "ssm-contacts",
    ("ssm", "incidents"): "ssm-incidents",
    ("ssm", "quicksetup"): "ssm-quicksetup",
    ("route53", "resolver"): "route53resolver",
    ("route53", "profiles"): "route53profiles",
    ("s3", "directory"): "s3",
    ("s3", "vectors"): "s3vectors",
    ("s3", "files"): "s3files",
    ("ecr", "public"): "ecr-public",
    ("opensearch", "serverless"): "opensearchserverless",
    ("lambda", "microvms"): "lambda-microvms",
}


def _tag_pairs(shapes: dict[str, Any], name: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """(key shape, value shape) pairs reachable from shape `name`, a member that holds tags."""
    if depth > 4:
        return
    shape = shapes[name]
    kind = shape["type"]
    if kind == "list":
        yield from _tag_pairs(shapes, shape["member"]["shape"], depth + 1)
    elif kind == "map":
        yield shape["key"]["shape"], shape["value"]["shape"]
    elif kind == "structure":
        members = {k.lower(): v["shape"] for k, v in shape.get("members", {}).items()}
        key = next((members[n] for n in _KEY_NAMES if n in members), None)
        value = next((members[n] for n in _VALUE_NAMES if n in members), None)
        if key is not None and value is not None:
            yield key, value
            return
        for member, target in members.items():
            if member in TAG_MEMBERS or member == "items":
                yield from _tag_pairs(shapes, target, depth + 1)


def tag_shapes(model: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The distinct key and value shapes a service's operations accept tags in."""
    shapes = model["shapes"]
    keys: dict[str, dict[str, Any]] = {}
    values: dict[str, dict[str, Any]] = {}
    for operation in model["operations"].values():
        input_shape = (operation.get("input") or {}).get("shape")
        if input_shape is None:
            continue
        for member, ref in shapes[input_shape].get("members", {}).items():
            if member.lower() in TAG_MEMBERS:
                for key, value in _tag_pairs(shapes, ref["shape"]):
                    keys[key] = shapes[key]
                    values[value] = shapes[value]
    return [keys[k] for k in sorted(keys)], [values[v] for v in sorted(values)]


# --- patterns -> character classes ---------------------------------------------------------------------
_PATTERN = re.compile(
    r"""^\^?
    (?:\(\?!(?P<lookahead>[^)]*)\))?          # a negative lookahead: a forbidden prefix
    \(?(?:\[(?P<cls>(?:\\.|[^\]\\])*)\]|(?P<dot>\.))\)?
    (?P<quant>[*+]|\{\d*,?\d*\})
    \)?\$?$""",
    re.VERBOSE,
)
_CASE_FOLDED = re.compile(r"\[([a-zA-Z])([a-zA-Z])\](?:\{1\})?")
_SIMPLE_ESCAPES = {"r": "\r", "n": "\n", "t": "\t", "f": "\f"}


def _prefix(lookahead: str | None) -> tuple[str, bool] | None:
    """The forbidden prefix of a `(?!...)` lookahead and whether it ignores case, if it is a plain one."""
    if not lookahead:
        return None
    folded = _CASE_FOLDED.sub(
        lambda m: m.group(1).lower() if m.group(1).lower() == m.group(2).lower() else "\0", lookahead
    )
    if "\0" in folded or not re.fullmatch(r"[A-Za-z0-9:]+", folded):
        return None
    return folded, folded != lookahead


def _atoms(body: str) -> Iterator[tuple[str, Any]]:
    """('category', 'L'), ('char', c) or ('dash', '-') for each element of a character class body."""
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            yield ("dash", "-") if char == "-" else ("char", char)
            index += 1
            continue
        escaped = body[index + 1]
        if escaped == "p" and body[index + 2] == "{":
            end = body.index("}", index)
            yield "category", body[index + 3 : end]
            index = end + 1
        elif escaped == "u":
            code = int(body[index + 2 : index + 6], 16)
            index += 6
            # Java reads a UTF-16 surrogate pair as one code point
            if 0xD800 <= code <= 0xDBFF and body[index : index + 2] == "\\u":
                low = int(body[index + 2 : index + 6], 16)
                if 0xDC00 <= low <= 0xDFFF:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
            yield "char", chr(code)
        elif escaped == "s":
            yield from (("char", c) for c in " \t\n\x0b\f\r")
            index += 2
        elif escaped.isalnum() and escaped not in _SIMPLE_ESCAPES:
            raise ValueError(f"unsupported class escape \\{escaped}")
        else:
            yield "char", _SIMPLE_ESCAPES.get(escaped, escaped)
            index += 2


def _class_items(body: str) -> list[tuple[str, Any]]:
    """('category', 'L') / ('char', c) / ('range', (lo, hi)) items of a character class body."""
    atoms = list(_atoms(body))
    items: list[tuple[str, Any]] = []
    index = 0
    while index < len(atoms):
        kind, value = atoms[index]
        ranged = (
            kind == "char"
            and index + 2 < len(atoms)
            and atoms[index + 1][0] == "dash"
            and atoms[index + 2][0] in ("char", "dash")
        )
        if ranged:
            items.append(("range", (ord(value), ord(atoms[index + 2][1]))))
            index += 3
            continue
        items.append(("char", "-") if kind == "dash" else (kind, value))
        index += 1
    return items


def parse_pattern(pattern: str) -> dict[str, Any] | None:
    """The rule a tag pattern states, or None when it is not one character class (kept as text)."""
    match = _PATTERN.match(pattern)
    if match is None:
        return None
    prefix = _prefix(match.group("lookahead"))
    if match.group("lookahead") and prefix is None:
        return None
    rule: dict[str, Any] = {}
    if match.group("dot") is None:
        categories: set[str] = set()
        chars: set[str] = set()
        ranges: set[tuple[int, int]] = set()
        try:
            for kind, item in _class_items(match.group("cls")):
                if kind == "category":
                    categories.add(item)
                elif kind == "char":
                    chars.add(item)
                else:
                    ranges.add(item)
        except (ValueError, IndexError):
            return None
        rule["chars"] = {
            "categories": "".join(sorted(categories)),
            "chars": "".join(sorted(chars)),
            "ranges": [list(r) for r in sorted(ranges)],
        }
    if match.group("quant") == "+":
        rule["nonEmpty"] = True
    if prefix is not None:
        rule["forbiddenPrefix"] = prefix[0]
        rule["prefixIgnoresCase"] = prefix[1]
    return rule


def service_rule(shapes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The loosest rule over a service's key (or value) shapes; None when it constrains nothing."""
    if not shapes:
        return None
    rule: dict[str, Any] = {}
    maxes = [s.get("max") for s in shapes]
    if all(m is not None for m in maxes):
        rule["max"] = max(maxes)
    patterns = {s.get("pattern") for s in shapes}
    if None not in patterns:
        parsed = [parse_pattern(p) for p in sorted(patterns)]  # type: ignore[arg-type]
        if all(p is not None for p in parsed):
            rule["patterns"] = sorted(patterns)  # type: ignore[arg-type]
            rule["allow"] = parsed
        else:
            rule["unparsedPatterns"] = sorted(patterns)  # type: ignore[arg-type]
    return rule or None


def service_for(token: str, services: set[str]) -> str | None:
    _, module_resource, _ = token.split(":")
    module, resource = module_resource.split("/", 1)
    for (mod, prefix), service in TYPE_PREFIXES.items():
        if mod == module and resource.startswith(prefix):
            return service if service in services else None
    service = MODULES.get(module) or next((s for s in services if s.replace("-", "") == module), None)
    return service if service in services else None


def generate() -> dict[str, Any]:
    import botocore  # a tool-time dependency: the pack reads the generated data, never botocore
    import botocore.session

    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    services = set(session.get_available_services())
    taggable = json.loads(TAGGABLE.read_text(encoding="utf-8"))
    types = sorted({*taggable["mapTags"], *taggable["listTags"]})
    by_type = {t: service_for(t, services) for t in types}
    rules: dict[str, Any] = {}
    for service in sorted({s for s in by_type.values() if s is not None}):
        model = loader.load_service_model(service, "service-2")
        keys, values = tag_shapes(model)
        key_rule, value_rule = service_rule(keys), service_rule(values)
        if key_rule or value_rule:
            rules[service] = {
                "name": model["metadata"].get("serviceId") or service,
                "key": key_rule or {},
                "value": value_rule or {},
            }
    return {
        "about": "What each AWS service's API accepts in tag keys and values (pattern and length of its tag shapes), "
        "and which service each taggable pulumi-aws type belongs to. Generated by tools/gen_aws_tag_rules.py.",
        "source": f"botocore {botocore.__version__} (PyPI): botocore/data/<service>/<api version>/service-2.json, "
        "the key and value shapes of every operation input member that holds tags",
        "botocore": botocore.__version__,
        "pulumiAws": taggable["pulumiAws"],
        "services": rules,
        "types": {t: s for t, s in by_type.items() if s is not None},
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the output file is not what this generates")
    args = parser.parse_args(argv)
    try:
        text = render(generate())
    except ModuleNotFoundError:
        print("botocore is not installed: pip install botocore", file=sys.stderr)
        return 2
    if args.check:
        same = args.output.exists() and args.output.read_text(encoding="utf-8") == text
        if not same:
            print(f"stale: {args.output}", file=sys.stderr)
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
