"""Host the finops components as a Pulumi plugin package, for programs in any Pulumi language.

`pulumi package add <path to this directory>` starts this file through the Python language host;
the SDK infers the schema (`finops:index:Service`, `...:PooledDatabase`, `...:TelemetryRetention`)
from the components' typed args and serves `Construct` calls. Nothing here runs on import.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from finops_components import COMPONENTS, PACKAGE_NAME
from pulumi.provider.experimental import component_provider_host


def _version() -> str:
    try:
        return version("finops-guardrails")
    except PackageNotFoundError:  # running from a source checkout that was never installed
        return "0.1.0"


if __name__ == "__main__":
    component_provider_host(list(COMPONENTS), name=PACKAGE_NAME, version=_version())
