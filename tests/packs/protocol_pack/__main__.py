"""A fake analyzer that logs each RPC it receives, so tests can check the engine's call order."""

import json
import os
import sys
import time
from concurrent import futures

import grpc
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, plugin_pb2

LOG = os.environ["FINOPS_TEST_CALL_LOG"]


def log(entry):
    with open(LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")


class Analyzer(analyzer_pb2_grpc.AnalyzerServicer):
    def ConfigureStack(self, request, context):
        log(
            {
                "call": "ConfigureStack",
                "stack": request.stack,
                "project": request.project,
                "dryRun": request.dry_run,
                "env": {
                    k: os.environ.get(k)
                    for k in ("PULUMI_PROJECT", "PULUMI_STACK", "PULUMI_DRY_RUN", "PULUMI_ORGANIZATION")
                },
                "argv": sys.argv[1:],
                "cwd": os.getcwd(),
                "tags": dict(request.tags),
            }
        )
        return analyzer_pb2.AnalyzerStackConfigureResponse()

    def GetPluginInfo(self, request, context):
        log({"call": "GetPluginInfo"})
        return plugin_pb2.PluginInfo(version="1.0.0")

    def GetAnalyzerInfo(self, request, context):
        log({"call": "GetAnalyzerInfo"})
        info = analyzer_pb2.AnalyzerInfo(name="protocol-pack", version="0.0.1", supportsConfig=True)
        policy = info.policies.add(name="p", description="P.", enforcementLevel=analyzer_pb2.MANDATORY)
        policy.configSchema.properties.update({"limit": {"type": "number", "default": 3}})
        return info

    def Configure(self, request, context):
        log(
            {
                "call": "Configure",
                "config": {k: json_format.MessageToDict(v.properties) for k, v in request.policyConfig.items()},
            }
        )
        return empty_pb2.Empty()

    def Remediate(self, request, context):
        log({"call": "Remediate", "urn": request.urn, "keys": sorted(json_format.MessageToDict(request.properties))})
        return analyzer_pb2.RemediateResponse()

    def Analyze(self, request, context):
        log(
            {
                "call": "Analyze",
                "urn": request.urn,
                "provider": request.provider.urn,
                "providerProperties": json_format.MessageToDict(request.provider.properties),
                "keys": sorted(json_format.MessageToDict(request.properties)),
                "options": json_format.MessageToDict(request.options, always_print_fields_with_no_presence=True),
            }
        )
        return analyzer_pb2.AnalyzeResponse()

    def AnalyzeStack(self, request, context):
        log(
            {
                "call": "AnalyzeStack",
                "count": len(request.resources),
                "resources": {
                    r.urn: {
                        "keys": sorted(json_format.MessageToDict(r.properties)),
                        "propertyDependencies": {k: list(v.urns) for k, v in r.propertyDependencies.items()},
                        "options": json_format.MessageToDict(r.options, always_print_fields_with_no_presence=True),
                    }
                    for r in request.resources
                },
            }
        )
        return analyzer_pb2.AnalyzeResponse()


server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
analyzer_pb2_grpc.add_AnalyzerServicer_to_server(Analyzer(), server)
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print(port, flush=True)
while True:
    time.sleep(3600)
