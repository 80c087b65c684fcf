"""Benchmark: `rootguard remediate --apply` on 1,000 member accounts, quotas and latency modelled.

    python -m bench.remediate_scale                     # 1,000 accounts, 50 ms, 16 workers
    python -m bench.remediate_scale --workers 8 16 32 --mode dry-run

The organization is the shared fake (tests/fakes) answered at botocore's HTTP layer: every
call is serialized, signed, sent to the fake, parsed, retried by botocore's adaptive mode,
and rate limited by rootguard's own client-side limiters, exactly as against AWS; the fake
sleeps `--latency` per call and throttles AssumeRoot beyond the rate of
rootguard/catalog/request_rates.yaml (the same number the client side keeps to), answering
AWS's `Throttling` error.

The credential mix (seeded): most accounts were created after centralized root access and
have nothing; older and invited ones have a password, some with MFA (virtual or hardware),
a few with access keys or a signing certificate.

The quota floor is the least time the shared quota allows: AssumeRoot calls (all made by the
management account), less the bucket's initial burst, / its allowed rate. Each member
account's IAM calls have their own per-account quota, which a run never comes near (one
worker per account, one call at a time).
Goal (issue 12): wall time within 1.5x of the floor.
"""

from __future__ import annotations

import argparse
import io
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from rootguard.cli import main as rootguard
from rootguard.remediate.quotas import rates
from tests.fakes import REGION, FakeAws, FakeOrganization
from tests.fakes.aws import use_fake_credentials

# (share of accounts, credentials): the mix of a long-lived organization.
MIX = (
    (0.55, {}),
    (0.25, {"password": True}),
    (0.10, {"password": True, "mfa_devices": 1}),
    (0.06, {"password": True, "hardware_mfa": 1, "access_keys": 1}),
    (0.04, {"password": True, "mfa_devices": 1, "access_keys": 2, "certificates": 1}),
)


@dataclass(frozen=True)
class Run:
    accounts: int
    workers: int
    seconds: float
    cpu_seconds: float
    calls: int
    member_calls: int  # AssumeRoot and the root sessions' calls (not the organization reads)
    assume_root: int
    throttled: int
    credentials: int
    deleted: int
    exit_code: int

    @property
    def floor(self) -> float:
        """Seconds the AssumeRoot quota needs for these calls: a full bucket's burst is free,
        every later call waits its turn at the allowed rate."""
        limits = rates()
        return max(0.0, self.assume_root - limits.sts_burst) / limits.sts_per_second


def organization(accounts: int, seed: int) -> tuple[FakeOrganization, int]:
    org = FakeOrganization.secure(members=accounts, ous=100)
    chooser = random.Random(seed)
    credentials = 0
    shares = [share for share, _ in MIX]
    for account in org.members:
        ((_, kinds),) = chooser.choices(MIX, weights=shares)
        if kinds:
            credentials += org.give_root_credentials(account.name, **kinds).count()
    return org, credentials


def run_once(accounts: int, latency: float, workers: int, apply: bool, seed: int) -> Run:
    use_fake_credentials()
    org, credentials = organization(accounts, seed)
    limits = rates()
    fake = FakeAws(
        org, latency=latency, quotas={"AssumeRoot": (limits.sts_per_second, limits.sts_burst)}
    )
    argv = ["remediate", "--all", "--region", REGION, "--no-progress", "--format", "json"]
    argv += ["--max-workers", str(workers)] + (["--apply", "--yes"] if apply else [])
    started, cpu_started = time.perf_counter(), time.process_time()
    code = rootguard(argv, stdout=io.StringIO(), on_new_client=fake.attach)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if code == 2:
        raise SystemExit("the benchmark run failed to start (exit 2)")
    return Run(
        accounts=accounts,
        workers=workers,
        seconds=seconds,
        cpu_seconds=cpu,
        calls=len(fake.calls),
        member_calls=sum(fake.calls_by_member().values()),
        assume_root=fake.count("AssumeRoot"),
        throttled=fake.throttled,
        credentials=credentials,
        deleted=len({(d.account, d.id) for d in fake.deleted}),
        exit_code=code,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.remediate_scale")
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per API call")
    parser.add_argument("--workers", type=int, nargs="+", default=[16])
    parser.add_argument("--mode", choices=["apply", "dry-run"], default="apply")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    limits = rates()
    print(
        f"rootguard remediate {'--apply --yes' if args.mode == 'apply' else '(dry run)'} of "
        f"{args.accounts} member accounts, {args.latency * 1000:.0f} ms per API call, "
        f"AssumeRoot quota {limits.sts_per_second:g}/s (burst {limits.sts_burst:g}), "
        f"IAM {limits.iam_per_account_per_second:g}/s per member account"
    )
    print()
    print(
        "| workers | wall s | CPU s | calls | calls per member | throttled | credentials "
        "| deleted | quota floor s | wall / floor | exit |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for workers in args.workers:
        run = run_once(args.accounts, args.latency, workers, args.mode == "apply", args.seed)
        print(
            f"| {workers} | {run.seconds:.1f} | {run.cpu_seconds:.1f} | {run.calls} "
            f"| {run.member_calls / run.accounts:.2f} | {run.throttled} | {run.credentials} "
            f"| {run.deleted} | {run.floor:.1f} | {run.seconds / run.floor:.2f}x "
            f"| {run.exit_code} |"
        )


if __name__ == "__main__":
    main()
