"""Objects read from a local manifest file, and one of them looked up by the program afterwards."""

import pulumi
from pulumi_kubernetes.yaml import ConfigFile

web = ConfigFile("web", file="web.yaml")
service = web.get_resource("v1/Service", "web")
pulumi.export("service", service.metadata.apply(lambda meta: meta.name))
