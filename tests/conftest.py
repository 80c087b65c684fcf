"""Shared fixtures: no real AWS, and helpers to run programs under the offline mocks."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from rootguard.offline.engine import Recording
from rootguard.offline.fake_aws import FakeAws
from rootguard.offline.plan import run_main
from tests.config_samples import ALARMS
from tests.package import build_wheel, install

# The shared fake organization's fixtures (org, fake, served) for every suite that talks to AWS.
pytest_plugins = ("tests.fakes.fixtures",)

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


def plain_args(model: type[BaseModel], raw: dict[str, Any], **links: object) -> Any:
    """Component args from a config section as written in a stack file (camelCase keys):
    plain data by Python field name, as another program would pass it, plus links."""
    return {**model.model_validate(raw).model_dump(exclude_unset=True), **links}


@pytest.fixture
def run_stack() -> Iterator[Callable[..., Recording]]:
    """Run the real `__main__.py` under mocks: `run_stack({"rootguard:organization": ...})`."""

    def run(config: dict[str, Any], *, fake: FakeAws | None = None) -> Recording:
        # An alarm needs a subscriber: unless the test says otherwise, a test mailbox.
        config = {"rootguard:alarms": ALARMS, **config}
        return run_main({"aws:region": "us-east-1", **config}, stack="test", fake=fake)

    yield run


@pytest.fixture(scope="session")
def rootguard_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """rootguard's wheel, built from a copy of this checkout."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="session")
def rootguard_installed(rootguard_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed into a folder of its own. This process keeps importing the
    checkout's `rootguard` (one name, one copy); tests use the folder as PYTHONPATH of a
    subprocess that runs outside the checkout, where only the installed package can answer."""
    return install(rootguard_wheel, tmp_path_factory.mktemp("site"))
