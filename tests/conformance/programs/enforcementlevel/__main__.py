"""index.ts of pulumi-policy's enforcementlevel program, ported to Python."""

import pulumi_random as random

str_ = random.RandomString("str", length=10)
