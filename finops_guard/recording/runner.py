"""Starts the recorder in the program's interpreter and streams its registrations back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import IO, Any

from ..errors import ProgramError, ProjectError
from ..model import CustomTimeouts, Registration, ResourceOptions, SourceLocation
from ..project import Project, StackConfig, program_interpreter

RECORDER = Path(__file__).with_name("recorder.py")


def _location(raw: Any) -> SourceLocation | None:
    if not isinstance(raw, dict) or "file" not in raw:
        return None
    return SourceLocation(str(raw["file"]), int(raw.get("line") or 0))


def _options(raw: Any) -> ResourceOptions:
    if not isinstance(raw, dict):
        return ResourceOptions()
    timeouts = raw.get("customTimeouts") or {}
    dbr = raw.get("deleteBeforeReplace")
    return ResourceOptions(
        protect=bool(raw.get("protect")),
        ignore_changes=tuple(raw.get("ignoreChanges") or ()),
        delete_before_replace=None if dbr is None else bool(dbr),
        additional_secret_outputs=tuple(raw.get("additionalSecretOutputs") or ()),
        aliases=tuple(raw.get("aliases") or ()),
        custom_timeouts=CustomTimeouts(
            **{key: float(timeouts.get(key) or 0) for key in ("create", "update", "delete", "read")}
        ),
    )


def to_registration(record: dict[str, Any]) -> Registration:
    return Registration(
        urn=record["urn"],
        type=record["type"],
        name=record["name"],
        custom=bool(record["custom"]),
        parent=record.get("parent"),
        provider=record.get("provider"),
        dependencies=list(record.get("dependencies") or []),
        property_dependencies={k: list(v) for k, v in (record.get("propertyDependencies") or {}).items()},
        inputs=record.get("inputs") or {},
        source=_location(record.get("source")),
        stack_trace=[loc for loc in map(_location, record.get("stackTrace") or []) if loc is not None],
        synthesized=bool(record.get("synthesized")),
        options=_options(record.get("options")),
    )


def _pump(stream: IO[bytes], sink: IO[str], keep: list[str]) -> None:
    """Forward the program's own output to our stderr (stdout may carry a report), keeping a tail."""
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", errors="replace")
        keep.append(line)
        del keep[:-200]
        sink.write(line)
        sink.flush()


class _DeferredInterrupt:
    """Holds back Ctrl-C while the program starts, so a started program is never left unowned.

    An interrupt that lands inside ``Popen`` (after the fork) or before the ``try`` that owns the
    child would orphan the recorder, which runs in its own session and never sees Ctrl-C itself.
    """

    def __init__(self) -> None:
        self._previous: Any = None
        self._pending = False
        self._holding = False

    def _note(self, signum: int, frame: FrameType | None) -> None:
        self._pending = True

    def hold(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._note)
            self._holding = True

    def release(self) -> None:
        if not self._holding:
            return
        self._holding = False
        # None: the previous handler was not installed from Python; Python's own is the fallback.
        signal.signal(signal.SIGINT, self._previous if self._previous is not None else signal.default_int_handler)
        if self._pending:
            raise KeyboardInterrupt


def record_program(
    project: Project,
    stack: StackConfig,
    *,
    organization: str = "organization",
    on_registration: Callable[[Registration], None] | None = None,
    echo: IO[str] | None = None,
    warnings: list[str] | None = None,
) -> list[Registration]:
    """Run the program to the end under the recorder; raise ProgramError/ProjectError on failure."""
    interpreter = program_interpreter(project)
    spec: dict[str, Any] = {
        "programDir": str(project.dir),
        "main": str(project.main),
        "project": project.name,
        "stack": stack.name,
        "organization": organization,
        "config": stack.values,
        "secretKeys": sorted(stack.secret_keys),
    }
    read_fd, write_fd = os.pipe()
    spec["outFd"] = write_fd
    # The project name in the spec's file name makes the recorder findable in a process list.
    with tempfile.NamedTemporaryFile("w", prefix=f"finops-guard-{project.name}-", suffix=".json", delete=False) as fh:
        json.dump(spec, fh)
        spec_path = fh.name
    env = dict(os.environ)
    env.update(
        {
            "PULUMI_PROJECT": project.name,
            "PULUMI_STACK": stack.name,
            "PULUMI_DRY_RUN": "true",
            "PULUMI_ORGANIZATION": organization,
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("PULUMI_CONFIG", None)
    interrupts = _DeferredInterrupt()
    interrupts.hold()  # from Popen until the program is owned by the try/finally below
    try:
        proc = subprocess.Popen(
            [*interpreter, str(RECORDER), spec_path],
            cwd=project.dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(write_fd,),
            # Its own session: Ctrl-C reaches only us, and we stop the program cleanly.
            start_new_session=True,
        )
    except BaseException as exc:  # whatever stops Popen, the files go and Ctrl-C works again
        os.close(read_fd)
        os.close(write_fd)
        os.unlink(spec_path)
        interrupts.release()
        if isinstance(exc, OSError):
            raise ProgramError(f"cannot start the program's interpreter {interpreter[0]}: {exc.strerror}") from None
        raise
    tail: list[str] = []
    registrations: list[Registration] = []
    failure: dict[str, Any] | None = None
    done = False
    try:  # from here on, whatever happens (Ctrl-C included), the program is stopped
        interrupts.release()
        os.close(write_fd)
        pump = threading.Thread(target=_pump, args=(proc.stdout, echo or sys.stderr, tail), daemon=True)
        pump.start()
        with os.fdopen(read_fd, "r", encoding="utf-8") as records:
            for line in records:
                record = json.loads(line)
                kind = record.get("kind")
                if kind == "resource":
                    registration = to_registration(record)
                    registrations.append(registration)
                    if on_registration is not None:
                        on_registration(registration)
                elif kind in ("error", "config"):
                    failure = record
                elif kind == "notice":
                    message = str(record.get("message", ""))
                    if warnings is not None:
                        warnings.append(message)
                    sink = echo or sys.stderr
                    sink.write(f"finops-guard: warning: {message}\n")
                    sink.flush()
                elif kind == "done":
                    done = True
        proc.wait()
        pump.join(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.unlink(spec_path)
    if failure is not None:
        _raise_failure(failure, stack)
    if not done:
        output = "".join(tail).strip()
        hint = ""
        if "No module named 'pulumi'" in output:
            hint = (
                f" The interpreter {interpreter[0]} has no Pulumi SDK: install the program's requirements "
                "into it (e.g. `pip install -r requirements.txt`)."
            )
        raise ProgramError(
            f"the program stopped before finishing (exit code {proc.returncode}).{hint}", details=output[-4000:]
        )
    return registrations


def _raise_failure(failure: dict[str, Any], stack: StackConfig) -> None:
    if failure["kind"] == "config":
        key = failure.get("key") or failure.get("message", "")
        file = f"Pulumi.{stack.name}.yaml"
        raise ProjectError(
            f"the program requires configuration {key!r}, which is not set. Set it with "
            f"`--config {key}=<value>` (like `pulumi preview -c`) or under `config:` in {file}."
        )
    if failure.get("runError"):
        raise ProgramError(
            f"the program stopped: {failure.get('message', '')}", debug_details=failure.get("traceback", "")
        )
    raise ProgramError(
        f"the program raised {failure.get('exception', 'an exception')}: {failure.get('message', '')}",
        details=failure.get("traceback", ""),
    )
