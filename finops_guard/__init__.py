"""finops-guard: the offline engine that previews a Pulumi program against a policy pack."""

__version__ = "0.1.0"
