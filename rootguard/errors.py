"""Errors a user can fix; Pulumi prints a RunError's message without a traceback."""

from __future__ import annotations

import pulumi


class RootGuardError(pulumi.RunError):
    """A one-line, actionable problem with the stack or the live organization."""
