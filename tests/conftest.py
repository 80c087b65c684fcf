"""Shared fixtures: no real AWS, and helpers to run programs under the offline mocks."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from offline.engine import Recording
from offline.fake_aws import FakeAws
from offline.plan import run_main

# Formatting an Output into a string is a bug; make it fail loudly in every test.
os.environ["PULUMI_ERROR_OUTPUT_STRING"] = "1"


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never see real credentials or profiles, so they cannot reach a real account."""
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    nowhere = tmp_path_factory.getbasetemp() / "no-aws-config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(nowhere))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(nowhere))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def minimal_organization(**overrides: Any) -> dict[str, Any]:
    """A small valid `rootguard:organization` value; keyword arguments replace keys."""
    value: dict[str, Any] = {
        "organizationalUnits": [{"path": "Security"}, {"path": "Workloads"}],
        "accounts": [
            {"name": "log-archive", "email": "aws+log@example.com", "ou": "Security"},
        ],
    }
    value.update(overrides)
    return value


@pytest.fixture
def run_stack() -> Iterator[Callable[..., Recording]]:
    """Run the real `__main__.py` under mocks: `run_stack({"rootguard:organization": ...})`."""

    def run(config: dict[str, Any], *, fake: FakeAws | None = None) -> Recording:
        return run_main({"aws:region": "us-east-1", **config}, stack="test", fake=fake)

    yield run
