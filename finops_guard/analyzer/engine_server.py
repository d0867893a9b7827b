"""The slice of the engine's own gRPC service a policy pack talks back to: `Log`."""

from __future__ import annotations

import threading
from concurrent import futures
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

SEVERITIES = {
    engine_pb2.DEBUG: "debug",
    engine_pb2.INFO: "info",
    engine_pb2.WARNING: "warning",
    engine_pb2.ERROR: "error",
}


@dataclass(frozen=True)
class LogEntry:
    severity: str
    message: str
    urn: str


class _EngineServicer(engine_pb2_grpc.EngineServicer):
    def __init__(self) -> None:
        self.entries: list[LogEntry] = []
        self._lock = threading.Lock()
        self._root = ""

    def Log(self, request: Any, context: Any) -> Any:  # noqa: N802 - gRPC method name
        with self._lock:
            self.entries.append(LogEntry(SEVERITIES.get(request.severity, "info"), request.message, request.urn))
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        return engine_pb2.GetRootResourceResponse(urn=self._root)

    def SetRootResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        self._root = request.urn
        return engine_pb2.SetRootResourceResponse()


class EngineServer:
    """Serves `pulumirpc.Engine` on a loopback port for the lifetime of a preview."""

    def __init__(self) -> None:
        self._servicer = _EngineServicer()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        engine_pb2_grpc.add_EngineServicer_to_server(self._servicer, self._server)
        self.port = self._server.add_insecure_port("127.0.0.1:0")
        self.address = f"127.0.0.1:{self.port}"

    @property
    def entries(self) -> list[LogEntry]:
        return list(self._servicer.entries)

    def __enter__(self) -> EngineServer:
        self._server.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.stop(grace=None)
