"""The ServiceCostContract: a service's cost promises as validated data.

A contract is a YAML document owned by the service team::

    apiVersion: platform.company.com/v1
    kind: ServiceCostContract
    metadata: {service: case-decision-service, owner: enforcement-platform-team}
    spec:
      businessUnit, environment, tier,
      costAllocation: {tags: {service, team, domain, environment, ...}},
      unitEconomics, budgets, runtimeEnvelope, telemetry, review

`ServiceCostContract.load(path)` parses and validates it with pydantic. Anything wrong comes back
as one `ContractError` whose message names the file, the YAML line, the field path, what was found
and what is expected, one problem per line, e.g.::

    cost-contract.yaml:3: metadata.owner is missing; expected the owning team (a non-empty string)

The limits it enforces (required tag keys, placeholder values, retention bounds per class, the
replica cap, the JVM non-heap share) come from `finops_policies.conventions`, the module the
policy pack reads too, so a contract that loads is one the pack accepts.

A few optional fields say what the contract would otherwise leave implicit (all have defaults):
`runtimeEnvelope.{memoryLimitPerReplica, cpuLimitPerReplica, jvmMaxHeapPercent}`,
`telemetry.{debugRetentionDays, errorTraceRetentionDays, snapshotRetentionDays}`,
`kubernetes.namespace`, `unitEconomics.expectedMonthlyVolume` (units per month, for cost per unit)
and `usage` (what the service expects to use per month: log GB per retention class, stored GB,
requests, NAT / internet / inter-AZ / inter-region GB, per-resource quantities), which the cost
estimate prices instead of inventing quantities.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import yaml
from finops_policies import conventions as conv
from finops_policies.debug_window import is_dev_environment
from finops_policies.kubernetes import is_dns_label, is_label_name
from finops_policies.quantities import cpu_millicores, memory_bytes
from pulumi.errors import RunError
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

KIND: Final = "ServiceCostContract"

# Kubernetes label syntax (apimachinery validation): tag keys and values double as label keys and
# values on every Kubernetes object, so a contract value must be valid as both.
_API_VERSION: Final = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/v[0-9]+((alpha|beta)[0-9]+)?$")
#: Keys the components write themselves; a contract that set them would be silently overridden.
_RESERVED_TAG_KEYS: Final = frozenset({conv.RETENTION_CLASS_KEY, conv.OPENCOST_NAMESPACE_KEY})


class ContractError(RunError):
    """A contract that cannot be used. `str(error)` is the complete, user-facing message.

    A `pulumi.RunError` (an `Exception`): the Pulumi CLI prints its message without a stack trace.
    """

    def __init__(self, source: str, problems: list[ContractProblem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(problem.render(source) for problem in problems))


@dataclass(frozen=True)
class ContractProblem:
    """One thing wrong with a contract: where, what was found, what was expected."""

    path: str
    found: str
    expected: str
    line: int | None = None

    def render(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line is not None else source
        subject = f"{self.path} " if self.path else ""
        return f"{where}: {subject}{self.found}; expected {self.expected}"


def _max_days(retention_class: str) -> int:
    bound = conv.RETENTION_CLASSES[retention_class].max_days
    if bound is None:  # pragma: no cover - the conventions give every bounded class a maximum
        raise RuntimeError(f"retention class {retention_class!r} has no maximum")
    return bound


def _problem(expected: str, found: str | None = None) -> PydanticCustomError:
    """A validation error whose message is what is expected (and optionally what was found)."""
    context: dict[str, Any] = {"expected": expected}
    if found is not None:
        context["found"] = found
    return PydanticCustomError("contract", "{expected}", context)


def _label_value(value: str) -> str:
    if not value.strip():
        raise _problem("a real value (empty tags allocate nothing)", found="is empty")
    if conv.is_placeholder(value):
        raise _problem("a real value, not a placeholder")
    if not is_label_name(value):
        raise _problem(
            "at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit "
            "(the value is also a Kubernetes label value)"
        )
    return value


def _label_key(key: str) -> str:
    if not is_label_name(key):
        raise _problem("a key of at most 63 letters, digits, '-', '_' or '.' (it is also a Kubernetes label key)")
    if key in _RESERVED_TAG_KEYS or key.startswith(conv.OPENCOST_LABEL_PREFIX):
        raise _problem("a key the components do not set themselves (they add it to every resource)")
    return key


def _dns_label(value: str) -> str:
    if not is_dns_label(value):
        raise _problem("a DNS label: at most 63 lower-case letters, digits or '-' (it names Kubernetes objects)")
    return value


def _memory(value: str) -> str:
    memory_bytes(value)  # raises ValueError("a Kubernetes memory quantity ...")
    return value


def _cpu(value: str) -> str:
    cpu_millicores(value)
    return value


def _as_text(value: object) -> object:
    # YAML reads `cpuRequestPerReplica: 2` as a number; a quantity is still meant.
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _review_trigger(value: str) -> str:
    if not re.fullmatch(conv.REVIEW_TRIGGER_PATTERN, value):
        raise _problem(f"a review trigger: {conv.REVIEW_TRIGGERS_DOC}")
    return value


NonEmpty = Annotated[str, Field(min_length=1)]
ReviewTrigger = Annotated[str, AfterValidator(_review_trigger)]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False, description="a number at or above 0")]
PositiveAmount = Annotated[float, Field(gt=0, allow_inf_nan=False, description="a positive number")]
TagKey = Annotated[str, AfterValidator(_label_key)]
TagValue = Annotated[str, AfterValidator(_label_value)]
DnsLabel = Annotated[str, AfterValidator(_dns_label)]
MemoryQuantity = Annotated[str, BeforeValidator(_as_text), AfterValidator(_memory)]
CpuQuantity = Annotated[str, BeforeValidator(_as_text), AfterValidator(_cpu)]


class _Model(BaseModel):
    # camelCase in YAML, snake_case in Python; unknown fields are errors so a typo such as
    # `logRetentionDay` cannot silently fall back to a default.
    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        str_strip_whitespace=True,
    )


class Metadata(_Model):
    service: DnsLabel = Field(description="the service name, a DNS label such as 'case-decision-service'")
    owner: NonEmpty = Field(description="the owning team (a non-empty string)")


class CostAllocation(_Model):
    tags: dict[TagKey, TagValue] = Field(
        description=f"a map of cost-allocation tags with at least {', '.join(conv.REQUIRED_TAG_KEYS)}"
    )

    @field_validator("tags")
    @classmethod
    def _required_keys(cls, tags: dict[str, str]) -> dict[str, str]:
        missing = [key for key in conv.REQUIRED_TAG_KEYS if key not in tags]
        if missing:
            raise _problem(
                f"every required key: {', '.join(conv.REQUIRED_TAG_KEYS)}",
                found="has no " + ", ".join(repr(key) for key in missing),
            )
        return tags


class UnitEconomics(_Model):
    primary_unit: NonEmpty = Field(description="the business unit of work costs are divided by")
    secondary_units: list[NonEmpty] = Field(default_factory=list)
    # Extension: how many of each unit a month brings, so the estimate can give cost per unit.
    expected_monthly_volume: dict[NonEmpty, PositiveAmount] = Field(
        default_factory=dict, description="a map of unit name to its expected monthly count (a positive number)"
    )

    @model_validator(mode="after")
    def _volumes_name_units(self) -> UnitEconomics:
        known = {self.primary_unit, *self.secondary_units}
        unknown = sorted(set(self.expected_monthly_volume) - known)
        if unknown:
            raise _problem(
                f"volumes only for the declared units ({', '.join(sorted(known))})",
                found="has expectedMonthlyVolume for " + ", ".join(repr(u) for u in unknown),
            )
        return self


class Budgets(_Model):
    monthly_soft_limit: float = Field(gt=0, description="a positive monthly amount")
    monthly_hard_review_threshold: float = Field(gt=0, description="a positive monthly amount")
    observability_percent_limit: float = Field(gt=0, le=100, description="a percentage of the budget, 1..100")

    @model_validator(mode="after")
    def _threshold_above_soft_limit(self) -> Budgets:
        if self.monthly_hard_review_threshold < self.monthly_soft_limit:
            raise _problem(
                f"monthlyHardReviewThreshold ({self.monthly_hard_review_threshold:g}) at or above "
                f"monthlySoftLimit ({self.monthly_soft_limit:g})",
                found="has the hard review threshold below the soft limit",
            )
        return self


class Replicas(_Model):
    min: int = Field(ge=1, description="at least 1 replica")
    max: int = Field(ge=1, le=conv.DEFAULT_MAX_REPLICAS_CAP, description=f"1..{conv.DEFAULT_MAX_REPLICAS_CAP} replicas")

    @model_validator(mode="after")
    def _max_not_below_min(self) -> Replicas:
        if self.max < self.min:
            raise _problem(f"max at or above min ({self.min})", found=f"has max {self.max} below min {self.min}")
        return self


class RuntimeEnvelope(_Model):
    replicas: Replicas
    cpu_request_per_replica: CpuQuantity = Field(description="a Kubernetes CPU quantity such as '500m'")
    memory_request_per_replica: MemoryQuantity = Field(description="a Kubernetes memory quantity such as '1280Mi'")
    max_db_connections_per_replica: int = Field(
        ge=1, description="the database pool size of one replica, a positive integer"
    )
    # Optional: without it the limit is implicit; a memory limit equal to the request is the
    # safe default (no overcommit, so a node never OOM-kills this pod for a neighbour's spike).
    memory_limit_per_replica: MemoryQuantity | None = None
    cpu_limit_per_replica: CpuQuantity | None = None
    jvm_max_heap_percent: int = Field(
        default=100 - conv.DEFAULT_NON_HEAP_PERCENT,
        ge=10,
        le=100 - conv.DEFAULT_NON_HEAP_PERCENT,
        description=(
            "the JVM heap as a percentage of the memory limit, at most "
            f"{100 - conv.DEFAULT_NON_HEAP_PERCENT} (the rest, ≥ {conv.DEFAULT_NON_HEAP_PERCENT} %, "
            "is metaspace, threads and buffers)"
        ),
    )

    @model_validator(mode="after")
    def _limits_not_below_requests(self) -> RuntimeEnvelope:
        if self.memory_limit_per_replica is not None and memory_bytes(self.memory_limit_per_replica) < memory_bytes(
            self.memory_request_per_replica
        ):
            raise _problem(
                f"memoryLimitPerReplica at or above memoryRequestPerReplica ({self.memory_request_per_replica})",
                found=f"has a memory limit ({self.memory_limit_per_replica}) below the request",
            )
        if self.cpu_limit_per_replica is not None and cpu_millicores(self.cpu_limit_per_replica) < cpu_millicores(
            self.cpu_request_per_replica
        ):
            raise _problem(
                f"cpuLimitPerReplica at or above cpuRequestPerReplica ({self.cpu_request_per_replica})",
                found=f"has a CPU limit ({self.cpu_limit_per_replica}) below the request",
            )
        return self

    @property
    def memory_limit(self) -> str:
        """The container memory limit: the explicit one, else the request."""
        return self.memory_limit_per_replica or self.memory_request_per_replica


def _days(retention_class: str, what: str, default: int | None = None) -> Any:
    bound = _max_days(retention_class)
    description = f"{what} of 1..{bound} days (retention class '{retention_class}')"
    if default is None:
        return Field(ge=1, le=bound, description=description)
    return Field(default=default, ge=1, le=bound, description=description)


class Telemetry(_Model):
    log_retention_days: int = _days("logs", "application log retention")
    trace_retention_days: int = _days("traces", "trace retention")
    audit_retention_years: int = Field(
        ge=conv.AUDIT_MIN_YEARS,
        le=100,
        description=f"audit evidence retention of at least {conv.AUDIT_MIN_YEARS} years (WORM)",
    )
    metric_cardinality_policy: NonEmpty = Field(description="a metric cardinality policy such as 'bounded'")
    # Extensions, defaulting to the classes' default days.
    debug_retention_days: int = _days("debug", "debug log retention", default=conv.DEFAULT_RETENTION_DAYS["debug"])
    error_trace_retention_days: int = _days(
        "traces", "error trace retention", default=conv.DEFAULT_ERROR_TRACE_RETENTION_DAYS
    )
    snapshot_retention_days: int = _days(
        "snapshots", "read-model snapshot retention", default=conv.DEFAULT_RETENTION_DAYS["snapshots"]
    )


def _retention_class_key(value: str) -> str:
    if value not in conv.RETENTION_CLASSES and value != "default":
        raise _problem(f"a retention class: {', '.join(conv.RETENTION_CLASSES)} (or 'default' for unclassed)")
    return value


def _region_key(value: str) -> str:
    if not _REGION.match(value):
        raise _problem("an AWS region code such as 'eu-west-1'")
    return value


_REGION: Final = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")
RetentionClassKey = Annotated[str, AfterValidator(_retention_class_key)]
RegionKey = Annotated[str, AfterValidator(_region_key)]


class ResourceUsage(_Model):
    """Monthly quantities of one resource (by Pulumi name, URN or glob); each key applies to the
    resource types that bill by it."""

    ingested_gb: Amount | None = Field(default=None, description="GB ingested per month (log group)")
    stored_gb: Amount | None = Field(default=None, description="GB stored (log group)")
    storage_gb: Amount | None = Field(default=None, description="GB stored (bucket, table, Aurora cluster)")
    put_requests: Amount | None = Field(default=None, description="PUT/COPY/POST/LIST requests per month (bucket)")
    requests: Amount | None = Field(default=None, description="requests per month (function, queue, topic)")
    duration_ms: Amount | None = Field(default=None, description="average duration per request in ms (function)")
    data_processed_gb: Amount | None = Field(default=None, description="GB processed per month (NAT, classic LB)")
    lcu: Amount | None = Field(default=None, description="average load balancer capacity units")
    read_request_units: Amount | None = Field(default=None, description="read request units per month (table)")
    write_request_units: Amount | None = Field(default=None, description="write request units per month (table)")
    io_requests: Amount | None = Field(default=None, description="I/O requests per month (Aurora cluster)")


RequestKind = Literal["lambda", "sqs", "sns", "dynamodbReads", "dynamodbWrites"]


class Usage(_Model):
    """What the service expects to use per month, for the cost estimate (never invented when absent)."""

    logs: dict[RetentionClassKey, Amount] = Field(
        default_factory=dict, description="GB ingested per month per retention class (debug, logs, traces, ...)"
    )
    storage_gb: dict[RetentionClassKey, Amount] = Field(
        default_factory=dict, description="GB stored in the service's buckets per retention class"
    )
    requests_per_month: dict[RequestKind, Amount] = Field(
        default_factory=dict, description="requests per month by kind: lambda, sqs, sns, dynamodbReads, dynamodbWrites"
    )
    nat_gb_per_month: Amount | None = Field(default=None, description="GB per month through NAT gateways (>= 0)")
    internet_egress_gb_per_month: Amount | None = Field(default=None, description="GB per month to the internet (>= 0)")
    inter_az_gb_per_month: Amount | None = Field(default=None, description="GB per month between zones (>= 0)")
    inter_region_gb_per_month: dict[RegionKey, Amount] = Field(
        default_factory=dict, description="GB per month sent to each other region (a dependency's region)"
    )
    resources: dict[NonEmpty, ResourceUsage] = Field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The declared quantities in the contract's own spelling (camelCase), unset ones left out."""
        return self.model_dump(by_alias=True, exclude_none=True)


class Review(_Model):
    cadence: NonEmpty = Field(description="how often the contract is reviewed, e.g. 'quarterly'")
    required_when: list[ReviewTrigger] = Field(default_factory=list)


class KubernetesPlacement(_Model):
    namespace: DnsLabel | None = None


class Spec(_Model):
    business_unit: NonEmpty = Field(description="the business unit (a non-empty string)")
    environment: NonEmpty = Field(description="the environment, e.g. 'production' or 'dev'")
    tier: NonEmpty = Field(description="the service tier, e.g. 'critical'")
    cost_allocation: CostAllocation
    unit_economics: UnitEconomics
    budgets: Budgets
    runtime_envelope: RuntimeEnvelope
    telemetry: Telemetry
    review: Review
    kubernetes: KubernetesPlacement = Field(default_factory=KubernetesPlacement)
    usage: Usage = Field(default_factory=Usage)


class ServiceCostContract(_Model):
    """A validated service cost contract. Build one with `load` or `parse`."""

    api_version: str = Field(
        pattern=_API_VERSION.pattern, description="'<group>/<version>', e.g. 'platform.company.com/v1'"
    )
    kind: Literal["ServiceCostContract"]
    metadata: Metadata
    spec: Spec

    @property
    def service(self) -> str:
        return self.metadata.service

    @property
    def namespace(self) -> str:
        """Where the service runs in Kubernetes: `spec.kubernetes.namespace`, else the service name."""
        return self.spec.kubernetes.namespace or self.metadata.service

    @property
    def tags(self) -> dict[str, str]:
        """The contract's cost-allocation tags (a copy)."""
        return dict(self.spec.cost_allocation.tags)

    @property
    def is_dev(self) -> bool:
        """True when the `environment` tag names a development environment (debug telemetry needs no
        expiry there). The tag, not `spec.environment`, because the tag is what the pack reads."""
        return is_dev_environment(self.spec.cost_allocation.tags.get(conv.ENVIRONMENT_KEY, ""))

    @property
    def usage(self) -> Usage:
        """The service's declared monthly usage (`spec.usage`)."""
        return self.spec.usage

    @classmethod
    def load(cls, path: str | Path) -> ServiceCostContract:
        """Read and validate a contract file; `ContractError` names the file on any problem."""
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise ContractError(
                source, [ContractProblem("", "the file cannot be read", f"a readable UTF-8 file ({reason})")]
            ) from None
        return cls.parse(text, source=source)

    @classmethod
    def parse(cls, text: str, source: str = "<contract>") -> ServiceCostContract:
        """Validate a contract given as YAML text; `source` names it in error messages."""
        data, lines = _read_yaml(text, source)
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            problems = [_describe(cls, err, data, lines) for err in error.errors()]
            raise ContractError(source, problems) from None


# --- YAML with line numbers ---------------------------------------------------------------------
_Path = tuple[str | int, ...]


def _read_yaml(
    text: str, source: str, expected: str = "a mapping with apiVersion, kind, metadata, spec"
) -> tuple[Any, dict[_Path, int]]:
    """The document and the 1-based line of every mapping key / list item in it."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ContractError(
                source, [ContractProblem("", "the file is empty", "a ServiceCostContract YAML document", 1)]
            )
        lines: dict[_Path, int] = {(): node.start_mark.line + 1}
        duplicates = list(_index_lines(node, (), lines))
        if duplicates:
            raise ContractError(source, duplicates)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = error.problem or error.context or "malformed YAML"
        problem = ContractProblem("", f"the file is not valid YAML ({reason})", "a YAML document", line)
        raise ContractError(source, [problem]) from None
    except yaml.YAMLError as error:
        problem = ContractProblem("", f"the file is not valid YAML ({error})", "a YAML document")
        raise ContractError(source, [problem]) from None
    finally:
        loader.dispose()
    if not isinstance(data, Mapping):
        found = f"the document is a {type(data).__name__}"
        raise ContractError(source, [ContractProblem("", found, expected, 1)])
    return data, lines


def _index_lines(node: yaml.Node, path: _Path, lines: dict[_Path, int]) -> Iterator[ContractProblem]:
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                yield ContractProblem(
                    _render_path((*path, key)),
                    f"appears twice (lines {seen[key]} and {line})",
                    "each field once",
                    line,
                )
            seen[key] = line
            lines[(*path, key)] = line
            yield from _index_lines(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            yield from _index_lines(item, (*path, index), lines)


# --- pydantic errors as contract problems --------------------------------------------------------
def _render_path(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _line_of(path: tuple[Any, ...], lines: Mapping[_Path, int]) -> int | None:
    # A missing field has no line of its own: point at its nearest present ancestor.
    for end in range(len(path), -1, -1):
        line = lines.get(tuple(path[:end]))
        if line is not None:
            return line
    return None


def _field_info(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[type[BaseModel] | None, FieldInfo | None]:
    """The model that owns the last element of `loc`, and that field's FieldInfo."""
    current: type[BaseModel] | None = model
    info: FieldInfo | None = None
    owner: type[BaseModel] | None = None
    for part in loc:
        if current is None or not isinstance(part, str):
            return owner, None
        owner = current
        by_alias = {field.alias or name: field for name, field in current.model_fields.items()}
        info = by_alias.get(part)
        if info is None:
            return owner, None
        annotation = info.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        current = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
    return owner, info


def _shown(value: object, limit: int = 60) -> str:
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text) if isinstance(value, str) else text


def _describe(model: type[BaseModel], error: Any, data: Any, lines: Mapping[_Path, int]) -> ContractProblem:
    loc = tuple(part for part in error["loc"] if part != "[key]")
    kind = error["type"]
    context = error.get("ctx") or {}
    owner, info = _field_info(model, loc)
    described = info.description if info is not None and info.description else None
    if kind == "missing":
        found, expected = "is missing", described or "a value"
    elif kind == "extra_forbidden":
        allowed = sorted(field.alias or name for name, field in (owner.model_fields.items() if owner else ()))
        found = "is not a known field"
        expected = f"one of {', '.join(allowed)}" if allowed else "no such field"
    else:
        found = context.get("found") or f"is {_shown(error.get('input'))}"
        message = str(context.get("expected") or error["msg"])
        message = message.removeprefix("Value error, ").removeprefix("Input should be ")
        # A field's own description says the whole expectation ("a positive monthly amount");
        # pydantic's generic wording ("greater than 0") is the fallback.
        expected = message if kind == "contract" or not described else described
    return ContractProblem(_render_path(loc), found, expected, _line_of(loc, lines))


def load_contract(path: str | Path) -> ServiceCostContract:
    """Shorthand for `ServiceCostContract.load(path)`."""
    return ServiceCostContract.load(path)


# --- usage files: declared usage for programs without a contract ----------------------------------
class UsageFile(_Model):
    """A usage file (`finops-guard cost --usage FILE`): declared usage for programs without a
    contract, or to add to or override contracts' usage::

        services:                       # per service (the `service` tag), as a contract's spec.usage
          orders: {logs: {logs: 40}, natGbPerMonth: 100}
        resources:                      # per resource: Pulumi name, URN or glob
          orders-table: {readRequestUnits: 5000000, writeRequestUnits: 1000000, storageGb: 20}
        unitVolumes:                    # per service: expected monthly count of each business unit
          orders: {order: 120000}
    """

    version: Literal[1] = Field(default=1, description="1 (the format version)")
    services: dict[DnsLabel, Usage] = Field(default_factory=dict)
    resources: dict[NonEmpty, ResourceUsage] = Field(default_factory=dict)
    unit_volumes: dict[DnsLabel, dict[NonEmpty, PositiveAmount]] = Field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


def load_usage_file(path: str | Path) -> UsageFile:
    """Read and validate a usage file; `ContractError` names the file, line and field on any problem."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise ContractError(
            source, [ContractProblem("", "the file cannot be read", f"a readable UTF-8 file ({reason})")]
        ) from None
    data, lines = _read_yaml(text, source, expected="a usage file: a mapping with services, resources, unitVolumes")
    try:
        return UsageFile.model_validate(data)
    except ValidationError as error:
        raise ContractError(source, [_describe(UsageFile, err, data, lines) for err in error.errors()]) from None
