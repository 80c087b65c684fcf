"""`rootguard audit`: prove the root protections on the live organization (read-only).

Exit codes: 0 nothing fails at or above --fail-on; 1 something does; 2 a usage, config or
credential problem (one line on stderr, never a traceback unless --debug).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from botocore.exceptions import NoRegionError

from rootguard.cli_args import (
    add_aws_arguments,
    add_run_flags,
    add_stack_arguments,
    positive,
    run_reporting_errors,
    stack_and_region,
    write_atomically,
)
from rootguard.config.base import shorten

from . import securityhub
from .aws import ClientHook, Clients
from .collect import CollectOptions
from .errors import AuditError
from .model import Severity
from .quotas import RateLimiter
from .readonly import ReadOnlyViolation
from .report import Report, RunInfo, asff, json_report, ocsf, sarif, table
from .report.progress import ProgressBar
from .runner import AuditRun, run_audit
from .scope import ScopeRequest
from .settings import AuditSettings

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
RENDERERS = {
    "table": table.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "asff": asff.render,
    "ocsf": ocsf.render,
}


DESCRIPTION = (
    "Read-only audit of an AWS Organization's root-user protections, run with the "
    "management account's credentials. Optionally reports drift against a stack."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The audit's options, on the `rootguard audit` subcommand's parser."""
    add_aws_arguments(p)
    add_stack_arguments(p, "compare with stacks/Pulumi.NAME.yaml (drift)")
    p.add_argument(
        "--format",
        choices=sorted(RENDERERS),
        default="table",
        help="table (default), json, sarif (code scanning), asff (Security Hub) or ocsf",
    )
    p.add_argument("--output", metavar="FILE", type=Path, help="write the report here, not stdout")
    p.add_argument(
        "--fail-on",
        choices=[s.value for s in Severity],
        default=Severity.LOW.value,
        help="exit 1 when a finding at or above this severity fails (default: low)",
    )
    p.add_argument(
        "--allow-unknown",
        action="store_true",
        help="do not exit 1 for findings the audit could not verify (status unknown)",
    )
    p.add_argument(
        "--max-workers",
        type=positive,
        default=32,
        help="accounts audited at once (default: 32)",
    )
    p.add_argument(
        "--unused-days",
        type=positive,
        default=90,
        help="root password/keys used within this many days fail ROOT-UNUSED (default: 90)",
    )
    p.add_argument(
        "--report-timeout",
        type=positive,
        default=60,
        help="seconds to wait for the IAM credential report (default: 60)",
    )
    p.add_argument(
        "--ou",
        action="append",
        type=ou_path,
        default=[],
        metavar="PATH",
        help="audit only the member accounts in this OU and the OUs below it, like "
        "Workloads/Prod (repeatable; with --account, the union)",
    )
    p.add_argument(
        "--account",
        action="append",
        type=account_ref,
        default=[],
        metavar="ID|NAME",
        help="audit only this member account, by 12-digit id or name (repeatable)",
    )
    p.add_argument(
        "--to-security-hub",
        action="store_true",
        help="also import the findings (ASFF) into the management account's Security Hub "
        "in --region: the audit's only write (securityhub:BatchImportFindings)",
    )
    add_run_flags(p)


def run(
    args: argparse.Namespace,
    *,
    stdout: TextIO | None = None,
    on_new_client: ClientHook | None = None,
) -> int:
    """Run the audit with parsed args; `on_new_client` sees every boto3 client made (tests
    attach stubs there)."""
    out = stdout or sys.stdout
    return run_reporting_errors(
        "rootguard audit",
        lambda: _run(args, out, on_new_client),
        debug=args.debug,
        what="the audit",
        usage=(AuditError,),
        internal=(ReadOnlyViolation,),
        internal_note="nothing was written",
    )


def _run(args: argparse.Namespace, out: TextIO, on_new_client: ClientHook | None) -> int:
    config, region = stack_and_region(args)
    # Paced under AWS's request-rate quotas (rootguard/catalog/api_quotas.yaml).
    clients = clients_for(args, region, on_new_client, rate_limiter=RateLimiter())
    progress = ProgressBar(
        sys.stderr,
        enabled=not args.no_progress and sys.stderr.isatty(),
        throttles=lambda: _throttles_seen(clients),
    )
    started = datetime.now(UTC)
    try:
        result: AuditRun = run_audit(
            clients,
            CollectOptions(max_workers=args.max_workers, report_timeout=args.report_timeout),
            AuditSettings(unused_days=args.unused_days),
            config=config,
            progress=progress,
            scope=ScopeRequest(tuple(args.ou), tuple(args.account)),
        )
    finally:
        progress.finish()
    facts = result.facts
    report = Report(
        run=RunInfo(
            started_at=started,
            finished_at=datetime.now(UTC),
            caller_arn=facts.caller_arn,
            organization_id=facts.organization.id,
            management_account_id=facts.organization.management_account_id,
            region=facts.region,
            member_accounts=len(facts.organization.members),
            stack=args.stack,
            fail_on=Severity(args.fail_on),
            allow_unknown=args.allow_unknown,
        ),
        findings=result.findings,
    )
    text = RENDERERS[args.format](report)
    if args.output:
        write_atomically(args.output, text)
    else:
        out.write(text)
    if args.to_security_hub:
        _import_to_security_hub(args, report, clients.region, on_new_client)
    return EXIT_FINDINGS if report.blocking else EXIT_OK


def _import_to_security_hub(
    args: argparse.Namespace, report: Report, region: str, on_new_client: ClientHook | None
) -> None:
    client = securityhub.importer(
        args.profile, region, endpoint_url=args.endpoint_url, on_new_client=on_new_client
    )
    result = securityhub.send(client, asff.asff_findings(report))
    if not result.ok:
        raise AuditError(
            f"Security Hub imported {result.imported} of {result.sent} findings "
            f"({len(result.failures)} failures; first: {result.failures[0]}); the report "
            "itself was written"
        )
    print(
        f"rootguard audit: imported {result.imported} findings into Security Hub "
        f"({result.batches} BatchImportFindings calls)",
        file=sys.stderr,
    )


def _throttles_seen(clients: Clients) -> int:
    """Throttling answers the clients' retries absorbed so far (0 where not counted)."""
    counter = getattr(clients, "throttles", None)
    return int(getattr(counter, "count", 0))


def ou_path(value: str) -> str:
    path = value.strip().strip("/")
    if not path or "//" in path:
        raise argparse.ArgumentTypeError(
            f"must be an OU path like Workloads/Prod, got {shorten(value)}"
        )
    return path


def account_ref(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("must be a 12-digit account id or an account name")
    return value.strip()


def clients_for(
    args: argparse.Namespace,
    region: str | None,
    on_new_client: ClientHook | None,
    **options: Any,
) -> Clients:
    """The clients of a run, in `--region`, the stack's region, or the profile's."""
    import boto3

    resolved = region or boto3.Session(profile_name=args.profile).region_name
    if not resolved:
        raise NoRegionError
    return Clients(
        args.profile,
        resolved,
        max_workers=args.max_workers,
        endpoint_url=args.endpoint_url,
        on_new_client=on_new_client,
        **options,
    )
