"""A progress bar on stderr for long runs: only on a terminal, and only after a second.

It shows the accounts done out of all, the throttling answers AWS gave so far (each one a
retry botocore made; a rising count means the audit is at a quota), and the time left at the
pace so far.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO


def _nothing() -> int:
    return 0


def duration(seconds: float) -> str:
    """`45s`, `3m05s`, `1h02m`."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class ProgressBar:
    def __init__(
        self,
        stream: TextIO,
        *,
        enabled: bool,
        delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        width: int = 30,
        throttles: Callable[[], int] = _nothing,
        label: str = "auditing",
    ) -> None:
        self._stream = stream
        self._enabled = enabled
        self._clock = clock
        self._start = clock()
        self._delay = delay
        self._width = width
        self._throttles = throttles
        self._shown = False
        self._label = label

    def line(self, done: int, total: int) -> str:
        """`auditing [#####-----] 412/1000 accounts, 3 throttled, ETA 1m12s`"""
        filled = self._width * done // total
        bar = "#" * filled + "-" * (self._width - filled)
        elapsed = self._clock() - self._start
        eta = duration(elapsed / done * (total - done)) if done else "?"
        return (
            f"{self._label} [{bar}] {done}/{total} accounts, {self._throttles()} throttled, "
            f"ETA {eta}"
        )

    def __call__(self, done: int, total: int) -> None:
        if not self._enabled or total <= 0:
            return
        # Short runs finish before the bar would help; do not flash it.
        if not self._shown and self._clock() - self._start < self._delay:
            return
        self._stream.write(f"\r\033[K{self.line(done, total)}")
        self._stream.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()
            self._shown = False
