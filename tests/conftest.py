from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # for annotations only: the project is importable once the path set-up below has run
    from finops_guard.model import RunResult

ROOT = Path(__file__).resolve().parents[1]
# The pack is importable from its own directory, as the CLI runs it; the editable install maps
# it too, but tests should not depend on how the project was installed.
for path in (ROOT / "policypack", ROOT / "components", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

os.environ.setdefault("NO_COLOR", "1")


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """Where the report tests' sample program lives (see test_reports.build_sample)."""
    return tmp_path / "repo"


@pytest.fixture
def sample(base: Path) -> RunResult:
    """A run with one finding of each kind, its files on disk under `base`."""
    from test_reports import build_sample

    return build_sample(base)
