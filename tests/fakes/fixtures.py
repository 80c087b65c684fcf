"""pytest fixtures over the shared fake organization, for every suite that talks to AWS
(`from tests.fakes.fixtures import fake, org, served` in a conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .aws import FakeAws
from .organization import FakeOrganization


@pytest.fixture
def org() -> FakeOrganization:
    """The secure organization (every check passes, no member has root credentials); tests
    break one thing at a time."""
    return FakeOrganization.secure()


@pytest.fixture
def fake(org: FakeOrganization) -> FakeAws:
    """AWS as rootguard sees it: `org` answered at botocore's HTTP layer."""
    return FakeAws(org)


@pytest.fixture
def served(fake: FakeAws) -> Iterator[str]:
    """The fake behind a loopback HTTP server: every call leaves the process."""
    with fake.serve() as url:
        yield url
