"""index.ts of pulumi-policy's unknown_values program, ported to Python."""

import pulumi_random as random

str_ = random.RandomString("str", length=10)

pet = random.RandomPet("pet", prefix=str_.result)
