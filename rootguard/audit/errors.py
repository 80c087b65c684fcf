"""Errors that stop the audit before it can judge anything (the CLI exits 2 on them)."""


class AuditError(Exception):
    """The audit cannot run here: wrong account, no organization, no permission to list it.

    The message is one line and says what to do.
    """
