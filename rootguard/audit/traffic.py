"""Around every request of the audit's clients: pace it, count throttling, vet the answer.

- `pace`: before each attempt is sent (botocore's `before-send`, so retries are paced too),
  wait for the API's budget in the shared `RateLimiter` (rootguard/audit/quotas.py).
- `count_throttles`: every throttling answer AWS gives (adaptive retries then slow down and
  retry; the count is reported).
- `refuse_foreign_answers`: an answer that is not the service's own format (an HTML page
  from a proxy or captive portal) raises ResponseParserError before botocore parses it.
  botocore's JSON parser would otherwise turn it into an empty result (no accounts, no
  alarms), and its XML parser fails with a bare KeyError on well-formed HTML.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any

from botocore.parsers import ResponseParserError

from .quotas import RateLimiter

# What AWS answers when a request is over a rate quota (botocore's throttling codes, plus
# SNS's `Throttled`, which botocore does not list).
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "Throttled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
    }
)
_XML_ROOT = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?<([A-Za-z][\w.-]*)")


class ThrottleCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def __call__(self, response: Any = None, **_: Any) -> None:
        """botocore `needs-retry` handler: never decides, only counts."""
        if not response:
            return
        parsed = response[1] if isinstance(response, tuple) else None
        code = (parsed or {}).get("Error", {}).get("Code")
        if code in THROTTLING_CODES:
            with self._lock:
                self.count += 1


def pace(
    limiter: RateLimiter, service: str, member: Callable[[], str | None]
) -> Callable[..., None]:
    """A `before-send` handler for one client: `service:Operation` from the event name."""

    def handler(event_name: str = "", **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        limiter.acquire(f"{service}:{operation}", member())

    return handler


def refuse_foreign_answers(operation_model: Any, response_dict: Any, **_: Any) -> None:
    """botocore `before-parse` handler: raise unless the body is in the service's format."""
    body: bytes = response_dict.get("body") or b""
    if not body.strip():
        return
    service = operation_model.service_model
    protocol = service.resolved_protocol
    what = f"{service.service_name}:{operation_model.name}"
    if protocol in ("json", "rest-json"):
        try:
            json.loads(body)
        except ValueError:
            raise ResponseParserError(f"{_describe(response_dict)} is not JSON") from None
        return
    if protocol == "query":
        match = _XML_ROOT.match(body)
        root = match.group(1).decode() if match else None
        if root not in (f"{operation_model.name}Response", "ErrorResponse"):
            raise ResponseParserError(f"{_describe(response_dict)} is not a {what} answer")


def _describe(response_dict: Any) -> str:
    headers = response_dict.get("headers") or {}
    content_type = headers.get("content-type") or headers.get("Content-Type") or "no type"
    status = response_dict.get("status_code")
    return f"the HTTP {status} answer ({content_type})"
