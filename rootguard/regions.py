"""AWS regions and partitions, from botocore's endpoint data (not a hand-kept list).

`aws:region` in a stack file and `--region` on the command line are checked against it, so
`mars-1` is one clear line instead of an endpoint error deep inside a run.
"""

from __future__ import annotations

import difflib
from functools import cache

from .config.base import shorten


@cache
def region_partitions() -> dict[str, str]:
    """Every region botocore knows, mapped to its partition (`aws`, `aws-us-gov`, `aws-cn`...)."""
    from botocore.loaders import create_loader  # imported late: the config layer needs no boto

    endpoints = create_loader().load_data("endpoints")
    return {
        region: partition["partition"]
        for partition in endpoints["partitions"]
        for region in partition["regions"]
    }


def partition_of(region: str) -> str:
    """The partition a region is in; `aws` for a region botocore does not list."""
    return region_partitions().get(region, "aws")


def partition_of_arn(arn: str) -> str:
    """The partition an ARN names (`arn:aws-us-gov:iam::...` -> `aws-us-gov`).

    The audit takes its partition from the caller's own ARN (GetCallerIdentity): that is
    where its credentials, and so the organization it judges, live.
    """
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or not parts[1]:
        raise ValueError(f"not an ARN: {shorten(arn)}")
    return parts[1]


def known_partitions() -> frozenset[str]:
    """Every partition botocore knows (`aws`, `aws-cn`, `aws-us-gov`, ...)."""
    return frozenset(region_partitions().values())


def region_problem(region: object) -> str | None:
    """None for a known region, else what is wrong, with the closest known region."""
    if not isinstance(region, str):
        return f'must be a region name in quotes like "us-east-1", got {region!r}'
    known = region_partitions()
    if region in known:
        return None
    close = difflib.get_close_matches(region, list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return (
        f"{shorten(region)} is not an AWS region botocore knows{hint} "
        "(a region newer than the installed botocore needs `pip install -U botocore`)"
    )
