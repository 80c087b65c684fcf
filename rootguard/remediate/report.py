"""The evidence of a run: a table for people, JSON for records (evidence.schema.json, v1).

The JSON is stable like the audit's: keys are never renamed or removed within a schema
version, accounts are sorted by id, calls are in the order they were made, enums only grow.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from rootguard import __version__

from .model import AccountResult, Call, Credential, Outcome
from .runner import RunResult

SCHEMA_VERSION = 1
TOOL_NAME = "rootguard-remediate"
# Outcomes that leave something to do: the run exits 1.
LEFT = (Outcome.FOUND, Outcome.FAILED)


def exit_code(result: RunResult) -> int:
    return 1 if any(a.outcome() in LEFT for a in result.accounts) else 0


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def credential_json(credential: Credential) -> dict[str, Any]:
    return {
        "kind": credential.kind.value,
        "id": credential.id,
        "createdAt": _time(credential.created),
        "status": credential.status,
        "lastUsedAt": _time(credential.last_used),
        "lastUsedService": credential.last_used_service,
        "lastUsedRegion": credential.last_used_region,
        "virtual": credential.virtual,
    }


def call_json(call: Call) -> dict[str, Any]:
    return {
        "service": call.service,
        "operation": call.operation,
        "at": call.at.isoformat(),
        "requestId": call.request_id,
        "target": call.target,
        "error": call.error,
        "retries": call.retries,
    }


def account_json(account: AccountResult) -> dict[str, Any]:
    return {
        "accountId": account.account_id,
        "name": account.name,
        "ouPath": account.ou_path,
        "outcome": account.outcome().value,
        "skipped": account.skipped,
        "found": [credential_json(c) for c in account.found],
        "deleted": [credential_json(c) for c in account.deleted],
        "remaining": [credential_json(c) for c in account.remaining],
        "failures": list(account.failures),
        "calls": [call_json(c) for c in account.calls],
    }


def report_json(result: RunResult, stack: str | None = None) -> dict[str, Any]:
    outcomes = Counter(a.outcome() for a in result.accounts)
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "run": {
            "mode": "apply" if result.apply else "dry-run",
            "startedAt": result.started_at.isoformat(),
            "finishedAt": _time(result.finished_at),
            "callerArn": result.caller_arn,
            "organizationId": result.organization_id,
            "managementAccountId": result.management_account_id,
            "partition": result.partition,
            "region": result.region,
            "taskPolicyArn": result.task_policy_arn,
            "stack": stack,
            "confirmed": result.confirmed,
            "excluded": list(result.excluded),
        },
        "summary": {
            "accounts": len(result.accounts),
            "byOutcome": {o.value: outcomes.get(o, 0) for o in Outcome},
            "credentialsFound": sum(len(a.found) for a in result.accounts),
            "credentialsDeleted": sum(len(a.deleted) for a in result.accounts),
            "credentialsLeft": sum(len(a.remaining) for a in result.accounts),
            "calls": sum(len(a.calls) for a in result.accounts),
            "exitCode": exit_code(result),
        },
        "accounts": [account_json(a) for a in sorted(result.accounts, key=lambda a: a.account_id)],
    }


def render_json(result: RunResult, stack: str | None = None) -> str:
    return json.dumps(report_json(result, stack), indent=2, ensure_ascii=False) + "\n"


def render_table(result: RunResult, stack: str | None = None) -> str:
    seconds = ((result.finished_at or result.started_at) - result.started_at).total_seconds()
    mode = "apply" if result.apply else "dry run"
    lines = [
        f"rootguard remediate ({mode}) of organization {result.organization_id} (management "
        f"account {result.management_account_id}, {len(result.accounts)} member account(s)"
        f"{f', stack {stack}' if stack else ''}) as {result.caller_arn} in {seconds:.1f} s",
        f"task policy: {result.task_policy_arn}",
        "",
        f"{'ACCOUNT':<13} {'OUTCOME':<11} {'FOUND':>5} {'DELETED':>7}  NAME (OU)",
    ]
    for account in sorted(result.accounts, key=lambda a: a.account_id):
        lines.append(
            f"{account.account_id:<13} {account.outcome().value:<11} {len(account.found):>5} "
            f"{len(account.deleted):>7}  {account.name} ({account.ou_path})"
        )
    detail = [a for a in sorted(result.accounts, key=lambda a: a.account_id) if _noteworthy(a)]
    if detail:
        lines += ["", "Per account:"]
        for account in detail:
            lines.append(f"{account.account_id} {account.name}: {account.outcome().value}")
            if account.skipped:
                lines.append(f"    skipped: {account.skipped}")
            deleted = {(c.kind, c.id) for c in account.deleted}
            for credential in account.found:
                verb = "deleted" if (credential.kind, credential.id) in deleted else "found"
                lines.append(f"    {verb:<8}{_describe(credential)}")
            lines += [f"    failed: {failure}" for failure in account.failures]
    lines += [f"not touched: {note}" for note in result.excluded]
    lines += ["", _verdict(result)]
    return "\n".join(lines) + "\n"


def _noteworthy(account: AccountResult) -> bool:
    return bool(account.found or account.failures or account.skipped)


def _describe(credential: Credential) -> str:
    parts = [credential.label]
    if credential.status:
        parts.append(credential.status)
    if credential.virtual:
        parts.append("virtual")
    if credential.created:
        parts.append(f"created {credential.created:%Y-%m-%d}")
    if credential.last_used:
        where = [p for p in (credential.last_used_service, credential.last_used_region) if p]
        used = f"last used {credential.last_used:%Y-%m-%d}"
        parts.append(f"{used} ({', '.join(where)})" if where else used)
    elif credential.kind.value in ("access-key", "login-profile"):
        parts.append("never used")
    return ", ".join(parts)


def _verdict(result: RunResult) -> str:
    found = sum(len(a.remaining) for a in result.accounts)
    dirty = sum(1 for a in result.accounts if a.remaining)
    failed = sum(1 for a in result.accounts if a.outcome() is Outcome.FAILED)
    deleted = sum(len(a.deleted) for a in result.accounts)
    parts = []
    if result.apply and result.confirmed:
        parts.append(f"{deleted} credential(s) deleted")
    if found:
        parts.append(
            f"{found} credential(s) left in {dirty} account(s)"
            + ("" if result.apply and result.confirmed else "; --apply deletes them")
        )
    if failed:
        parts.append(f"{failed} account(s) failed (see above)")
    if not parts or (not found and not failed):
        parts.append("no root credentials left in the selected accounts")
    return f"{'; '.join(parts)}: exit {exit_code(result)}"
