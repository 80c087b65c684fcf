"""Benchmark: the audit of a 1,000-account organization with simulated API latency.

    python -m bench.audit_scale                         # 1,000 accounts, 100 OUs, 50 ms
    python -m bench.audit_scale --workers 16 32 64 --accounts 2000

The organization is the shared fake of tests/fakes: every request is serialized and signed
by botocore and answered at its HTTP layer (`before-send`) in the service's wire format,
after sleeping `--latency` seconds, so the audit's real code path (clients, signing,
parsers, retries, thread pool, checks) runs and only the network is simulated. Each run must
pass every check, or the figures are void.

Sequential time is extrapolated, not measured at full size (that would take minutes): a
sequential run makes the same calls one after another, so it costs (calls of the full run)
x (seconds per call of a measured sequential run of `--sample` accounts). Target (issue 6):
at least 20x faster than sequential, and under 60 s.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass

from rootguard.audit.aws import Clients
from rootguard.audit.collect import CollectOptions
from rootguard.audit.model import Status
from rootguard.audit.runner import run_audit
from rootguard.audit.settings import AuditSettings
from tests.fakes import REGION, FakeAws, FakeOrganization
from tests.fakes.aws import use_fake_credentials


@dataclass(frozen=True)
class Run:
    accounts: int
    workers: int
    seconds: float
    cpu_seconds: float
    calls: int
    calls_per_member: float
    findings: int


def audit_once(accounts: int, ous: int, latency: float, workers: int) -> Run:
    fake = FakeAws(FakeOrganization.secure(members=accounts, ous=ous), latency=latency)
    clients = Clients(None, REGION, max_workers=workers, on_new_client=fake.attach)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = run_audit(
        clients, CollectOptions(max_workers=workers), AuditSettings(), sleep=lambda _: None
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    failing = [f for f in result.findings if f.status is not Status.PASS]
    if failing:
        raise SystemExit(f"the benchmark organization must pass every check: {failing[0]}")
    per_member = fake.calls_by_member()
    return Run(
        accounts=accounts,
        workers=workers,
        seconds=seconds,
        cpu_seconds=cpu,
        calls=len(fake.calls),
        calls_per_member=sum(per_member.values()) / max(1, len(per_member)),
        findings=len(result.findings),
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.audit_scale")
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--ous", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per API call")
    parser.add_argument("--workers", type=int, nargs="+", default=[32])
    parser.add_argument("--sample", type=int, default=25, help="accounts in the sequential run")
    args = parser.parse_args(argv)
    use_fake_credentials()

    print(
        f"audit of {args.accounts} member accounts in {args.ous} OUs, "
        f"{args.latency * 1000:.0f} ms per API call (client side)"
    )
    sample = audit_once(args.sample, min(args.ous, 10), args.latency, workers=1)
    per_call = sample.seconds / sample.calls
    print(
        f"sequential sample: {sample.accounts} accounts, {sample.calls} calls in "
        f"{sample.seconds:.1f} s = {per_call * 1000:.1f} ms per call"
    )
    print()
    print(
        "| workers | wall s | CPU s | API calls | calls/member | findings "
        "| sequential s (extrapolated) | speed-up |"
    )
    print("|--------:|-------:|------:|----------:|-------------:|---------:|------:|------:|")
    for workers in args.workers:
        run = audit_once(args.accounts, args.ous, args.latency, workers)
        sequential = run.calls * per_call
        print(
            f"| {workers} | {run.seconds:.1f} | {run.cpu_seconds:.1f} | {run.calls} "
            f"| {run.calls_per_member:.1f} | {run.findings} | {sequential:.0f} "
            f"| {sequential / run.seconds:.1f}x |"
        )


if __name__ == "__main__":
    main()
