"""Each policy's bad and good example: real Pulumi programs, shown by `finops-guard explain` and run
through the engine by the tests.

`<policy module>/bad.py` creates resources that break the policy, each on a line marked
`# [<policy-name>]`; exactly the marked resources trip it. `<policy module>/good.py` creates resources
the policy checks and none of them trips it. Nothing imports these modules: running one creates
resources, so they are only run as programs.
"""
