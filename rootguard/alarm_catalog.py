"""The alarm catalog (rootguard/catalog/alarms.yaml) as typed, validated data.

Pure: no Pulumi. One source for the config contract (which alarm names and ids exist), the
SecurityAlarms component (metric filters and alarms), the audit's alarm checks (sample
events a live filter must match), the pattern tests and the generated docs.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .compliance import FRAMEWORKS, Compliance, parse_compliance
from .filter_pattern import ParseError, parse
from .severity import Severity

CATALOG_PATH = Path(__file__).parent / "catalog" / "alarms.yaml"

Event = Mapping[str, Any]

# CloudWatch limits: a filter pattern is at most 1024 characters, a metric name 255, an
# alarm description 1024.
MAX_PATTERN_LENGTH = 1024
MAX_DESCRIPTION_LENGTH = 1024
_TEXT_FIELDS = ("id", "name", "metric", "title", "severity", "meaning", "response", "pattern")
_FIELDS = {
    *_TEXT_FIELDS,
    "enabled",
    "compliance",
    "events",
    "not_events",
    "quiet_events",
    "quiet_for",
    "verbatim",
    "runbook",
}
# What an alarm may be told to stay quiet for (`quiet_for`); the stack names who they are.
QUIET_FOR = ("sanctioned-sessions", "pipeline")
_REQUIRED = _FIELDS - {"not_events", "quiet_events", "quiet_for", "verbatim", "runbook"}
# Runbooks live in docs/runbooks/ (the tests check that each named one exists).
RUNBOOKS = "docs/runbooks/"
_RUNBOOK = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.md")
# Where a verbatim text comes from (the catalog's header says what each grader checks), and
# the suffix its own metric gets so it never feeds the corrected alarm's metric.
VERBATIM_SOURCES = {"securityhub": "SecurityHub", "cis-7.0": "Cis70"}
_CONTROL_ID = re.compile(r"[0-9]+\.[0-9]+(?:-[a-z0-9]+)?")
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_METRIC_NAME = re.compile(r"[A-Za-z0-9]{1,255}")


@dataclass(frozen=True)
class Verbatim:
    """A filter text a compliance grader looks for, exactly as its source prints it."""

    source: str  # a key of VERBATIM_SOURCES
    pattern: str


class CatalogError(ValueError):
    """The catalog file itself is wrong (a developer mistake, caught by the tests)."""


@dataclass(frozen=True)
class AlarmDefinition:
    """One monitoring control: a metric filter pattern, what its alarm means, and the sample
    CloudTrail events that prove the pattern."""

    id: str
    name: str
    metric: str
    title: str
    severity: Severity
    enabled: bool
    compliance: Compliance
    meaning: str
    response: str
    pattern: str
    events: tuple[Event, ...]  # the alarm fires on these; a credited filter matches them all
    not_events: tuple[Event, ...] = ()  # silent on these, and so is any credited filter
    quiet_events: tuple[Event, ...] = ()  # rootguard's pattern is silent on these too
    quiet_for: str | None = None  # sanctioned-sessions | pipeline: see render()
    verbatim: tuple[Verbatim, ...] = ()  # the graders' texts (rootguard:alarms.verbatimCis)
    runbook: str | None = None  # a file in docs/runbooks/

    @property
    def verbatim_filters(self) -> tuple[Verbatim, ...]:
        """The graders' texts rootguard's own pattern is not (whitespace aside): each needs a
        filter of its own for its grader to pass."""
        own = _squeezed(self.pattern)
        seen: set[str] = set()
        needed = []
        for text in self.verbatim:
            key = _squeezed(text.pattern)
            if key != own and key not in seen:
                seen.add(key)
                needed.append(text)
        return tuple(needed)

    def verbatim_metric(self, text: Verbatim) -> str:
        return f"{self.metric}Verbatim{VERBATIM_SOURCES[text.source]}"

    def render(self, quiet: Quiet) -> str:
        """The pattern deployed: `pattern`, AND-ed with exclusions for the known principals
        this alarm stays quiet for (sanctioned AssumeRoot sessions, the deploy pipeline)."""
        if self.quiet_for is None:
            return self.pattern
        clauses = quiet.clauses(self.quiet_for)
        if not clauses:
            return self.pattern
        return "{ (" + self.pattern.strip()[1:-1].strip() + ") && " + " && ".join(clauses) + " }"

    @property
    def slug(self) -> str:
        """Resource-name fragment: `4.3-assumeroot` -> `4-3-assumeroot`."""
        return self.id.replace(".", "-").lower()

    @property
    def is_cis(self) -> bool:
        """A CIS benchmark control (checked by the audit without a stack), not rootguard's own."""
        return any(self.compliance[f] for f in FRAMEWORKS if f.startswith("cis-"))

    def description(self) -> str:
        """The alarm description people read in the notification: meaning and response."""
        text = (
            f"[{self.id} {self.severity.upper()}] {self.title}: {self.meaning} "
            f"When it fires: {self.response}"
        )
        if self.runbook is not None and RUNBOOKS + self.runbook not in text:
            text += f" Runbook: {RUNBOOKS}{self.runbook}"
        return (
            text[: MAX_DESCRIPTION_LENGTH - 1] + "…" if len(text) > MAX_DESCRIPTION_LENGTH else text
        )


# The caller's role, as CloudTrail records a role session: the role's ARN, path included
# (CloudTrail User Guide, "userIdentity element": sessionContext.sessionIssuer.arn).
ISSUER = "$.userIdentity.sessionContext.sessionIssuer.arn"
# The task policy of an sts:AssumeRoot call (IAM User Guide, "Track privileged tasks in AWS
# CloudTrail": requestParameters.taskPolicyArn.arn).
TASK_POLICY = "$.requestParameters.taskPolicyArn.arn"


@dataclass(frozen=True)
class Quiet:
    """Who the alarms with `quiet_for` stay quiet for, as ARNs in this partition and account.

    `sessions` are (role ARN, task policy ARN) pairs: an sts:AssumeRoot call by that role with
    that task is sanctioned. `pipeline` is the deploy role whose contact changes are expected.
    """

    sessions: tuple[tuple[str, str], ...] = ()
    pipeline: tuple[str, ...] = ()

    def clauses(self, kind: str) -> list[str]:
        # `!=` does not match an absent property (CloudWatch Logs), so each exclusion also
        # lets through an event without the field: an IAM user has no sessionIssuer.
        absent = f"{ISSUER} NOT EXISTS"
        if kind == "sanctioned-sessions":
            return [
                f'({absent} || {ISSUER} != "{role}" || {TASK_POLICY} NOT EXISTS || '
                f'{TASK_POLICY} != "{task}")'
                for role, task in self.sessions
            ]
        return [f'({absent} || {ISSUER} != "{role}")' for role in self.pipeline]


def _squeezed(pattern: str) -> str:
    return "".join(pattern.split())


def _checked(where: str, pattern: str) -> str:
    """A filter pattern CloudWatch would accept: within its length limit, and parseable."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise CatalogError(f"{where}: {len(pattern)} characters, over {MAX_PATTERN_LENGTH}")
    try:
        parse(pattern)
    except ParseError as exc:
        raise CatalogError(f"{where}: {exc}") from None
    return pattern


def _verbatim(where: str, raw: Any, compliance: Compliance) -> tuple[Verbatim, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(
        isinstance(v, Mapping) and set(v) == {"source", "pattern"} for v in raw
    ):
        raise CatalogError(f"{where}: must be a list of {{source, pattern}}")
    texts = []
    for index, item in enumerate(raw):
        source, pattern = item["source"], item["pattern"]
        if source not in VERBATIM_SOURCES:
            raise CatalogError(f"{where}[{index}].source: must be one of {list(VERBATIM_SOURCES)}")
        if not compliance[source]:
            raise CatalogError(f"{where}[{index}]: the alarm has no {source} control id")
        if not isinstance(pattern, str) or pattern != pattern.strip() or "\n" in pattern:
            raise CatalogError(f"{where}[{index}].pattern: must be the one-line text as printed")
        texts.append(Verbatim(source, _checked(f"{where}[{index}].pattern", pattern)))
    return tuple(texts)


def _events(where: str, raw: Any) -> tuple[Event, ...]:
    if not isinstance(raw, list) or not all(
        isinstance(e, Mapping) and isinstance(e.get("eventName"), str) for e in raw
    ):
        raise CatalogError(f"{where}: must be a list of CloudTrail records with an eventName")
    return tuple(raw)


def _definition(index: int, raw: Any) -> AlarmDefinition:
    where = f"{CATALOG_PATH.name}: alarms[{index}]"
    if not isinstance(raw, Mapping) or not _REQUIRED <= set(raw) <= _FIELDS:
        keys = sorted(raw) if isinstance(raw, Mapping) else type(raw).__name__
        raise CatalogError(f"{where}: needs the keys {sorted(_REQUIRED)}, got {keys}")
    if not all(isinstance(raw[key], str) and raw[key].strip() for key in _TEXT_FIELDS):
        raise CatalogError(f"{where}: {list(_TEXT_FIELDS)} must be non-empty strings")
    if not isinstance(raw["enabled"], bool):
        raise CatalogError(f"{where}.enabled: must be true or false")
    if not _CONTROL_ID.fullmatch(raw["id"]):
        raise CatalogError(f"{where}.id: {raw['id']!r} is not a control id like 4.3")
    if not _NAME.fullmatch(raw["name"]):
        raise CatalogError(f"{where}.name: {raw['name']!r} must be lower-case words and dashes")
    if not _METRIC_NAME.fullmatch(raw["metric"]):
        raise CatalogError(f"{where}.metric: {raw['metric']!r} must be letters and digits")
    if raw["severity"] not in Severity.__members__.values():
        raise CatalogError(f"{where}.severity: must be one of {', '.join(Severity)}")
    try:
        compliance = parse_compliance(f"{where}.compliance", raw["compliance"])
    except ValueError as exc:
        raise CatalogError(str(exc)) from None
    pattern = _checked(f"{where}.pattern", " ".join(raw["pattern"].split()))
    events = _events(f"{where}.events", raw["events"])
    if not events:
        raise CatalogError(f"{where}.events: needs at least one event the pattern matches")
    if not raw.get("not_events") and not raw.get("quiet_events"):
        raise CatalogError(f"{where}: needs not_events or quiet_events the pattern ignores")
    quiet_for = raw.get("quiet_for")
    if quiet_for is not None and quiet_for not in QUIET_FOR:
        raise CatalogError(f"{where}.quiet_for: must be one of {', '.join(QUIET_FOR)}")
    runbook = raw.get("runbook")
    if runbook is not None and not (isinstance(runbook, str) and _RUNBOOK.fullmatch(runbook)):
        raise CatalogError(f"{where}.runbook: must be a file name in {RUNBOOKS}, like x-y.md")
    return AlarmDefinition(
        runbook=runbook,
        verbatim=_verbatim(f"{where}.verbatim", raw.get("verbatim"), compliance),
        quiet_for=quiet_for,
        id=raw["id"],
        name=raw["name"],
        metric=raw["metric"],
        title=raw["title"].strip(),
        severity=Severity(raw["severity"]),
        enabled=raw["enabled"],
        compliance=compliance,
        meaning=" ".join(raw["meaning"].split()),
        response=" ".join(raw["response"].split()),
        pattern=pattern,
        events=events,
        not_events=_events(f"{where}.not_events", raw.get("not_events", [])),
        quiet_events=_events(f"{where}.quiet_events", raw.get("quiet_events", [])),
    )


@dataclass(frozen=True)
class Catalog:
    alarms: tuple[AlarmDefinition, ...]
    benign_event: Event  # an ordinary read no targeted filter matches


def parse_catalog(text: str) -> Catalog:
    """Validate a catalog document: every entry well-formed, ids, names and metrics unique."""
    document = yaml.safe_load(text)
    if not isinstance(document, Mapping) or not isinstance(document.get("alarms"), list):
        raise CatalogError(f"{CATALOG_PATH.name}: must be a mapping with a list `alarms`")
    if not document["alarms"]:
        raise CatalogError(f"{CATALOG_PATH.name}: alarms: must be a non-empty list")
    benign = document.get("benign_event")
    if not isinstance(benign, Mapping):
        raise CatalogError(f"{CATALOG_PATH.name}: benign_event: must be a CloudTrail record")
    definitions = tuple(_definition(index, raw) for index, raw in enumerate(document["alarms"]))
    for attribute in ("id", "name", "metric"):
        values = [getattr(d, attribute) for d in definitions]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise CatalogError(f"{CATALOG_PATH.name}: duplicate {attribute} {duplicates}")
    return Catalog(definitions, benign)


@cache
def _shipped() -> Catalog:
    return parse_catalog(CATALOG_PATH.read_text())


def load_catalog() -> tuple[AlarmDefinition, ...]:
    """The shipped catalog's alarms, in file order."""
    return _shipped().alarms


def benign_event() -> Event:
    return _shipped().benign_event


def by_id() -> dict[str, AlarmDefinition]:
    return {definition.id: definition for definition in load_catalog()}


def lookup(reference: str) -> AlarmDefinition | None:
    """An alarm by its name (`security-group-changes`) or its control id (`4.10`)."""
    return next((d for d in load_catalog() if reference in (d.name, d.id)), None)


def enabled_alarms(
    disabled: Collection[str] = (), enabled: Collection[str] = ()
) -> list[AlarmDefinition]:
    """The catalog's alarms that are on: on by default unless `disabled`, or listed in
    `enabled` (names or ids, already validated)."""
    return [
        d
        for d in load_catalog()
        if ({d.name, d.id} & set(enabled)) or (d.enabled and not {d.name, d.id} & set(disabled))
    ]


def control_ids() -> list[str]:
    """Every alarm's control id, in catalog order."""
    return [definition.id for definition in load_catalog()]
