"""Pieces every `rootguard` subcommand shares: argument types that fail in one line, and the
AWS connection options (`--profile`, `--region`, `--endpoint-url`)."""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

from .config.base import shorten
from .regions import region_problem


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
