"""Fails inside a library installed in the program's own virtualenv (created by the test)."""

import fieldlib

fieldlib.settings_for("staging")
