"""Starts a policy pack exactly as the Pulumi CLI does, and always stops it again."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import yaml

from ..errors import PackError

DEFAULT_START_TIMEOUT = 60.0
PACK_BOOT = Path(__file__).resolve().with_name("pack_boot")


@dataclass(frozen=True)
class PackInfo:
    dir: Path
    name: str
    #: the version in PulumiPolicy.yaml, "" when it names none (the pack's own then counts)
    version: str
    interpreter: str


def load_pack(pack_dir: Path) -> PackInfo:
    pack_dir = pack_dir.resolve()
    if not pack_dir.is_dir():
        raise PackError(f"policy pack {pack_dir}: no such directory (pass --policy-pack DIR).")
    manifest = pack_dir / "PulumiPolicy.yaml"
    if not manifest.exists():
        raise PackError(f"{pack_dir} is not a policy pack: it has no PulumiPolicy.yaml.")
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{manifest}:{mark.line + 1}" if mark is not None else str(manifest)
        raise PackError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise PackError(f"{manifest}: expected a mapping with `runtime`, `name` and `version`.")
    runtime = data.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise PackError(f"{manifest}: runtime {runtime_name!r} is not supported; finops-guard runs Python packs.")
    options = runtime.get("options", {}) if isinstance(runtime, dict) else {}
    interpreter = sys.executable
    venv = options.get("virtualenv") if isinstance(options, dict) else None
    if isinstance(venv, str) and venv:
        candidate = (pack_dir / venv / "bin" / "python").resolve()
        if not candidate.exists():
            raise PackError(f"{manifest}: runtime.options.virtualenv {venv!r} does not exist under {pack_dir}.")
        interpreter = str(candidate)
    if not (pack_dir / "__main__.py").exists():
        raise PackError(f"{pack_dir} has no __main__.py: a Python policy pack starts from __main__.py.")
    name = str(data.get("name") or pack_dir.name)
    version = str(data.get("version") or "")
    return PackInfo(pack_dir, name, version, interpreter)


class StderrTail:
    """A child process's stderr, read to its end on a thread of its own: a failing pack's
    traceback is its last words, so its stream is closed only after `finish`."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._thread: threading.Thread | None = None

    def follow(self, stream: IO[bytes]) -> None:
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            self.lines.append(raw.decode("utf-8", errors="replace"))

    def text(self, keep: int = 40) -> str:
        """The last `keep` lines, as printed."""
        return "".join(self.lines[-keep:])

    def finish(self, timeout: float = 2.0) -> None:
        """Wait (a while) for the stream's end; call before closing it."""
        if self._thread is not None:
            self._thread.join(timeout=timeout)


class PackProcess:
    """`python -u -m pulumi.policy <engine address> <pack dir>`, port read from its first stdout line."""

    def __init__(
        self, pack: PackInfo, engine_address: str, env: Mapping[str, str], start_timeout: float = DEFAULT_START_TIMEOUT
    ) -> None:
        self.pack = pack
        self.engine_address = engine_address
        self.env = dict(env)
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.port: int | None = None
        self.stderr = StderrTail()
        # start() runs on a worker thread; stop() may come from the main thread (Ctrl-C) at any
        # moment, even while the process is being spawned, and must never leave it running.
        self._lock = threading.Lock()
        self._stopped = False

    def start(self) -> int:
        env = dict(os.environ)
        env.update(self.env)
        # The one addition to the CLI's environment: a sitecustomize that logs a raising policy's
        # traceback to stderr (pack_boot/sitecustomize.py), so that a failure can show it.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACK_BOOT), env.get("PYTHONPATH", "")]))
        with self._lock:
            if self._stopped:
                raise PackError(f"policy pack {self.pack.name} was stopped before it started")
            self.proc = self._spawn(env)
        return self._await_port()

    def _spawn(self, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
        try:
            # A session of its own: Ctrl-C reaches us, and we stop the pack ourselves.
            return subprocess.Popen(
                [self.pack.interpreter, "-u", "-m", "pulumi.policy", self.engine_address, str(self.pack.dir)],
                cwd=self.pack.dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            raise PackError(f"cannot start the policy pack with {self.pack.interpreter}: {exc.strerror}") from None

    def _await_port(self) -> int:
        assert self.proc is not None and self.proc.stdout is not None and self.proc.stderr is not None
        self.stderr.follow(self.proc.stderr)
        lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(
            target=lambda: lines.put(self.proc.stdout.readline()),  # type: ignore[union-attr]
            daemon=True,
        ).start()
        try:
            first = lines.get(timeout=self.start_timeout)
        except queue.Empty:
            self.stop()
            raise PackError(
                f"policy pack {self.pack.name} did not print its port within {self.start_timeout:.0f} s; "
                "it may be stuck at import (check its __main__.py)."
            ) from None
        text = first.decode("utf-8", errors="replace").strip()
        if not text.isdigit():
            self.stop()
            detail = self.stderr.text().strip()
            raise PackError(
                f"policy pack {self.pack.name} failed to start"
                + (f": it printed {text!r} instead of its port" if text else " (it exited before printing its port)"),
                details=detail,
            )
        self.port = int(text)
        return self.port

    @property
    def stderr_lines(self) -> list[str]:
        return self.stderr.lines

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.stderr.finish()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> PackProcess:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


_FRAME = re.compile(r'^  File "(?P<file>[^"]+)", line \d+')


def pack_failure_details(stderr_lines: Sequence[str], pack_dir: Path, keep: int = 40) -> str:
    """What a pack that raised left on its stderr: its traceback, its own frames only, and what else it printed.

    The gRPC server logs the exception it turned into "Exception calling application: ..." with
    the whole traceback; the CLI shows a plugin's stderr as it comes. The frames of gRPC and
    pulumi-policy say nothing about the pack, so only the frames of files under the pack's
    directory stay (all of them when none is the pack's). Other lines (the pack's prints, its
    logging) are kept, the last `keep` of them.
    """
    root = pack_dir.resolve()
    printed: list[str] = []
    traces: list[str] = []
    lines = [line.rstrip("\n") for line in stderr_lines]
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith("Traceback (most recent call last):"):
            # grpc's own header for the traceback repeats what the error message says
            if line.strip() and "Exception calling application:" not in line:
                printed.append(line)
            index += 1
            continue
        frames: list[list[str]] = []
        index += 1
        while index < len(lines) and lines[index].startswith("  "):
            if _FRAME.match(lines[index]):
                frames.append([lines[index]])
            elif frames:
                frames[-1].append(lines[index])
            index += 1
        own = [frame for frame in frames if _is_under(frame[0], root)]
        traces.append(line)
        traces.extend(text for frame in (own or frames) for text in frame)
        # the exception line(s), up to the next traceback or a blank line
        while index < len(lines) and lines[index].strip() and not lines[index].startswith("Traceback"):
            traces.append(lines[index])
            index += 1
    return "\n".join(printed[-keep:] + traces)


def _is_under(frame_line: str, root: Path) -> bool:
    match = _FRAME.match(frame_line)
    if match is None:
        return False
    try:
        return Path(match.group("file")).resolve().is_relative_to(root)
    except (OSError, ValueError):
        return False


def pack_environment(project: str, stack: str, organization: str, config: Mapping[str, Any]) -> dict[str, str]:
    import json

    return {
        "PULUMI_PROJECT": project,
        "PULUMI_STACK": stack,
        "PULUMI_ORGANIZATION": organization,
        "PULUMI_DRY_RUN": "true",
        "PULUMI_CONFIG": json.dumps(dict(config)),
        "PYTHONUNBUFFERED": "1",
    }
