"""Reports of a preview run: text (for people), JSON (for scripts), SARIF (code scanning), JUnit (CI).

    text = render(result, "sarif")
    write_atomic("finops.sarif", text)
    write_atomic_stream("finops.sarif", lambda out: write_report(result, "sarif", out))   # large runs

Every format reads only the result model (`finops_guard.model`), never prints the raw inputs of a
resource, and scrubs secret input values from messages as a second line of defence.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from finops_guard.formats import FORMATS
from finops_guard.model import RunResult

from .json_report import report_dict, write_json
from .junit import junit_root, render_junit
from .progress import Progress
from .sarif import sarif_log, write_sarif
from .text import summary_line, verdict_line, write_text

__all__ = [
    "FORMATS",
    "Progress",
    "ReportWriteError",
    "color_enabled",
    "junit_root",
    "render",
    "report_dict",
    "sarif_log",
    "summary_line",
    "verdict_line",
    "write_atomic",
    "write_atomic_stream",
    "write_report",
]


def render(result: RunResult, fmt: str, *, color: bool = False, base_dir: str | None = None) -> str:
    """The report of `result` in format `fmt` (one of `FORMATS`).

    `color` adds ANSI colours to the text format only (decide it with `color_enabled`). File paths
    are shown relative to `base_dir` (default: the working directory) when under it.
    """
    out = io.StringIO()
    write_report(result, fmt, out, color=color, base_dir=base_dir)
    return out.getvalue()


def write_report(result: RunResult, fmt: str, out: TextIO, *, color: bool = False, base_dir: str | None = None) -> None:
    """`render(result, fmt, ...)` written to `out` as it is made: text, JSON and SARIF one finding at
    a time (a report of 400,000 findings is never held whole), JUnit whole."""
    if fmt == "text":
        write_text(result, out, color=color, base_dir=base_dir)
    elif fmt == "json":
        write_json(result, out, base_dir=base_dir)
    elif fmt == "sarif":
        write_sarif(result, out, base_dir=base_dir)
    elif fmt == "junit":
        out.write(render_junit(result, base_dir=base_dir))
    else:
        raise ValueError(f"unknown report format {fmt!r}; expected one of: {', '.join(FORMATS)}")


def color_enabled(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Colour only on a terminal, and never when `NO_COLOR` is set to anything (no-color.org)
    or the terminal says it cannot (`TERM=dumb`)."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ReportWriteError(OSError):
    """The report could not be written; the message names the file and the reason."""

    def __str__(self) -> str:
        return f"cannot write report {self.filename!s}: {self.strerror}"


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` to `path` (UTF-8) so that readers see the old file or the whole new one.

    The text goes to a temporary file in the same directory, which then replaces `path` in one
    rename; on any failure the temporary file is removed and `ReportWriteError` (an `OSError`)
    is raised. Missing parent directories are created, as `pytest --junitxml` does.
    """
    write_atomic_stream(path, lambda handle: handle.write(text))


def write_atomic_stream(path: str | os.PathLike[str], produce: Callable[[TextIO], object]) -> None:
    """`write_atomic`, with the text written by `produce(handle)` as it is made."""
    target = Path(path)
    temp_name: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory", str(target))
        descriptor, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            produce(handle)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates the file 0600; give the report the mode a plainly created file gets
        os.chmod(temp_name, _default_mode(target))
        os.replace(temp_name, target)
        temp_name = None
    except OSError as error:
        raise ReportWriteError(error.errno, error.strerror or str(error), str(target)) from error
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)


def _default_mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777  # keep the mode of the report being replaced
    except OSError:
        pass
    # the process umask can only be read by setting it; set it straight back
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask
