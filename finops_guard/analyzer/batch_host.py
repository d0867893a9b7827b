"""Serves a policy pack's own analyzer over a pipe, for many resources at once.

Runs in the *pack's* interpreter, like `python -m pulumi.policy <engine> <pack dir>`, so it imports
nothing but the standard library and what every Python pack has (pulumi, pulumi-policy,
protobuf). It starts the pack exactly as the CLI does (its `__main__.py`, run as `__main__`, with
the same argv and runtime settings); when the pack's `PolicyPack(...)` hands its analyzer servicer
to a gRPC server, we keep the servicer instead and answer requests from stdin with it. The
policies, the SDK's servicer and the pack's own customizations of it are the real ones; only the
transport differs: length-prefixed protobuf frames on a pipe instead of one HTTP/2 call per
resource.

Frame (both ways): 4-byte big-endian length, 1 byte (request: method code; response: 0 ok, 1
error), payload (the serialized request/response, or an error text). Method `Analyze` runs the
engine's per-resource sequence: `Remediate`, then `Analyze` on the remediated properties.
"""

from __future__ import annotations

import os
import runpy
import struct
import sys
import traceback
from typing import Any, BinaryIO

METHODS = {
    1: "ConfigureStack",
    2: "GetPluginInfo",
    3: "GetAnalyzerInfo",
    4: "Configure",
    5: "Analyze",
    6: "AnalyzeStack",
}
_HEADER = struct.Struct(">IB")


class _Captured(Exception):  # noqa: N818 - a control-flow signal, not an error
    def __init__(self, servicer: Any) -> None:
        super().__init__("captured")
        self.servicer = servicer


class _Context:
    """The slice of `grpc.ServicerContext` pulumi-policy's servicer uses."""

    def __init__(self) -> None:
        self.code: Any = None
        self.details = ""

    def set_code(self, code: Any) -> None:
        self.code = code

    def set_details(self, details: str) -> None:
        self.details = details

    def abort(self, code: Any, details: str) -> None:
        raise RuntimeError(f"{code}: {details}")

    def is_active(self) -> bool:
        return True


def _read(stream: BinaryIO, size: int) -> bytes:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _capture_servicer(pack_dir: str) -> Any:
    import pulumi
    import pulumi.runtime
    import pulumi_policy.policy as sdk

    # As pulumi/policy/__main__.py: config from the environment, runtime settings, then the pack.
    for key, value in pulumi.runtime.get_config_env().items():
        pulumi.runtime.set_config(key, value)
    if all(k in os.environ for k in ("PULUMI_PROJECT", "PULUMI_STACK", "PULUMI_DRY_RUN")):
        pulumi.runtime.configure(
            pulumi.runtime.Settings(
                project=os.environ["PULUMI_PROJECT"],
                stack=os.environ["PULUMI_STACK"],
                dry_run=os.environ["PULUMI_DRY_RUN"] == "true",
                organization=os.environ.get("PULUMI_ORGANIZATION", "organization"),
            )
        )

    def keep(servicer: Any, server: Any) -> None:
        raise _Captured(servicer)

    sdk.analyzer_pb2_grpc.add_AnalyzerServicer_to_server = keep  # type: ignore[attr-defined]
    try:
        runpy.run_path(pack_dir, run_name="__main__")
    except _Captured as captured:
        return captured.servicer
    raise RuntimeError("the pack's __main__.py returned without starting a PolicyPack")


def serve(pack_dir: str, frames_in: BinaryIO, frames_out: BinaryIO) -> None:
    from google.protobuf import empty_pb2
    from pulumi.runtime.proto import analyzer_pb2

    requests = {
        "ConfigureStack": analyzer_pb2.AnalyzerStackConfigureRequest,
        "GetPluginInfo": empty_pb2.Empty,
        "GetAnalyzerInfo": empty_pb2.Empty,
        "Configure": analyzer_pb2.ConfigureAnalyzerRequest,
        "Analyze": analyzer_pb2.AnalyzeRequest,
        "AnalyzeStack": analyzer_pb2.AnalyzeStackRequest,
    }

    def reply(status: int, payload: bytes) -> None:
        frames_out.write(_HEADER.pack(len(payload), status) + payload)
        frames_out.flush()

    try:
        servicer = _capture_servicer(pack_dir)
    except BaseException:  # noqa: BLE001 - reported to the engine, which stops us
        reply(1, traceback.format_exc().encode("utf-8", "replace"))
        return
    reply(0, b"ready")
    while True:
        try:
            length, code = _HEADER.unpack(_read(frames_in, _HEADER.size))
            payload = _read(frames_in, length)
        except EOFError:
            return
        method = METHODS.get(code, "")
        try:
            request = requests[method]()
            request.ParseFromString(payload)
            if method == "Analyze":
                remediate = getattr(servicer, "Remediate", None)
                if remediate is not None:
                    remediated = remediate(request, _Context())
                    for remediation in getattr(remediated, "remediations", ()):
                        if remediation.HasField("properties"):
                            request.properties.CopyFrom(remediation.properties)
            handler = getattr(servicer, method, None)
            if handler is None:
                reply(1, f"UNIMPLEMENTED: {method}".encode())
                continue
            response = handler(request, _Context())
            reply(0, response.SerializeToString() if response is not None else b"")
        except Exception:  # noqa: BLE001 - the engine reports it as the pack failing in `method`
            reply(1, traceback.format_exc().encode("utf-8", "replace"))


def main() -> None:
    engine_address, pack_dir = sys.argv[1], sys.argv[2]
    # Frames go to the original stdout; anything the pack prints goes to stderr instead.
    frames_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    sys.argv = [sys.argv[0], engine_address, pack_dir]  # what the pack sees, as under the CLI
    serve(pack_dir, sys.stdin.buffer, frames_out)


if __name__ == "__main__":
    main()
