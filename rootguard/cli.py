"""`rootguard`: the one command. Each subcommand is a thin layer over library functions.

    rootguard plan STACK [--json FILE]     the offline plan (no credentials)
    rootguard audit [--stack NAME] ...     read-only posture audit and drift
    rootguard remediate --account ID ...   delete member root credentials (dry run unless --apply)

Usage mistakes are one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .cli_args import Parser, UsageError, one_line

if TYPE_CHECKING:
    from .audit.aws import ClientHook

EXIT_USAGE = 2


def parser() -> Parser:
    from .audit import cli as audit_cli
    from .offline import plan
    from .remediate import cli as remediate_cli

    root = Parser(
        prog="rootguard",
        description="Lock down the AWS root user across an AWS Organization.",
    )
    root.add_argument("--version", action="version", version=f"rootguard {__version__}")
    commands = root.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    plan.add_arguments(
        commands.add_parser(
            "plan", help="render a stack's plan offline", description=plan.DESCRIPTION
        )
    )
    audit_cli.add_arguments(
        commands.add_parser(
            "audit",
            help="audit the live organization (read-only)",
            description=audit_cli.DESCRIPTION,
        )
    )
    remediate_cli.add_arguments(
        commands.add_parser(
            "remediate",
            help="delete member accounts' root credentials (dry run unless --apply)",
            description=remediate_cli.DESCRIPTION,
        )
    )
    return root


def command_parser(command: str) -> argparse.ArgumentParser:
    """One subcommand's parser (the docs tests list its options)."""
    for action in parser()._subparsers._group_actions:  # type: ignore[union-attr]
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[command]
            return found
    raise KeyError(command)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stdin: TextIO | None = None,
    on_new_client: ClientHook | None = None,
) -> int:
    """Run the command; `on_new_client` sees every boto3 client made (tests attach stubs)."""
    try:
        args = parser().parse_args(argv)
    except UsageError as error:
        print(one_line(str(error)), file=sys.stderr)
        return EXIT_USAGE
    if args.command is None:
        print(
            "rootguard: choose a command: plan, audit, remediate (see rootguard --help)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        return _run(args, stdout, stdin, on_new_client)
    except BrokenPipeError:
        # `rootguard plan dev | head`: the reader has gone, which is not an error of ours.
        # Point stdout at nothing so the interpreter's final flush cannot raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(
    args: argparse.Namespace,
    stdout: TextIO | None,
    stdin: TextIO | None,
    on_new_client: ClientHook | None,
) -> int:
    if args.command == "plan":
        from .offline import plan

        return plan.run(args, stdout=stdout)
    if args.command == "remediate":
        from .remediate import cli as remediate_cli

        return remediate_cli.run(args, stdout=stdout, stdin=stdin, on_new_client=on_new_client)
    from .audit import cli as audit_cli

    return audit_cli.run(args, stdout=stdout, on_new_client=on_new_client)
