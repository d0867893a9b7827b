"""index.ts of pulumi-policy's config program, ported to Python."""

import pulumi_random as random

str_ = random.RandomString("str", length=10)
