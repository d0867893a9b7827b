"""Imported by a policy pack's interpreter at start-up (its directory is put first on PYTHONPATH).

When a policy raises, pulumi-policy's gRPC server answers "Exception calling application: <the
exception's text>" (empty for a bare `assert`) and logs the traceback to the `grpc._server`
logger, which grpc silences with a NullHandler. This sends that logger's errors, tracebacks
included, to the pack's stderr, where finops-guard reads them; nothing else changes. A
sitecustomize of the pack's own environment, which this one would shadow, is run afterwards.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys


def _log_policy_exceptions() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.ERROR)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logging.getLogger("grpc._server").addHandler(handler)


def _run_shadowed_sitecustomize() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        if os.path.abspath(entry or os.curdir) == here:
            continue
        candidate = os.path.join(entry, "sitecustomize.py")
        if os.path.isfile(candidate):
            spec = importlib.util.spec_from_file_location("_shadowed_sitecustomize", candidate)
            if spec is not None and spec.loader is not None:
                spec.loader.exec_module(importlib.util.module_from_spec(spec))
            return


_log_policy_exceptions()
_run_shadowed_sitecustomize()
