"""Pricing rules for AWS resource types: one function per type, reading inputs through the view.

Facts the rules rest on (each from the AWS documentation named beside it) are constants here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from .. import conventions as conv
from ..values import UNKNOWN, as_list, as_mapping, as_number, is_absent, is_unknown
from .context import Pricing, number_input
from .model import QuantitySource

Declared = tuple[float, QuantitySource]

#: Amazon EBS User Guide, gp3: a baseline of 3,000 IOPS and 125 MiB/s is included in the storage price.
GP3_FREE_IOPS: Final = 3000
GP3_FREE_THROUGHPUT: Final = 125
#: EC2 CreateVolume API: VolumeType defaults to gp2.
EBS_DEFAULT_TYPE: Final = "gp2"
#: RDS CreateDBInstance API: StorageType defaults to gp2 (io1 when Iops is given).
RDS_DEFAULT_STORAGE: Final = "gp2"
#: Lambda CreateFunction API: MemorySize defaults to 128 MB; Architectures defaults to x86_64.
LAMBDA_DEFAULT_MEMORY_MB: Final = 128
#: EKS CreateNodegroup API: instanceTypes defaults to t3.medium.
EKS_NODEGROUP_DEFAULT_TYPE: Final = "t3.medium"
#: ELB CreateLoadBalancer API (v2): Type defaults to application.
LB_DEFAULT_TYPE: Final = "application"
#: CloudWatch Logs: never-expiring groups keep data forever; a month has 730/24 days.
DAYS_PER_MONTH: Final = 730 / 24

Rule = Callable[[Pricing], None]


def _text(p: Pricing, *path: str | int) -> str | None:
    value = p.resource.get(*path)
    return value if isinstance(value, str) and value and not is_unknown(value) else None


def _count(p: Pricing, what: str, *path: str, default: float = 1.0) -> float | None:
    value = number_input(p.resource, *path)
    if value is UNKNOWN:
        p.unknown(what, f"{'.'.join(path)}")
        return None
    return default if value is None else float(value)


def ec2_instance(p: Pricing) -> None:
    kind = p.resource.get("instanceType")
    if is_unknown(kind):
        p.unknown("Instance usage", "instanceType")
        return
    if not isinstance(kind, str):
        p.unpriced.append("unpriced: instanceType is not set")
        return
    p.hours(f"Instance usage (Linux/UNIX, on-demand, {kind})", "ec2", f"instance/{kind}")
    root = as_mapping(p.resource.get("rootBlockDevice")) or {}
    size = as_number(root.get("volumeSize"))
    if size:
        kind_ = root.get("volumeType") if isinstance(root.get("volumeType"), str) else EBS_DEFAULT_TYPE
        p.line(f"Root volume ({kind_})", "ebs", f"storage/{kind_}", size, "input")
    else:
        p.unpriced.append("unpriced: the root volume's size comes from the AMI (set rootBlockDevice.volumeSize)")


def ebs_volume(p: Pricing) -> None:
    kind = _text(p, "type") or EBS_DEFAULT_TYPE
    source = "input" if _text(p, "type") else "default"
    size = number_input(p.resource, "size")
    if size is UNKNOWN:
        p.unknown(f"Storage ({kind})", "size")
        return
    if size is None:
        p.unpriced.append("unpriced: size is not set (a volume from a snapshot takes the snapshot's size)")
        return
    p.line(
        f"Storage ({kind})",
        "ebs",
        f"storage/{kind}",
        float(size),
        "input",
        note="" if source == "input" else "type defaults to gp2",
    )
    iops = as_number(p.resource.get("iops"))
    if kind == "gp3":
        if iops and iops > GP3_FREE_IOPS:
            p.line("Provisioned IOPS (above 3,000)", "ebs", "iops/gp3", iops - GP3_FREE_IOPS, "input")
        throughput = as_number(p.resource.get("throughput"))
        if throughput and throughput > GP3_FREE_THROUGHPUT:
            p.line(
                "Provisioned throughput (above 125 MiB/s)",
                "ebs",
                "throughput/gp3",
                throughput - GP3_FREE_THROUGHPUT,
                "input",
            )
    elif kind in ("io1", "io2") and iops:
        p.line("Provisioned IOPS", "ebs", f"iops/{kind}", iops, "input")


def _engine(p: Pricing) -> str | None:
    return _text(p, "engine")


def rds_instance(p: Pricing) -> None:
    engine = _engine(p)
    klass = p.resource.get("instanceClass")
    if is_unknown(klass):
        p.unknown("Database instance", "instanceClass")
        return
    if not isinstance(klass, str) or engine is None:
        p.unpriced.append("unpriced: engine or instanceClass is not set")
        return
    multi = p.resource.get("multiAz") is True
    option = "multi-az" if multi else "single-az"
    if engine.startswith("aurora"):
        p.unpriced.append("unpriced: an Aurora engine on aws.rds.Instance; Aurora instances are rds.ClusterInstance")
        return
    p.hours(
        f"Database instance (on-demand, {'Multi-AZ' if multi else 'Single-AZ'}, {klass})",
        "rds",
        f"instance/{engine}/{klass}/{option}",
    )
    storage = number_input(p.resource, "allocatedStorage")
    if storage is UNKNOWN:
        p.unknown("Storage", "allocatedStorage")
        return
    iops = as_number(p.resource.get("iops"))
    kind = _text(p, "storageType") or ("io1" if iops else RDS_DEFAULT_STORAGE)
    if storage:
        suffix = "/multi-az" if multi and kind in ("gp2", "gp3") else ""
        p.line(
            f"Storage ({kind})",
            "rds",
            f"storage/{kind}{suffix}",
            float(storage),
            "input",
            note="" if _text(p, "storageType") else f"storageType defaults to {kind}",
        )
    if kind == "io1" and iops:
        p.line("Provisioned IOPS", "rds", "iops/io1", iops, "input")


def rds_cluster_instance(p: Pricing) -> None:
    engine = _engine(p) or _cluster_engine(p)
    klass = p.resource.get("instanceClass")
    if is_unknown(klass):
        p.unknown("Database instance", "instanceClass")
        return
    if not isinstance(klass, str) or engine is None:
        p.unpriced.append("unpriced: engine or instanceClass is not known")
        return
    if klass == "db.serverless":
        p.unpriced.append("unpriced: Aurora Serverless v2 capacity (ACU-hours) is not declared")
        return
    p.hours(f"Database instance (on-demand, {klass})", "aurora", f"instance/{engine}/{klass}")


def _cluster_engine(p: Pricing) -> str | None:
    for dep in p.ctx.stack.resolve(p.resource.property_dependencies.get("clusterIdentifier", ())):
        engine = dep.get("engine")
        if isinstance(engine, str) and not is_unknown(engine):
            return engine
    return None


def rds_cluster(p: Pricing) -> None:
    engine = _engine(p) or ""
    if not engine.startswith("aurora"):
        p.unpriced.append(f"unpriced: Multi-AZ DB cluster engine {engine or 'unset'} has no pricing rule")
        return
    p.usage_line("Storage", "aurora", "storage", p.declared("storageGb"))
    p.usage_line("I/O requests", "aurora", "io-requests", p.declared("ioRequests"), scale=1e-6)


def elasticache_cluster(p: Pricing) -> None:
    node = p.resource.get("nodeType")
    engine = _text(p, "engine") or "redis"
    if is_unknown(node):
        p.unknown("Cache nodes", "nodeType")
        return
    if not isinstance(node, str):
        p.unpriced.append("unpriced: nodeType is not set")
        return
    count = _count(p, "Cache nodes", "numCacheNodes")
    if count is not None:
        p.hours(f"ElastiCache (on-demand, {node})", "elasticache", f"node/{engine}/{node}", count)


def elasticache_replication_group(p: Pricing) -> None:
    node = p.resource.get("nodeType")
    engine = _text(p, "engine") or "redis"
    if is_unknown(node) or not isinstance(node, str):
        p.unknown("Cache nodes", "nodeType") if is_unknown(node) else p.unpriced.append("unpriced: nodeType is not set")
        return
    groups = as_number(p.resource.get("numNodeGroups"))
    replicas = as_number(p.resource.get("replicasPerNodeGroup"))
    clusters = as_number(p.resource.get("numCacheClusters")) or 1
    count = groups * (1 + (replicas or 0)) if groups is not None else clusters
    p.hours(
        f"ElastiCache (on-demand, {node})",
        "elasticache",
        f"node/{'redis' if engine == 'valkey' else engine}/{node}",
        count,
    )


def nat_gateway(p: Pricing) -> None:
    p.hours("NAT gateway", "vpc", "nat-gateway/hours")
    p.usage_line("Data processed", "vpc", "nat-gateway/data-processed", p.declared("dataProcessedGb"))


def load_balancer(p: Pricing) -> None:
    kind = _text(p, "loadBalancerType") or LB_DEFAULT_TYPE
    if kind not in ("application", "network"):
        p.unpriced.append(f"unpriced: {kind} load balancers have no pricing rule")
        return
    p.hours(f"{kind.capitalize()} load balancer", "elb", f"{kind}/hours")
    declared = p.declared("lcu")
    p.usage_line(
        "Load balancer capacity units",
        "elb",
        f"{kind}/lcu-hours",
        declared,
        scale=p.ctx.catalog.hours_per_month,
        note="average LCUs × 730 hours" if declared else "",
    )


def classic_load_balancer(p: Pricing) -> None:
    p.hours("Classic load balancer", "elb", "classic/hours")
    p.usage_line("Data processed", "elb", "classic/data-processed", p.declared("dataProcessedGb"))


def eks_cluster(p: Pricing) -> None:
    p.hours(
        "EKS cluster (standard support)",
        "eks",
        "cluster/hours",
        note="a Kubernetes version in extended support costs $0.60/h instead",
    )


def eks_node_group(p: Pricing) -> None:
    types = as_list(p.resource.get("instanceTypes"))
    if is_unknown(p.resource.get("instanceTypes")):
        p.unknown("Nodes", "instanceTypes")
        return
    kind = types[0] if types and isinstance(types[0], str) else EKS_NODEGROUP_DEFAULT_TYPE
    low, high, source = _scaling(p, "scalingConfig", "minSize", "maxSize", "desiredSize")
    if low is None:
        return
    p.replicas = (low, high if high is not None else low)
    note = "" if types else "instanceTypes defaults to t3.medium"
    p.hours(
        f"Nodes (Linux/UNIX, on-demand, {kind})", "ec2", f"instance/{kind}", low, high=high, source=source, note=note
    )


def _scaling(
    p: Pricing, block: str, lo: str, hi: str, desired: str
) -> tuple[float | None, float | None, QuantitySource]:
    cfg = p.resource.get(block)
    if is_unknown(cfg):
        p.unknown("Nodes", block)
        return None, None, "unknown"
    cfg = as_mapping(cfg) or {}
    low = as_number(cfg.get(lo))
    high = as_number(cfg.get(hi))
    if low is None:
        low = as_number(cfg.get(desired))
    if low is None:
        p.unpriced.append(f"unpriced: {block}.{lo} is not known")
        return None, None, "unknown"
    return low, high if high is not None else low, "input"


def autoscaling_group(p: Pricing) -> None:
    low = as_number(p.resource.get("minSize"))
    high = as_number(p.resource.get("maxSize"))
    if low is not None and high is not None:
        p.replicas = (low, high)
    kind = _launch_template_type(p)
    if kind is None:
        return
    if low is None or high is None:
        p.unknown("Instances", "minSize/maxSize")
        return
    p.hours(f"Instances (Linux/UNIX, on-demand, {kind})", "ec2", f"instance/{kind}", low, high=high)


def _launch_template_type(p: Pricing) -> str | None:
    direct = p.resource.get("instanceType")
    if isinstance(direct, str) and not is_unknown(direct):
        return direct
    for prop in ("launchTemplate", "mixedInstancesPolicy"):
        for dep in p.ctx.stack.resolve(p.resource.property_dependencies.get(prop, ())):
            kind = dep.get("instanceType")
            if isinstance(kind, str) and not is_unknown(kind):
                return kind
    for dep in p.ctx.stack.resolve(p.resource.dependencies):
        if dep.type == "aws:ec2/launchTemplate:LaunchTemplate":
            kind = dep.get("instanceType")
            if isinstance(kind, str) and not is_unknown(kind):
                return kind
    p.unpriced.append("unpriced: the instance type of the group's launch template is not known")
    return None


def ecs_service(p: Pricing) -> None:
    launch = _text(p, "launchType")
    strategies = as_list(p.resource.get("capacityProviderStrategies")) or []
    providers = {str((as_mapping(s) or {}).get("capacityProvider")) for s in strategies}
    fargate = launch == "FARGATE" or bool(providers & {"FARGATE", "FARGATE_SPOT"})
    if not fargate:
        p.free = "runs on EC2 capacity that is priced as its instances or Auto Scaling group"
        return
    desired = as_number(p.resource.get("desiredCount"))
    low, high = _ecs_range(p, desired if desired is not None else 1.0)
    p.replicas = (low, high)
    if "FARGATE_SPOT" in providers:
        p.unpriced.append("unpriced: Fargate Spot prices vary; only on-demand Fargate is in the catalog")
        return
    task = _task_size(p)
    if task is None:
        return
    vcpu, gb, arch = task
    hours = p.ctx.catalog.hours_per_month
    p.line(
        "Per vCPU per hour",
        "fargate",
        f"vcpu-hours/linux-{arch}",
        vcpu * low * hours,
        "input",
        high=vcpu * high * hours,
    )
    p.line("Per GB per hour", "fargate", f"gb-hours/linux-{arch}", gb * low * hours, "input", high=gb * high * hours)


def _task_size(p: Pricing) -> tuple[float, float, str] | None:
    for dep in p.ctx.stack.resolve(
        p.resource.property_dependencies.get("taskDefinition", ()) or p.resource.dependencies
    ):
        if dep.type != conv.ECS_TASK_DEFINITION:
            continue
        cpu = as_number(dep.get("cpu"))
        memory = as_number(dep.get("memory"))
        if cpu is None or memory is None:
            p.unpriced.append("unpriced: the task definition's cpu and memory are not set")
            return None
        platform = as_mapping(dep.get("runtimePlatform")) or {}
        arch = "arm" if str(platform.get("cpuArchitecture", "")).upper() == "ARM64" else "x86"
        return cpu / 1024, memory / 1024, arch
    p.unpriced.append("unpriced: the service's task definition is not in the stack")
    return None


def _ecs_range(p: Pricing, desired: float) -> tuple[float, float]:
    for target in p.ctx.stack.of_type(conv.APPAUTOSCALING_TARGET):
        deps = target.property_dependencies.get("resourceId", ()) + target.dependencies
        if p.resource.urn in deps:
            low = as_number(target.get("minCapacity"))
            high = as_number(target.get("maxCapacity"))
            if low is not None and high is not None:
                return low, high
    return desired, desired


def lambda_function(p: Pricing) -> None:
    memory = as_number(p.resource.get("memorySize")) or LAMBDA_DEFAULT_MEMORY_MB
    arches = as_list(p.resource.get("architectures")) or []
    arch = "arm64" if "arm64" in arches else "x86_64"
    requests = p.declared("requests") or _service_requests(p, "lambda")
    p.usage_line("Requests", "lambda", "requests", requests, scale=1e-6)
    duration = p.declared("durationMs")
    if requests is None or duration is None:
        p.usage_line(f"Duration ({arch})", "lambda", f"duration/{arch}", None)
        return
    gb_seconds = requests[0] * duration[0] / 1000 * memory / 1024
    p.line(
        f"Duration ({arch})",
        "lambda",
        f"duration/{arch}",
        gb_seconds,
        duration[1],
        note=f"requests × {duration[0]:g} ms × {memory:g} MB",
    )


def _service_requests(p: Pricing, kind: str) -> Declared | None:
    usage = p.service_usage
    if usage is None or kind not in usage.requests or p.service is None:
        return None
    share = p.ctx.shares.get((p.service, "requests", kind), 1)
    return usage.requests[kind] / share, usage.source


def s3_bucket(p: Pricing) -> None:
    declared: Declared | None = p.declared("storageGb")
    note = ""
    if declared is None:
        declared, note = _class_share(p, "storage")
    # Lifecycle rules may move objects to colder classes; Standard is then an upper bound.
    note = "; ".join(n for n in (note, "priced as S3 Standard") if n) if declared else note
    p.usage_line("Storage (Standard)", "s3", "storage/STANDARD", declared, note=note)
    p.usage_line("PUT, COPY, POST, LIST requests", "s3", "requests/put", p.declared("putRequests"), scale=1e-3)


def _class_share(p: Pricing, kind: str) -> tuple[Declared | None, str]:
    """A service-level quantity declared for this resource's retention class, split evenly."""
    usage = p.service_usage
    tags = p.ctx.memo.get("tags", {}).get(p.resource.urn, {})
    klass = tags.get(conv.RETENTION_CLASS_KEY) or "default"
    table = usage.logs if kind == "logs" and usage else (usage.storage_gb if usage else {})
    if usage is None or p.service is None or klass not in table:
        return None, ""
    share = p.ctx.shares.get((p.service, kind, klass), 1)
    note = f"class '{klass}'" + (f": 1/{share} of {table[klass]:g} GB declared for the class" if share > 1 else "")
    return (table[klass] / share, usage.source), note


def log_group(p: Pricing) -> None:
    declared: Declared | None = p.declared("ingestedGb")
    note = ""
    if declared is None:
        declared, note = _class_share(p, "logs")
    p.usage_line("Data ingested", "cloudwatch", "logs/ingested", declared, note=note)
    stored = p.declared("storedGb")
    if stored is not None:
        p.usage_line("Storage", "cloudwatch", "logs/stored", stored)
        return
    days = as_number(p.resource.get("retentionInDays"))
    if declared is None or not declared[0]:
        p.usage_line("Storage", "cloudwatch", "logs/stored", None)
        return
    if not days:
        p.unpriced.append("unpriced: storage of a log group that never expires grows without bound")
        return
    p.line(
        "Storage",
        "cloudwatch",
        "logs/stored",
        declared[0] * days / DAYS_PER_MONTH,
        declared[1],
        note=f"steady state: ingestion × {days:g} days retention (uncompressed, an upper bound)",
    )


def dynamodb_table(p: Pricing) -> None:
    mode = _text(p, "billingMode") or "PROVISIONED"
    if mode == "PAY_PER_REQUEST":
        writes = p.declared("writeRequestUnits") or _service_requests(p, "dynamodbWrites")
        reads = p.declared("readRequestUnits") or _service_requests(p, "dynamodbReads")
        p.usage_line("Write request units", "dynamodb", "on-demand/write-request-units", writes, scale=1e-6)
        p.usage_line("Read request units", "dynamodb", "on-demand/read-request-units", reads, scale=1e-6)
    else:
        for name, prop, key in (
            ("Write capacity units", "writeCapacity", "write"),
            ("Read capacity units", "readCapacity", "read"),
        ):
            units = number_input(p.resource, prop)
            if units is UNKNOWN:
                p.unknown(name, prop)
            elif units:
                p.hours(name, "dynamodb", f"provisioned/{key}-capacity-unit-hours", float(units))
    p.usage_line("Data storage", "dynamodb", "storage", p.declared("storageGb"))


def sqs_queue(p: Pricing) -> None:
    fifo = p.resource.get("fifoQueue") is True
    requests = p.declared("requests") or _service_requests(p, "sqs")
    p.usage_line("Requests", "sqs", f"requests/{'fifo' if fifo else 'standard'}", requests, scale=1e-6)


def sns_topic(p: Pricing) -> None:
    requests = p.declared("requests") or _service_requests(p, "sns")
    p.usage_line("API requests", "sns", "requests", requests, scale=1e-6)


RULES: Final[dict[str, Rule]] = {
    "aws:ec2/instance:Instance": ec2_instance,
    "aws:ebs/volume:Volume": ebs_volume,
    conv.RDS_INSTANCE: rds_instance,
    conv.RDS_CLUSTER_INSTANCE: rds_cluster_instance,
    conv.RDS_CLUSTER: rds_cluster,
    "aws:elasticache/cluster:Cluster": elasticache_cluster,
    "aws:elasticache/replicationGroup:ReplicationGroup": elasticache_replication_group,
    "aws:ec2/natGateway:NatGateway": nat_gateway,
    "aws:lb/loadBalancer:LoadBalancer": load_balancer,
    "aws:alb/loadBalancer:LoadBalancer": load_balancer,
    "aws:elb/loadBalancer:LoadBalancer": classic_load_balancer,
    "aws:eks/cluster:Cluster": eks_cluster,
    "aws:eks/nodeGroup:NodeGroup": eks_node_group,
    conv.ASG: autoscaling_group,
    conv.ECS_SERVICE: ecs_service,
    conv.LAMBDA_FUNCTION: lambda_function,
    conv.S3_BUCKET: s3_bucket,
    conv.S3_BUCKET_V2: s3_bucket,
    conv.LOG_GROUP: log_group,
    "aws:dynamodb/table:Table": dynamodb_table,
    "aws:sqs/queue:Queue": sqs_queue,
    "aws:sns/topic:Topic": sns_topic,
}

__all__ = ["RULES", "is_absent"]
