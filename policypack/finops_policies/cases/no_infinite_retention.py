"""Cases of `no-infinite-retention`: log groups, log groups AWS services create by themselves, buckets
and their lifecycle rules, ECR, Backup plans, Kafka, self-hosted telemetry, unknowns and waivers."""

from __future__ import annotations

import json
from typing import Any

from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseResource, Expect, aws_provider, one
from finops_policies.cases.builders import (
    AWS,
    bucket,
    computed_log_group,
    day,
    expiring_rule,
    lambda_function,
    lifecycle,
    log_group,
    res,
    retention_class,
    waivers,
)
from finops_policies.values import UNKNOWN_ARRAY, UNKNOWN_NUMBER, UNKNOWN_OBJECT, UNKNOWN_STRING

_FUTURE = day(60)
_PAST = day(-1)
_LOGS = retention_class("logs")
_AUDIT = retention_class("audit")


def _ecr_policy(name: str, repository: str, policy: Any, **kw: Any) -> CaseResource:
    return res(conv.ECR_LIFECYCLE_POLICY, name, {"repository": repository, "policy": policy}, **kw)


_EXPIRE_IMAGES = json.dumps(
    {
        "rules": [
            {
                "rulePriority": 1,
                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30},
                "action": {"type": "expire"},
            }
        ]
    }
)


def _ecr_rule(priority: int, status: str, action: str = "expire", **selection: Any) -> dict[str, Any]:
    """An ECR lifecycle rule: `status` images, pushed over 14 days ago unless `selection` says otherwise."""
    chosen = {"tagStatus": status, "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14}
    chosen.update(selection)
    if chosen["countType"] == "imageCountMoreThan":
        chosen.pop("countUnit")
    kind: dict[str, Any] = {"type": action}
    if action == "transition":
        kind["targetStorageClass"] = "archive"
    return {"rulePriority": priority, "selection": chosen, "action": kind}


def _ecr_rules(*rules: dict[str, Any]) -> str:
    return json.dumps({"rules": list(rules)})


_ARCHIVE_RULE = _ecr_rule(1, "any", "transition")
_ARCHIVE_IMAGES = json.dumps(
    {
        "rules": [
            {
                "rulePriority": 1,
                "selection": {
                    "tagStatus": "any",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": 30,
                },
                "action": {"type": "transition", "targetStorageClass": "archive"},
            }
        ]
    }
)


def _helm(name: str, chart: str, values: Any, **props: Any) -> CaseResource:
    return res(conv.K8S_HELM_RELEASE, name, {"chart": chart, "values": values, **props})


def _pod_workload(
    type_: str, name: str, containers: list[dict[str, Any]], volumes: list[dict[str, Any]] | None = None
) -> CaseResource:
    pod: dict[str, Any] = {"containers": containers, **({"volumes": volumes} if volumes else {})}
    return res(type_, name, {"metadata": {"name": name}, "spec": {"template": {"spec": pod}}})


_FOURTEEN = {"retentionInDays": 14}


def _declared(name: str, group: str, **props: Any) -> CaseResource:
    """A log group the stack declares under the exact name `group`, kept 14 days."""
    return log_group(name, {"name": group, **_FOURTEEN, **props})


def _rds(name: str, exports: Any, **props: Any) -> CaseResource:
    base = {"engine": "postgres", "instanceClass": "db.t3.micro", "allocatedStorage": 20}
    return res(conv.RDS_INSTANCE, name, {**base, "enabledCloudwatchLogsExports": exports, **props})


def _aurora(name: str, exports: Any, **props: Any) -> CaseResource:
    props = {"engine": "aurora-postgresql", "enabledCloudwatchLogsExports": exports, **props}
    return res(conv.RDS_CLUSTER, name, props)


def _eks(resource: str, log_types: Any, /, **props: Any) -> CaseResource:
    base = {"roleArn": "arn:aws:iam::111122223333:role/eks", "vpcConfig": {"subnetIds": ["subnet-1", "subnet-2"]}}
    return res(conv.EKS_CLUSTER, resource, {**base, "enabledClusterLogTypes": log_types, **props})


def _awslogs(group: str, create: str = "true") -> dict[str, Any]:
    options = {"awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}
    return {"logDriver": "awslogs", "options": {**options, "awslogs-create-group": create}}


def _task_definition(name: str, containers: Any, **kw: Any) -> CaseResource:
    """An ECS task definition; `containers` is encoded as the JSON string the provider takes."""
    definitions = json.dumps(containers) if isinstance(containers, list) else containers
    return res(conv.ECS_TASK_DEFINITION, name, {"family": name, "containerDefinitions": definitions}, **kw)


def _method_settings(name: str, level: Any, rest_api: Any = UNKNOWN_STRING, **kw: Any) -> CaseResource:
    props = {"restApi": rest_api, "stageName": "prod", "methodPath": "*/*", "settings": {"loggingLevel": level}}
    return res(conv.APIGATEWAY_METHOD_SETTINGS, name, props, **kw)


def _codebuild(resource: str, /, property_dependencies: Any = None, **props: Any) -> CaseResource:
    base = {"serviceRole": "arn:aws:iam::111122223333:role/build", "artifacts": {"type": "NO_ARTIFACTS"}}
    deps = {"property_dependencies": property_dependencies} if property_dependencies else {}
    return res(conv.CODEBUILD_PROJECT, resource, {**base, **props}, **deps)


_LOKI_CONFIG_ON = "compactor:\n  retention_enabled: true\nlimits_config:\n  retention_period: 744h\n"
_LOKI_CONFIG_OFF = "compactor:\n  working_directory: /data\nlimits_config:\n  ingestion_rate_mb: 4\n"

CASES = (
    # log groups
    Case("log-group-14-days", (log_group("orders-app-logs", {"retentionInDays": 14}),)),
    Case(
        "log-group-retention-as-string-and-float",
        (
            *(log_group("as-string", {"retentionInDays": "30"}),),
            *(log_group("as-float", {"retentionInDays": 30.0}),),
        ),
    ),
    Case(
        "log-group-never-expires",
        (log_group("orders-app-logs", {}),),
        violations=(
            Expect(
                "orders-app-logs",
                "LogGroup 'orders-app-logs': retentionInDays is unset (never expires); "
                "expected a finite retention (e.g. 14 days). Fix: set retention_in_days=14",
            ),
        ),
    ),
    Case(
        "log-group-zero-days",
        (log_group("orders-app-logs", {"retentionInDays": 0}),),
        violations=(Expect("orders-app-logs", "retentionInDays is 0 (never expires)"),),
    ),
    Case(
        "log-group-null-retention",
        (log_group("orders-app-logs", {"retentionInDays": None}),),
        violations=(Expect("orders-app-logs", "retentionInDays is unset"),),
    ),
    Case(
        "log-group-retention-unknown",
        (log_group("orders-app-logs", {"retentionInDays": UNKNOWN_NUMBER}),),
        unverifiable=("orders-app-logs",),
    ),
    Case("log-group-delivery-class-is-two-days", (log_group("vended-logs", {"logGroupClass": "DELIVERY"}),)),
    Case(
        "log-group-class-logs-never-expires",
        (log_group("orders-app-logs", {"tags": _LOGS}),),
        violations=(
            Expect(
                "orders-app-logs",
                "LogGroup 'orders-app-logs': retentionInDays is unset (never expires); expected 1..90 "
                "days for class 'logs'. Fix: set retention_in_days=14 or use "
                "finops_components.TelemetryRetention",
            ),
        ),
        note="the one finding for a classed log group kept forever (retention-tier leaves it to this policy)",
    ),
    Case(
        "log-group-class-logs-from-provider-default-tags",
        (log_group("orders-app-logs", {}, provider=aws_provider(default_tags=_LOGS)),),
        violations=(
            Expect(
                "orders-app-logs",
                "expected 1..90 days for class 'logs'. Fix: set retention_in_days=14 "
                "or use finops_components.TelemetryRetention",
            ),
        ),
    ),
    Case(
        "log-group-audit-class-still-expires",
        (log_group("audit-trail", {"tags": _AUDIT}),),
        violations=(
            Expect(
                "audit-trail",
                "a finite retention of at least 2555 days (7 years) for class 'audit'. Fix: set retention_in_days=2557",
            ),
        ),
    ),
    Case(
        "secret-values-are-never-shown",
        (
            log_group(
                "orders-app-logs",
                {
                    "kmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/s3cr3t-key",
                    "tags": {"api-token": "hunter2-super-secret"},
                },
            ),
        ),
        violations=(Expect("orders-app-logs", "retentionInDays is unset"),),
        never_shown=("s3cr3t-key", "hunter2-super-secret"),
    ),
    # log groups AWS creates by itself: Lambda
    Case(
        "lambda-without-its-log-group",
        (lambda_function("orders-fn", {"name": "orders-fn"}),),
        violations=(
            Expect(
                "orders-fn",
                "Function 'orders-fn': log group '/aws/lambda/orders-fn' is created by Lambda (on the function's "
                "first invocation) and never expires: the stack declares no such group; expected an "
                "aws.cloudwatch.LogGroup named '/aws/lambda/orders-fn' with a finite retention, declared before the "
                "service, or loggingConfig.logGroup naming a declared group. Fix: declare "
                'aws.cloudwatch.LogGroup("orders-fn-logs", name="/aws/lambda/orders-fn", retention_in_days=14) and '
                "pass opts=pulumi.ResourceOptions(depends_on=[<that log group>]) to the function",
            ),
        ),
    ),
    Case(
        "lambda-with-its-log-group-by-exact-name",
        (_declared("orders-fn-logs", "/aws/lambda/orders-fn"), lambda_function("orders-fn", {"name": "orders-fn"})),
    ),
    Case(
        "lambda-auto-named-with-a-log-group-computed-from-it",
        (lambda_function("orders-fn"), computed_log_group("orders-fn-logs", "orders-fn")),
        note="offline the auto-name is absent and the group's name unknown; the property dependency matches them",
    ),
    Case(
        "lambda-auto-named-without-a-log-group",
        (lambda_function("orders-fn"),),
        violations=(
            Expect(
                "orders-fn",
                "log group '/aws/lambda/<name of orders-fn>' is created by Lambda (on the function's first "
                "invocation) and never expires: the stack has no log group that is or could be it",
            ),
        ),
        note="whatever name Pulumi generates, no declared group could be it: certain, not unverifiable",
    ),
    Case(
        "lambda-routed-to-a-declared-log-group",
        (
            log_group("orders-logs", _FOURTEEN),
            lambda_function(
                "orders-fn",
                {"loggingConfig": {"logFormat": "JSON", "logGroup": UNKNOWN_STRING}},
                property_dependencies={"loggingConfig": ("orders-logs",)},
            ),
        ),
    ),
    Case(
        "lambda-routed-by-name-to-a-declared-log-group",
        (
            _declared("orders-logs", "/orders/lambda"),
            lambda_function("orders-fn", {"loggingConfig": {"logFormat": "Text", "logGroup": "/orders/lambda"}}),
        ),
    ),
    Case(
        "lambda-routed-to-an-undeclared-log-group",
        (lambda_function("orders-fn", {"loggingConfig": {"logFormat": "Text", "logGroup": "/orders/lambda"}}),),
        violations=(
            Expect(
                "orders-fn",
                "log group '/orders/lambda' is created by Lambda (loggingConfig.logGroup names it) and never expires",
            ),
        ),
    ),
    Case(
        "lambda-routed-to-a-group-named-at-apply",
        (lambda_function("orders-fn", {"loggingConfig": {"logFormat": "Text", "logGroup": UNKNOWN_STRING}}),),
        unverifiable=("orders-fn",),
        note="told to use a group named by something outside the stack (a stack reference, say): never missing",
    ),
    Case(
        "lambda-beside-a-log-group-named-at-apply",
        (
            lambda_function("orders-fn"),
            log_group("shared-logs", {"name": UNKNOWN_STRING, **_FOURTEEN}),
        ),
        unverifiable=("orders-fn",),
    ),
    Case(
        "lambda-auto-named-and-a-declared-name-it-could-have",
        (lambda_function("orders-fn"), _declared("orders-fn-logs", "/aws/lambda/orders-fn-1a2b3c4")),
        unverifiable=("orders-fn",),
    ),
    Case(
        "lambda-log-group-of-another-function-does-not-count",
        (
            lambda_function("orders-fn"),
            lambda_function("billing-fn"),
            computed_log_group("orders-fn-logs", "orders-fn"),
        ),
        violations=(Expect("billing-fn", "log group '/aws/lambda/<name of billing-fn>' is created by Lambda"),),
    ),
    Case(
        "lambda-log-group-declared-without-retention",
        (
            log_group("orders-fn-logs", {"name": "/aws/lambda/orders-fn"}),
            lambda_function("orders-fn", {"name": "orders-fn"}),
        ),
        violations=(Expect("orders-fn-logs", "retentionInDays is unset (never expires)"),),
        note="the function's group is declared: the one finding is the group's own",
    ),
    Case(
        "lambda-name-unknown-and-no-log-group",
        (lambda_function("orders-fn", {"name": UNKNOWN_STRING}, property_dependencies={"name": ("suffix",)}),),
        violations=(Expect("orders-fn", "'/aws/lambda/<name of orders-fn>'"),),
    ),
    Case(
        "lambda-waived",
        (lambda_function("orders-fn", {"name": "orders-fn"}),),
        config=waivers("orders-fn", expires=_FUTURE, ticket="FIN-77", reason="the group moves to the platform stack"),
        waived=("orders-fn",),
    ),
    # RDS and Aurora log exports
    Case(
        "rds-log-exports-without-log-groups",
        (_rds("orders-db", ["postgresql", "upgrade"], identifier="orders-db"),),
        violations=(
            Expect(
                "orders-db",
                "Instance 'orders-db': log group '/aws/rds/instance/orders-db/postgresql' is created by RDS "
                "(enabledCloudwatchLogsExports has 'postgresql') and never expires",
            ),
            Expect("orders-db", "log group '/aws/rds/instance/orders-db/upgrade' is created by RDS"),
        ),
    ),
    Case(
        "rds-log-exports-with-log-groups-by-exact-name",
        (
            _declared("orders-db-postgresql", "/aws/rds/instance/orders-db/postgresql"),
            _declared("orders-db-upgrade", "/aws/rds/instance/orders-db/upgrade"),
            _rds("orders-db", ["postgresql", "upgrade"], identifier="orders-db"),
        ),
    ),
    Case(
        "rds-log-exports-one-of-two-log-groups-declared",
        (
            _declared("orders-db-postgresql", "/aws/rds/instance/orders-db/postgresql"),
            _rds("orders-db", ["postgresql", "upgrade"], identifier="orders-db"),
        ),
        violations=(Expect("orders-db", "log group '/aws/rds/instance/orders-db/upgrade' is created by RDS"),),
    ),
    Case(
        "rds-identifier-in-capitals-matches-its-lowercase-group",
        (
            _declared("orders-db-postgresql", "/aws/rds/instance/orders-db/postgresql"),
            _rds("orders-db", ["postgresql"], identifier="Orders-DB"),
        ),
        note="RDS stores identifiers in lowercase (RDS API Reference, CreateDBInstance DBInstanceIdentifier)",
    ),
    Case(
        "rds-auto-named-with-log-groups-computed-from-it",
        (
            _rds("orders-db", ["postgresql"]),
            computed_log_group("orders-db-postgresql", "orders-db"),
        ),
    ),
    Case(
        "rds-auto-named-without-log-groups",
        (_rds("orders-db", ["postgresql"]),),
        violations=(
            Expect(
                "orders-db",
                "log group '/aws/rds/instance/<identifier of orders-db>/postgresql' is created by RDS",
            ),
            Expect("orders-db", 'Fix: set identifier="orders-db" on the DB instance, then declare'),
        ),
    ),
    Case(
        "rds-log-exports-unknown",
        (_rds("orders-db", UNKNOWN_ARRAY, identifier="orders-db"),),
        unverifiable=("orders-db",),
    ),
    Case(
        "rds-identifier-unknown-beside-a-log-group-named-at-apply",
        (
            _rds("orders-db", ["postgresql"], identifier=UNKNOWN_STRING),
            log_group("db-logs", {"name": UNKNOWN_STRING, **_FOURTEEN}),
        ),
        unverifiable=("orders-db",),
    ),
    Case("rds-without-log-exports", (_rds("orders-db", [], identifier="orders-db"),)),
    Case(
        "aurora-log-exports-without-log-group",
        (_aurora("orders", ["postgresql"], clusterIdentifier="orders"),),
        violations=(
            Expect(
                "orders",
                "Cluster 'orders': log group '/aws/rds/cluster/orders/postgresql' is created by Aurora "
                "(enabledCloudwatchLogsExports has 'postgresql') and never expires",
            ),
        ),
    ),
    Case(
        "aurora-log-exports-with-log-group-by-exact-name",
        (
            _declared("orders-postgresql", "/aws/rds/cluster/orders/postgresql"),
            _aurora("orders", ["postgresql"], clusterIdentifier="orders"),
        ),
    ),
    Case(
        "aurora-identifier-prefix-and-a-declared-name-it-could-have",
        (
            _declared("orders-postgresql", "/aws/rds/cluster/orders-20240101/postgresql"),
            _aurora("orders", ["postgresql"], clusterIdentifierPrefix="orders-"),
        ),
        unverifiable=("orders",),
    ),
    Case(
        "aurora-auto-named-with-log-group-computed-from-it",
        (_aurora("orders", ["postgresql"]), computed_log_group("orders-postgresql", "orders")),
    ),
    # EKS control-plane logging
    Case(
        "eks-control-plane-logging-without-log-group",
        (_eks("platform", ["api", "audit"], name="platform"),),
        violations=(
            Expect(
                "platform",
                "Cluster 'platform': log group '/aws/eks/platform/cluster' is created by EKS (enabledClusterLogTypes "
                'is ["api", "audit"]) and never expires',
            ),
        ),
    ),
    Case(
        "eks-control-plane-logging-with-log-group-by-exact-name",
        (_declared("platform-logs", "/aws/eks/platform/cluster"), _eks("platform", ["api"], name="platform")),
    ),
    Case(
        "eks-auto-named-with-log-group-computed-from-it",
        (_eks("platform", ["api"]), computed_log_group("platform-logs", "platform")),
    ),
    Case(
        "eks-name-unknown-beside-a-log-group-named-at-apply",
        (
            _eks("platform", ["api"], name=UNKNOWN_STRING),
            log_group("cluster-logs", {"name": UNKNOWN_STRING, **_FOURTEEN}),
        ),
        unverifiable=("platform",),
    ),
    Case("eks-without-control-plane-logging", (_eks("platform", [], name="platform"),)),
    Case(
        "eks-log-types-unknown",
        (_eks("platform", UNKNOWN_ARRAY, name="platform"),),
        unverifiable=("platform",),
    ),
    # ECS awslogs with awslogs-create-group
    Case(
        "ecs-awslogs-create-group-without-log-group",
        (_task_definition("web", [{"name": "web", "image": "nginx", "logConfiguration": _awslogs("/ecs/web")}]),),
        violations=(
            Expect(
                "web",
                "TaskDefinition 'web': log group '/ecs/web' is created by ECS "
                "(containerDefinitions[0] ('web').logConfiguration has awslogs-create-group 'true') and never expires",
            ),
        ),
    ),
    Case(
        "ecs-awslogs-create-group-with-log-group-by-exact-name",
        (
            _declared("web-logs", "/ecs/web"),
            _task_definition("web", [{"name": "web", "image": "nginx", "logConfiguration": _awslogs("/ecs/web")}]),
        ),
    ),
    Case(
        "ecs-awslogs-without-create-group-needs-an-existing-group",
        (
            _task_definition(
                "web", [{"name": "web", "image": "nginx", "logConfiguration": _awslogs("/ecs/web", create="false")}]
            ),
        ),
    ),
    Case(
        "ecs-container-definitions-computed-from-a-declared-log-group",
        (
            log_group("web-logs", _FOURTEEN),
            _task_definition("web", UNKNOWN_STRING, property_dependencies={"containerDefinitions": ("web-logs",)}),
        ),
    ),
    Case(
        "ecs-container-definitions-unknown",
        (_task_definition("web", UNKNOWN_STRING),),
        unverifiable=("web",),
    ),
    Case(
        "ecs-service-connect-awslogs-create-group",
        (
            res(
                conv.ECS_SERVICE,
                "web-svc",
                {"serviceConnectConfiguration": {"enabled": True, "logConfiguration": _awslogs("/ecs/connect")}},
            ),
        ),
        violations=(
            Expect(
                "web-svc",
                "log group '/ecs/connect' is created by ECS (serviceConnectConfiguration.logConfiguration has "
                "awslogs-create-group 'true')",
            ),
        ),
    ),
    Case(
        "ecs-service-connect-awslogs-create-group-with-log-group-by-exact-name",
        (
            _declared("connect-logs", "/ecs/connect"),
            res(
                conv.ECS_SERVICE,
                "web-svc",
                {"serviceConnectConfiguration": {"enabled": True, "logConfiguration": _awslogs("/ecs/connect")}},
            ),
        ),
    ),
    # API Gateway execution logging
    Case(
        "api-gateway-execution-logging-without-log-group",
        (_method_settings("all-methods", "INFO", property_dependencies={"restApi": ("orders-api",)}),),
        violations=(
            Expect(
                "all-methods",
                "MethodSettings 'all-methods': log group 'API-Gateway-Execution-Logs_<restApi of all-methods>/prod' "
                "is created by API Gateway (settings.loggingLevel is 'INFO') and never expires",
            ),
        ),
    ),
    Case(
        "api-gateway-execution-log-group-computed-from-the-rest-api",
        (
            res("aws:apigateway/restApi:RestApi", "orders-api", {"name": "orders"}),
            computed_log_group("orders-execution-logs", "orders-api"),
            _method_settings("all-methods", "ERROR", property_dependencies={"restApi": ("orders-api",)}),
        ),
    ),
    Case(
        "api-gateway-execution-log-group-by-exact-name",
        (
            _declared("orders-execution-logs", "API-Gateway-Execution-Logs_a1b2c3d4e5/prod"),
            _method_settings("all-methods", "INFO", rest_api="a1b2c3d4e5"),
        ),
    ),
    Case("api-gateway-execution-logging-off", (_method_settings("all-methods", "OFF"),)),
    Case(
        "api-gateway-logging-level-unknown",
        (_method_settings("all-methods", UNKNOWN_STRING),),
        unverifiable=("all-methods",),
    ),
    # CodeBuild
    Case(
        "codebuild-default-logs-without-log-group",
        (_codebuild("image-build", name="image-build"),),
        violations=(
            Expect(
                "image-build",
                "Project 'image-build': log group '/aws/codebuild/image-build' is created by CodeBuild "
                "(logsConfig.cloudwatchLogs.status is not DISABLED: CloudWatch Logs are on by default) and never "
                "expires",
            ),
        ),
    ),
    Case(
        "codebuild-with-log-group-by-exact-name",
        (_declared("image-build-logs", "/aws/codebuild/image-build"), _codebuild("image-build", name="image-build")),
    ),
    Case(
        "codebuild-auto-named-with-log-group-computed-from-it",
        (_codebuild("image-build"), computed_log_group("image-build-logs", "image-build")),
    ),
    Case(
        "codebuild-routed-to-a-declared-log-group",
        (
            log_group("build-logs", _FOURTEEN),
            _codebuild(
                "image-build",
                logsConfig={"cloudwatchLogs": {"groupName": UNKNOWN_STRING}},
                property_dependencies={"logsConfig": ("build-logs",)},
            ),
        ),
    ),
    Case(
        "codebuild-told-to-use-an-undeclared-group-is-not-judged",
        (_codebuild("image-build", logsConfig={"cloudwatchLogs": {"groupName": "/builds/image"}}),),
        note="AWS documentation does not say CodeBuild creates a group it is told to use",
    ),
    Case(
        "codebuild-cloudwatch-logs-disabled",
        (_codebuild("image-build", logsConfig={"cloudwatchLogs": {"status": "DISABLED"}}),),
    ),
    Case(
        "codebuild-logs-config-unknown",
        (_codebuild("image-build", logsConfig=UNKNOWN_OBJECT),),
        unverifiable=("image-build",),
    ),
    # buckets joined to lifecycle configurations
    Case(
        "logs-bucket-with-lifecycle-joined-by-name",
        (bucket("access-logs", _LOGS), lifecycle("access-logs-expiry", "access-logs", [expiring_rule(90)])),
    ),
    Case(
        "logs-bucket-without-lifecycle",
        (bucket("access-logs", _LOGS),),
        violations=(
            Expect(
                "access-logs",
                "Bucket 'access-logs': lifecycle expiration is missing: objects are kept "
                "forever (no lifecycle rule); expected an enabled lifecycle rule",
            ),
        ),
    ),
    Case("untagged-bucket-needs-no-lifecycle", (bucket("assets"),)),
    Case(
        "bucket-of-unlisted-class-needs-no-lifecycle",
        (bucket("cache", {conv.RETENTION_CLASS_KEY: "logs"}),),
        config={"bucketClasses": ["audit"]},
    ),
    Case(
        "bucket-name-unknown-joined-by-property-dependency",
        (
            res(conv.S3_BUCKET, "access-logs", {"bucket": UNKNOWN_STRING, "tags": _LOGS}),
            lifecycle("access-logs-expiry", "access-logs", [expiring_rule("30")], by_dependency=True),
        ),
    ),
    Case(
        "lifecycle-rule-disabled",
        (
            bucket("access-logs", _LOGS),
            lifecycle("access-logs-expiry", "access-logs", [expiring_rule(30, status="Disabled")], by_dependency=True),
        ),
        violations=(Expect("access-logs", "rule 'expire' is disabled"),),
    ),
    Case(
        "lifecycle-transitions-only",
        (
            bucket("trace-archive", {conv.RETENTION_CLASS_KEY: "traces"}),
            lifecycle(
                "trace-archive-tiering",
                "trace-archive",
                [
                    {
                        "id": "to-glacier",
                        "status": "Enabled",
                        "transitions": [{"days": 30, "storageClass": "GLACIER"}],
                    }
                ],
            ),
        ),
        violations=(Expect("trace-archive", "rule 'to-glacier' only transitions objects"),),
    ),
    Case(
        "lifecycle-rule-covers-a-prefix-only",
        (
            bucket("access-logs", _LOGS),
            lifecycle("access-logs-expiry", "access-logs", [expiring_rule(30, filter={"prefix": "tmp/"})]),
        ),
        violations=(Expect("access-logs", "rule 'expire' covers only prefix 'tmp/'"),),
    ),
    Case(
        "lifecycle-expires-by-date",
        (
            bucket("access-logs", _LOGS),
            lifecycle(
                "access-logs-expiry",
                "access-logs",
                [{"id": "eol", "status": "Enabled", "expiration": {"date": "2030-01-01"}}],
            ),
        ),
    ),
    Case(
        "lifecycle-rules-unknown",
        (bucket("access-logs", _LOGS), lifecycle("access-logs-expiry", "access-logs", UNKNOWN_OBJECT)),
        unverifiable=("access-logs",),
    ),
    Case(
        "lifecycle-bucket-not-attributable-in-preview",
        (
            bucket("access-logs", _LOGS),
            res(conv.S3_LIFECYCLE, "some-expiry", {"bucket": UNKNOWN_STRING, "rules": [expiring_rule(30)]}),
        ),
        unverifiable=("access-logs",),
    ),
    Case(
        "bucket-class-tag-unknown",
        (
            res(
                conv.S3_BUCKET,
                "access-logs",
                {"bucket": "access-logs", "tags": {conv.RETENTION_CLASS_KEY: UNKNOWN_STRING}},
            ),
        ),
        unverifiable=("access-logs",),
    ),
    Case(
        "bucket-class-from-provider-default-tags",
        (
            res(
                conv.S3_BUCKET,
                "traces",
                {"bucket": "traces"},
                provider=aws_provider(default_tags={conv.RETENTION_CLASS_KEY: "traces"}),
            ),
        ),
        violations=(
            Expect(
                "traces",
                "expected an enabled lifecycle rule covering the whole bucket that expires "
                "objects: 1..30 days for class 'traces'",
            ),
        ),
    ),
    Case(
        "versioned-bucket-without-noncurrent-expiration",
        (
            bucket("access-logs", _LOGS, versioning={"enabled": True}),
            lifecycle("access-logs-expiry", "access-logs", [expiring_rule(30)]),
        ),
        violations=(Expect("access-logs", "lifecycle noncurrentVersionExpiration is missing on a versioned bucket"),),
    ),
    Case(
        "versioned-bucket-with-noncurrent-expiration-via-versioning-resource",
        (
            bucket("access-logs", _LOGS),
            res(
                conv.S3_VERSIONING,
                "access-logs-versioning",
                {"bucket": "access-logs", "versioningConfiguration": {"status": "Enabled"}},
            ),
            lifecycle(
                "access-logs-expiry",
                "access-logs",
                [expiring_rule(30, noncurrentVersionExpiration={"noncurrentDays": 7})],
            ),
        ),
    ),
    Case(
        "newer-noncurrent-versions-are-kept-forever",
        (
            bucket("access-logs", _LOGS, versioning={"enabled": True}),
            lifecycle(
                "access-logs-expiry",
                "access-logs",
                [expiring_rule(30, noncurrentVersionExpiration={"noncurrentDays": 7, "newerNoncurrentVersions": 3})],
            ),
        ),
        violations=(
            Expect(
                "access-logs",
                "lifecycle noncurrentVersionExpiration does not expire every noncurrent version: rule 'expire' keeps "
                "the 3 newest noncurrent versions of each object with no time limit (newerNoncurrentVersions)",
            ),
        ),
        note="S3 API NoncurrentVersionExpiration: NewerNoncurrentVersions is how many noncurrent versions S3 retains",
    ),
    Case(
        "newer-noncurrent-versions-with-a-rule-that-expires-them-all",
        (
            bucket("access-logs", _LOGS, versioning={"enabled": True}),
            lifecycle(
                "access-logs-expiry",
                "access-logs",
                [
                    expiring_rule(30, noncurrentVersionExpiration={"noncurrentDays": 7, "newerNoncurrentVersions": 3}),
                    {"id": "old-versions", "status": "Enabled", "noncurrentVersionExpiration": {"noncurrentDays": 90}},
                ],
            ),
        ),
    ),
    Case(
        "newer-noncurrent-versions-unknown",
        (
            bucket("access-logs", _LOGS, versioning={"enabled": True}),
            lifecycle(
                "access-logs-expiry",
                "access-logs",
                [
                    expiring_rule(
                        30, noncurrentVersionExpiration={"noncurrentDays": 7, "newerNoncurrentVersions": UNKNOWN_NUMBER}
                    )
                ],
            ),
        ),
        unverifiable=("access-logs",),
    ),
    Case(
        "versioning-resource-without-noncurrent-expiration",
        (
            bucket("access-logs", _LOGS),
            res(
                conv.S3_VERSIONING_V2,
                "access-logs-versioning",
                {"bucket": UNKNOWN_STRING, "versioningConfiguration": {"status": "Enabled"}},
                property_dependencies={"bucket": ("access-logs",)},
            ),
            lifecycle("access-logs-expiry", "access-logs", [expiring_rule(30)]),
        ),
        violations=(Expect("access-logs", "noncurrentVersionExpiration is missing"),),
    ),
    Case(
        "inline-lifecycle-rules-on-bucket",
        (bucket("access-logs", _LOGS, lifecycleRules=[{"enabled": True, "expiration": {"days": 60.0}}]),),
    ),
    Case(
        "inline-lifecycle-rule-disabled-on-bucket",
        (
            bucket(
                "access-logs",
                _LOGS,
                lifecycleRules=[{"id": "old", "enabled": False, "expiration": {"days": 60}}],
            ),
        ),
        violations=(Expect("access-logs", "rule 'old' is disabled"),),
    ),
    Case(
        "inline-list-shaped-lifecycle-on-bucket-v2",
        (
            res(
                conv.S3_BUCKET_V2,
                "access-logs",
                {
                    "bucket": "access-logs",
                    "tags": _LOGS,
                    "versionings": [{"enabled": True}],
                    "lifecycleRules": [
                        {
                            "enabled": True,
                            "expirations": [{"days": 30}],
                            "noncurrentVersionExpirations": [{"days": 7}],
                        }
                    ],
                },
            ),
        ),
    ),
    Case(
        "inline-list-shaped-lifecycle-without-expiration-on-bucket-v2",
        (
            res(
                conv.S3_BUCKET_V2,
                "access-logs",
                {
                    "bucket": "access-logs",
                    "tags": _LOGS,
                    "lifecycleRules": [
                        {"id": "abort-uploads", "enabled": True, "abortIncompleteMultipartUploadDays": 7}
                    ],
                },
            ),
        ),
        violations=(Expect("access-logs", "rule 'abort-uploads' has no expiration"),),
    ),
    Case(
        "audit-bucket-with-object-lock-needs-noncurrent-expiration",
        (
            bucket("audit-evidence", _AUDIT, objectLockEnabled=True),
            lifecycle("audit-evidence-expiry", "audit-evidence", [expiring_rule(2600)]),
        ),
        violations=(Expect("audit-evidence", "noncurrentVersionExpiration is missing on a versioned bucket"),),
    ),
    Case(
        "audit-bucket-without-lifecycle",
        (bucket("audit-evidence", _AUDIT, objectLockEnabled=True),),
        violations=(Expect("audit-evidence", "expires objects: at least 2555 days (7 years) for class 'audit'"),),
    ),
    # ECR
    Case(
        "ecr-repository-with-expiring-policy",
        (
            res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),
            _ecr_policy("orders-images", "orders", _EXPIRE_IMAGES),
        ),
    ),
    Case(
        "ecr-policy-as-object-joined-by-dependency",
        (
            res(conv.ECR_REPOSITORY, "orders", {"name": UNKNOWN_STRING}),
            _ecr_policy(
                "orders-images",
                UNKNOWN_STRING,
                json.loads(_EXPIRE_IMAGES),
                property_dependencies={"repository": ("orders",)},
            ),
        ),
    ),
    Case(
        "ecr-repository-without-policy",
        (res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),),
        violations=(Expect("orders", "Repository 'orders': lifecycle policy is missing (images are kept forever)"),),
    ),
    Case(
        "ecr-policy-only-transitions",
        (
            res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),
            _ecr_policy("orders-images", "orders", _ARCHIVE_IMAGES),
        ),
        violations=(
            Expect(
                "orders",
                "does not expire every image: rule 1 selects every image and only transitions them to the archive "
                "storage class, where no rule expires them",
            ),
        ),
    ),
    Case(
        "ecr-archived-images-expired-by-an-archive-rule",
        (
            res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),
            _ecr_policy(
                "orders-images", "orders", _ecr_rules(_ARCHIVE_RULE, _ecr_rule(2, "any", storageClass="archive"))
            ),
        ),
    ),
    Case(
        "ecr-expire-rule-for-some-tags-only",
        (
            res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),
            _ecr_policy("orders-images", "orders", _ecr_rules(_ecr_rule(1, "tagged", tagPatternList=["tmp-*"]))),
        ),
        violations=(
            Expect(
                "orders",
                "does not expire every image: no rule selects untagged images; images with other tags are selected "
                "by no rule (its rules select only images tagged 'tmp-*') (those images are kept forever)",
            ),
        ),
        note="ECR User Guide: a tagged rule selects only images with all the listed tags",
    ),
    Case(
        "ecr-untagged-and-prefixed-tags-leave-other-tags",
        (
            res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),
            _ecr_policy(
                "orders-images",
                "orders",
                _ecr_rules(_ecr_rule(1, "untagged"), _ecr_rule(2, "tagged", tagPrefixList=["v"])),
            ),
        ),
        violations=(
            Expect(
                "orders", "images with other tags are selected by no rule (its rules select only images tagged 'v*')"
            ),
        ),
    ),
    Case(
        "ecr-untagged-and-every-tag-cover-everything",
        (
            res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),
            _ecr_policy(
                "orders-images",
                "orders",
                _ecr_rules(
                    _ecr_rule(1, "tagged", tagPrefixList=["v"], countType="imageCountMoreThan", countNumber=30),
                    _ecr_rule(2, "untagged"),
                    _ecr_rule(3, "tagged", tagPatternList=["*"]),
                ),
            ),
        ),
    ),
    Case(
        "ecr-a-transition-before-an-any-rule-keeps-those-images",
        (
            res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),
            _ecr_policy(
                "orders-images",
                "orders",
                _ecr_rules(_ecr_rule(1, "tagged", "transition", tagPrefixList=["release-"]), _ecr_rule(2, "any")),
            ),
        ),
        violations=(
            Expect(
                "orders",
                "rule 1 selects images tagged 'release-*' and only transitions them to the archive storage class",
            ),
        ),
        note="an image matching a higher-priority rule cannot be expired by a lower-priority one",
    ),
    Case(
        "ecr-rule-selection-unknown",
        (
            res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),
            _ecr_policy(
                "orders-images",
                "orders",
                {
                    "rules": [
                        {"rulePriority": 1, "selection": {"tagStatus": UNKNOWN_STRING}, "action": {"type": "expire"}}
                    ]
                },
            ),
        ),
        unverifiable=("orders",),
    ),
    Case(
        "ecr-policy-unknown",
        (
            res(conv.ECR_REPOSITORY, "orders", {"name": "orders"}),
            _ecr_policy("orders-images", "orders", UNKNOWN_STRING),
        ),
        unverifiable=("orders",),
    ),
    # AWS Backup
    Case(
        "backup-plan-deletes-recovery-points",
        one(
            conv.BACKUP_PLAN,
            "nightly",
            {
                "rules": [
                    {
                        "ruleName": "daily",
                        "targetVaultName": "main",
                        "lifecycle": {"deleteAfter": 35},
                        "copyActions": [
                            {
                                "destinationVaultArn": "arn:aws:backup:us-west-2:1:backup-vault:dr",
                                "lifecycle": {"deleteAfter": 35.0},
                            }
                        ],
                    }
                ]
            },
            provider=AWS,
        ),
    ),
    Case(
        "backup-plan-rule-without-delete-after",
        one(
            conv.BACKUP_PLAN,
            "nightly",
            {"rules": [{"ruleName": "daily", "targetVaultName": "main", "lifecycle": {"coldStorageAfter": 30}}]},
            provider=AWS,
        ),
        violations=(
            Expect(
                "nightly",
                "rules[0].lifecycle.deleteAfter is unset on rule 'daily' (recovery points are kept forever)",
            ),
        ),
    ),
    Case(
        "backup-plan-copy-action-without-lifecycle",
        one(
            conv.BACKUP_PLAN,
            "nightly",
            {
                "rules": [
                    {
                        "ruleName": "daily",
                        "targetVaultName": "main",
                        "lifecycle": {"deleteAfter": 35},
                        "copyActions": [{"destinationVaultArn": "arn:aws:backup:us-west-2:1:backup-vault:dr"}],
                    }
                ]
            },
            provider=AWS,
        ),
        violations=(Expect("nightly", "rules[0].copyActions[0].lifecycle.deleteAfter is unset"),),
    ),
    Case(
        "backup-plan-delete-after-unknown",
        one(
            conv.BACKUP_PLAN,
            "nightly",
            {
                "rules": [
                    {
                        "ruleName": "daily",
                        "targetVaultName": "main",
                        "lifecycle": {"deleteAfter": UNKNOWN_NUMBER},
                    }
                ]
            },
            provider=AWS,
        ),
        unverifiable=("nightly",),
    ),
    # Kafka
    Case(
        "msk-topic-with-finite-retention",
        one(
            conv.MSK_TOPIC,
            "orders-events",
            {"configs": json.dumps({"retention.ms": "604800000"})},
            provider=AWS,
        ),
    ),
    Case(
        "msk-topic-inherits-broker-retention",
        one(conv.MSK_TOPIC, "orders-events", {"partitionCount": 3}, provider=AWS),
    ),
    Case(
        "msk-topic-retention-forever",
        one(conv.MSK_TOPIC, "orders-events", {"configs": json.dumps({"retention.ms": "-1"})}, provider=AWS),
        violations=(Expect("orders-events", "configs['retention.ms'] is -1 (never deleted)"),),
    ),
    Case(
        "msk-topic-configs-unknown",
        one(conv.MSK_TOPIC, "orders-events", {"configs": UNKNOWN_STRING}, provider=AWS),
        unverifiable=("orders-events",),
    ),
    Case(
        "kafka-topic-retention-forever",
        one(conv.KAFKA_TOPIC, "payments", {"config": {"retention.ms": -1, "cleanup.policy": "delete"}}),
        violations=(Expect("payments", "config['retention.ms'] is -1 (never deleted)"),),
    ),
    Case(
        "msk-configuration-broker-retention-forever",
        one(
            conv.MSK_CONFIGURATION,
            "brokers",
            {"serverProperties": "auto.create.topics.enable=false\nlog.retention.ms=-1\nlog.retention.hours=168\n"},
            provider=AWS,
        ),
        violations=(Expect("brokers", "serverProperties log.retention.ms is -1 (never deleted)"),),
    ),
    Case(
        "msk-configuration-finite-broker-retention",
        one(
            conv.MSK_CONFIGURATION,
            "brokers",
            {"serverProperties": "# a week\nlog.retention.hours = 168\n"},
            provider=AWS,
        ),
    ),
    # self-hosted telemetry
    Case(
        "kube-prometheus-stack-with-retention",
        (
            _helm(
                "monitoring",
                "kube-prometheus-stack",
                {"prometheus": {"prometheusSpec": {"retention": "15d", "retentionSize": "40GB"}}},
            ),
        ),
    ),
    Case(
        "kube-prometheus-stack-without-retention",
        (_helm("monitoring", "kube-prometheus-stack", {}),),
        violations=(
            Expect(
                "monitoring",
                "values.prometheus.prometheusSpec.retention is unset (retention left to the chart's default)",
            ),
        ),
    ),
    Case(
        "implicit-telemetry-retention-allowed",
        (_helm("monitoring", "kube-prometheus-stack", {}),),
        config={"allowImplicitTelemetryRetention": True},
    ),
    Case(
        "helm-values-unknown",
        (_helm("monitoring", "prometheus", UNKNOWN_OBJECT),),
        unverifiable=("monitoring",),
    ),
    Case(
        "helm-values-in-yaml-files-cannot-be-read",
        (_helm("monitoring", "prometheus-community/prometheus", {}, valueYamlFiles=[{"path": "values.yaml"}]),),
        unverifiable=("monitoring",),
    ),
    Case(
        "loki-without-retention",
        (_helm("logs", "grafana/loki", {"loki": {"auth_enabled": False}}),),
        violations=(Expect("logs", "values.loki.compactor.retention_enabled is unset (Loki keeps logs forever"),),
    ),
    Case(
        "loki-retention-disabled",
        (_helm("logs", "loki", {"loki": {"compactor": {"retention_enabled": False}}}),),
        violations=(Expect("logs", "values.loki.compactor.retention_enabled is false (Loki keeps logs forever)"),),
    ),
    Case(
        "loki-retention-without-period",
        (_helm("logs", "loki", {"loki": {"compactor": {"retention_enabled": True}}}),),
        violations=(Expect("logs", "values.loki.limits_config.retention_period is unset"),),
    ),
    Case(
        "loki-with-retention",
        (
            _helm(
                "logs",
                "loki",
                {
                    "loki": {
                        "compactor": {"retention_enabled": True, "delete_request_store": "s3"},
                        "limits_config": {"retention_period": "744h"},
                    }
                },
            ),
        ),
    ),
    Case(
        "tempo-distributed-with-block-retention",
        (
            _helm(
                "traces",
                "tempo-distributed",
                {"compactor": {"config": {"compaction": {"block_retention": "48h"}}}},
            ),
        ),
    ),
    Case(
        "prometheus-operator-cr-without-retention",
        (res(conv.K8S_PROMETHEUS_CR, "main", {"spec": {"replicas": 2}}),),
        violations=(Expect("main", "spec.retention is unset"),),
    ),
    Case(
        "prometheus-operator-cr-with-retention",
        (res(conv.K8S_PROMETHEUS_CR, "main", {"spec": {"retention": "7d"}}),),
    ),
    Case(
        "prometheus-container-args",
        (
            _pod_workload(
                conv.K8S_STATEFULSET,
                "prometheus",
                [
                    {
                        "name": "prometheus",
                        "image": "quay.io/prometheus/prometheus:v2.53.0",
                        "args": [
                            "--config.file=/etc/prometheus/prometheus.yml",
                            "--storage.tsdb.retention.time=15d",
                        ],
                    }
                ],
            ),
        ),
    ),
    Case(
        "prometheus-container-without-retention-flag",
        (
            _pod_workload(
                conv.K8S_DEPLOYMENT,
                "prometheus",
                [
                    {
                        "name": "prometheus",
                        "image": "prom/prometheus:v2.53.0",
                        "args": ["--config.file=/etc/prometheus/prometheus.yml"],
                    }
                ],
            ),
        ),
        violations=(
            Expect("prometheus", "spec.template.spec.containers[0].args --storage.tsdb.retention.time is unset"),
        ),
    ),
    Case(
        "loki-container-config-from-configmap",
        (
            res(
                conv.K8S_CONFIGMAP,
                "loki-config",
                {"metadata": {"name": "loki-config"}, "data": {"loki.yaml": _LOKI_CONFIG_ON}},
            ),
            _pod_workload(
                conv.K8S_STATEFULSET,
                "loki",
                [
                    {
                        "name": "loki",
                        "image": "grafana/loki:3.1.0",
                        "args": ["-config.file=/etc/loki/loki.yaml"],
                    }
                ],
                [{"name": "config", "configMap": {"name": "loki-config"}}],
            ),
        ),
    ),
    Case(
        "loki-container-config-without-retention",
        (
            res(
                conv.K8S_CONFIGMAP,
                "loki-config",
                {"metadata": {"name": "loki-config"}, "data": {"loki.yaml": _LOKI_CONFIG_OFF}},
            ),
            _pod_workload(
                conv.K8S_STATEFULSET,
                "loki",
                [
                    {
                        "name": "loki",
                        "image": "grafana/loki:3.1.0",
                        "args": ["-config.file=/etc/loki/loki.yaml"],
                    }
                ],
                [{"name": "config", "configMap": {"name": "loki-config"}}],
            ),
        ),
        violations=(
            Expect(
                "loki",
                "spec.template.spec.containers[0] Loki config compactor.retention_enabled "
                "is unset (Loki keeps logs forever",
            ),
        ),
    ),
    Case(
        "loki-container-config-not-in-stack",
        (
            _pod_workload(
                conv.K8S_STATEFULSET,
                "loki",
                [
                    {
                        "name": "loki",
                        "image": "grafana/loki:3.1.0",
                        "args": ["-config.file=/etc/loki/loki.yaml"],
                    }
                ],
                [{"name": "config", "configMap": {"name": "loki-config"}}],
            ),
        ),
        unverifiable=("loki",),
    ),
    Case(
        "non-telemetry-workload-is-ignored",
        (_pod_workload(conv.K8S_DEPLOYMENT, "api", [{"name": "api", "image": "ghcr.io/acme/api:1.2.3"}]),),
    ),
    # waivers
    Case(
        "waiver-valid",
        (log_group("legacy-logs", {}),),
        config=waivers("legacy-logs", expires=_FUTURE, ticket="FIN-123", reason="export to the archive first"),
        waived=("legacy-logs",),
    ),
    Case(
        "waiver-expired",
        (log_group("legacy-logs", {}),),
        config=waivers("legacy-logs", expires=_PAST, ticket="FIN-123"),
        violations=(Expect("legacy-logs", f"not waived: waiver 'FIN-123' expired on {_PAST}"),),
    ),
    Case(
        "waiver-malformed",
        (log_group("legacy-logs", {}),),
        # no approver, no reason, and a ticket that is not one
        config={"waivers": [{"resources": ["legacy-logs"], "ticket": "see slack", "expires": _FUTURE}]},
        violations=(Expect("legacy-logs", "not waived: waiver 'see slack' ticket 'see slack' does not match"),),
    ),
)
