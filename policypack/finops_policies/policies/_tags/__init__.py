"""The pieces of `cost-allocation-tags`: its settings, how one resource's problems become one
finding, and the tags of what Auto Scaling groups and ECS services launch. The leading underscore
keeps the policy registry from looking for a `POLICY` here."""
