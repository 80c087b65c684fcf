"""The request rates a run allows itself (rootguard/catalog/request_rates.yaml)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from .limits import Rates

CATALOG = Path(__file__).resolve().parents[1] / "catalog" / "request_rates.yaml"


@cache
def rates() -> Rates:
    raw = yaml.safe_load(CATALOG.read_text())
    return Rates(
        sts_per_second=float(raw["sts"]["perSecond"]),
        sts_burst=float(raw["sts"]["burst"]),
        iam_per_account_per_second=float(raw["iam"]["perSecond"]),
        iam_burst=float(raw["iam"]["burst"]),
    )
