"""CloudWatch Logs facts shared by the pack and the components: the retention a log group gets for a
requested number of days inside a class's bounds, and the names of the log groups AWS services
create by themselves.

CloudWatch Logs accepts only the values in `conventions.CLOUDWATCH_RETENTION_DAYS`, so a wanted
retention must be snapped to one of them. The components (building a log group from a contract)
and the pack (suggesting the fix for one) both snap here, so the fix the pack prints is exactly
the value the component would set.

The rule rounds *up*: a requested retention is the minimum the team needs (a contract's
`logRetentionDays`, a class's suggested days), and deleting data sooner than asked would break
that; a few more days cost little. It never goes past the class's maximum (that bound is the cost
promise a policy enforces): when no accepted value lies between the request and the maximum, it
is the largest accepted value inside the class. It never goes below the class's minimum.

A service that writes to a log group nobody declared creates it with no retention, so it is kept
forever; the `*_log_group` functions name those groups, so the pack can look for them in a stack
and the components can declare them (with a retention) before the service writes.
"""

from __future__ import annotations

from . import conventions as conv


def cloudwatch_retention_days(requested: float, bounds: conv.RetentionBounds | None = None) -> int | None:
    """The accepted retention (days) for `requested` days inside `bounds`, or None when there is none.

    None when no accepted value lies inside the bounds, or when `requested` is above every accepted
    value and the class has no maximum or has a minimum (shortening it would break a promise).
    """
    accepted = [days for days in conv.CLOUDWATCH_RETENTION_DAYS if bounds is None or bounds.admits(days)]
    at_least = [days for days in accepted if days >= requested]
    if at_least:
        return min(at_least)
    if not accepted or bounds is None or bounds.max_days is None or bounds.min_days is not None:
        return None
    return max(accepted)


# --- log groups AWS services create by themselves ---------------------------------------------
# One owner per name: the pack (which group a service will create) and the components (which group
# they declare before the service) both build the names here, each beside the AWS document saying so.


def lambda_log_group(function_name: str) -> str:
    """The group Lambda writes a function's logs to unless `loggingConfig.logGroup` says otherwise."""
    # Lambda Developer Guide, "Configuring CloudWatch log groups": CloudWatch creates /aws/lambda/<function name>.
    return f"/aws/lambda/{function_name}"


def rds_instance_log_group(identifier: str, log_type: str) -> str:
    """The group an RDS DB instance exports one log type to (`enabledCloudwatchLogsExports`)."""
    # RDS User Guide, "Publishing database logs to Amazon CloudWatch Logs": /aws/rds/instance/instance_name/log_type.
    return f"/aws/rds/instance/{identifier}/{log_type}"


def rds_cluster_log_group(cluster_identifier: str, log_type: str) -> str:
    """The group an Aurora (or Multi-AZ) DB cluster exports one log type to."""
    # Aurora User Guide, "Publishing Aurora PostgreSQL logs to CloudWatch Logs": /aws/rds/cluster/<name>/<log type>.
    return f"/aws/rds/cluster/{cluster_identifier}/{log_type}"


def eks_cluster_log_group(cluster_name: str) -> str:
    """The group an EKS cluster sends its control-plane logs to (`enabledClusterLogTypes`)."""
    # EKS User Guide, "Send control plane logs to CloudWatch Logs": group name format /aws/eks/my-cluster/cluster.
    return f"/aws/eks/{cluster_name}/cluster"


def api_gateway_execution_log_group(rest_api_id: str, stage_name: str) -> str:
    """The group API Gateway creates for a REST API stage's execution logs."""
    # API Gateway Developer Guide, "Execution logging for REST APIs": API-Gateway-Execution-Logs_{rest-api-id}/{stage}.
    return f"API-Gateway-Execution-Logs_{rest_api_id}/{stage_name}"


def codebuild_log_group(project_name: str) -> str:
    """The group CodeBuild writes a project's build logs to when `logsConfig` names none."""
    # CodeBuild User Guide, "View summarized build information": project X logs to group /aws/codebuild/X.
    return f"/aws/codebuild/{project_name}"
