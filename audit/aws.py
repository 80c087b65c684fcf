"""boto3 clients for the audit: adaptive retries, read-only guard, safe across threads.

boto3 clients are thread-safe but sessions are not. The management account's clients are
created once (under a lock) and shared by every worker; a member account's root-session
client is created from a per-thread session with that session's temporary credentials.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

from . import readonly
from .facts import Maybe, Unavailable

T = TypeVar("T")

# Errors that make one fact unreadable without making the whole run meaningless. Missing
# credentials (NoCredentialsError) and refused writes are deliberately not here.
READ_ERRORS: tuple[type[Exception], ...] = (ClientError, ConnectionError, HTTPClientError)


@dataclass(frozen=True)
class TemporaryCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str


@dataclass(frozen=True)
class ClientScope:
    """Who a client acts as: the management credentials (account_id None) or a member's root."""

    service: str
    region: str
    account_id: str | None = None


# Called with every new client; tests use it to attach a Stubber or count calls.
ClientHook = Callable[[Any, ClientScope], None]


class Clients:
    def __init__(
        self,
        profile: str | None,
        region: str,
        *,
        max_workers: int,
        endpoint_url: str | None = None,
        max_attempts: int = 8,
        on_new_client: ClientHook | None = None,
    ) -> None:
        self.region = region
        self._profile = profile
        # Raises botocore's ProfileNotFound for an unknown profile: a usage error.
        self._session = boto3.Session(profile_name=profile, region_name=region)
        self._endpoint_url = endpoint_url
        self._on_new_client = on_new_client
        self._lock = threading.Lock()
        self._shared: dict[tuple[str, str], Any] = {}
        self._local = threading.local()
        self.config = Config(
            retries={"mode": "adaptive", "max_attempts": max_attempts},
            # Every worker may use a shared client at once: one pooled connection each.
            max_pool_connections=max_workers + 4,
            connect_timeout=10,
            read_timeout=30,
            user_agent_extra="rootguard-audit",
        )

    def management(self, service: str, region: str | None = None) -> Any:
        """A client with the management account's credentials, shared by all threads."""
        key = (service, region or self.region)
        with self._lock:
            client = self._shared.get(key)
            if client is None:
                client = self._session.client(
                    service,
                    region_name=key[1],
                    endpoint_url=self._endpoint_url,
                    config=self.config,
                )
                self._prepare(client, ClientScope(service, key[1]))
                self._shared[key] = client
        return client

    def root_session(self, service: str, account_id: str, credentials: TemporaryCredentials) -> Any:
        """A client acting as a member account's root user (an AssumeRoot session)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = boto3.Session(profile_name=self._profile, region_name=self.region)
            self._local.session = session
        client = session.client(
            service,
            region_name=self.region,
            endpoint_url=self._endpoint_url,
            config=self.config,
            aws_access_key_id=credentials.access_key_id,
            aws_secret_access_key=credentials.secret_access_key,
            aws_session_token=credentials.session_token,
        )
        self._prepare(client, ClientScope(service, self.region, account_id))
        return client

    def _prepare(self, client: Any, scope: ClientScope) -> None:
        readonly.install(client)
        if self._on_new_client is not None:
            self._on_new_client(client, scope)


def error_code(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "Unknown"))
    return type(exc).__name__


def describe_error(exc: Exception, what: str) -> str:
    """`AccessDenied on sts:AssumeRoot: <AWS's message>` on one line."""
    if isinstance(exc, ClientError):
        message = exc.response.get("Error", {}).get("Message", "")
    else:
        message = str(exc)
    text = f"{error_code(exc)} on {what}: {message}" if message else f"{error_code(exc)} on {what}"
    return " ".join(text.split())


def attempt(call: Callable[[], T], what: str) -> Maybe[T]:
    """Run one read; an AWS error or a timeout becomes Unavailable(reason)."""
    try:
        return call()
    except READ_ERRORS as exc:
        return Unavailable(describe_error(exc, what))


def paginate(client: Any, operation: str, key: str, **params: Any) -> list[Any]:
    """Every item under `key` across all pages of a paginated list call."""
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**params):
        items.extend(page.get(key, []))
    return items
