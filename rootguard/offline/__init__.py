"""Run a rootguard program in-process under Pulumi mocks: no credentials, no Pulumi CLI.

Shared by the offline plan (`rootguard plan`), the tests and the benchmarks, so all
three see exactly the same registrations.
"""

from .engine import Recording, Registration, UnknownInvoke, run_program

__all__ = ["Recording", "Registration", "UnknownInvoke", "run_program"]
