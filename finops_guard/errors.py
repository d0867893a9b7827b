"""Errors the CLI turns into a one-paragraph message and exit code 2."""

from __future__ import annotations


class GuardError(Exception):
    """A problem with the user's input or environment, not a bug: shown without a traceback."""

    exit_code = 2

    def __init__(self, message: str, *, details: str = "", debug_details: str = "") -> None:
        super().__init__(message)
        self.message = message
        #: extra text shown after the message (e.g. the program's trimmed traceback)
        self.details = details
        #: extra text shown only with --debug
        self.debug_details = debug_details


class ProjectError(GuardError):
    """Pulumi.yaml or a stack config file is missing or malformed."""


class ProgramError(GuardError):
    """The Pulumi program raised, or could not be started."""


class PackError(GuardError):
    """The policy pack is missing, broken, or failed to start."""


class PolicyConfigError(GuardError):
    """The policy config file is not JSON or does not fit a policy's schema."""
