"""A progress bar on stderr for long runs: only on a terminal, and only after a second."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO


class ProgressBar:
    def __init__(
        self,
        stream: TextIO,
        *,
        enabled: bool,
        delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        width: int = 30,
        label: str = "auditing",
    ) -> None:
        self._stream = stream
        self._enabled = enabled
        self._clock = clock
        self._start = clock()
        self._delay = delay
        self._width = width
        self._shown = False
        self._label = label

    def __call__(self, done: int, total: int) -> None:
        if not self._enabled or total <= 0:
            return
        # Short runs finish before the bar would help; do not flash it.
        if not self._shown and self._clock() - self._start < self._delay:
            return
        filled = self._width * done // total
        bar = "#" * filled + "-" * (self._width - filled)
        self._stream.write(f"\r{self._label} [{bar}] {done}/{total}")
        self._stream.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()
            self._shown = False
