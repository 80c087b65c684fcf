"""The client-side rate limiter: a token bucket that never lets a run exceed its rate."""

from __future__ import annotations

import pytest

from rootguard.remediate.limits import RateLimiter
from rootguard.remediate.quotas import rates


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_burst_then_the_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(10, 5, clock=clock, sleep=clock.sleep)

    waits = [limiter.acquire() for _ in range(25)]

    assert waits[:5] == [0.0] * 5  # the burst
    assert clock.now == pytest.approx(2.0)  # the other 20 at 10 a second
    assert all(w == pytest.approx(0.1) for w in waits[5:])


def test_an_idle_bucket_refills_only_up_to_its_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(2, 3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        limiter.acquire()
    clock.now += 60  # a long pause saves up no more than the burst
    assert [limiter.acquire() for _ in range(4)] == [0.0, 0.0, 0.0, pytest.approx(0.5)]


def test_bad_rates_are_refused() -> None:
    with pytest.raises(ValueError, match="rate must be positive"):
        RateLimiter(0, 1)


def test_the_catalog_rates_are_positive() -> None:
    loaded = rates()
    assert loaded.sts_per_second > 0 and loaded.iam_per_account_per_second > 0
    assert loaded.sts_burst >= 1 and loaded.iam_burst >= 1
