"""`FakeAws`: answers botocore's signed requests from a `FakeOrganization`, at the HTTP layer.

botocore serializes and signs every request as for AWS; the fake decodes it (tests/fakes/
wire.py), answers it from the organization (tests/fakes/services.py) and encodes the answer
in the service's own wire format, so botocore's parsers, its retry handler (standard or
adaptive) and any client-side rate limiter run exactly as in production. Two ways in:

- `fake.attach(client)` (also usable as the audit's `on_new_client` hook, or
  `fake.hook_session(boto3_session)`): answers at botocore's `before-send` event, registered
  last, so adaptive retry's own `before-send` rate limiter still runs first;
- `with fake.serve() as url:` a `ThreadingHTTPServer` on 127.0.0.1, for another process
  (`rootguard audit --endpoint-url URL`) or any client given `endpoint_url=url`.

Modelled: latency per call; per-operation request-rate quotas as token buckets (a request
over the rate is answered with the service's throttling error); faults injected per
operation and account (throttle, timeout, AccessDenied, garbled body, any error);
`sts:AssumeRoot` issuing session credentials bound to a task policy, and every call signed
with those credentials checked against that task policy's actions
(rootguard/catalog/root_tasks.yaml): a session opened with IAMAuditRootUserCredentials gets
AccessDenied on any delete. Every request is recorded (`calls`), every deletion too
(`deleted`).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.exceptions import ReadTimeoutError

from rootguard.root_tasks import root_tasks

from . import wire
from .organization import FakeOrganization
from .services import HANDLERS, Call, Caller, ServiceError

# Each service's own throttling answer (its error shape in botocore's model, or the query
# protocol's generic `Throttling`): (code, HTTP status).
THROTTLING: Mapping[str, tuple[str, int]] = {
    "organizations": ("TooManyRequestsException", 400),
    "account": ("TooManyRequestsException", 429),
    "sts": ("Throttling", 400),
    "iam": ("Throttling", 400),
    "cloudtrail": ("ThrottlingException", 400),
    "logs": ("ThrottlingException", 400),
    "cloudwatch": ("Throttling", 400),
    "sns": ("Throttled", 429),
    # Chatbot's model declares no throttling error of its own: the common ThrottlingException
    # (AWS Chatbot API Reference, Common Errors, which lists the errors of every service's API:
    # https://docs.aws.amazon.com/chatbot/latest/APIReference/CommonErrors.html).
    "chatbot": ("ThrottlingException", 400),
}
FAULT_KINDS = ("throttle", "timeout", "access_denied", "garbled", "error")


@dataclass
class Fault:
    """Answer matching calls with a fault instead of the organization's answer."""

    kind: str  # one of FAULT_KINDS
    operation: str = "*"  # "GetAlternateContact", or "*" for every operation
    account: str | None = None  # the member account a call is about; None: any call
    times: int | None = None  # how many calls it hits; None: all of them
    code: str = "InternalFailure"  # for kind "error"
    message: str = "injected"
    status: int = 500
    hits: int = 0

    def matches(self, operation: str, account: str | None) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.operation not in ("*", operation):
            return False
        return self.account is None or self.account == account


@dataclass
class TokenBucket:
    """AWS's request-rate quota model: `rate` tokens a second, at most `burst` saved up."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens, self.stamp = self.burst, self.clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@dataclass(frozen=True)
class Recorded:
    """One request as the fake received it, and how it was answered."""

    service: str
    operation: str
    account: str | None  # the member account it is about (root session, or named)
    root_task: str | None  # the task policy of the session that signed it
    outcome: str  # "OK", or the error code / "timeout" / "garbled"
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Deleted:
    account: str
    kind: str  # LoginProfile | AccessKey | SigningCertificate | MFADeviceDeactivated | ...
    id: str


class FakeAws:
    def __init__(
        self,
        org: FakeOrganization | None = None,
        *,
        latency: float = 0.0,
        quotas: Mapping[str, tuple[float, float]] | None = None,
        timeout_hold: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.org = org or FakeOrganization.secure()
        self.latency = latency
        self.timeout_hold = timeout_hold  # loopback only: how long a timed-out call hangs
        self.faults: list[Fault] = []
        self.calls: list[Recorded] = []
        self.deleted: list[Deleted] = []
        self.throttled = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._clock, self._sleep = clock, sleep
        self._buckets: dict[str, TokenBucket] = {}
        self.quotas = dict(quotas or {})
        for operation, (rate, burst) in self.quotas.items():
            self.limit(operation, rate, burst)
        self._sessions: dict[str, tuple[str, str]] = {}  # access key -> (account, task)
        self._serial = itertools.count(1)
        self._lock = threading.RLock()

    # --- Configuring ----------------------------------------------------------------------

    def limit(self, operation: str, rate: float, burst: float | None = None) -> None:
        """Throttle `operation` beyond `rate` requests a second (AWS's quota model)."""
        self._buckets[operation] = TokenBucket(rate, burst or rate, self._clock)

    def inject(self, kind: str, operation: str = "*", **options: Any) -> Fault:
        """Add a fault: `fake.inject("throttle", "AssumeRoot", account=..., times=2)`."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind {kind!r}: one of {', '.join(FAULT_KINDS)}")
        fault = Fault(kind, operation, **options)
        self.faults.append(fault)
        return fault

    # --- Wiring -----------------------------------------------------------------------------

    def attach(self, client: Any, scope: object = None) -> None:
        """Answer this boto3 client's requests (an `on_new_client` hook as well)."""
        client.meta.events.register_last("before-send", self._before_send)

    def hook_session(self, session: Any) -> None:
        """Answer every client a boto3 (or botocore) session creates from now on."""
        events = getattr(session, "events", None) or session.get_component("event_emitter")
        events.register_last("before-send", self._before_send)

    def _before_send(self, request: Any, **_: Any) -> AWSResponse:
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        answer = self.handle(request.method, request.url, dict(request.headers), body or b"")
        if answer is None:
            raise ReadTimeoutError(endpoint_url=request.url)
        return AWSResponse(
            request.url, answer.status, HeadersDict(answer.headers), _Raw(answer.body)
        )

    @contextmanager
    def serve(self) -> Iterator[str]:
        """A loopback HTTP endpoint answering like AWS; yields its URL."""
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)

    # --- Answering --------------------------------------------------------------------------

    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> wire.Response | None:
        """The response to one HTTP request; None for a call that times out."""
        request_id = f"fake-{next(self._serial):08d}"
        try:
            request = wire.decode(method, url, dict(headers), body)
        except wire.BadRequest as exc:
            return wire.Response(400, {"Content-Type": "text/plain"}, str(exc).encode())
        caller = self._caller(request.access_key)
        account = caller.account if caller.root_task else _named_account(request.params)
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                self._sleep(self.latency)
            outcome, answer = self._answer(request, caller, account, request_id)
        finally:
            with self._lock:
                self.in_flight -= 1
        with self._lock:
            self.calls.append(
                Recorded(
                    request.service, request.name, account, caller.root_task, outcome,
                    request.params,
                )
            )  # fmt: skip
        return answer

    def _answer(
        self, request: wire.Request, caller: Caller, account: str | None, request_id: str
    ) -> tuple[str, wire.Response | None]:
        name = request.name
        with self._lock:
            fault = next((f for f in self.faults if f.matches(name, account)), None)
            if fault is not None:
                fault.hits += 1
            bucket = self._buckets.get(name)
            over_quota = fault is None and bucket is not None and not bucket.take()
            if over_quota:
                self.throttled += 1
        if fault is not None:
            return self._fault(request, fault, caller, request_id)
        if over_quota:
            return self._throttle(request, request_id)
        if caller.root_task is not None:
            task = root_tasks()[caller.root_task]
            if not task.allows(f"{request.service}:{name}"):
                return self._error(
                    request,
                    ServiceError(
                        "AccessDenied",
                        f"User: {caller.arn} is not authorized to perform: "
                        f"{request.service}:{name} on resource: arn:aws:iam::{caller.account}:root "
                        f"because no session policy allows the {request.service}:{name} action "
                        f"(task policy {task.name})",
                        403,
                    ),
                    request_id,
                )
        handler = HANDLERS.get((request.service, name))
        if handler is None:
            error = ServiceError(
                "InvalidAction", f"the fake does not model {request.service}:{name}"
            )
            return self._error(request, error, request_id)
        call = Call(self.org, caller, request.params, self._issue_session, self._record_delete)
        try:
            with self._lock:  # handlers read and change the organization: one at a time
                result = handler(call)
        except ServiceError as exc:
            return self._error(request, exc, request_id)
        return "OK", wire.success(request, result, request_id)

    def _fault(
        self, request: wire.Request, fault: Fault, caller: Caller, request_id: str
    ) -> tuple[str, wire.Response | None]:
        if fault.kind == "throttle":
            with self._lock:
                self.throttled += 1
            return self._throttle(request, request_id)
        if fault.kind == "timeout":
            if self.timeout_hold:
                self._sleep(self.timeout_hold)
            return "timeout", None
        if fault.kind == "garbled":
            return "garbled", wire.garbled(request_id)
        if fault.kind == "access_denied":
            code = "AccessDeniedException" if request.protocol != "query" else "AccessDenied"
            message = (
                f"User: {caller.arn} is not authorized to perform: "
                f"{request.service}:{request.name} with an explicit deny in a service control "
                "policy"
            )
            return self._error(request, ServiceError(code, message, 403), request_id)
        return self._error(
            request, ServiceError(fault.code, fault.message, fault.status), request_id
        )

    def _throttle(self, request: wire.Request, request_id: str) -> tuple[str, wire.Response]:
        code, status = THROTTLING[request.service]
        return self._error(request, ServiceError(code, "Rate exceeded", status), request_id)

    @staticmethod
    def _error(
        request: wire.Request, exc: ServiceError, request_id: str
    ) -> tuple[str, wire.Response]:
        return exc.code, wire.error(request, exc.code, exc.message, exc.status, request_id)

    # --- Sessions and records ---------------------------------------------------------------

    def _caller(self, access_key: str) -> Caller:
        with self._lock:
            session = self._sessions.get(access_key)
        if session is not None:
            account, task = session
            return Caller(account, f"arn:aws:iam::{account}:root", task)
        return Caller(self.org.caller_account, self.org.caller_arn)

    def _issue_session(self, account: str, task: str) -> tuple[str, str, str]:
        key = f"ASIAROOT{next(self._serial):012d}"
        with self._lock:
            self._sessions[key] = (account, task)
        return key, f"secret-{key}", f"token-{key}"

    def _record_delete(self, account: str, kind: str, ident: str) -> None:
        self.deleted.append(Deleted(account, kind, ident))

    # --- Figures ------------------------------------------------------------------------------

    def count(self, operation: str | None = None, account: str | None = None) -> int:
        """Requests received, for one operation and/or one member account."""
        with self._lock:
            return sum(
                1
                for c in self.calls
                if (operation is None or c.operation == operation)
                and (account is None or c.account == account)
            )

    def calls_by_operation(self) -> Counter[str]:
        with self._lock:
            return Counter(c.operation for c in self.calls)

    def calls_by_member(self) -> Counter[str]:
        """Requests about each member account (AssumeRoot, its root session, its contacts)."""
        with self._lock:
            return Counter(c.account for c in self.calls if c.account is not None)

    def reset_records(self) -> None:
        with self._lock:
            self.calls.clear()
            self.deleted.clear()
            self.throttled = 0
            self.max_in_flight = 0


def _named_account(params: Mapping[str, Any]) -> str | None:
    named = params.get("TargetPrincipal") or params.get("AccountId")
    return str(named).split(":")[-1] if named else None


class _Raw:
    """The raw stream botocore reads a response body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.read()

    def read(self, *_: Any) -> bytes:
        body, self._body = self._body, b""
        return body


def _handler_for(fake: FakeAws) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            url = f"http://{self.headers.get('Host', '127.0.0.1')}{self.path}"
            answer = fake.handle(self.command, url, dict(self.headers.items()), body)
            if answer is None:  # a timeout: hang up without an answer
                self.close_connection = True
                return
            self.send_response(answer.status)
            for key, value in answer.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_POST = do_GET = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the fake's own records say what happened

    return Handler


def documented_quotas() -> dict[str, tuple[float, float]]:
    """AWS's documented request-rate quotas (rootguard/catalog/api_quotas.yaml) by operation.

    Only the documented ones: where AWS publishes no number, throttling at a made-up rate
    would model a guess.
    """
    from rootguard.audit.quotas import quotas

    return {q.api.split(":", 1)[1]: (q.rate, q.burst) for q in quotas().values() if q.documented}


def use_fake_credentials() -> None:
    """Point this process's AWS SDK at made-up credentials and no config files (benchmarks).

    Requests must be signed to reach the fake's HTTP layer; these keys sign them, and real
    credentials on the machine are never read.
    """
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ.update(
        AWS_ACCESS_KEY_ID="AKIAFAKEBENCHMARK000",
        AWS_SECRET_ACCESS_KEY="fake-secret",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
