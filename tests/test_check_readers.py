"""The readers of `finops-guard check`: each input kind becomes the registrations a preview would make."""

# ruff: noqa: E501 - the Kubernetes cases keep one HCL body per line, whole, to be read side by side

from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from finops_guard.inputs import read_input
from finops_guard.inputs.common import SECRET_SIG, SIG_KEY, UNKNOWN
from finops_guard.inputs.jsonfile import InputError
from finops_guard.model import Registration

DATA = Path(__file__).parent / "data"
PLAN = DATA / "terraform" / "plan-regions-modules.json"
SOURCE = DATA / "terraform" / "source-basic"
K8S = DATA / "terraform" / "k8s-pool"
STATE = DATA / "pulumi" / "stack-export.json"


def by_name(registrations: list[Registration]) -> dict[str, Registration]:
    return {r.name: r for r in registrations}


def provider_of(r: Registration, regs: dict[str, Registration]) -> Registration:
    urn = (r.provider or "").rsplit("::", 1)[0]
    return next(p for p in regs.values() if p.urn == urn)


# --- Terraform plans -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan() -> dict[str, Registration]:
    read = read_input(PLAN)
    assert read.kind == "terraform-plan"
    return by_name(read.registrations)


def test_plan_providers_from_configuration_with_aliases_and_default_tags(plan):
    default = provider_of(plan["aws_cloudwatch_log_group.app"], plan)
    west = provider_of(plan["aws_sns_topic.alerts"], plan)
    assert default.type == west.type == "pulumi:providers:aws"
    assert default.inputs["region"] == "us-east-1"  # from var.region, the plan's variable value
    assert west.inputs["region"] == "us-west-2"
    # the engine hands provider config to analyzers as strings, defaultTags JSON-encoded
    assert json.loads(default.inputs["defaultTags"])["tags"]["team"] == "payments"


def test_plan_modules_become_nested_components(plan):
    db = plan['module.storage.module.archive["eu"].aws_db_instance.orders']
    archive = plan['module.storage.module.archive["eu"]']
    storage = plan["module.storage"]
    assert db.parent == archive.urn and archive.parent == storage.urn
    assert storage.parent == plan["terraform-plan-regions-modules"].urn
    assert archive.type == storage.type == "terraform:index:Module" and not archive.custom
    assert "terraform:index:Module$terraform:index:Module$aws:rds/instance:Instance" in db.urn


def test_plan_resources_in_pulumi_shape(plan):
    log_group = plan["aws_cloudwatch_log_group.app"]
    assert log_group.type == "aws:cloudwatch/logGroup:LogGroup"
    assert log_group.inputs["retentionInDays"] == 0
    assert log_group.inputs["arn"] == UNKNOWN  # after_unknown: stays unknown, as in a preview
    assert "tags" not in log_group.inputs  # null in the plan: unset, absent on the wire
    assert log_group.inputs["tagsAll"]["team"] == "payments"
    lifecycle = plan["module.storage.aws_s3_bucket_lifecycle_configuration.data"]
    rule = lifecycle.inputs["rules"][0]  # repeated block `rule` -> the list `rules`
    assert rule["expiration"] == {"days": 30}  # MaxItemsOne block: an object, not a list of one
    assert rule["filter"] == {"prefix": ""}


def test_plan_unknown_and_sensitive_values(plan):
    assert plan["aws_sqs_queue.jobs"].inputs["tags"] == UNKNOWN
    password = plan['module.storage.module.archive["eu"].aws_db_instance.orders'].inputs["password"]
    assert password == {SIG_KEY: SECRET_SIG, "value": "hunter2-very-secret"}


def test_plan_dependencies_from_references_and_depends_on(plan):
    topic = plan["aws_sns_topic.alerts"]
    app, audit = plan["aws_cloudwatch_log_group.app"], plan["aws_cloudwatch_log_group.audit"]
    assert topic.property_dependencies == {"policy": [app.urn]}
    assert topic.dependencies == [app.urn, audit.urn]
    assert plan["aws_sqs_queue.jobs"].property_dependencies == {"tags": [topic.urn]}


def test_plan_deletions_are_not_checked_and_unchanged_resources_are(plan):
    assert "aws_cloudwatch_log_group.legacy" not in plan
    assert "aws_cloudwatch_log_group.audit" in plan  # no-op: part of the stack, as in a preview


def test_a_delete_only_plan_reads_to_no_resources(tmp_path):
    data = json.loads(PLAN.read_text())
    data["resource_changes"] = [c for c in data["resource_changes"] if c["change"]["actions"] == ["delete"]]
    path = tmp_path / "delete-only.json"
    path.write_text(json.dumps(data))
    read = read_input(path)
    assert [r.type for r in read.registrations] == ["pulumi:pulumi:Stack"]
    assert any("deletes were not checked" in w for w in read.warnings)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_plans_in_other_unicode_encodings_read_the_same(tmp_path, encoding):
    text = PLAN.read_text(encoding="utf-8")
    path = tmp_path / PLAN.name
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = codecs.BOM_UTF16_BE + raw
    path.write_bytes(raw)
    expected = [(r.name, r.type, r.inputs) for r in read_input(PLAN).registrations]
    assert [(r.name, r.type, r.inputs) for r in read_input(path).registrations] == expected


def test_a_truncated_plan_says_where_and_what_was_expected(tmp_path):
    text = PLAN.read_text()
    path = tmp_path / "plan.json"
    path.write_text(text[: len(text) // 2])
    with pytest.raises(InputError) as caught:
        read_input(path)
    message = caught.value.message
    assert message.startswith(f"{path}:")
    line, column = message.split(":")[1:3]
    assert int(line) > 1 and int(column) >= 1
    assert "truncated" in message and "expected" in message


def test_a_corrupt_plan_names_the_line_and_the_expectation(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text('{\n  "format_version": "1.2",\n  "resource_changes": [,]\n}\n')
    with pytest.raises(InputError, match=r"plan\.json:3:24: not valid JSON: expected a value"):
        read_input(path)


def _typed(value: Any) -> Any:
    """`value` with every number's type kept, so that 1 and 1.0 compare unequal."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value).__name__, repr(value))


_ODD_DOCUMENTS = [
    b'{"a": 1, "a": 2.5, "b": [1, 1.0, -0, -0.0, 1e5, 1E-7, 0.1, 123456789012345678]}',
    b'{"big": 9223372036854775808}',  # beyond int64: yajl refuses it
    b'{"small": -9223372036854775809}',
    b'{"huge": 1e400, "nan": NaN}',
    b'{"surrogate": "\\ud800", "ok": "\\u00e9\\n"}',
    b'{"trailing": 1} x',
    b"[1, 2, 3]",
    b"42",
]


@pytest.mark.parametrize(
    "document",
    [*_ODD_DOCUMENTS, *(p.read_bytes() for p in sorted((DATA / "public-plans").glob("*.json"))), PLAN.read_bytes()],
)
def test_a_plan_read_whole_by_orjson_reads_as_ijson_reads_it(document, tmp_path, monkeypatch):
    """The fast parser gives the same top level as ijson, or leaves the document to ijson."""
    from finops_guard.inputs import jsonstream

    path = tmp_path / "doc.json"
    path.write_bytes(document)
    keep = frozenset({"a", "b", "big", "small", "huge", "surrogate", "ok", "format_version", "resource_changes"})

    def read() -> Any:
        try:
            keys, kept = jsonstream.whole_top_level(jsonstream.opener(path), path, keep)
        except InputError as error:
            return ("error", error.message)
        return sorted(keys), _typed(kept)

    fast = read()
    monkeypatch.setattr(jsonstream, "_orjson_top_level", lambda data: None)
    assert fast == read()


def test_orjson_reads_plans_and_leaves_what_it_could_read_otherwise_to_ijson():
    from finops_guard.inputs import jsonstream

    assert jsonstream._orjson_top_level(PLAN.read_bytes()) is not None  # the comparison above is not vacuous
    assert jsonstream._orjson_top_level(_ODD_DOCUMENTS[0]) is not None
    for document in _ODD_DOCUMENTS[1:6]:
        assert jsonstream._orjson_top_level(document) is None


def test_the_oldest_plan_format_reads(tmp_path):
    # Terraform 0.12's format 0.1: no module_address on root resources, no after_sensitive.
    path = tmp_path / "old.json"
    path.write_text(
        json.dumps(
            {
                "format_version": "0.1",
                "terraform_version": "0.12.31",
                "resource_changes": [
                    {
                        "address": "aws_cloudwatch_log_group.a",
                        "mode": "managed",
                        "type": "aws_cloudwatch_log_group",
                        "name": "a",
                        "provider_name": "aws",
                        "change": {"actions": ["create"], "before": None, "after": {"name": "a"}, "after_unknown": {}},
                    }
                ],
            }
        )
    )
    regs = by_name(read_input(path).registrations)
    assert regs["aws_cloudwatch_log_group.a"].inputs == {"name": "a"}
    assert provider_of(regs["aws_cloudwatch_log_group.a"], regs).name == "aws.default"


def test_an_unknown_plan_format_is_an_input_error(tmp_path):
    path = tmp_path / "future.json"
    path.write_text(json.dumps({"format_version": "2.0", "resource_changes": []}))
    with pytest.raises(InputError, match=r"format_version '2\.0'"):
        read_input(path)


# --- Terraform source ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def source() -> dict[str, Registration]:
    read = read_input(SOURCE, var_files=[SOURCE / "team.tfvars"])
    assert read.kind == "terraform-source"
    return by_name(read.registrations)


def test_source_variables_locals_and_default_tags(source):
    default = provider_of(source["aws_cloudwatch_log_group.app"], source)
    assert default.inputs["region"] == "us-east-1"  # the variable's default
    tags = json.loads(default.inputs["defaultTags"])["tags"]
    assert tags == {"service": "orders", "team": "payments", "domain": "checkout", "environment": "prod"}


def test_source_var_beats_var_file_and_default():
    regs = by_name(
        read_input(
            SOURCE, variables={"team": "search", "region": "eu-west-1"}, var_files=[SOURCE / "team.tfvars"]
        ).registrations
    )
    default = provider_of(regs["aws_cloudwatch_log_group.app"], regs)
    assert default.inputs["region"] == "eu-west-1"
    assert json.loads(default.inputs["defaultTags"])["tags"]["team"] == "search"


def test_source_without_a_required_variable_keeps_it_unknown():
    regs = by_name(read_input(SOURCE).registrations)
    assert provider_of(regs["aws_cloudwatch_log_group.app"], regs).inputs["defaultTags"] == UNKNOWN


def test_source_count_for_each_and_unknown_expressions(source):
    assert source['aws_cloudwatch_log_group.worker["a"]'].inputs["retentionInDays"] == 7
    assert source['aws_cloudwatch_log_group.worker["b"]'].inputs["name"] == "/orders/worker-b"
    assert source["aws_s3_bucket.exports[1]"].inputs["bucket"] == "orders-exports-1"
    assert source["aws_s3_bucket.exports[0]"].inputs["tags"] == {"owner-account": UNKNOWN}  # a data source


def test_source_local_modules_are_followed_and_remote_ones_named():
    read = read_input(SOURCE, var_files=[SOURCE / "team.tfvars"])
    regs = by_name(read.registrations)
    queue = regs["module.queue.aws_sqs_queue.this"]
    assert queue.inputs == {"name": "orders-jobs", "messageRetentionSeconds": 345600}
    assert queue.parent == regs["module.queue"].urn
    assert any("module.vpc" in w and "not a local directory" in w for w in read.warnings)


def test_source_findings_point_at_the_block(source):
    location = source["aws_sns_topic.alerts"].source
    assert location is not None and Path(location.file) == (SOURCE / "main.tf").resolve() and location.line == 48
    queue = source["module.queue.aws_sqs_queue.this"].source
    assert queue is not None and Path(queue.file).name == "main.tf" and queue.line == 10


def test_source_references_become_dependencies(source):
    topic = source["aws_sns_topic.alerts"]
    assert topic.property_dependencies == {"policy": [source["aws_cloudwatch_log_group.app"].urn]}
    assert provider_of(topic, source).inputs["region"] == "us-west-2"


def test_broken_hcl_is_an_input_error_with_the_file(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n')
    with pytest.raises(InputError, match=r"main\.tf.*not valid Terraform"):
        read_input(tmp_path)


# --- Kubernetes resources of the Terraform kubernetes provider -------------------------------------


def test_kubernetes_deployment_in_the_object_shape():
    regs = by_name(read_input(K8S).registrations)
    deployment = regs["kubernetes_deployment_v1.api"]
    assert deployment.type == "kubernetes:apps/v1:Deployment"
    spec = deployment.inputs["spec"]
    assert deployment.inputs["metadata"]["labels"]["team"] == "decisions"
    assert spec["selector"] == {"matchLabels": {"app": "case-decision"}}
    container = spec["template"]["spec"]["containers"][0]
    assert container["env"][0] == {"name": "DB_POOL_SIZE", "value": "12"}
    assert container["env"][1]["value"] == UNKNOWN  # the database's address, known after apply
    assert container["resources"] == {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}}
    assert deployment.property_dependencies == {"spec": [regs["aws_db_instance.orders"].urn]}
    hpa = regs["kubernetes_horizontal_pod_autoscaler_v2.api"]
    assert hpa.type == "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
    assert hpa.inputs["spec"]["maxReplicas"] == 20
    assert hpa.inputs["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "case-decision",
    }


def _k8s(tf_type: str, body: str) -> dict[str, Any]:
    import hcl2

    from finops_guard.inputs import tf_shapes
    from finops_guard.inputs.terraform_source import Scope

    raw = hcl2.loads(f'resource "{tf_type}" "x" {{\n{body}\n}}\n')["resource"][0]
    attributes = Scope({}, {}, Path()).value(next(iter(next(iter(raw.values())).values())))
    return tf_shapes.to_pulumi_inputs(tf_type, tf_shapes.mapping_for(tf_type), attributes)


META = 'metadata {\n name = "x"\n labels = { team = "a" }\n}'
POD = 'template {\n metadata { labels = { app = "x" } }\n spec {\n container {\n name = "c"\n image = "i"\n port { container_port = 80 }\n }\n }\n}'


@pytest.mark.parametrize(
    ("tf_type", "token", "body", "check"),
    [
        ("kubernetes_deployment", "kubernetes:apps/v1:Deployment", f"{META}\nspec {{\n replicas = 3\n {POD}\n}}",
         lambda o: o["spec"]["template"]["spec"]["containers"][0]["ports"] == [{"containerPort": 80}]),
        ("kubernetes_stateful_set_v1", "kubernetes:apps/v1:StatefulSet", f"{META}\nspec {{\n service_name = \"x\"\n {POD}\n}}",
         lambda o: o["spec"]["serviceName"] == "x" and o["kind"] == "StatefulSet"),
        ("kubernetes_daemon_set_v1", "kubernetes:apps/v1:DaemonSet", f"{META}\nspec {{\n {POD}\n}}",
         lambda o: o["spec"]["template"]["metadata"]["labels"] == {"app": "x"}),
        ("kubernetes_daemonset", "kubernetes:apps/v1:DaemonSet", f"{META}\nspec {{\n {POD}\n}}",
         lambda o: o["apiVersion"] == "apps/v1"),
        ("kubernetes_job_v1", "kubernetes:batch/v1:Job", f"{META}\nspec {{\n backoff_limit = 2\n {POD}\n}}",
         lambda o: o["spec"]["backoffLimit"] == 2 and "containers" in o["spec"]["template"]["spec"]),
        ("kubernetes_cron_job_v1", "kubernetes:batch/v1:CronJob",
         f"{META}\nspec {{\n schedule = \"0 * * * *\"\n job_template {{\n metadata {{}}\n spec {{\n {POD}\n }}\n }}\n}}",
         lambda o: o["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["name"] == "c"),
        ("kubernetes_horizontal_pod_autoscaler", "kubernetes:autoscaling/v1:HorizontalPodAutoscaler",
         f"{META}\nspec {{\n max_replicas = 10\n target_cpu_utilization_percentage = 80\n scale_target_ref {{\n kind = \"Deployment\"\n name = \"x\"\n }}\n}}",
         lambda o: o["spec"] == {"maxReplicas": 10, "targetCPUUtilizationPercentage": 80,
                                 "scaleTargetRef": {"kind": "Deployment", "name": "x"}}),
        ("kubernetes_horizontal_pod_autoscaler_v2", "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
         f"{META}\nspec {{\n max_replicas = 5\n metric {{\n type = \"Resource\"\n resource {{\n name = \"cpu\"\n target {{\n type = \"Utilization\"\n average_utilization = 70\n }}\n }}\n }}\n}}",
         lambda o: o["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 70),
        ("kubernetes_namespace_v1", "kubernetes:core/v1:Namespace", META,
         lambda o: o == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x", "labels": {"team": "a"}}}),
        ("kubernetes_service_v1", "kubernetes:core/v1:Service",
         f"{META}\nspec {{\n selector = {{ app = \"x\" }}\n port {{\n port = 80\n target_port = 8080\n }}\n}}",
         lambda o: o["spec"] == {"selector": {"app": "x"}, "ports": [{"port": 80, "targetPort": 8080}]}),
        ("kubernetes_config_map", "kubernetes:core/v1:ConfigMap",
         f"{META}\ndata = {{\n LOG_LEVEL = \"debug\"\n \"app.yaml\" = \"a: 1\"\n}}",
         lambda o: o["data"] == {"LOG_LEVEL": "debug", "app.yaml": "a: 1"}),
    ],
)  # fmt: skip
def test_each_kubernetes_type_maps_onto_the_object_the_policies_read(tf_type, token, body, check):
    from finops_guard.inputs import tf_shapes

    mapping = tf_shapes.mapping_for(tf_type)
    assert mapping is not None and mapping.token == token
    converted = _k8s(tf_type, body)
    assert converted["metadata"]["labels"] == {"team": "a"}  # maps keep their keys
    assert check(converted), converted


# --- Pulumi stack exports ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def state():
    return read_input(STATE)


def test_state_resources_with_parents_providers_and_dependencies(state):
    regs = by_name(state.registrations)
    assert state.kind == "pulumi-state" and (state.project, state.stack) == ("orders", "prod")
    log_group = regs["orders-app-logs"]
    assert log_group.parent == regs["orders-telemetry"].urn
    assert log_group.inputs["retentionInDays"] == 0 and log_group.inputs["tagsAll"]["team"] == "payments"
    topic = regs["alerts"]
    assert topic.dependencies == [log_group.urn]
    assert topic.property_dependencies == {"policy": [log_group.urn]}  # empty lists are not sent
    assert provider_of(topic, regs).inputs["region"] == "us-west-2"
    assert "being-deleted" not in regs
    assert any("pending deletion" in w for w in state.warnings)


def test_state_secrets_stay_secrets(state):
    regs = by_name(state.registrations)
    assert regs["orders-db"].inputs["password"] == {SIG_KEY: SECRET_SIG, "value": UNKNOWN}  # encrypted
    owner = regs["untagged-exports"].inputs["tags"]["owner"]
    assert owner == {SIG_KEY: SECRET_SIG, "value": "s3cr3t-owner-token"}  # --show-secrets
    assert "s3cr3t-owner-token" in state.secret_values


def test_a_checkpoint_file_reads_like_an_export(tmp_path):
    export = json.loads(STATE.read_text())
    path = tmp_path / "prod.json"
    path.write_text(json.dumps({"version": 3, "checkpoint": {"stack": "orders/prod", "latest": export["deployment"]}}))
    assert [r.urn for r in read_input(path).registrations] == [r.urn for r in read_input(STATE).registrations]


# --- detection -------------------------------------------------------------------------------------


def test_inputs_are_recognized_by_content_not_name(tmp_path):
    shutil.copy(PLAN, tmp_path / "stack.json")
    shutil.copy(STATE, tmp_path / "plan.json")
    assert read_input(tmp_path / "stack.json").kind == "terraform-plan"
    assert read_input(tmp_path / "plan.json").kind == "pulumi-state"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"hello": 1}', "neither a Terraform plan nor a Pulumi stack export"),
        ("resource x {}", "not JSON"),
        ("", "not JSON"),
    ],
)
def test_other_files_are_input_errors(tmp_path, content, expected):
    path = tmp_path / "input.json"
    path.write_text(content)
    with pytest.raises(InputError, match=expected):
        read_input(path)


def test_a_pulumi_program_directory_points_at_preview(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: x\nruntime: python\n")
    with pytest.raises(InputError, match="finops-guard preview"):
        read_input(tmp_path)


def test_a_plan_beside_its_configuration_points_at_the_tf_lines(tmp_path):
    shutil.copytree(SOURCE, tmp_path / "infra")
    data = json.loads(PLAN.read_text())
    change = next(c for c in data["resource_changes"] if c["address"] == "aws_cloudwatch_log_group.app")
    queue = json.loads(json.dumps(change))
    queue.update(address="module.queue.aws_sqs_queue.this", module_address="module.queue", type="aws_sqs_queue")
    data["resource_changes"] = [change, queue]
    data["configuration"]["root_module"]["module_calls"] = {
        "queue": {"source": "./modules/queue", "module": {"resources": []}}
    }
    plan = tmp_path / "infra" / "plan.json"
    plan.write_text(json.dumps(data))
    regs = by_name(read_input(plan).registrations)
    app = regs["aws_cloudwatch_log_group.app"].source
    assert app is not None and (Path(app.file).name, app.line) == ("main.tf", 37)
    nested = regs["module.queue.aws_sqs_queue.this"].source
    assert nested is not None and Path(nested.file).parent.name == "queue" and nested.line == 10
    assert read_input(PLAN).registrations[-1].source is None  # no configuration beside it


def test_setup_terraform_wrapper_output_is_read_as_the_plan_inside(tmp_path):
    # What `terraform show -json plan.out > plan.json` writes under hashicorp/setup-terraform's
    # wrapper: the command line first, GitHub workflow commands after (as in infracost's testdata).
    wrapped = tmp_path / PLAN.name
    plan = json.dumps(json.loads(PLAN.read_text()), separators=(",", ":"))
    wrapped.write_text(
        f"[command]/tmp/a1/terraform-bin show -json plan.out\n{plan}%0A\n::set-output name=stderr::\n"
        "::set-output name=exitcode::0\n"
    )
    expected = [(r.name, r.inputs) for r in read_input(PLAN).registrations]
    assert [(r.name, r.inputs) for r in read_input(wrapped).registrations] == expected
