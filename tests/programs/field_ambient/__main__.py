"""Records which interpreter ran it."""

import sys

import pulumi

pulumi.export("python", sys.executable)


class Probe(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("field:index:Probe", name, {"python": sys.executable})


Probe("probe")
