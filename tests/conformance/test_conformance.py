"""pulumi-policy's integration tests with a Python pack, run offline by `finops-guard preview`.

Each step is one scenario of tests/integration/integration_test.go (pulumi/pulumi-policy, commit in
README.md): the same program (ported to Python), the same pack (unchanged), the same stack config
and policy config, and the Go test's expectations: the command succeeds when no error is
expected or the errors are advisory, fails otherwise, and every expected string appears in its
output. The one liberty in reading the output is ours by design: a finding the CLI labels
`[advisory]` because the policy read a value unknown during preview is labelled `[unverifiable]`
(the rest of the line and the CLI's whole message are there).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from finops_guard import cli

HERE = Path(__file__).resolve().parent
PACKS = HERE / "packs"
PROGRAMS = HERE / "programs"
UNVERIFIABLE_LABEL = "[unverifiable]  "
ADVISORY_LABEL = "[advisory]  "


@dataclass(frozen=True)
class Step:
    """One `policyTestScenario` of the Go test."""

    test: str
    scenario: int
    want: tuple[str, ...] = ()
    advisory: bool = False
    policy_config: dict[str, Any] | None = None
    #: why the step cannot run offline ("" when it can)
    skip: str = ""
    #: the Go test's initialConfig
    config: dict[str, str] = field(default_factory=dict)
    #: the Go test's stackTags
    stack_tags: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.test}-s{self.scenario:02d}"


def _steps(test: str, scenarios: list[dict[str, Any]], **common: Any) -> list[Step]:
    return [Step(test, index, **{**common, **scenario}) for index, scenario in enumerate(scenarios, start=1)]


def _violation(level: str, policy: str, description: str, message: str, resource: str = "") -> dict[str, Any]:
    head = f"[{level}]  {policy}" + (f"  ({resource})" if resource else "")
    return {"want": (head, description, message), "advisory": level == "advisory"}


# TestValidateResource
VALIDATE_RESOURCE = _steps(
    "validate_resource",
    [
        {},
        {},
        _violation(
            "mandatory",
            "dynamic-no-state-with-value-1",
            "Prohibits setting state to 1 on dynamic resources.",
            "'state' must not have the value 1.",
            "pulumi-nodejs:dynamic:Resource: a",
        ),
        _violation(
            "mandatory",
            "dynamic-no-state-with-value-2",
            "Prohibits setting state to 2 on dynamic resources.",
            "'state' must not have the value 2.",
            "pulumi-nodejs:dynamic:Resource: b",
        ),
        _violation(
            "mandatory",
            "dynamic-no-state-with-value-3-or-4",
            "Prohibits setting state to 3 or 4 on dynamic resources.",
            "'state' must not have the value 3.",
            "pulumi-nodejs:dynamic:Resource: c",
        ),
        _violation(
            "mandatory",
            "dynamic-no-state-with-value-3-or-4",
            "Prohibits setting state to 3 or 4 on dynamic resources.",
            "'state' must not have the value 4.",
            "pulumi-nodejs:dynamic:Resource: d",
        ),
        _violation(
            "mandatory",
            "randomuuid-no-keepers",
            "Prohibits creating a RandomUuid without any 'keepers'.",
            "RandomUuid must not have an empty 'keepers'.",
            "random:index:RandomUuid: r1",
        ),
        {},
        _violation(
            "mandatory",
            "dynamic-no-state-with-value-5",
            "Prohibits setting state to 5 on dynamic resources.",
            "'state' must not have the value 5.",
            "pulumi-nodejs:dynamic:Resource: e",
        ),
        {},
        {},  # a property over 4 MB reaches the pack (pulumi/pulumi#4155)
    ],
)

# TestValidatePythonResource
VALIDATE_PYTHON_RESOURCE = _steps(
    "validate_python_resource",
    [
        _violation(
            "mandatory",
            "randomuuid-no-keepers",
            "Prohibits creating a RandomUuid without any 'keepers'.",
            "RandomUuid must not have an empty 'keepers'.",
            "random:index:RandomUuid: r1",
        ),
        _violation(
            "mandatory",
            "randomuuid-no-keepers",
            "Prohibits creating a RandomUuid without any 'keepers'.",
            "RandomUuid must not have an empty 'keepers'.",
            "random:index:RandomUuid: r2",
        ),
        {},
    ],
)

# TestValidateStack
VALIDATE_STACK = _steps(
    "validate_stack",
    [
        {},
        {},
        _violation(
            "mandatory",
            "dynamic-no-state-with-value-1",
            "Prohibits setting state to 1 on dynamic resources.",
            "'state' must not have the value 1.",
        ),
        _violation(
            "mandatory",
            "dynamic-no-state-with-value-2",
            "Prohibits setting state to 2 on dynamic resources.",
            "'state' must not have the value 2.",
        ),
        _violation(
            "mandatory",
            "dynamic-no-state-with-value-3",
            "Prohibits setting state to 3 on dynamic resources.",
            "'state' must not have the value 3.",
            "pulumi-nodejs:dynamic:Resource: c",
        ),
        _violation(
            "mandatory",
            "randomuuid-no-keepers",
            "Prohibits creating a RandomUuid without any 'keepers'.",
            "RandomUuid must not have an empty 'keepers'.",
        ),
        _violation(
            "mandatory",
            "no-randomstrings",
            "Prohibits RandomString resources.",
            "RandomString resources are not allowed.",
        ),
        {},
        {},
        # a stack validation with enforcement level "remediate" is treated as "mandatory"
        _violation(
            "mandatory",
            "dynamic-no-foo-with-value-bar",
            "Prohibits setting foo to 'bar' on dynamic resources.",
            "'foo' must not have the value 'bar'.",
        ),
    ],
)

# TestUnknownValues
UNKNOWN_VALUES = _steps(
    "unknown_values",
    [
        {
            "want": (
                "unknown-values-policy@v0.0.1",
                "[advisory]  unknown-values-resource-validation  (random:index:RandomPet: pet)",
                "can't run policy 'unknown-values-resource-validation' from policy pack 'unknown-values-policy@v0.0.1' "
                "during preview: string value at .prefix can't be known during preview",
                "[advisory]  unknown-values-stack-validation",
                "can't run policy 'unknown-values-stack-validation' from policy pack 'unknown-values-policy@v0.0.1' "
                "during preview: string value at .prefix can't be known during preview",
            ),
            "advisory": True,
        }
    ],
    config={"aws:region": "us-west-2"},
)

# TestRuntimeData
RUNTIME_DATA = _steps("runtime_data", [{}], config={"aConfigValue": "this value is a value", "aws:region": "us-west-2"})

# TestResourceOptions: scenario 2 only prepares the Go test's stack for destruction (unprotects).
RESOURCE_OPTIONS = _steps("resource_options", [{}, {}])

# TestParentDependencies, TestProvider, TestDeserialize
PARENT_DEPENDENCIES = _steps("parent_dependencies", [{}])
PROVIDER = _steps("provider", [{}])
DESERIALIZE = _steps("deserialize", [{}])


# TestEnforcementLevel: (pack level, policy level) -> what is reported, at which level.
def _enforcement(level: str | None) -> dict[str, Any]:
    if level is None:
        return {}
    return {
        "want": (
            f"[{level}]  validate-resource  (random:index:RandomString: str)",
            "Always reports a resource violation.",
            "validate-resource-violation-message",
            f"[{level}]  validate-stack",
            "Always reports a stack violation.",
            "validate-stack-violation-message",
        ),
        "advisory": level == "advisory",
    }


ENFORCEMENT_LEVEL = _steps(
    "enforcementlevel",
    [
        _enforcement(level)
        for level in (
            # pack advisory; policy advisory, disabled, mandatory, not set
            "advisory",
            None,
            "mandatory",
            "advisory",
            # pack disabled
            "advisory",
            None,
            "mandatory",
            None,
            # pack mandatory
            "advisory",
            None,
            "mandatory",
            "mandatory",
            # pack not set
            "advisory",
            None,
            "mandatory",
            "advisory",
        )
    ],
)


# TestConfig
def _config_errors(*errors: str) -> dict[str, Any]:
    preamble = "error: validating policy config: config-policy 0.0.1  "
    return {"want": tuple(f"{preamble}{policy}: {e}" for e in errors for policy in POLICIES)}


POLICIES = ("resource-validation", "stack-validation")


def _both(config: dict[str, Any]) -> dict[str, Any]:
    return {"policy_config": dict.fromkeys(POLICIES, config)}


CONFIG = _steps(
    "config",
    [
        _both({"foo": "bar"}),
        {},
        {},
        _both({"foo": "overridden"}),
        {},
        _config_errors("foo is required"),
        _config_errors("foo: Invalid type. Expected: string, given: integer"),
        _config_errors("foo: String length must be less than or equal to 3"),
        _config_errors("foo: String length must be greater than or equal to 50"),
        _config_errors('foo: foo must be one of the following: "bar", "baz"'),
        _config_errors('foo: foo does not match: "bar"'),
        {**_both({"foo": 1}), **_config_errors("foo: Invalid type. Expected: string, given: integer")},
        {**_both({"foo": "blah"}), **_config_errors('foo: foo must be one of the following: "bar", "baz"')},
        {**_both({"foo": "blah"}), **_config_errors('foo: foo does not match: "bar"')},
        {
            **_both({"foo": "this is too long", "bar": 3.14}),
            **_config_errors(
                "bar: Invalid type. Expected: integer, given: number",
                "foo: String length must be less than or equal to 3",
            ),
        },
        _both({"foo": 42}),
        _both({"foo": 3.14}),
        _both({"foo": 42}),
        _both({"foo": True}),
        _both({"foo": False}),
        _both({"foo": {"bar": "baz"}}),
        _both({"foo": ["a", "b", "c"]}),
        _both({"foo": None}),
        {},
        _both({"foo": "overridden"}),
    ],
)

# TestRemoteComponent
REMOTE_COMPONENT = _steps(
    "remote_component",
    [
        {
            "want": (
                "remote-component-policy@v0.0.1",
                "[advisory]  resource-validation  (random:index:RandomString: innerRandom)",
                "can't run policy 'resource-validation' from policy pack 'remote-component-policy@v0.0.1' during "
                "preview: string value at .keepers.hi can't be known during preview",
            ),
            "advisory": True,
            "skip": "needs the testcomponent provider plugin (a Go program) to construct the remote component's "
            "children; an offline preview runs no provider plugins",
        }
    ],
)

# TestStackTags: the Go test sets them with `pulumi stack tag set` on Pulumi Cloud; here --stack-tag.
STACK_TAGS = _steps("stack_tags", [{}], stack_tags={"foo": "bar", "hello": "world"})

STEPS = [
    *VALIDATE_RESOURCE,
    *VALIDATE_PYTHON_RESOURCE,
    *VALIDATE_STACK,
    *ENFORCEMENT_LEVEL,
    *CONFIG,
    *UNKNOWN_VALUES,
    *RUNTIME_DATA,
    *DESERIALIZE,
    *RESOURCE_OPTIONS,
    *PARENT_DEPENDENCIES,
    *PROVIDER,
    *REMOTE_COMPONENT,
    *STACK_TAGS,
]


def _found(want: str, output: str) -> bool:
    if want in output:
        return True
    # ours by design: a policy that met an unknown value is "unverifiable", the CLI's "advisory"
    return want.startswith(ADVISORY_LABEL) and UNVERIFIABLE_LABEL + want[len(ADVISORY_LABEL) :] in output


def _run(step: Step, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    stack = f"{step.test}-42"  # the Go test names its stacks <test>-<number>
    # what the Go test exports for its packs to compare with
    monkeypatch.setenv("PULUMI_TEST_PROJECT", step.test)
    monkeypatch.setenv("PULUMI_TEST_STACK", stack)
    args = ["preview", str(PROGRAMS / step.test), "--stack", stack, "--policy-pack", str(PACKS / step.test)]
    for key, value in {**step.config, "scenario": str(step.scenario)}.items():
        args += ["--config", f"{key}={value}"]
    for key, value in step.stack_tags.items():
        args += ["--stack-tag", f"{key}={value}"]
    if step.policy_config:
        config_file = tmp_path / "policy-config.json"
        config_file.write_text(json.dumps(step.policy_config, indent=4), encoding="utf-8")
        args += ["--policy-pack-config", str(config_file)]
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("step", STEPS, ids=[step.id for step in STEPS])
def test_step(step: Step, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    if step.skip:
        pytest.skip(step.skip)
    code, out, err = _run(step, tmp_path, capsys, monkeypatch)
    output = out + err
    if not step.want or step.advisory:
        assert code == 0, f"expected success, got exit {code}:\n{output}"
    else:
        # violations exit 1, bad policy config (an error before any analysis) exits 2
        expected = 2 if any("validating policy config" in want for want in step.want) else 1
        assert code == expected, f"expected exit {expected}, got {code}:\n{output}"
    missing = [want for want in step.want if not _found(want, output)]
    assert not missing, f"not in the output: {missing}\n{output}"


def test_every_go_scenario_is_a_step() -> None:
    # integration_test.go's 13 tests with a Python pack hold 74 scenarios
    assert len(STEPS) == 74
    assert len({step.test for step in STEPS}) == 13


def test_packs_are_carried_unchanged() -> None:
    manifest = json.loads((HERE / "MANIFEST.json").read_text(encoding="utf-8"))
    for relative, digest in manifest["files"].items():
        assert hashlib.sha256((HERE / relative).read_bytes()).hexdigest() == digest, relative
    carried = {str(p.relative_to(HERE)) for p in PACKS.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert carried == {name for name in manifest["files"] if name.startswith("packs/")}
