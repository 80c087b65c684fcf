"""The plan as a reviewer reads it: a summary first, ids by name, natural order.

The fake AWS invents ids (12-digit account ids, `ou-...`, `p-...`, KMS key ids) for what the
plan would create; a real preview shows them as unknown, because they do not exist yet.
`Labels` shows each one as what it stands for, `Workloads/Prod (new)`, so nobody reviews or
copies a number that will never exist. Ids of adopted and imported things are real: they are
shown with their name, `Security (ou-pr0d-5ecur1ty)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .engine import Recording, Registration

ROOT_LABEL = "Root"
_OU = "aws:organizations/organizationalUnit:OrganizationalUnit"
_ACCOUNT = "aws:organizations/account:Account"
_POLICY = "aws:organizations/policy:Policy"
_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
_ALARMS_COMPONENT = "rootguard:index:SecurityAlarms"
_GUARDRAILS_COMPONENT = "rootguard:index:Guardrails"
_ROOT_ACCESS_COMPONENT = "rootguard:index:RootAccess"
_BASELINE_COMPONENT = "rootguard:index:RootGuard"
# Invented ids that also appear inside longer strings (ARNs, account-scoped names).
_OPAQUE_ID = re.compile(
    r"\d{12}|ou-[0-9a-z]+-[0-9a-z]+|p-[0-9a-z]{8,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key that puts 4.2 before 4.10 and account-9 before account-10."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text))


def naturally_sorted(value: Any) -> Any:
    """Every mapping in `value` with its keys in natural order (JSON keeps insertion order)."""
    if isinstance(value, dict):
        return {k: naturally_sorted(value[k]) for k in sorted(value, key=lambda k: natural_key(k))}
    if isinstance(value, list):
        return [naturally_sorted(v) for v in value]
    return value


class Labels:
    """Maps the ids in a recording to what they stand for."""

    def __init__(self, recording: Recording) -> None:
        self.exact: dict[str, str] = {}
        self.inside: dict[str, str] = {}
        # The invented ids of what this plan creates, for the JSON (`newIds`).
        self.new_ids: dict[str, str] = {}
        for root_id in _root_ids(recording):
            self.exact[root_id] = ROOT_LABEL
        ou_paths = _ou_paths(recording)
        for r in recording:
            if not r.custom or not r.id:
                continue
            label = ou_paths.get(r.id) or _name(r)
            if r.import_id:
                self.exact[r.id] = f"{label} ({r.id})"
                continue
            # Only AWS-assigned ids are invented; names (a role's, an auto-named bucket's)
            # are known at preview time already and are shown as they are.
            if not _OPAQUE_ID.fullmatch(r.id):
                continue
            self.exact[r.id] = f"{label} (new)"
            self.inside[r.id] = f"({label}: new)"
            self.new_ids[r.id] = label
            arn = r.outputs.get("arn")
            if isinstance(arn, str) and r.id in arn:
                self.exact[arn] = f"{label} ARN (new)"

    def show(self, value: Any) -> Any:
        """`value` with every invented id replaced by its label."""
        if isinstance(value, str):
            if value in self.exact:
                return self.exact[value]
            if self.inside and _OPAQUE_ID.search(value):
                return _OPAQUE_ID.sub(lambda m: self.inside.get(m.group(0), m.group(0)), value)
            return value
        if isinstance(value, dict):
            return {k: self.show(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.show(v) for v in value]
        return value


def _root_ids(recording: Recording) -> set[str]:
    roots = {
        outputs["rootId"]
        for outputs in recording.component_outputs.values()
        if isinstance(outputs.get("rootId"), str)
    }
    if isinstance(recording.exports.get("rootId"), str):
        roots.add(recording.exports["rootId"])
    return roots


def _ou_paths(recording: Recording) -> dict[str, str]:
    """OU id -> path from the root (`Workloads/Prod`), from each OU's name and parent."""
    ous = {r.id: r for r in recording.of_type(_OU) if r.id}
    paths: dict[str, str] = {}

    def path(ou_id: str, depth: int = 0) -> str:
        if ou_id not in paths:
            ou = ous[ou_id]
            parent = ou.inputs.get("parentId")
            prefix = path(parent, depth + 1) + "/" if parent in ous and depth < 10 else ""
            paths[ou_id] = prefix + str(ou.inputs.get("name", ou.name))
        return paths[ou_id]

    for ou_id in ous:
        path(ou_id)
    return paths


def _name(r: Registration) -> str:
    name = r.inputs.get("name")
    return name if isinstance(name, str) and name else r.name


def summary_lines(recording: Recording, labels: Labels) -> Iterator[str]:
    """What a reviewer needs first: counts, SCPs with size and targets, alarms on and off."""
    resources = [r for r in recording if r.custom]
    components = len(recording.registrations) - len(resources)
    imported = [r for r in resources if r.import_id]
    protected = [r for r in resources if r.protect]
    yield (
        f"{len(resources)} resources in {components} components: "
        f"{len(resources) - len(imported)} to create, {len(imported)} imported, "
        f"{len(protected)} protected"
    )
    yield f"   create:    {_by_kind(r for r in resources if not r.import_id)}"
    if imported:
        yield f"   import:    {_by_kind(imported)}: " + ", ".join(
            sorted((labels.exact.get(r.id or "", _name(r)) for r in imported), key=natural_key)
        )
    if protected:
        yield f"   protected: {_by_kind(protected)} (protect + retainOnDelete: never deleted)"
    for component in recording.of_type(_GUARDRAILS_COMPONENT):
        for policy in recording.component_outputs.get(component.urn, {}).get("policies") or []:
            statements = policy.get("statementIds") or []
            targets = ", ".join(_target(t) for t in policy.get("targets") or []) or "nothing"
            yield (
                f"   SCP {policy.get('name')}: {len(statements)} statements, "
                f"{policy.get('size')}, attached to {targets}"
            )
    for component in recording.of_type(_ROOT_ACCESS_COMPONENT):
        admin = recording.component_outputs.get(component.urn, {}).get("delegatedAdministrator")
        if admin:
            yield (
                f"   root access: delegated administrator {admin['accountId']} "
                f"(iam.amazonaws.com); its role {admin['assumeRootRole']} is exempt from "
                f"{admin['exemptFrom']}"
            )
    for component in recording.of_type(_BASELINE_COMPONENT):
        outputs = recording.component_outputs.get(component.urn, {})
        if outputs.get("trailAdopted"):
            yield (
                f"   trail:     existing {outputs.get('trailArn')} (adopted, not created); "
                f"the alarms' metric filters go on its log group {outputs.get('trailLogGroupName')}"
            )
    for component in recording.of_type(_ALARMS_COMPONENT):
        yield f"   alarms ({component.name}): {_alarms(recording, component)}"
    if recording.warnings:
        yield f"   warnings:  {len(recording.warnings)} (see Warnings below)"


def _by_kind(resources: Iterator[Registration] | list[Registration]) -> str:
    """`2 Topic, 1 Policy (iam), 1 Policy (organizations)`: a short type name, with its
    module where two modules share it (an SCP and an IAM policy are both `Policy`)."""
    types: dict[str, int] = {}
    for r in resources:
        types[r.type] = types.get(r.type, 0) + 1
    short = [t.split(":")[-1] for t in types]

    def kind(type_: str) -> str:
        name = type_.split(":")[-1]
        if short.count(name) == 1:
            return name
        return f"{name} ({type_.split(':')[1].split('/')[0]})"

    counts = sorted((kind(t), n) for t, n in types.items())
    return ", ".join(f"{count} {name}" for name, count in counts) or "nothing"


def _target(label: str) -> str:
    """Guardrail target labels are `root`, `ou:<path>`, `account:<name>`."""
    kind, _, key = label.partition(":")
    if kind == "account":
        return f"account {key}"
    return ROOT_LABEL if kind == "root" else key or label


def _alarms(recording: Recording, component: Registration) -> str:
    from rootguard.alarm_catalog import control_ids

    outputs = recording.component_outputs.get(component.urn, {})
    arns = outputs.get("alarm_arns") or outputs.get("alarmArns") or {}
    on = sorted(arns, key=natural_key)
    off = sorted((c for c in control_ids() if c not in arns), key=natural_key)
    text = f"{len(on)} on ({', '.join(on) or 'none'})"
    text = f"{text}; {len(off)} off ({', '.join(off)})" if off else f"{text}; none off"
    verbatim = [
        r.inputs["tags"]
        for r in recording.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if r.parent == component.urn and "rootguard:verbatim" in (r.inputs.get("tags") or {})
    ]
    if verbatim:
        ids = sorted({tags["rootguard:control"] for tags in verbatim}, key=natural_key)
        severity = verbatim[0]["rootguard:severity"]
        text += f"; {len(verbatim)} verbatim CIS ({', '.join(ids)}; {severity})"
    return text
