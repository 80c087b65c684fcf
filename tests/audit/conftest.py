"""Fixtures for the audit: a secure organization in moto, in-process or behind a real server."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
import requests
from moto import mock_aws
from moto.server import ThreadedMotoServer

from .world import REGION, World


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The secure organization, with moto patched in-process (mock_aws)."""
    with mock_aws():
        built = World(lambda service, region=REGION: boto3.client(service, region_name=region))
        built.install(monkeypatch)
        yield built.build()


@pytest.fixture
def server_world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The same organization behind a moto server on loopback: every call is real HTTP."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    requests.post(f"{url}/moto-api/reset", timeout=10)
    try:
        built = World(
            lambda service, region=REGION: boto3.client(
                service, region_name=region, endpoint_url=url
            ),
            endpoint_url=url,
        )
        built.install(monkeypatch)
        yield built.build()
    finally:
        requests.post(f"{url}/moto-api/reset", timeout=10)
        server.stop()
