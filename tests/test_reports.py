"""Reports on hand-built RunResults: the text and JSON formats, atomic writes, the progress line.

`build_sample` is shared with the SARIF and JUnit tests: a program whose files exist on disk, so a
test can follow a reported file and line back to the source line that created the resource.
"""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest

from finops_guard.model import Finding, PolicyInfo, Registration, RunResult, SourceLocation
from finops_guard.reports import (
    FORMATS,
    Progress,
    ReportWriteError,
    color_enabled,
    render,
    report_dict,
    write_atomic,
)

SECRET = "s3cr3t-Value-XYZ"
#: a plain (not secret) input value: reporters never dump inputs, so it must not appear either
PLAIN_INPUT = "plain-input-marker-7781"
SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": SECRET}

#: the program's lines that create resources (the rest are comments)
PROGRAM_LINES = {
    1: "import pulumi_aws as aws",
    2: "from components.svc import Service",
    12: 'logs = aws.s3.Bucket("logs", tags={"team": "orders"})',
    30: 'svc = Service("orders", contract)',
    40: 'dlq = aws.sqs.Queue("orders-dlq")',
    41: 'alerts = aws.sns.Topic("alerts")',
}
PROGRAM = "".join(f"{PROGRAM_LINES.get(n, f'# line {n}')}\n" for n in range(1, 42))
COMPONENT = "".join(f"# component line {n}\n" for n in range(1, 88)) + (
    'self.logs = aws.cloudwatch.LogGroup(f"{name}-app-logs", opts=child)\n'
)
LIBRARY = "# lib 1\n# lib 2\n# lib 3\n# lib 4\n# lib 5\n# lib 6\ndb = aws.rds.Instance('orders-db')\n"

STACK_URN = "urn:pulumi:dev::orders::pulumi:pulumi:Stack::orders-dev"
PROVIDER_URN = "urn:pulumi:dev::orders::pulumi:providers:aws::default_7_51_1"
BUCKET_URN = "urn:pulumi:dev::orders::aws:s3/bucket:Bucket::logs"
SERVICE_URN = "urn:pulumi:dev::orders::finops:index:Service::orders"
LOG_GROUP_URN = "urn:pulumi:dev::orders::finops:index:Service$aws:cloudwatch/logGroup:LogGroup::orders-app-logs"
DB_URN = "urn:pulumi:dev::orders::aws:rds/instance:Instance::orders-db"
QUEUE_URN = "urn:pulumi:dev::orders::aws:sqs/queue:Queue::orders-dlq"
TOPIC_URN = "urn:pulumi:dev::orders::aws:sns/topic:Topic::alerts"

WAIVER = {"ticket": "FIN-1234", "approvedBy": "alice", "expires": "2099-12-31", "reason": "replay window"}

POLICIES = [
    PolicyInfo(
        "cost-allocation-tags",
        "Every taggable resource carries the cost-allocation tags.",
        "mandatory",
        "resource",
    ),
    PolicyInfo(
        "no-infinite-retention",
        "Data is not kept forever.",
        "mandatory",
        "resource",
        remediation="Set a retention period.",
    ),
    PolicyInfo("retention-tier", "Retention fits its declared class.", "advisory", "resource"),
    PolicyInfo("bounded-db-pool", "Database connection pools are bounded.", "mandatory", "stack"),
    PolicyInfo("cross-region-review", "Cross-region dependencies are reviewed.", "mandatory", "stack"),
    PolicyInfo("debug-telemetry-expiry", "Debug telemetry expires.", "disabled", "resource"),
]

#: expected counts of the sample (by hand, not computed by the code under test)
SUMMARY = {"mandatory": 3, "advisory": 1, "waived": 1, "unverifiable": 2, "errored": 0}


def _write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def build_sample(base: Path) -> RunResult:
    """A run of `base/infra` with one finding of each kind; files exist under `base` (and outside)."""
    main = _write(base / "infra" / "__main__.py", PROGRAM)
    _write(base / "infra" / "Pulumi.yaml", "name: orders\nruntime: python\n")
    component = _write(base / "components" / "svc.py", COMPONENT)
    library = _write(base.parent / "elsewhere" / "lib.py", LIBRARY)

    def reg(urn: str, rtype: str, name: str, source: SourceLocation | None, **kw: object) -> Registration:
        return Registration(
            urn=urn,
            type=rtype,
            name=name,
            custom=bool(kw.pop("custom", True)),
            parent=kw.pop("parent", None),  # type: ignore[arg-type]
            provider=None,
            dependencies=[],
            property_dependencies={},
            inputs=kw.pop("inputs", {}),
            source=source,
            synthesized=bool(kw.pop("synthesized", False)),  # type: ignore[arg-type]
        )

    at_main_12 = SourceLocation(main, 12)
    at_main_30 = SourceLocation(main, 30)
    resources = [
        reg(STACK_URN, "pulumi:pulumi:Stack", "orders-dev", None, custom=False, synthesized=True),
        reg(
            PROVIDER_URN,
            "pulumi:providers:aws",
            "default_7_51_1",
            None,
            synthesized=True,
            inputs={"region": "us-east-1", "defaultTags": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"},
        ),
        reg(
            BUCKET_URN,
            "aws:s3/bucket:Bucket",
            "logs",
            at_main_12,
            inputs={"tags": {"team": "orders", "note": PLAIN_INPUT}, "policy": SECRET_SIG},
        ),
        reg(SERVICE_URN, "finops:index:Service", "orders", at_main_30, custom=False),
        reg(
            LOG_GROUP_URN,
            "aws:cloudwatch/logGroup:LogGroup",
            "orders-app-logs",
            SourceLocation(component, 88),
            parent=SERVICE_URN,
        ),
        reg(
            DB_URN,
            "aws:rds/instance:Instance",
            "orders-db",
            SourceLocation(library, 7),
            inputs={"password": {"nested": [SECRET_SIG]}},
        ),
        reg(QUEUE_URN, "aws:sqs/queue:Queue", "orders-dlq", SourceLocation(main, 40)),
        reg(TOPIC_URN, "aws:sns/topic:Topic", "alerts", SourceLocation(main, 41)),
    ]
    findings = [
        Finding(
            "cost-allocation-tags",
            "mandatory",
            "violation",
            BUCKET_URN,
            "aws:s3/bucket:Bucket",
            "logs",
            "Bucket 'logs': tags.cost-center is missing; expected a cost centre. Fix: tag it",
            property="tags.cost-center",
            location=at_main_12,
        ),
        Finding(
            "cost-allocation-tags",
            "mandatory",
            "violation",
            BUCKET_URN,
            "aws:s3/bucket:Bucket",
            "logs",
            "Bucket 'logs': tags.env 'TODO' is a placeholder; expected dev|prod. Fix: set it",
            property="tags.env",
            location=at_main_12,
        ),
        Finding(
            "retention-tier",
            "advisory",
            "violation",
            BUCKET_URN,
            "aws:s3/bucket:Bucket",
            "logs",
            "Bucket 'logs': lifecycleRules keep logs 400 days; expected at most 90. Fix: expire at 90",
            property="lifecycleRules",
            location=at_main_12,
        ),
        Finding(
            "no-infinite-retention",
            "mandatory",
            "violation",
            LOG_GROUP_URN,
            "aws:cloudwatch/logGroup:LogGroup",
            "orders-app-logs",
            "LogGroup 'orders-app-logs': retentionInDays is unset (never expires); expected 1..90. Fix: 14",
            property="retentionInDays",
            location=at_main_30,
            related=(SourceLocation(component, 88),),
        ),
        Finding(
            "bounded-db-pool",
            "mandatory",
            "unverifiable",
            DB_URN,
            "aws:rds/instance:Instance",
            "orders-db",
            "Instance 'orders-db': maxConnections is unknown until apply; expected a number",
            property="maxConnections",
            location=SourceLocation(library, 7),
        ),
        Finding(
            "no-infinite-retention",
            "mandatory",
            "waived",
            QUEUE_URN,
            "aws:sqs/queue:Queue",
            "orders-dlq",
            "Queue 'orders-dlq': messageRetentionSeconds 1209600; expected at most 345600. Fix: lower it",
            property="messageRetentionSeconds",
            waiver=dict(WAIVER),
            location=SourceLocation(main, 40),
        ),
        Finding(
            "cost-allocation-tags",
            "mandatory",
            "unverifiable",
            PROVIDER_URN,
            "pulumi:providers:aws",
            "default_7_51_1",
            "Provider 'default_7_51_1': defaultTags is unknown until apply; expected a map",
            property="defaultTags",
        ),
    ]
    return RunResult(
        project="orders",
        stack="dev",
        pack_name="acme-pack",
        pack_version="1.2.3",
        policies=list(POLICIES),
        resources=resources,
        findings=findings,
        not_applicable={(TOPIC_URN, "bounded-db-pool")},
        duration_seconds=1.83,
        program_dir=str(base / "infra"),
    )


def clean(result: RunResult) -> RunResult:
    """The sample with only its advisory, unverifiable and waived findings (nothing blocks)."""
    result.findings = [f for f in result.findings if not f.blocking]
    return result


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


# --- every format ---------------------------------------------------------------------------


def test_unknown_format_names_the_choices(sample: RunResult) -> None:
    with pytest.raises(ValueError, match="text, json, sarif, junit"):
        render(sample, "html")


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_shows_inputs_or_secrets(sample: RunResult, base: Path, fmt: str) -> None:
    out = render(sample, fmt, base_dir=str(base), color=True)
    assert SECRET not in out
    assert PLAIN_INPUT not in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_secret_quoted_by_a_message_is_scrubbed(sample: RunResult, base: Path, fmt: str) -> None:
    # the engine redacts messages; a policy that slipped one through must not leak it via a report
    leaky = Finding(
        "retention-tier",
        "advisory",
        "violation",
        BUCKET_URN,
        "aws:s3/bucket:Bucket",
        "logs",
        f"Bucket 'logs': policy {SECRET!r} grants too much",
        property="policy",
        waiver={"ticket": "FIN-9", "reason": f"because {SECRET}"},
    )
    sample.findings.append(leaky)
    out = render(sample, fmt, base_dir=str(base))
    assert SECRET not in out
    assert "[secret]" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_in_names_are_neutralised(sample: RunResult, base: Path, fmt: str) -> None:
    sample.findings[0] = Finding(
        "cost-allocation-tags",
        "mandatory",
        "violation",
        BUCKET_URN,
        "aws:s3/bucket:Bucket",
        "lo\x1b[2Jgs\x00",
        "Bucket: \x1b[31mred\x07",
        property="tags",
    )
    out = render(sample, fmt, base_dir=str(base))
    assert "\x1b" not in out
    assert "\x00" not in out
    assert "\x07" not in out


# --- text -----------------------------------------------------------------------------------


def test_text_summary_and_verdict(sample: RunResult, base: Path) -> None:
    lines = render(sample, "text", base_dir=str(base)).splitlines()
    assert lines[0] == "Policies:"
    assert lines[1] == "    ❌ acme-pack@v1.2.3"
    assert lines[-2] == "3 mandatory, 1 advisory, 1 waived, 2 unverifiable · 8 resources · 1.8 s"
    assert lines[-1] == "FAILED: 3 mandatory policy violations would block this change."


def test_text_passes_when_nothing_blocks(sample: RunResult, base: Path) -> None:
    lines = render(clean(sample), "text", base_dir=str(base)).splitlines()
    assert lines[-2].startswith("0 mandatory, 1 advisory, 1 waived, 2 unverifiable · ")
    assert lines[-1] == "PASSED: no mandatory policy violations."
    assert "❌" not in lines[1]


def test_text_without_colour_has_no_escape_codes(sample: RunResult, base: Path) -> None:
    plain = render(sample, "text", base_dir=str(base))
    coloured = render(sample, "text", base_dir=str(base), color=True)
    assert "\x1b" not in plain
    assert "\x1b[1;31m[mandatory]\x1b[0m" in coloured
    # colour changes nothing else
    assert plain == coloured.replace("\x1b[0m", "").replace("\x1b[1;31m", "").replace("\x1b[33m", "").replace(
        "\x1b[36m", ""
    ).replace("\x1b[32m", "").replace("\x1b[2m", "").replace("\x1b[1m", "").replace("\x1b[1;32m", "")


def test_text_entries_name_policy_level_resource_message_and_line(sample: RunResult, base: Path) -> None:
    text = render(sample, "text", base_dir=str(base))
    entry = text.split("        - ")[2]  # [1] is the provider, registered before the bucket
    assert entry.splitlines() == [
        "[mandatory]  cost-allocation-tags  (aws:s3:Bucket: logs)",  # the CLI's display name
        "          Every taggable resource carries the cost-allocation tags.",
        "          Bucket 'logs': tags.cost-center is missing; expected a cost centre. Fix: tag it",
        "          at infra/__main__.py:12",
    ]
    second = text.split("        - ")[3].splitlines()  # same resource and policy: no description again
    assert second[1] == "          Bucket 'logs': tags.env 'TODO' is a placeholder; expected dev|prod. Fix: set it"
    assert "at infra/__main__.py:30 (via components/svc.py:88)" in text
    assert f"at {base.parent / 'elsewhere' / 'lib.py'}:7" in text  # outside the base: absolute
    assert "waived: FIN-1234 approved by alice, expires 2099-12-31: replay window" in text
    assert "[unverifiable]  bounded-db-pool  (aws:rds:Instance: orders-db)" in text


def test_text_groups_findings_by_resource_in_registration_order(sample: RunResult, base: Path) -> None:
    text = render(sample, "text", base_dir=str(base))
    heads = [line.split("(", 1)[1] for line in text.splitlines() if line.startswith("        - [")]
    assert heads == [
        "pulumi:providers:aws: default_7_51_1)",
        "aws:s3:Bucket: logs)",
        "aws:s3:Bucket: logs)",
        "aws:s3:Bucket: logs)",
        "aws:cloudwatch:LogGroup: orders-app-logs)",
        "aws:rds:Instance: orders-db)",
        "aws:sqs:Queue: orders-dlq)",
    ]
    # one blank line between resources, none inside a resource's group
    body = text.split("\n\n")
    assert len(body) == 5 + 1  # five resource groups, then the summary block
    assert body[1].count("        - [") == 3


def test_text_with_no_findings(sample: RunResult, base: Path) -> None:
    sample.findings = []
    assert render(sample, "text", base_dir=str(base)).splitlines() == [
        "Policies:",
        "    ✅ acme-pack@v1.2.3",
        "",
        "0 mandatory, 0 advisory, 0 waived, 0 unverifiable · 8 resources · 1.8 s",
        "PASSED: no mandatory policy violations.",
    ]


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    assert color_enabled(FakeTTY(), environ={}) is True
    assert color_enabled(io.StringIO(), environ={}) is False
    assert color_enabled(FakeTTY(), environ={"NO_COLOR": "1"}) is False
    assert color_enabled(FakeTTY(), environ={"NO_COLOR": ""}) is True  # no-color.org: set and non-empty
    assert color_enabled(FakeTTY(), environ={"TERM": "dumb"}) is False


# --- JSON -----------------------------------------------------------------------------------


def test_json_shape_and_summary(sample: RunResult, base: Path) -> None:
    report = json.loads(render(sample, "json", base_dir=str(base)))
    assert set(report) >= {"stack", "project", "policyPack", "resources", "summary", "violations"}
    assert report["stack"] == "dev"
    assert report["project"] == "orders"
    assert report["policyPack"] == {"name": "acme-pack", "version": "1.2.3"}
    assert report["resources"] == 8
    assert report["summary"] == SUMMARY
    assert report["passed"] is False
    keys = {
        "policy",
        "enforcement",
        "urn",
        "type",
        "name",
        "property",
        "message",
        "waiver",
        "state",
        "location",
    }
    assert all(set(v) >= keys for v in report["violations"])
    states = [v["state"] for v in report["violations"]]
    assert states.count("violation") == 4
    assert states.count("waived") == 1
    assert states.count("unverifiable") == 2


def test_json_locations(sample: RunResult, base: Path) -> None:
    report = report_dict(sample, base_dir=str(base))
    by_key = {(v["urn"], v["property"]): v for v in report["violations"]}
    assert by_key[(BUCKET_URN, "tags.env")]["location"] == {"file": "infra/__main__.py", "line": 12}
    nested = by_key[(LOG_GROUP_URN, "retentionInDays")]
    assert nested["location"] == {"file": "infra/__main__.py", "line": 30}
    assert nested["related"] == [{"file": "components/svc.py", "line": 88}]
    assert by_key[(DB_URN, "maxConnections")]["location"] == {
        "file": str(base.parent / "elsewhere" / "lib.py"),
        "line": 7,
    }
    assert by_key[(PROVIDER_URN, "defaultTags")]["location"] is None
    assert by_key[(QUEUE_URN, "messageRetentionSeconds")]["waiver"] == WAIVER


def test_json_paths_follow_the_working_directory_by_default(
    sample: RunResult, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(base / "infra")
    report = report_dict(sample)
    files = {v["location"]["file"] for v in report["violations"] if v["location"]}
    assert files == {"__main__.py", str(base.parent / "elsewhere" / "lib.py")}
    related = [r for v in report["violations"] for r in v["related"]]
    assert related == [{"file": str(base / "components" / "svc.py"), "line": 88}]  # outside infra/


# --- write_atomic ---------------------------------------------------------------------------


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_write_atomic_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out" / "deep" / "report.sarif"
    write_atomic(target, "first ✓\n")
    assert target.read_text(encoding="utf-8") == "first ✓\n"
    write_atomic(str(target), "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    assert _leftovers(target.parent) == []


def test_write_atomic_modes(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.json"
    write_atomic(fresh, "{}")
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    kept = tmp_path / "kept.json"
    kept.write_text("old")
    kept.chmod(0o640)
    write_atomic(kept, "new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_write_atomic_keeps_the_old_file_when_the_rename_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.xml"
    target.write_text("old report")

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ReportWriteError) as caught:
        write_atomic(target, "new report")
    assert isinstance(caught.value, OSError)
    assert str(caught.value) == f"cannot write report {target}: Permission denied"
    assert target.read_text() == "old report"
    assert _leftovers(tmp_path) == []


def test_write_atomic_to_a_directory_or_under_a_file_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ReportWriteError, match=r"cannot write report .*: Is a directory"):
        write_atomic(tmp_path, "x")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OSError, match=r"cannot write report .*file/report\.json"):
        write_atomic(blocker / "report.json", "x")
    assert _leftovers(tmp_path) == []


# --- progress -------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_is_silent_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    clock = Clock()
    progress = Progress(50, "Analyzing", stream=stream, clock=clock)
    for _ in range(50):
        clock.now += 1
        progress.advance()
    progress.finish()
    assert stream.getvalue() == ""
    assert progress.done == 50


def test_progress_draws_late_throttled_and_erases_itself() -> None:
    stream = FakeTTY()
    clock = Clock()
    progress = Progress(200, "Analyzing", stream=stream, clock=clock, interval=0.1, delay=0.5)
    progress.advance(10)
    clock.now += 0.4
    progress.advance()
    assert stream.getvalue() == ""  # a short run never shows the line
    clock.now += 0.2
    progress.advance()  # 0.6 s: first draw
    assert stream.getvalue() == "\rAnalyzing: 12/200 (6%) 1 s"
    for _ in range(5):  # within the interval: no redraw
        clock.now += 0.01
        progress.advance()
    assert stream.getvalue().count("\r") == 1
    clock.now += 0.1
    progress.advance(200)  # past the total: capped
    assert stream.getvalue().endswith("\rAnalyzing: 200/200 (100%) 1 s")
    drawn = len("Analyzing: 200/200 (100%) 1 s")
    progress.finish()
    assert stream.getvalue().endswith("\r" + " " * drawn + "\r")
    progress.finish()
    progress.advance()
    assert stream.getvalue().endswith("\r" + " " * drawn + "\r")
    assert "\x1b" not in stream.getvalue()


def test_progress_without_total_counts_and_pads_shorter_lines() -> None:
    stream = FakeTTY()
    clock = Clock()
    with Progress(None, "Running program", stream=stream, clock=clock, delay=0) as progress:
        clock.now += 12
        progress.advance()
        assert stream.getvalue() == "\rRunning program: 1 / 12 s"
        clock.now += 1
        progress.label = "Run"
        progress.advance()
        assert stream.getvalue().endswith(
            "\rRun: 2 - 13 s" + " " * len("Running program: 1 / 12 s"[len("Run: 2 - 13 s") :])
        )
    assert stream.getvalue().endswith("\r" + " " * len("Run: 2 - 13 s") + "\r")


def test_progress_finishes_when_the_run_fails() -> None:
    stream = FakeTTY()
    clock = Clock()

    def run() -> None:
        with Progress(3, "Analyzing", stream=stream, clock=clock, delay=0) as progress:
            progress.advance()
            raise RuntimeError("program failed")

    with pytest.raises(RuntimeError):
        run()
    assert stream.getvalue().endswith("\r" + " " * len("Analyzing: 1/3 (33%) 0 s") + "\r")


def test_progress_survives_a_closed_stderr() -> None:
    stream = FakeTTY()
    progress = Progress(3, "Analyzing", stream=stream, delay=0)
    stream.close()
    progress.advance()  # must not raise
    progress.finish()
    assert progress.enabled is False


def test_text_does_not_repeat_a_description_the_message_starts_with(sample: RunResult, base: Path) -> None:
    description = POLICIES[1].description
    sample.findings = [
        Finding(
            "no-infinite-retention",
            "mandatory",
            "violation",
            BUCKET_URN,
            "aws:s3/bucket:Bucket",
            "logs",
            f"{description}\nBucket 'logs': lifecycleRules never expire",
            property="lifecycleRules",
        )
    ]
    text = render(sample, "text", base_dir=str(base))
    assert text.count(description) == 1
    assert "          Bucket 'logs': lifecycleRules never expire\n" in text
