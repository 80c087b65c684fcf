"""AWS request-rate quotas (rootguard/catalog/api_quotas.yaml) and a limiter that keeps under them.

`RateLimiter` is shared by every client and worker thread of one audit: one budget per API
(per member account for calls made in that member's root session), so 32 workers together
never send GetAlternateContact faster than Account Management allows. It sends at a
fraction (`HEADROOM`) of the quota's rate and spends one request less than AWS's burst, so
its bucket is always a little fuller than AWS's and network jitter cannot push a request
over; what still gets throttled is retried by botocore's adaptive retry mode.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOG_PATH = Path(__file__).resolve().parents[1] / "catalog" / "api_quotas.yaml"
# The caps rootguard keeps to for STS and IAM, whose quotas AWS does not publish.
SERVICE_CAPS_PATH = CATALOG_PATH.parent / "request_rates.yaml"
# Send at 95% of a quota: the limiter's spacing plus jitter stays inside AWS's bucket.
HEADROOM = 0.95


@dataclass(frozen=True)
class Quota:
    api: str  # "account:GetAlternateContact"
    rate: float  # requests per second
    burst: float
    per_member: bool  # one budget per member account (root-session calls)
    documented: bool
    source: str

    @property
    def client_rate(self) -> float:
        return self.rate * HEADROOM

    @property
    def client_burst(self) -> float:
        return max(1.0, self.burst - 1)


@cache
def quotas() -> Mapping[str, Quota]:
    """Every API the audit calls, with its quota (the undocumented cap where AWS is silent)."""
    raw: dict[str, Any] = yaml.safe_load(CATALOG_PATH.read_text())
    service_caps: dict[str, Any] = yaml.safe_load(SERVICE_CAPS_PATH.read_text())
    default = (raw["undocumented"]["rate"], raw["undocumented"]["burst"])
    caps = {name: (cap["perSecond"], cap["burst"]) for name, cap in service_caps.items()}
    table = {}
    for api, entry in raw["apis"].items():
        documented = bool(entry.get("documented", False))
        rate, burst = (
            (entry["rate"], entry["burst"])
            if documented
            else caps.get(api.split(":", 1)[0], default)
        )
        table[api] = Quota(
            api=api,
            rate=float(rate),
            burst=float(burst),
            per_member=entry.get("scope") == "member",
            documented=documented,
            source=str(entry.get("source", "undocumented")),
        )
    return table


class RateLimiter:
    """Blocks each request until its API's budget allows it; thread-safe, first come first served.

    A token bucket in its generic cell-rate form: each budget remembers the theoretical time
    of its next request; a caller may go up to `burst - 1` intervals before it, takes its
    slot and sleeps until then.
    """

    def __init__(
        self,
        table: Mapping[str, Quota] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._table = quotas() if table is None else table
        self._clock, self._sleep = clock, sleep
        self._next: dict[tuple[str, str | None], float] = {}
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds spent waiting, all threads together

    def acquire(self, api: str, member: str | None = None) -> None:
        quota = self._table.get(api)
        if quota is None:
            return  # an API outside the table (a test's own call): not limited
        key = (api, member if quota.per_member else None)
        interval = 1.0 / quota.client_rate
        with self._lock:
            now = self._clock()
            theoretical = max(now, self._next.get(key, now))
            slot = theoretical - (quota.client_burst - 1) * interval
            slot = now if slot - now < 1e-9 else slot  # float dust is no wait
            self._next[key] = theoretical + interval
            self.waited += slot - now
        if slot > now:
            self._sleep(slot - now)
