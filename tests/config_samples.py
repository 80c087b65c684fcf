"""Config sections tests share: the smallest valid `rootguard:alarms` (an alarm needs a
subscriber, so a stack without the section is refused)."""

from __future__ import annotations

from typing import Any

ALARMS: dict[str, Any] = {"email": ["security@example.com"]}
