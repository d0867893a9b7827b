"""How long resources keep data, read once per stack for `no-infinite-retention` and `retention-tier`.

Both policies ask the same questions ("when does this log group, bucket, queue, backup or
self-hosted store delete data?") and differ only in what they compare the answer with: the first
rejects "never", the second a value outside the bounds of the resource's declared retention class.
These modules answer the questions; the policies judge. By concern:

- `classes`: the retention class a resource declares, and the bounds of each class;
- `kept`: `Kept`, how long one setting keeps data (and the fix that changes it);
- `stores`: stores held by one number (log groups, queues, streams, database backups, Backup plans);
- `kafka`: topic and broker retention of MSK, pulumi-kafka and Strimzi;
- `buckets`: what an S3 bucket's lifecycle rules, versioning and Object Lock do to its objects;
- `ecr`: whether an ECR lifecycle policy expires images;
- `durations`: Prometheus/Go durations (`15d`, `744h`) in days;
- `self_hosted`: Prometheus, Loki and Tempo run in the cluster (Helm values, CRs, container args);
- `implicit_logs`: log groups AWS services create by themselves (never expiring), and whether the
  stack declares them (`DeclaredGroups`, one index of the stack's log groups);
- `stack_index`: `RetentionIndex`, the joins of configuring resources to what they configure.

Everything is linear in the number of resources: `RetentionIndex.build` walks the stack once and
joins the resources that configure another one (S3 lifecycle/versioning/Object Lock
configurations -> bucket, ECR lifecycle policy -> repository, ConfigMap -> pod) through
dictionaries keyed by name and URN. A configuring resource names its target by an input
(`bucket`, `repository`) that may be unknown during preview; the join then follows
`property_dependencies[<input>]`, and a configuration that cannot be attributed at all makes the
verdict on every candidate target unverifiable instead of wrong.

The leading underscore keeps the policy registry from loading this package as a policy.
"""
