"""Fixtures for `rootguard remediate`: the shared fake organization, answered over HTTP."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest

from rootguard.cli import main
from tests.fakes import REGION, FakeAws


class Terminal(io.StringIO):
    """stdin as a terminal, with what the person types."""

    def isatty(self) -> bool:
        return True


@dataclass
class Run:
    code: int
    out: str
    err: str


def remediate(
    fake: FakeAws,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    endpoint_url: str | None = None,
    stdin: io.StringIO | None = None,
) -> Run:
    """`rootguard remediate ARGS` against the fake (in-process at botocore's HTTP layer, or
    through the loopback server with `endpoint_url`)."""
    out = io.StringIO()
    options: list[str] = ["--region", REGION, "--no-progress"]
    if endpoint_url:
        options += ["--endpoint-url", endpoint_url]
    code = main(
        ["remediate", *options, *args],
        stdout=out,
        stdin=stdin or io.StringIO(),
        on_new_client=None if endpoint_url else fake.attach,
    )
    return Run(code, out.getvalue(), capsys.readouterr().err)


def writes(fake: FakeAws) -> list[Any]:
    """Every request the fake received that changes something."""
    return [c for c in fake.calls if c.operation.startswith(("Delete", "Deactivate", "Create"))]
