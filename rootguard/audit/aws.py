"""boto3 clients for the audit: adaptive retries, read-only guard, safe across threads.

boto3 clients are thread-safe but sessions are not. The management account's clients are
created once (under a lock) and shared by every worker. Each worker thread has its own
botocore session (sharing one loader of service models) for its root-session client, whose
credentials follow the AssumeRoot session the thread is using (audit/root_session.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionError, HTTPClientError
from botocore.parsers import ResponseParserError

from . import readonly, traffic
from .facts import Maybe, Unavailable
from .quotas import RateLimiter
from .root_session import RootSessionCredentials, TemporaryCredentials, provider

T = TypeVar("T")

# Errors that make one fact unreadable without making the whole run meaningless: an AWS
# error, a network failure or timeout, an answer that is not the service's (an HTML error
# page from a proxy). Missing credentials and refused writes are deliberately not here.
READ_ERRORS: tuple[type[Exception], ...] = (
    ClientError,
    ConnectionError,
    HTTPClientError,
    ResponseParserError,
)


def _nobody() -> str | None:
    return None


@dataclass(frozen=True)
class ClientScope:
    """Who a client acts as: the management account's credentials, or a member's root user.

    A root-session client serves one member after another; `current_account()` names the
    member whose AssumeRoot session it is using right now (None for management clients).
    """

    service: str
    region: str
    root_session: bool = False
    current_account: Callable[[], str | None] = field(default=_nobody, compare=False)


# Called with every new client; tests use it to attach a Stubber or count calls.
ClientHook = Callable[[Any, ClientScope], None]


def _read_only(client: Any, _: ClientScope) -> None:
    readonly.install(client)


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
        guard: ClientHook | None = None,
        user_agent: str = "rootguard-audit",
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        self.region = region
        # One budget per API for every client and thread: the quotas are per account. The
        # audit passes `RateLimiter()` (AWS's quotas); without one nothing is paced here
        # (`rootguard remediate` paces with its own limiters, rootguard/remediate/limits.py).
        self.rate_limiter = rate_limiter or RateLimiter({})
        self.throttles = traffic.ThrottleCounter()
        self._profile = profile
        # Raises botocore's ProfileNotFound for an unknown profile: a usage error.
        self._botocore = botocore.session.Session(profile=profile)
        self._session = boto3.Session(botocore_session=self._botocore, region_name=region)
        self._endpoint_url = endpoint_url
        self._on_new_client = on_new_client
        # What every client may call: the audit's read-only guard unless told otherwise
        # (`rootguard remediate` passes its own allow-list, rootguard/remediate/guard.py).
        self._guard = guard or _read_only
        self._lock = threading.Lock()
        self._shared: dict[tuple[str, str], Any] = {}
        self._local = threading.local()
        self._root_credentials = RootSessionCredentials()
        self.config = Config(
            retries={"mode": "adaptive", "max_attempts": max_attempts},
            # Every worker may use a shared client at once: one pooled connection each.
            max_pool_connections=max_workers + 4,
            connect_timeout=10,
            read_timeout=30,
            user_agent_extra=user_agent,
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

    @contextmanager
    def root_session(
        self, service: str, account_id: str, credentials: TemporaryCredentials
    ) -> Iterator[Any]:
        """A client acting as `account_id`'s root user, for the duration of the block."""
        client = self._thread_root_client(service)
        self._root_credentials.use(account_id, credentials)
        try:
            yield client
        finally:
            self._root_credentials.use(None, None)

    def _thread_root_client(self, service: str) -> Any:
        clients: dict[str, Any] | None = getattr(self._local, "root_clients", None)
        if clients is None:
            clients = self._local.root_clients = {}
        if service not in clients:
            session = botocore.session.Session(profile=self._profile)
            # Parsed service models are read-only and large: load them once, not per thread.
            session.register_component("data_loader", self._botocore.get_component("data_loader"))
            resolver = session.get_component("credential_provider")
            resolver.insert_before("env", provider(self._root_credentials))
            client = session.create_client(
                service,
                region_name=self.region,
                endpoint_url=self._endpoint_url,
                config=self.config,
            )
            scope = ClientScope(service, self.region, True, self._root_credentials.account)
            self._prepare(client, scope)
            clients[service] = client
        return clients[service]

    def _prepare(self, client: Any, scope: ClientScope) -> None:
        self._guard(client, scope)
        events = client.meta.events
        member = scope.current_account if scope.root_session else _nobody
        events.register_first("before-send", traffic.pace(self.rate_limiter, scope.service, member))
        events.register_first("needs-retry", self.throttles)
        events.register_first("before-parse", traffic.refuse_foreign_answers)
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
        message = str(exc).split("\n")[0]  # a parser error quotes the whole response after
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
