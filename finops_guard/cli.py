"""`finops-guard`: check a Pulumi program, Terraform plans and source, or deployed stacks against the FinOps
policy pack, offline.

Exit codes: 0 no mandatory violation; 1 at least one mandatory violation; 2 usage error, bad
config, missing or broken pack, or the program itself failed; 130 interrupted.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import textwrap
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from . import __version__
from .errors import GuardError
from .formats import COST_FORMATS, FORMATS

if TYPE_CHECKING:
    from .model import RunResult

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="finops-guard", description="Cost guardrails for Pulumi programs, offline.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    preview = sub.add_parser(
        "preview",
        help="run a Pulumi program offline and check it against a policy pack",
        description="Run the Pulumi Python program in PROGRAM_DIR under the SDK's mocks (no CLI, no cloud) and "
        "drive the policy pack over the analyzer protocol, as `pulumi preview --policy-pack` does.",
    )
    preview.add_argument(
        "program_dir", nargs="?", default=".", metavar="PROGRAM_DIR", help="directory holding Pulumi.yaml (default: .)"
    )
    preview.add_argument("--stack", "-s", help="stack name (default: the only Pulumi.<stack>.yaml, else dev)")
    preview.add_argument(
        "--policy-pack",
        type=Path,
        metavar="DIR",
        help="policy pack directory (default: the pack shipped with finops-guardrails; see `finops-guard pack-dir`)",
    )
    preview.add_argument(
        "--policy-pack-config", type=Path, metavar="FILE", help="JSON policy config in the CLI's format"
    )
    preview.add_argument(
        "--config",
        "-c",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="stack config value, like `pulumi preview -c` (repeatable)",
    )
    preview.add_argument(
        "--stack-tag",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a stack tag the policy pack sees, like `pulumi stack tag set` (repeatable); "
        "`pulumi:tags` in the stack config wins for the same key, as in Pulumi Cloud",
    )
    preview.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="the cost before the change: a `finops-guard cost --format json` report or a `pulumi stack export` "
        "file; cost-review compares against it and the report shows the diff",
    )
    _add_report_options(preview)
    preview.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    check = sub.add_parser(
        "check",
        help="check Terraform plans, Terraform source or deployed Pulumi stacks against a policy pack",
        description="Check each INPUT against the policy pack, with the findings, waivers, reports and exit codes "
        "of `preview`. INPUT is recognized from its content: a Terraform plan (`terraform show -json plan.out`), "
        "a directory of Terraform files (.tf), or a Pulumi stack export (`pulumi stack export`).",
    )
    check.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="plan JSON, .tf directory or stack export")
    check.add_argument(
        "--policy-pack",
        type=Path,
        metavar="DIR",
        help="policy pack directory (default: the pack shipped with finops-guardrails)",
    )
    check.add_argument("--policy-pack-config", type=Path, metavar="FILE", help="JSON policy config in the CLI's format")
    check.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Terraform variable for .tf inputs, like `terraform plan -var` (repeatable)",
    )
    check.add_argument(
        "--var-file",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a Terraform variable file (.tfvars or .tfvars.json), like `terraform plan -var-file` (repeatable)",
    )
    check.add_argument(
        "--pack-process",
        action="store_true",
        help="run the policy pack in its own processes even when it is finops-guardrails' own, which is otherwise "
        "run inside finops-guard (same findings; for debugging; also FINOPS_GUARD_PACK_PROCESS=1)",
    )
    _add_report_options(check)
    check.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    cost = sub.add_parser(
        "cost",
        help="run a Pulumi program offline and estimate its monthly cost",
        description="Run the Pulumi Python program in PROGRAM_DIR under the SDK's mocks, as preview does, and price "
        "what it would create with the pack's price catalog and declared usage (cost contracts, --usage). "
        "List prices, 730 hours a month; autoscaled workloads are ranges from min to max replicas.",
    )
    cost.add_argument(
        "program_dir", nargs="?", default=".", metavar="PROGRAM_DIR", help="directory holding Pulumi.yaml (default: .)"
    )
    cost.add_argument("--stack", "-s", help="stack name (default: the only Pulumi.<stack>.yaml, else dev)")
    cost.add_argument(
        "--config", "-c", action="append", default=[], metavar="KEY=VALUE", help="stack config value (repeatable)"
    )
    cost.add_argument("--usage", type=Path, metavar="FILE", help="usage file: declared monthly quantities (YAML)")
    cost.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="a previous `finops-guard cost --format json` report, or a `pulumi stack export` file, to diff against",
    )
    cost.add_argument("--format", "-f", choices=COST_FORMATS, default="text", help="report format (default: text)")
    cost.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE (default: stdout)")
    cost.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    contract = sub.add_parser("contract", help="work with service cost contracts")
    contract_sub = contract.add_subparsers(
        dest="contract_command", metavar="COMMAND", parser_class=_Parser, required=True
    )
    config = contract_sub.add_parser(
        "policy-config",
        help="write the cost policies' config (budgets, usage, review triggers) from cost contracts",
        description="Write the `--policy-pack-config` JSON that gives cost-budget and cost-review the budgets, "
        "declared usage and review triggers of the contracts given, for `pulumi preview --policy-pack` and "
        "`pulumi policy enable --config` (finops-guard preview reads the contracts itself).",
    )
    config.add_argument("contracts", nargs="+", type=Path, metavar="CONTRACT", help="cost contract YAML files")
    config.add_argument(
        "--merge", type=Path, metavar="FILE", help="an existing policy config to merge into (its other settings kept)"
    )
    config.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="cost-review's baseline: a `finops-guard cost --format json` report or a `pulumi stack export` file",
    )
    config.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the config to FILE (default: stdout)")
    config.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    sub.add_parser("policies", help="list the policies of the pack")
    sub.add_parser(
        "pack-dir",
        help="print the directory of the policy pack shipped with finops-guardrails",
        description="Print the directory of the policy pack shipped with finops-guardrails, for the Pulumi CLI: "
        'pulumi preview --policy-pack "$(finops-guard pack-dir)", pulumi policy publish "$(finops-guard pack-dir)".',
    )
    explain = sub.add_parser("explain", help="show why a policy exists, how to fix it, its config and examples")
    explain.add_argument("name", metavar="NAME", help="policy name, e.g. no-infinite-retention")
    return parser


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    """Options every command that reports findings shares (preview, check)."""
    parser.add_argument("--format", "-f", choices=FORMATS, default="text", help="report format (default: text)")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE (default: stdout)")
    parser.add_argument(
        "--pack-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long the pack may take to start (default: 60)",
    )


def _color(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _fail(error: GuardError, debug: bool) -> int:
    # one error a line, each marked as one (the CLI lists every policy config error so)
    for line in error.message.splitlines() or [""]:
        sys.stderr.write(f"finops-guard: error: {line}\n")
    if error.details:
        sys.stderr.write(textwrap.indent(error.details.rstrip(), "    ") + "\n")
    if debug and error.debug_details:
        sys.stderr.write(textwrap.indent(error.debug_details.rstrip(), "    ") + "\n")
    if debug:
        traceback.print_exc()
    return error.exit_code


def _check_output(args: argparse.Namespace) -> None:
    if args.output is not None:
        parent = args.output.resolve().parent
        if not parent.is_dir():
            raise GuardError(f"--output {args.output}: directory {parent} does not exist.")
        if not os.access(parent, os.W_OK):
            raise GuardError(f"--output {args.output}: directory {parent} is not writable.")


def _report(result: RunResult, args: argparse.Namespace) -> int:
    from .coverage import allocation_coverage
    from .reports import render, summary_line, verdict_line, write_atomic_stream, write_report

    result.coverage = allocation_coverage(result)
    to_terminal = args.output is None
    if args.output is not None:
        try:
            # written as it is made: a report of 100,000 resources is never held whole
            write_atomic_stream(args.output, lambda handle: write_report(result, args.format, handle))
        except OSError as exc:
            raise GuardError(f"--output {args.output}: cannot write the report ({exc.strerror or exc}).") from None
        if args.format != "text":
            if _color(sys.stderr):
                summary = render(result, "text", color=True).rstrip().splitlines()[-2:]
            else:  # the same two lines, without rendering every finding to throw them away
                summary = [summary_line(result), verdict_line(result)]
            sys.stderr.write("\n".join(summary) + "\n")
    else:  # every format ends its report with a newline
        color = to_terminal and args.format == "text" and _color(sys.stdout)
        write_report(result, args.format, sys.stdout, color=color)
    return EXIT_OK if result.passed else EXIT_VIOLATIONS


def _preview(args: argparse.Namespace) -> int:
    from .preview import PreviewOptions, run_preview
    from .reports.progress import Progress

    progress = Progress(None, "analyzing")
    options = PreviewOptions(
        program_dir=Path(args.program_dir),
        stack=args.stack,
        policy_pack=args.policy_pack,
        policy_pack_config=args.policy_pack_config,
        config=args.config,
        stack_tags=args.stack_tag,
        pack_start_timeout=args.pack_timeout,
        progress=lambda done, total: progress.advance(1),
        baseline=args.baseline,
    )
    if args.baseline is not None and not args.baseline.is_file():
        raise GuardError(f"--baseline {args.baseline}: no such file.")
    _check_output(args)
    try:
        result = run_preview(options)
    finally:
        progress.finish()
    return _report(result, args)


def _variables(pairs: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise GuardError(f"--var {pair!r}: expected NAME=VALUE, like `terraform plan -var`.")
        out[name.strip()] = value
    return out


#: A check makes millions of small objects that live to its end (registrations, findings); with
#: CPython's default thresholds the cycle collector rescans them again and again (half the time
#: of reading a 10,000-resource plan). Rarer collections, as in the pack process
#: (`finops_policies.pack.GC_THRESHOLDS`, `analyzer.inprocess.GC_THRESHOLDS`); cycles are still
#: collected. Set before the engine's modules are imported, for the report too.
CHECK_GC_THRESHOLDS = (50_000, 20, 20)


def _check(args: argparse.Namespace) -> int:
    gc.set_threshold(*CHECK_GC_THRESHOLDS)  # this process ends with the command
    # With the pack in-process even those rarer collections were a twentieth of a check (25 of
    # them at 10,000 resources, each rescanning 50,000 young objects to free ~80 in cycles): the
    # collector pauses for the command. What a check builds is freed by reference counting (the
    # registrations, views and findings form no cycles), so memory stays as it was.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_collected(args)
    finally:
        if collecting:
            gc.enable()


def _check_collected(args: argparse.Namespace) -> int:
    from .inputs.read_ahead import ReadAhead, worth_reading_ahead

    _check_output(args)
    variables = _variables(args.var)
    ahead = None
    try:
        if args.policy_pack is None and not args.pack_process and worth_reading_ahead(args.inputs):
            # our own pack, in-process: a child reads the inputs while this process imports the engine
            # (and the readers, the reports: whatever is imported before this, the child waits for)
            ahead = ReadAhead(args.inputs, variables=variables, var_files=args.var_file)
        from .reports.progress import Progress

        progress = Progress(None, "analyzing")
        try:
            from .check import CheckOptions, run_check

            options = CheckOptions(
                inputs=args.inputs,
                policy_pack=args.policy_pack,
                policy_pack_config=args.policy_pack_config,
                variables=variables,
                var_files=args.var_file,
                pack_start_timeout=args.pack_timeout,
                progress=lambda done, total: progress.advance(1),
                transport="batch" if args.pack_process else "inprocess",
                read_ahead=ahead,
            )
            result = run_check(options)
        finally:
            progress.finish()
    finally:
        if ahead is not None:
            ahead.close()
    for warning in result.warnings:  # what was not checked, said where people look (reports list it too)
        sys.stderr.write(f"finops-guard: warning: {warning}\n")
    return _report(result, args)


def _cost(args: argparse.Namespace) -> int:
    from .costing import CostOptions, run_cost
    from .reports import write_atomic
    from .reports.cost import render_cost, span

    _check_output(args)
    for flag, path in (("--usage", args.usage), ("--baseline", args.baseline)):
        if path is not None and not path.is_file():
            raise GuardError(f"{flag} {path}: no such file.")
    result = run_cost(
        CostOptions(
            program_dir=Path(args.program_dir),
            stack=args.stack,
            config=args.config,
            usage_file=args.usage,
            baseline=args.baseline,
        )
    )
    text = render_cost(result.report, args.format)
    if args.output is not None:
        try:
            write_atomic(args.output, text)
        except OSError as exc:
            raise GuardError(f"--output {args.output}: cannot write the report ({exc.strerror or exc}).") from None
        total = span(result.report["totalMonthlyCost"], result.report["totalMonthlyCostHigh"])
        sys.stderr.write(f"estimate: {total} per month; {len(result.report['unpriced'])} unpriced → {args.output}\n")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _contract(args: argparse.Namespace) -> int:
    import json

    from .cost_config import contract_policy_config
    from .reports import write_atomic

    _check_output(args)
    given = [*(("CONTRACT", c) for c in args.contracts), ("--merge", args.merge), ("--baseline", args.baseline)]
    for flag, path in given:
        if path is not None and not path.is_file():
            raise GuardError(f"{flag} {path}: no such file.")
    config = contract_policy_config(args.contracts, merge_into=args.merge, baseline=args.baseline)
    text = json.dumps(config, indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        write_atomic(args.output, text)
    except OSError as exc:
        raise GuardError(f"--output {args.output}: cannot write the config ({exc.strerror or exc}).") from None
    return EXIT_OK


def _policies() -> int:
    from .docs import policy_table

    sys.stdout.write(policy_table())
    return EXIT_OK


def _pack_dir() -> int:
    from .bundled_pack import bundled_pack_dir

    sys.stdout.write(f"{bundled_pack_dir()}\n")
    return EXIT_OK


def _explain(name: str) -> int:
    from .docs import explain

    sys.stdout.write(explain(name))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    return _dispatch(parser, parser.parse_args(argv))


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    debug = bool(getattr(args, "debug", False))
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        if args.command == "preview":
            return _preview(args)
        if args.command == "cost":
            return _cost(args)
        if args.command == "check":
            return _check(args)
        if args.command == "contract":
            return _contract(args)
        if args.command == "policies":
            return _policies()
        if args.command == "pack-dir":
            return _pack_dir()
        return _explain(args.name)
    except GuardError as error:
        return _fail(error, debug)
    except KeyboardInterrupt:
        sys.stderr.write("\nfinops-guard: interrupted; the policy pack and the program were stopped.\n")
        return EXIT_INTERRUPTED


def run() -> NoReturn:
    """The `finops-guard` executable: `main`, and after `check` an exit without the interpreter's teardown.

    When `check` returns, its report is written and flushed, the pack process (if any) has been
    stopped and no thread of ours is left. What the teardown would still do is unload the modules
    the policy pack imports (pulumi, grpc, protobuf): ~0.2 s, a sixth of checking a
    10,000-resource plan, for nothing. Other commands exit as usual.
    """
    parser = build_parser()
    args = parser.parse_args()
    code = _dispatch(parser, args)
    if args.command == "check":
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a closed pipe, say: the interpreter's own exit reports it as it always has
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
