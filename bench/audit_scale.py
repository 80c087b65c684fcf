"""Benchmark: the audit against AWS's request-rate quotas, at the HTTP layer.

    python -m bench.audit_scale                                # 100, 1,000 and 5,000 members
    python -m bench.audit_scale --accounts 1000 --time-scale 2 --latency 0.05

The organization is the shared fake of tests/fakes. Every request is serialized and signed
by botocore and answered at its HTTP layer (`before-send`) after `--latency` seconds, in
the service's wire format; the fake throttles each API at AWS's documented quota
(rootguard/catalog/api_quotas.yaml: GetAlternateContact 10/s burst 15, ...) with the
service's own throttling error. So the audit's real code path runs as against AWS: signing,
parsers, its client-side rate limiter, adaptive retries, the thread pool, every check.

The quota floor is the least time the run could take: for each API, the calls it needs
divided by the rate it may use (AWS's documented quota, or the audit's own cap where AWS
publishes none); the largest of these is the binding API. `--time-scale K` multiplies every
rate by K and divides the latency by K, so a run that would take 25 minutes at AWS's rates
takes 25/K; the floor is scaled the same way, so the ratio is unchanged except that CPU
time, which does not scale, weighs K times more (the scaled ratio is pessimistic).

Each run must pass every check (a check lost to throttling would be `unknown`), or the
benchmark stops.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rootguard.audit.aws import Clients
from rootguard.audit.collect import CollectOptions
from rootguard.audit.model import Status
from rootguard.audit.quotas import RateLimiter, quotas
from rootguard.audit.runner import run_audit
from rootguard.audit.settings import AuditSettings
from tests.fakes import REGION, FakeAws, FakeOrganization
from tests.fakes.aws import documented_quotas, use_fake_credentials


@dataclass(frozen=True)
class Run:
    accounts: int
    scale: float
    seconds: float
    cpu_seconds: float
    calls: int
    calls_per_member: float
    floor: float
    binding: str
    throttles: int
    findings: int

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor


def quota_floor(calls: Counter[str], scale: float) -> tuple[float, str]:
    """(seconds, API): the least time the calls need at the rates they may use."""
    times = {
        api: calls[api] / (quota.rate * scale)
        for api, quota in quotas().items()
        if not quota.per_member and calls[api]
    }
    binding = max(times, key=lambda api: times[api])
    return times[binding], binding


def audit_once(accounts: int, ous: int, latency: float, workers: int, scale: float) -> Run:
    org = FakeOrganization.secure(members=accounts, ous=ous)
    fake = FakeAws(
        org,
        latency=latency / scale,
        quotas={op: (rate * scale, burst) for op, (rate, burst) in documented_quotas().items()},
    )
    limiter = RateLimiter({api: replace(q, rate=q.rate * scale) for api, q in quotas().items()})
    clients = Clients(
        None, REGION, max_workers=workers, on_new_client=fake.attach, rate_limiter=limiter
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    result = run_audit(
        clients, CollectOptions(max_workers=workers), AuditSettings(), sleep=lambda _: None
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    failing = [f for f in result.findings if f.status is not Status.PASS]
    if failing:
        raise SystemExit(f"every check must pass ({len(failing)} do not): {failing[0]}")
    answered = Counter(f"{c.service}:{c.operation}" for c in fake.calls if c.outcome == "OK")
    floor, binding = quota_floor(answered, scale)
    per_member = fake.calls_by_member()
    return Run(
        accounts=accounts,
        scale=scale,
        seconds=seconds,
        cpu_seconds=cpu,
        calls=len(fake.calls),
        calls_per_member=sum(per_member.values()) / max(1, len(per_member)),
        floor=floor,
        binding=binding,
        throttles=fake.throttled,
        findings=len(result.findings),
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.audit_scale")
    parser.add_argument("--accounts", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--ous", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per API call")
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--time-scale", type=float, default=1.0, help="rates x K, latency / K")
    args = parser.parse_args(argv)
    use_fake_credentials()

    print(
        f"audit at AWS's quotas x {args.time_scale:g}, {args.latency * 1000:.0f} ms per call "
        f"/ {args.time_scale:g}, {args.workers} workers, {args.ous} OUs"
    )
    print()
    print(
        "| members | wall s | floor s | ratio | binding API | calls | calls/member "
        "| throttles | CPU s | findings |"
    )
    print("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for accounts in args.accounts:
        run = audit_once(accounts, args.ous, args.latency, args.workers, args.time_scale)
        print(
            f"| {run.accounts:,} | {run.seconds:.1f} | {run.floor:.1f} | {run.ratio:.2f} "
            f"| {run.binding} | {run.calls:,} | {run.calls_per_member:.1f} | {run.throttles} "
            f"| {run.cpu_seconds:.1f} | {run.findings:,} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
