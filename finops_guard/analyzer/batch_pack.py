"""The pack's own analyzer, driven over a pipe (`batch_host.py`) instead of one gRPC call per resource.

`finops-guard check` hands the pack tens of thousands of resources that are all known up front.
Over gRPC each `Remediate` + `Analyze` is an HTTP/2 round trip through two thread pools, which
costs more than the policies themselves; over a pipe the same requests, built by the same
`AnalyzerSession` code, reach the same servicer of the same pack. Two hosts run side by side on a
machine's two cores: one answers the per-resource stream, the other `AnalyzeStack`, which does not
depend on the stream's answers.
"""

from __future__ import annotations

import contextlib
import os
import select
import struct
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2, plugin_pb2

from ..errors import PackError
from ..model import Registration
from .pack_process import PackInfo, StderrTail
from .session import AnalyzerSession, Remediated

HOST = Path(__file__).with_name("batch_host.py")
_HEADER = struct.Struct(">IB")
_CODES = {
    "ConfigureStack": 1,
    "GetPluginInfo": 2,
    "GetAnalyzerInfo": 3,
    "Configure": 4,
    "Analyze": 5,
    "AnalyzeStack": 6,
}
_RESPONSES: dict[str, Any] = {
    "ConfigureStack": analyzer_pb2.AnalyzerStackConfigureResponse,
    "GetPluginInfo": plugin_pb2.PluginInfo,
    "GetAnalyzerInfo": analyzer_pb2.AnalyzerInfo,
    "Configure": empty_pb2.Empty,
    "Analyze": analyzer_pb2.AnalyzeResponse,
    "AnalyzeStack": analyzer_pb2.AnalyzeResponse,
}


class BatchPack:
    """One `batch_host.py` process in the pack's interpreter, environment and directory."""

    def __init__(
        self, pack: PackInfo, engine_address: str, env: Mapping[str, str], start_timeout: float = 60.0
    ) -> None:
        self.pack = pack
        self.start_timeout = start_timeout
        self.engine_address = engine_address
        self.env = dict(env)
        self.proc: subprocess.Popen[bytes] | None = None
        self.stderr = StderrTail()
        self._lock = threading.Lock()
        self._stopped = False

    def start(self) -> None:
        env = dict(os.environ)
        env.update(self.env)
        with self._lock:
            if self._stopped:
                raise PackError(f"policy pack {self.pack.name} was stopped before it started")
            try:
                self.proc = subprocess.Popen(
                    [self.pack.interpreter, "-u", str(HOST), self.engine_address, str(self.pack.dir)],
                    cwd=self.pack.dir,
                    env=env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    start_new_session=True,
                )
            except OSError as exc:
                raise PackError(f"cannot start the policy pack with {self.pack.interpreter}: {exc.strerror}") from None
        assert self.proc.stderr is not None
        self.stderr.follow(self.proc.stderr)

    def await_ready(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], self.start_timeout)
        if not ready:
            self.stop()
            raise PackError(
                f"policy pack {self.pack.name} did not start within {self.start_timeout:.0f} s; "
                "it may be stuck at import (check its __main__.py)."
            )
        status, payload = self.receive()
        if status != 0:
            self.stop()
            raise PackError(
                f"policy pack {self.pack.name} failed to start",
                details=payload.decode("utf-8", "replace") + self.stderr.text(),
            )

    def send(self, method: str, payload: bytes) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(_HEADER.pack(len(payload), _CODES[method]) + payload)
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            raise self._died(method) from None

    def receive(self, method: str = "start") -> tuple[int, bytes]:
        assert self.proc is not None and self.proc.stdout is not None
        header = self.proc.stdout.read(_HEADER.size)
        if len(header) < _HEADER.size:
            raise self._died(method)
        length, status = _HEADER.unpack(header)
        payload = self.proc.stdout.read(length)
        if len(payload) < length:
            raise self._died(method)
        return status, payload

    def _died(self, method: str) -> PackError:
        detail = self.stderr.text().strip()
        return PackError(f"the policy pack exited during {method}", details=detail)

    @property
    def stderr_lines(self) -> list[str]:
        return self.stderr.lines

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            proc = self.proc
        if proc is None:
            return
        if proc.stdin is not None:
            with contextlib.suppress(OSError):  # the host may be gone already
                proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        self.stderr.finish()  # before closing stderr: the host's last lines explain a failure
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


class BatchSession(AnalyzerSession):
    """`AnalyzerSession` whose calls travel as frames to a `BatchPack`."""

    def __init__(self, host: BatchPack) -> None:  # no gRPC channel
        self._host = host

    def close(self) -> None:
        pass

    def _call(self, method: str, request: Any, subject: str = "") -> Any:
        self._host.send(method, request.SerializeToString())
        return self.answer(method, *self._host.receive(method))

    def answer(self, method: str, status: int, payload: bytes) -> Any:
        """The response of `method` from a frame's status and payload (raises on a pack error)."""
        if status != 0:
            text = payload.decode("utf-8", "replace")
            if text.startswith("UNIMPLEMENTED") and method in ("ConfigureStack", "GetPluginInfo"):
                return None
            raise PackError(f"the policy pack failed during {method}", details=text)
        response = _RESPONSES[method]()
        response.ParseFromString(payload)
        return response

    def remediate(self, r: Registration, provider: Registration | None) -> Remediated:
        """Done by the host inside `analyze`, in the engine's order (Remediate, then Analyze)."""
        return Remediated(None, [])
