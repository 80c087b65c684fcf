"""`--to-security-hub`: send the ASFF findings to the caller's Security Hub.

BatchImportFindings takes at most 100 findings per request (botocore's `securityhub` model:
`Findings` max 100; Security Hub partner guide, "Guidelines for using the
BatchImportFindings API": "up to 100 findings per batch, up to 240 KB per finding, and up to
6 MB per batch", throttled at 10 TPS per account and Region with a burst of 30). Batches are
filled to those limits in order; the client retries throttling with botocore's adaptive mode.
The client is separate from the audit's read-only ones and may call BatchImportFindings only
(`readonly.install_import_only`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.config import Config

from .aws import READ_ERRORS, ClientHook, ClientScope, describe_error
from .readonly import install_import_only

MAX_FINDINGS_PER_BATCH = 100
MAX_FINDING_BYTES = 240 * 1024
MAX_BATCH_BYTES = 6 * 1024 * 1024


@dataclass
class ImportResult:
    sent: int = 0
    imported: int = 0
    batches: int = 0
    # "finding id: ErrorCode ErrorMessage", or a whole batch's error
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and self.imported == self.sent


def _size(finding: dict[str, Any]) -> int:
    return len(json.dumps(finding, separators=(",", ":")).encode())


def batches(findings: Sequence[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Consecutive batches within the count and size limits. A finding over 240 KB cannot be
    imported at all: it is left out here and reported by `send`."""
    batch: list[dict[str, Any]] = []
    batch_bytes = 0
    for finding in findings:
        size = _size(finding)
        if size > MAX_FINDING_BYTES:
            continue
        if batch and (len(batch) == MAX_FINDINGS_PER_BATCH or batch_bytes + size > MAX_BATCH_BYTES):
            yield batch
            batch, batch_bytes = [], 0
        batch.append(finding)
        batch_bytes += size
    if batch:
        yield batch


def importer(
    profile: str | None,
    region: str,
    *,
    endpoint_url: str | None = None,
    on_new_client: ClientHook | None = None,
) -> Any:
    """A Security Hub client that can import findings and do nothing else."""
    import boto3

    client = boto3.Session(profile_name=profile, region_name=region).client(
        "securityhub",
        endpoint_url=endpoint_url,
        config=Config(
            retries={"mode": "adaptive", "max_attempts": 8},
            user_agent_extra="rootguard-audit",
        ),
    )
    install_import_only(client)
    if on_new_client is not None:
        on_new_client(client, ClientScope("securityhub", region))
    return client


def send(client: Any, findings: Sequence[dict[str, Any]]) -> ImportResult:
    """Import every finding; a failed batch or finding is recorded, the rest still go."""
    result = ImportResult(sent=len(findings))
    for finding in findings:
        if _size(finding) > MAX_FINDING_BYTES:
            result.failures.append(f"{finding.get('Id')}: over Security Hub's 240 KB per finding")
    for batch in batches(findings):
        result.batches += 1
        try:
            response = client.batch_import_findings(Findings=batch)
        except READ_ERRORS as exc:
            result.failures.append(
                f"{len(batch)} findings: {describe_error(exc, 'securityhub:BatchImportFindings')}"
            )
            continue
        result.imported += int(response.get("SuccessCount", 0))
        for failed in response.get("FailedFindings", []):
            result.failures.append(
                f"{failed.get('Id')}: {failed.get('ErrorCode')} {failed.get('ErrorMessage')}"
            )
    return result
