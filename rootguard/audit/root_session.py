"""Credentials for root-session clients: per thread, the AssumeRoot session in use.

A boto3 client per member account costs more CPU than all of that member's API calls, so
each worker thread keeps one IAM client for root sessions and switches its credentials from
member to member. botocore signs every request with `get_frozen_credentials()`, so a client
built on `RootSessionCredentials` signs each call with whatever session its own thread set;
a thread's root-session client is only ever used by that thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from botocore.credentials import CredentialProvider, Credentials, ReadOnlyCredentials


@dataclass(frozen=True)
class TemporaryCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str


class RootSessionCredentials(Credentials):  # type: ignore[misc]
    """Credentials that are, per thread, those of the AssumeRoot session in use."""

    def __init__(self) -> None:  # no static keys: deliberately not calling super().__init__
        self.method = "rootguard-assume-root"
        self._local = threading.local()

    def use(self, account_id: str | None, credentials: TemporaryCredentials | None) -> None:
        self._local.account_id = account_id
        self._local.credentials = credentials

    def account(self) -> str | None:
        account: str | None = getattr(self._local, "account_id", None)
        return account

    def _current(self) -> TemporaryCredentials:
        credentials: TemporaryCredentials | None = getattr(self._local, "credentials", None)
        if credentials is None:
            raise RuntimeError("a root-session client was used outside Clients.root_session")
        return credentials

    def get_frozen_credentials(self) -> ReadOnlyCredentials:
        current = self._current()
        return ReadOnlyCredentials(
            current.access_key_id, current.secret_access_key, current.session_token
        )

    @property
    def access_key(self) -> str:
        return self._current().access_key_id

    @property
    def secret_key(self) -> str:
        return self._current().secret_access_key

    @property
    def token(self) -> str:
        return self._current().session_token

    @property
    def account_id(self) -> None:
        return None


class _Provider(CredentialProvider):  # type: ignore[misc]
    """Puts RootSessionCredentials first in a botocore session's credential chain."""

    METHOD = "rootguard-assume-root"
    CANONICAL_NAME = "rootguard-assume-root"

    def __init__(self, credentials: RootSessionCredentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> RootSessionCredentials:
        return self._credentials


def provider(credentials: RootSessionCredentials) -> Any:
    """A credential provider to put first in a botocore session's chain."""
    return _Provider(credentials)
