"""Client-side request rates: stay under AWS's quotas instead of finding them by throttling.

IAM and STS throttle each AWS account separately, with a token bucket per API (AWS Security
Blog, "How to monitor and query IAM resources at scale - Part 2"; AWS re:Post knowledge
center "How do I resolve API throttling or 'Rate exceeded' errors for IAM and AWS STS?":
rate quotas apply to the account whose credentials make the call and cannot be raised).
So the calls of a run fall into separate budgets:

- `sts:AssumeRoot` (and GetCallerIdentity) are made by the management account: one bucket
  for the whole run, the run's bottleneck;
- the IAM calls of a root session are made as the member account's root user: one bucket per
  member account;
- Organizations' reads are a handful per run and are left to botocore's retries.

The rates themselves come from rootguard/remediate/quotas (see QUOTAS); a bucket is taken
before every HTTP attempt (botocore's `before-send`), retries included, and botocore's
adaptive retry mode backs off further if AWS throttles anyway.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rootguard.audit.aws import ClientScope


class RateLimiter:
    """A token bucket: `rate` requests per second on average, bursts of up to `burst`.

    A caller that finds the bucket empty reserves the next token and sleeps until it is due,
    outside the lock, so waiting callers are served in order and never spin.
    """

    def __init__(
        self,
        rate: float,
        burst: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate, self.burst = rate, burst
        self._clock, self._sleep = clock, sleep
        self._tokens = burst
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, waiting if needed; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= 1
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait:
            self._sleep(wait)
        return wait


@dataclass(frozen=True)
class Rates:
    """Requests per second (and burst) a run allows itself."""

    sts_per_second: float
    sts_burst: float
    iam_per_account_per_second: float
    iam_burst: float


class Limits:
    """The run's buckets, installed on every client it makes."""

    def __init__(self, rates: Rates) -> None:
        self.rates = rates
        self.sts = RateLimiter(rates.sts_per_second, rates.sts_burst)
        self._iam: dict[str, RateLimiter] = {}
        self._lock = threading.Lock()

    def member_iam(self, account_id: str) -> RateLimiter:
        with self._lock:
            if account_id not in self._iam:
                self._iam[account_id] = RateLimiter(
                    self.rates.iam_per_account_per_second, self.rates.iam_burst
                )
            return self._iam[account_id]

    def install(self, client: Any, scope: ClientScope) -> None:
        def take(**_: Any) -> None:
            if scope.root_session:
                account = scope.current_account()
                if account is not None:
                    self.member_iam(account).acquire()
            elif scope.service == "sts":
                self.sts.acquire()

        # First, so the bucket is taken before any other before-send handler answers.
        client.meta.events.register_first(
            "before-send.*.*", take, unique_id="rootguard-remediate-rate-limit"
        )
