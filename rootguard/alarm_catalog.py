"""The alarm catalog (rootguard/catalog/alarms.yaml) as typed, validated data.

Pure: no Pulumi. The config contract uses it to reject unknown control ids, the
SecurityAlarms component renders metric filters and alarms from it, and the audit can use it
to know what each control's pattern should match.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast, get_args

import yaml

from .filter_pattern import ParseError, parse

CATALOG_PATH = Path(__file__).parent / "catalog" / "alarms.yaml"

Severity = Literal["critical", "high", "medium", "low", "notice"]
SEVERITIES: tuple[str, ...] = get_args(Severity)

# CloudWatch limits: a filter pattern is at most 1024 characters, a metric name 255, an
# alarm description 1024.
MAX_PATTERN_LENGTH = 1024
MAX_DESCRIPTION_LENGTH = 1024
_FIELDS = {"id", "metric", "title", "severity", "enabled", "meaning", "response", "pattern"}
_CONTROL_ID = re.compile(r"[0-9]+\.[0-9]+(?:-[a-z0-9]+)?")
_METRIC_NAME = re.compile(r"[A-Za-z0-9]{1,255}")


class CatalogError(ValueError):
    """The catalog file itself is wrong (a developer mistake, caught by the tests)."""


@dataclass(frozen=True)
class AlarmDefinition:
    """One monitoring control: a metric filter pattern and what its alarm means."""

    id: str
    metric: str
    title: str
    severity: Severity
    enabled: bool
    meaning: str
    response: str
    pattern: str

    @property
    def slug(self) -> str:
        """Resource-name fragment: `4.3-assumeroot` -> `4-3-assumeroot`."""
        return self.id.replace(".", "-").lower()

    def description(self) -> str:
        """The alarm description people read in the notification: meaning and response."""
        text = (
            f"[{self.id} {self.severity.upper()}] {self.title}: {self.meaning} "
            f"When it fires: {self.response}"
        )
        return (
            text[: MAX_DESCRIPTION_LENGTH - 1] + "…" if len(text) > MAX_DESCRIPTION_LENGTH else text
        )


def _definition(index: int, raw: Any) -> AlarmDefinition:
    where = f"{CATALOG_PATH.name}[{index}]"
    if not isinstance(raw, Mapping) or set(raw) != _FIELDS:
        keys = sorted(raw) if isinstance(raw, Mapping) else type(raw).__name__
        raise CatalogError(f"{where}: needs exactly the keys {sorted(_FIELDS)}, got {keys}")
    text_fields = _FIELDS - {"enabled"}
    if not all(isinstance(raw[key], str) and raw[key].strip() for key in text_fields):
        raise CatalogError(f"{where}: {sorted(text_fields)} must be non-empty strings")
    if not isinstance(raw["enabled"], bool):
        raise CatalogError(f"{where}.enabled: must be true or false")
    if not _CONTROL_ID.fullmatch(raw["id"]):
        raise CatalogError(f"{where}.id: {raw['id']!r} is not a control id like 4.3")
    if not _METRIC_NAME.fullmatch(raw["metric"]):
        raise CatalogError(f"{where}.metric: {raw['metric']!r} must be letters and digits")
    if raw["severity"] not in SEVERITIES:
        raise CatalogError(f"{where}.severity: must be one of {', '.join(SEVERITIES)}")
    pattern = " ".join(raw["pattern"].split())
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise CatalogError(f"{where}.pattern: {len(pattern)} characters, over {MAX_PATTERN_LENGTH}")
    try:
        parse(pattern)
    except ParseError as exc:
        raise CatalogError(f"{where}.pattern: {exc}") from None
    return AlarmDefinition(
        id=raw["id"],
        metric=raw["metric"],
        title=raw["title"].strip(),
        severity=cast(Severity, raw["severity"]),
        enabled=raw["enabled"],
        meaning=" ".join(raw["meaning"].split()),
        response=" ".join(raw["response"].split()),
        pattern=pattern,
    )


def parse_catalog(text: str) -> tuple[AlarmDefinition, ...]:
    """Validate a catalog document: every entry well-formed, ids and metrics unique."""
    document = yaml.safe_load(text)
    if not isinstance(document, list) or not document:
        raise CatalogError(f"{CATALOG_PATH.name}: must be a non-empty list of alarms")
    definitions = tuple(_definition(index, raw) for index, raw in enumerate(document))
    for attribute in ("id", "metric"):
        values = [getattr(d, attribute) for d in definitions]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise CatalogError(f"{CATALOG_PATH.name}: duplicate {attribute} {duplicates}")
    return definitions


@cache
def load_catalog() -> tuple[AlarmDefinition, ...]:
    """The shipped catalog, in file order."""
    return parse_catalog(CATALOG_PATH.read_text())


def control_ids() -> list[str]:
    return [definition.id for definition in load_catalog()]


def enabled_alarms(overrides: Mapping[str, bool]) -> list[AlarmDefinition]:
    """The catalog's alarms that are on, after per-control overrides (ids already validated)."""
    return [d for d in load_catalog() if overrides.get(d.id, d.enabled)]
