"""`rootguard remediate`: delete member accounts' root credentials (dry run unless --apply).

Exit codes: 0 nothing left to do (or everything was done); 1 credentials left (a dry run
that found some, a declined prompt) or an account failed; 2 a usage, config or credential
problem (one line on stderr, never a traceback unless --debug).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from rootguard.audit.aws import ClientHook, ClientScope
from rootguard.audit.cli import clients_for
from rootguard.audit.errors import AuditError
from rootguard.audit.report.progress import ProgressBar
from rootguard.cli_args import (
    UsageError,
    add_aws_arguments,
    add_run_flags,
    add_stack_arguments,
    positive,
    run_reporting_errors,
    stack_and_region,
    write_atomically,
)

from .guard import RemediationGuard, RemediationViolation
from .limits import Limits
from .quotas import rates
from .report import exit_code, render_json, render_table
from .runner import Request, run_remediation
from .selection import SelectionError

PROG = "rootguard remediate"
RENDERERS = {"table": render_table, "json": render_json}

DESCRIPTION = (
    "Delete the root user credentials (password, access keys, signing certificates, MFA "
    "devices) of selected member accounts through AssumeRoot sessions, run with the "
    "management account's credentials. A dry run (reads only) unless --apply."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_aws_arguments(p)
    add_stack_arguments(p, "resolve account names and OU paths with stacks/Pulumi.NAME.yaml")
    p.add_argument(
        "--account",
        action="append",
        default=[],
        metavar="ID|NAME",
        help="a member account by id or name (repeatable)",
    )
    p.add_argument(
        "--ou",
        action="append",
        default=[],
        metavar="PATH",
        help="every member account in this OU and below, like Workloads/Prod (repeatable)",
    )
    p.add_argument("--all", action="store_true", help="every member account")
    p.add_argument("--apply", action="store_true", help="delete what is found (default: a dry run)")
    p.add_argument(
        "--yes", action="store_true", help="with --apply: delete without the confirmation prompt"
    )
    p.add_argument("--format", choices=sorted(RENDERERS), default="table")
    p.add_argument(
        "--output", metavar="FILE", type=Path, help="write the evidence here, not stdout"
    )
    p.add_argument(
        "--max-workers", type=positive, default=16, help="accounts handled at once (default: 16)"
    )
    p.add_argument(
        "--sts-rate",
        type=positive,
        default=int(rates().sts_per_second),
        metavar="N",
        help="AssumeRoot calls per second, at most (default: %(default)s)",
    )
    p.add_argument(
        "--iam-rate",
        type=positive,
        default=int(rates().iam_per_account_per_second),
        metavar="N",
        help="IAM calls per second in each member account, at most (default: %(default)s)",
    )
    add_run_flags(p)


def run(
    args: argparse.Namespace,
    *,
    stdout: TextIO | None = None,
    stdin: TextIO | None = None,
    on_new_client: ClientHook | None = None,
) -> int:
    out, into = stdout or sys.stdout, stdin or sys.stdin
    return run_reporting_errors(
        PROG,
        lambda: _run(args, out, into, on_new_client),
        debug=args.debug,
        what="remediation",
        usage=(AuditError, SelectionError, UsageError),
        internal=(RemediationViolation,),
    )


def _run(
    args: argparse.Namespace, out: TextIO, stdin: TextIO, on_new_client: ClientHook | None
) -> int:
    if args.yes and not args.apply:
        raise UsageError("--yes: only means something with --apply")
    if args.apply and not args.yes and not stdin.isatty():
        raise UsageError(
            "--apply: no terminal to confirm on (stdin is not a TTY); add --yes to delete "
            "without a prompt"
        )
    config, region = stack_and_region(args)
    guard = RemediationGuard(apply=args.apply)
    limits = Limits(
        replace(
            rates(),
            sts_per_second=args.sts_rate,
            sts_burst=min(rates().sts_burst, args.sts_rate),
            iam_per_account_per_second=args.iam_rate,
            iam_burst=min(rates().iam_burst, args.iam_rate),
        )
    )

    def prepare(client: object, scope: ClientScope) -> None:
        guard.install(client, scope)
        limits.install(client, scope)

    clients = clients_for(
        args,
        region,
        on_new_client,
        guard=prepare,
        user_agent="rootguard-remediate",
        max_attempts=10,
    )
    progress = ProgressBar(
        sys.stderr, enabled=not args.no_progress and sys.stderr.isatty(), label="remediating"
    )
    try:
        result = run_remediation(
            clients,
            guard,
            Request(
                accounts=args.account,
                ous=args.ou,
                everything=args.all,
                apply=args.apply,
                max_workers=args.max_workers,
            ),
            config=config,
            confirm=None if args.yes else lambda a, c: _confirm(stdin, a, c),
            progress=progress,
        )
    finally:
        progress.finish()
    text = RENDERERS[args.format](result, args.stack)
    if args.output:
        write_atomically(args.output, text)
    else:
        out.write(text)
    return exit_code(result)


def _confirm(stdin: TextIO, accounts: int, credentials: int) -> bool:
    print(
        f"Delete {credentials} root credential(s) in {accounts} member account(s)? "
        "This cannot be undone. Type 'yes' to go on: ",
        end="",
        file=sys.stderr,
        flush=True,
    )
    return stdin.readline().strip().lower() == "yes"
