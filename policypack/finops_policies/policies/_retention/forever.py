"""Which policy reports a store that keeps data forever: `no-infinite-retention`, and only it.

A log group with no retention and a `retention-class` tag breaks two promises (it never expires;
its class has a maximum) but it is one fact with one fix, so it is reported once, as
no-infinite-retention's finding. `retention-tier` judges retention that is finite (too long, too
short), Object Lock on immutable classes, and "forever" only where no-infinite-retention does not
look: stores it does not judge (say, a queue whose retention is not a number) and buckets of classes
outside its default `bucketClasses` (a class added under retention-tier's `classes` config).
"""

from __future__ import annotations

from typing import Final

from finops_policies import conventions as conv

from .kafka import is_strimzi_topic

#: Kafka types whose topic or broker retention no-infinite-retention judges (Strimzi topics too).
KAFKA_TYPES: Final = frozenset({conv.MSK_TOPIC, conv.KAFKA_TOPIC, conv.MSK_CONFIGURATION})


def forever_is_reported_by_no_infinite_retention(resource_type: str, class_name: str) -> bool:
    """Whether no-infinite-retention (with its default config) reports this store when it keeps data forever."""
    if resource_type in conv.S3_BUCKETS:
        return class_name in conv.EXPIRING_BUCKET_CLASSES
    return (
        resource_type in (conv.LOG_GROUP, conv.BACKUP_PLAN)
        or resource_type in KAFKA_TYPES
        or is_strimzi_topic(resource_type)
        or resource_type.startswith("kubernetes:")  # self-hosted telemetry: Loki's "forever" is judged there
    )
