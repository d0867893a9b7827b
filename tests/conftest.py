from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The pack is importable from its own directory, as the CLI runs it; the editable install maps
# it too, but tests should not depend on how the project was installed.
for path in (ROOT / "policypack", ROOT / "components", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

os.environ.setdefault("NO_COLOR", "1")
