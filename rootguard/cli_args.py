"""Pieces every `rootguard` subcommand shares: argument types that fail in one line, the
AWS connection and stack options (`--profile`, `--region`, `--endpoint-url`, `--stack`,
`--stacks-dir`), atomic report files, and AWS errors turned into one-line exits."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)
from botocore.parsers import ResponseParserError

from .audit.aws import describe_error
from .config import ConfigError, RootGuardConfig
from .config.base import shorten
from .config.stack_file import STACKS_DIR, read_stack_config, validate_stack_config
from .regions import region_problem

EXIT_USAGE = 2


class UsageError(Exception):
    """A bad command line: printed as one line on stderr, exit 2."""


class Parser(argparse.ArgumentParser):
    """argparse that reports a mistake as one line (no usage block) by raising UsageError."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def one_line(message: str) -> str:
    return " ".join(message.split())


def positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a positive integer, got {shorten(value)}"
        ) from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {shorten(value)}")
    return number


def region(value: str) -> str:
    problem = region_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def endpoint_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"must be an http:// or https:// URL like http://127.0.0.1:5000, got {shorten(value)}"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        raise argparse.ArgumentTypeError(f"has a bad port: {shorten(value)}") from None
    return value


def add_aws_arguments(p: argparse.ArgumentParser) -> None:
    """How a subcommand reaches AWS: the same options and checks for audit and remediate."""
    p.add_argument("--profile", help="AWS profile (default: the standard credential chain)")
    p.add_argument(
        "--region",
        type=region,
        help="region for regional APIs (default: the stack's aws:region, then AWS_REGION "
        "or the profile's region)",
    )
    p.add_argument(
        "--endpoint-url",
        type=endpoint_url,
        help="send every API call to this endpoint (a local AWS emulator, for testing)",
    )


def add_stack_arguments(p: argparse.ArgumentParser, stack_help: str) -> None:
    p.add_argument("--stack", metavar="NAME", help=stack_help)
    p.add_argument(
        "--stacks-dir",
        type=Path,
        default=STACKS_DIR,
        metavar="DIR",
        help="where the stack files are (default: ./stacks)",
    )


def add_run_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--debug", action="store_true", help="show tracebacks for errors")


def stack_and_region(args: argparse.Namespace) -> tuple[RootGuardConfig | None, str | None]:
    """The validated config of `--stack` (None without one) and the region to use:
    `--region`, else the stack's `aws:region`."""
    if not args.stack:
        return None, args.region
    raw = read_stack_config(args.stack, args.stacks_dir)
    return validate_stack_config(raw), args.region or raw.get("aws:region")


def write_atomically(path: Path, text: str) -> None:
    """Write a report so a reader (or an upload step) never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_reporting_errors(
    prog: str,
    body: Callable[[], int],
    *,
    debug: bool,
    what: str,
    usage: tuple[type[Exception], ...] = (),
    internal: tuple[type[Exception], ...] = (),
    internal_note: str = "refused before sending",
) -> int:
    """Run a subcommand; a usage, config, credential or AWS problem is one line and exit 2.

    `usage` exceptions are printed as they are; `internal` ones are the command's own guard
    refusing a call (a bug): nothing was sent. With `debug`, the traceback instead.
    """

    def fail(message: str) -> int:
        if debug:
            raise
        print(f"{prog}: {one_line(message)}", file=sys.stderr)
        return EXIT_USAGE

    try:
        return body()
    except ConfigError as exc:
        return fail(str(exc))
    except usage as exc:
        return fail(str(exc))
    except ProfileNotFound as exc:
        return fail(f"{exc}; check --profile and AWS_CONFIG_FILE")
    except (NoCredentialsError, PartialCredentialsError) as exc:
        return fail(
            f"no usable AWS credentials ({exc}); pass --profile or set the standard AWS "
            "environment variables for the management account"
        )
    except ClientError as exc:
        # Raised only by the first calls (who am I, which organization): bad or expired
        # credentials, or no permission to describe the organization.
        return fail(f"cannot start {what}: {describe_error(exc, exc.operation_name)}")
    except internal as exc:
        return fail(f"internal error, {internal_note}: {exc}")
    except NoRegionError:
        return fail("no region: pass --region, set AWS_REGION, or give the stack an aws:region")
    except (BotoCoreError, ResponseParserError) as exc:
        return fail(f"cannot reach AWS: {str(exc).splitlines()[0]}")
    except OSError as exc:
        return fail(f"cannot write the report: {exc}")
    except KeyboardInterrupt:
        return fail("interrupted")
