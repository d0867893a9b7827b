"""What the pack receives and what the user sees, checked against what pulumi's engine does.

Each test names the engine source it mirrors (pulumi/pulumi); tests/conformance runs
pulumi-policy's own integration tests on top of these.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from enginetools import PROGRAMS, PROTOCOL_PACK, TESTS, record

from finops_guard.analyzer.policy_config import merge
from finops_guard.analyzer.schema_errors import cli_messages
from finops_guard.errors import PackError, PolicyConfigError, ProjectError
from finops_guard.model import PolicyInfo
from finops_guard.preview import PreviewOptions, run_preview
from finops_guard.project import load_project, load_stack_config, stack_tags
from finops_guard.recording.recorder import default_provider_name, timeout_seconds
from finops_guard.reports._common import display_type

SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
PROGRAM = PROGRAMS / "options"


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::options::{type_}::{name}"


GUARDED = urn("aws:s3/bucket:Bucket", "guarded")
PLAIN = urn("aws:s3/bucket:Bucket", "plain")
LOGS = urn("aws:s3/bucketPolicy:BucketPolicy", "logs")
COUNT = urn("pulumi-python:dynamic:Resource", "count")
PINNED = urn("pulumi:providers:aws", "pinned")
STACK = urn("pulumi:pulumi:Stack", "options-dev")


@pytest.fixture(scope="module")
def calls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """The protocol pack's log of a preview of the options program, by RPC."""
    log = tmp_path_factory.mktemp("calls") / "calls.jsonl"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FINOPS_TEST_CALL_LOG", str(log))
        run_preview(
            PreviewOptions(
                program_dir=PROGRAM,
                policy_pack=PROTOCOL_PACK,
                stack_tags=("team=payments", "cost-center=from-the-flag"),
            )
        )
    by_call: dict[str, list[dict]] = {}
    for line in log.read_text().splitlines():
        entry = json.loads(line)
        by_call.setdefault(entry["call"], []).append(entry)
    return by_call


def analyzed(calls: dict[str, list[dict]], target: str) -> dict:
    return next(c for c in calls["Analyze"] if c["urn"] == target)


def test_resource_options_reach_the_pack(calls):
    # step_generator.go passes the goal's options to Analyze; analyzer_plugin.go marshalResourceOptions
    guarded = analyzed(calls, GUARDED)["options"]
    assert guarded["protect"] is True
    assert guarded["ignoreChanges"] == ["tags"]
    assert (guarded["deleteBeforeReplace"], guarded["deleteBeforeReplaceDefined"]) == (False, True)
    assert guarded["additionalSecretOutputs"] == ["arn"]
    # source_eval.go parses custom timeouts with Go's time.ParseDuration into seconds
    assert guarded["customTimeouts"] == {"create": 5400.0, "update": 0.0, "delete": 90.0, "read": 0.0}
    # only aliases matching a resource of the previous deployment are sent: a first preview has none
    assert guarded["aliases"] == []
    plain = analyzed(calls, PLAIN)["options"]
    assert (plain["deleteBeforeReplace"], plain["deleteBeforeReplaceDefined"]) == (True, True)
    assert plain["protect"] is False
    assert analyzed(calls, COUNT)["options"]["deleteBeforeReplaceDefined"] is False
    stacked = calls["AnalyzeStack"][0]["resources"]
    assert stacked[GUARDED]["options"] == guarded


def test_internal_keys_are_stripped_except_for_remediate(calls):
    # analyzer_plugin.go: SkipInternalKeys for Analyze, AnalyzeStack and providers, not Remediate
    assert analyzed(calls, COUNT)["keys"] == ["start"]
    remediated = next(c for c in calls["Remediate"] if c["urn"] == COUNT)
    assert "__provider" in remediated["keys"]
    assert calls["AnalyzeStack"][0]["resources"][COUNT]["keys"] == ["start"]
    aws_provider = analyzed(calls, GUARDED)["providerProperties"]
    assert aws_provider == {"region": "eu-central-1", "version": "7.51.1"}


def test_dynamic_providers_get_the_whole_config_with_full_keys(calls):
    # target.go GetPackageConfig: pulumi-nodejs and pulumi-python get every key, namespace kept,
    # secure values as secrets
    dynamic = analyzed(calls, COUNT)
    assert dynamic["provider"] == urn("pulumi:providers:pulumi-python", "default")
    props = dynamic["providerProperties"]
    assert props["aws:region"] == "eu-central-1"
    assert props["options:flavour"] == "plain"
    assert json.loads(props["pulumi:tags"]) == {"cost-center": "cc-42"}
    token = props["options:token"]
    assert {k: token[k] for k in SECRET_SIG} == SECRET_SIG and "value" in token


def test_an_explicit_providers_version_becomes_its_input(calls):
    # source_eval.go: SetProviderVersion on a provider registration that asks for a version
    assert "version" in analyzed(calls, PINNED)["keys"]
    assert "__internal" not in analyzed(calls, PINNED)["keys"]
    assert "__internal" in next(c for c in calls["Remediate"] if c["urn"] == PINNED)["keys"]


def test_properties_without_dependencies_are_not_sent(calls):
    # analyzer_plugin.go AnalyzeStack: "Skip properties that have no dependencies."
    stacked = calls["AnalyzeStack"][0]["resources"]
    assert stacked[LOGS]["propertyDependencies"] == {"bucket": [GUARDED]}
    assert stacked[COUNT]["propertyDependencies"] == {}


def test_stack_tags_as_pulumi_cloud_merges_them(calls):
    # pkg/backend/stack.go GetMergedStackTags: the stack's tags, then the environment's over them
    assert calls["ConfigureStack"][0]["tags"] == {
        "team": "payments",
        "cost-center": "cc-42",  # `pulumi:tags` config wins over the stack's own tag
        "pulumi:project": "options",
        "pulumi:runtime": "python",
        "pulumi:description": (
            "Engine test program - resource options, a Python dynamic resource, explicit provider versions."
        ),
    }


def test_stack_tag_errors_name_what_is_wrong(tmp_path):
    project = load_project(PROGRAM)
    stack = load_stack_config(project, "dev")
    with pytest.raises(ProjectError, match="--stack-tag 'team': expected KEY=VALUE"):
        stack_tags(project, stack, ["team"])
    not_strings = load_stack_config(project, "dev", ['pulumi:tags={"a": 1}'])
    with pytest.raises(ProjectError, match=r"pulumi:tags\[a\] must be a string"):
        stack_tags(project, not_strings)
    not_object = load_stack_config(project, "dev", ["pulumi:tags=[1]"])
    with pytest.raises(ProjectError, match="pulumi:tags must be an object of strings"):
        stack_tags(project, not_object)


@pytest.fixture(scope="module")
def quirks(tmp_path_factory: pytest.TempPathFactory):
    return run_preview(PreviewOptions(program_dir=PROGRAM, policy_pack=TESTS / "packs" / "quirks_pack"))


def test_a_resource_policy_reports_on_its_resource_whatever_urn_it_passes(quirks):
    # analyze_snapshot.go analyzeResource: OnPolicyViolation(r.URN, d) ignores d.URN
    (finding,) = [f for f in quirks.findings if f.policy == "elsewhere"]
    assert (finding.urn, finding.name, finding.type) == (PLAIN, "plain", "aws:s3/bucket:Bucket")
    assert finding.location is not None and finding.location.file.endswith("__main__.py")


def test_a_stack_policy_reports_on_the_resource_it_names_if_the_stack_has_it(quirks):
    # step_generator.go resolveStackPolicyViolationURN: the diagnostic's URN if in the stack, else the stack's
    by_message = {f.message: f.urn for f in quirks.findings if f.policy == "stack-urns"}
    assert by_message == {"on guarded": GUARDED, "on a resource the stack does not have": STACK}


def test_a_remediation_that_cannot_run_is_an_advisory_finding(quirks):
    # step_generator.go: a remediation's diagnostic is an advisory policy violation of the resource
    (finding,) = [f for f in quirks.findings if f.policy == "fix-bucket-policy"]
    assert finding.urn == LOGS and finding.state == "unverifiable"
    assert finding.message.startswith("can't run remediation 'fix-bucket-policy' from policy pack 'quirks-pack@v")
    assert finding.message.endswith("during preview: string value at .bucket can't be known during preview")
    assert not finding.blocking


def test_a_pack_that_raises_shows_its_own_traceback_and_stderr():
    pack = TESTS / "packs" / "raising_pack"
    with pytest.raises(PackError) as info:
        run_preview(PreviewOptions(program_dir=PROGRAM, policy_pack=pack))
    assert info.value.message == (
        f"the policy pack failed during Analyze of {PLAIN}: Exception calling application: AssertionError"
    )
    details = info.value.details
    assert "checking plain" in details  # what the pack printed
    assert "Traceback (most recent call last):" in details
    assert f'File "{pack / "__main__.py"}"' in details
    assert 'assert args.props.get("bucket") == "never"' in details
    assert details.rstrip().endswith("AssertionError")
    assert "grpc" not in details and "pulumi_policy" not in details  # only the pack's own frames


def test_policy_config_errors_are_all_listed_in_the_clis_words():
    schema = {"properties": {"size": {"type": "integer", "maximum": 10}, "name": {"enum": ["a", "b"]}}}
    policies = [
        PolicyInfo("second", "", "advisory", "resource", config_schema=schema),
        PolicyInfo("first", "", "advisory", "resource", config_schema={**schema, "required": ["name"]}),
    ]
    given = {"first": {"size": 11}, "second": {"size": 2.5, "name": "c"}}
    with pytest.raises(PolicyConfigError) as info:
        merge(policies, {}, given, "config.json", ("pack", "1.2.3"))
    preamble = "validating policy config: pack 1.2.3  "
    assert info.value.message.splitlines() == [
        preamble + "first: name is required",
        preamble + "first: size: Must be less than or equal to 10",
        preamble + 'second: name: name must be one of the following: "a", "b"',
        preamble + "second: size: Invalid type. Expected: integer, given: number",
    ]


def test_trusted_defaults_skip_only_the_policies_the_config_does_not_set():
    """`check` runs our own pack in-process without validating its defaults again (a test below
    validates them); whatever the user's config sets is validated as the CLI validates it."""
    schema = {"properties": {"size": {"type": "integer", "default": "not an integer"}}}
    policies = [
        PolicyInfo("configured", "", "advisory", "resource", config_schema=schema),
        PolicyInfo("untouched", "", "advisory", "resource", config_schema=schema),
    ]
    with pytest.raises(PolicyConfigError) as info:
        merge(policies, {}, {"configured": {"enforcementLevel": "mandatory"}}, "c.json", trusted_defaults=True)
    assert [line.split("  ", 1)[1] for line in info.value.message.splitlines()] == [
        "configured: size: Invalid type. Expected: integer, given: string"
    ]
    with pytest.raises(PolicyConfigError) as info:
        merge(policies, {}, {}, "c.json")
    assert len(info.value.message.splitlines()) == 2  # untrusted: both policies' defaults are validated
    assert merge(policies, {}, {}, "c.json", trusted_defaults=True)["untouched"].properties == {
        "size": "not an integer"
    }


def test_our_packs_defaults_and_initial_config_validate():
    """What makes `trusted_defaults` safe for finops-guardrails' own pack: with no policy config, the
    pack's schema defaults and initial config pass the validation the CLI runs."""
    from finops_policies.pack import ListSink

    from finops_guard.analyzer.inprocess import InProcessSession, _build_servicer
    from finops_guard.analyzer.pack_process import load_pack
    from finops_guard.preview import AnalysisOptions, configure_session, default_pack_dir

    session = InProcessSession(_build_servicer(ListSink()))
    options = AnalysisOptions(project="p", stack="s")
    setup = configure_session(session, options, load_pack(default_pack_dir()), {}, "none")  # validates all
    from finops_policies.registry import all_policies

    assert set(setup.config) == {p.name for p in setup.policies} == {s.name for s in all_policies()}


@pytest.mark.parametrize(
    ("schema", "value", "expected"),
    [
        # gojsonschema v1.2.0 locales.go, as pkg/resource/analyzer/config.go prints them
        ({"type": "object", "required": ["foo"]}, {}, "foo is required"),
        (
            {"properties": {"foo": {"type": "string"}}},
            {"foo": 1},
            "foo: Invalid type. Expected: string, given: integer",
        ),
        (
            {"properties": {"foo": {"type": ["string", "null"]}}},
            {"foo": 1.5},
            "foo: Invalid type. Expected: [string,null], given: number",
        ),
        (
            {"properties": {"foo": {"maxLength": 3}}},
            {"foo": "long"},
            "foo: String length must be less than or equal to 3",
        ),
        (
            {"properties": {"foo": {"minLength": 5}}},
            {"foo": "s"},
            "foo: String length must be greater than or equal to 5",
        ),
        ({"properties": {"foo": {"const": "bar"}}}, {"foo": "x"}, 'foo: foo does not match: "bar"'),
        ({"properties": {"foo": {"minimum": 2}}}, {"foo": 1}, "foo: Must be greater than or equal to 2"),
        ({"properties": {"foo": {"pattern": "^a"}}}, {"foo": "b"}, "foo: Does not match pattern '^a'"),
        ({"properties": {"foo": {"maxItems": 1}}}, {"foo": [1, 2]}, "foo: Array must have at most 1 items"),
        ({"properties": {"foo": {"uniqueItems": True}}}, {"foo": [1, 2, 1]}, "foo: array items[0,2] must be unique"),
        (
            {"properties": {"foo": {"properties": {"bar": {"type": "boolean"}}}}},
            {"foo": {"bar": "yes"}},
            "foo.bar: Invalid type. Expected: boolean, given: string",
        ),
    ],
)
def test_schema_errors_in_gojsonschema_words(schema, value, expected):
    (error,) = jsonschema.Draft7Validator(schema).iter_errors(value)
    assert cli_messages(error) == [expected]


@pytest.mark.parametrize(
    ("token", "shown"),
    [
        # sdk/go/common/tokens/tokens_test.go TestTypeDisplayName
        ("incomplete", "incomplete"),
        ("pkg:mod:", "pkg:mod:"),
        ("pkg:mod:typ", "pkg:mod:typ"),
        ("pkg:Mod/foo:typ", "pkg:Mod/foo:typ"),
        ("pkg:mod/foo/bar:Bar", "pkg:mod/foo:Bar"),
        ("pkg:mod/foo/bar/baz:Baz", "pkg:mod/foo/bar:Baz"),
        ("random:index/randomUuid:RandomUuid", "random:index:RandomUuid"),
        ("kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:Deployment"),
    ],
)
def test_type_tokens_are_shown_as_the_cli_shows_them(token, shown):
    assert display_type(token) == shown


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1m", 60), ("1h30m", 5400), ("90s", 90), ("1.5h", 5400), ("300ms", 0.3), ("0", 0), ("2h45m30.5s", 9930.5)],
)
def test_custom_timeouts_parse_as_go_durations(text, seconds):
    assert timeout_seconds(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "1", "5 minutes", "1d", "m"])
def test_custom_timeouts_the_engine_rejects(text):
    with pytest.raises(ValueError, match="unable to parse customTimeout Value"):
        timeout_seconds(text)


@pytest.mark.parametrize(
    ("version", "url", "name"),
    [
        # pkg/resource/deploy/providers/provider.go DefaultName
        ("", "", "default"),
        ("4.0.0", "", "default_4_0_0"),
        ("1.2.3-alpha.1", "", "default_1_2_3_alpha_1"),
        ("1.2.3+build.5", "", "default_1_2_3_build_5"),
        ("1.0.0", "https://example.com/plugins", "default_1_0_0_https_/example.com/plugins"),
    ],
)
def test_default_provider_names(version, url, name):
    assert default_provider_name(version, url) == name


def test_recorded_options_survive_the_wire():
    regs = record(PROGRAM)
    assert regs["guarded"].options.custom_timeouts.create == 5400.0
    assert regs["count"].inputs["__provider"]  # recorded as sent; only the analyzer marshalling strips it
    assert regs["default"].type == "pulumi:providers:pulumi-python"
    assert Path(regs["guarded"].source.file).name == "__main__.py"
