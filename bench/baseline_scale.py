"""Benchmark: the full baseline (organization, guardrails, root access, password policy,
contacts, trail, alarms) of generated organizations, under the offline engine.

    python -m bench.baseline_scale                         # 100, 1,000 and 5,000 accounts
    python -m bench.baseline_scale --accounts 1000 --sdk-defaults
    python -m bench.baseline_scale --accounts 1000 --once  # one size, this process, JSON

Each size runs in a fresh subprocess so its peak memory is its own. Per size: the resource
count, validation and program time, peak RSS, the longest dependency chain (the sequential
create calls a first `pulumi up` needs), and the same resources registered again directly,
flat and under the component tree (bench/replay.py), to price the component layer.
`--sdk-defaults` keeps Python's garbage collector and the SDK's per-resource stack traces on
(offline/speed.py turns both off), as `pulumi up` runs the program.
Targets (issue 8): 1,000 accounts under 15 s and 1 GiB; linear in accounts; components add
at most 30% over registering the same resources directly.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

from bench.plan_scale import contacts_config, generated_config
from bench.replay import replay
from rootguard.config.stack_file import validate_stack_config
from rootguard.offline import Recording, run_program
from rootguard.offline.fake_aws import FakeAws
from rootguard.offline.graph import longest_chain
from rootguard.program import run as program

OUS = 100
SIZES = [100, 1000, 5000]


def baseline_config(accounts: int, ous: int = OUS) -> dict[str, Any]:
    """Every section set, as a large organization would: a new organization (so its creation
    is on the dependency graph), guardrails on the root with a sandbox OU and one account
    exempt, contacts on every account, alarms mailed to the security team."""
    config = generated_config(accounts, ous)
    organization = config["rootguard:organization"]
    organization["mode"] = "create"
    top_level = [ou["path"] for ou in organization["organizationalUnits"] if "/" not in ou["path"]]
    nested = [ou["path"] for ou in organization["organizationalUnits"] if "/" in ou["path"]]
    # One nested OU and one account in another top-level OU are exempt: the policies are
    # routed around them, to their siblings.
    exempt_accounts = [a["name"] for a in organization["accounts"] if a["ou"] in top_level[1:]]
    config["rootguard:guardrails"] = {
        "exemptPrincipals": ["arn:aws:iam::*:role/BreakGlass"],
        "exemptOus": nested[:1],
        "exemptAccounts": exempt_accounts[:1],
    }
    config["rootguard:contacts"] = contacts_config(accounts)
    config["rootguard:alarms"] = {"email": ["security@example.com"]}
    return config


def measure(accounts: int, *, lean: bool = True, replays: bool = True) -> dict[str, Any]:
    config = baseline_config(accounts)
    started = time.perf_counter()
    # Imports and first-use costs, paid once per process: a one-account organization.
    _run(baseline_config(1, ous=1), lean)
    warmed = time.perf_counter()
    validate_stack_config(config)
    validated = time.perf_counter()
    recording = _run(config, lean)
    ran = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    chain = longest_chain(recording)
    customs = sum(r.custom for r in recording)
    row: dict[str, Any] = {
        "accounts": accounts,
        "ous": OUS,
        "lean": lean,
        "resources": customs,
        "components": len(recording.registrations) - customs,
        "warmup_s": round(warmed - started, 2),
        "validate_s": round(validated - warmed, 3),
        "program_s": round(ran - validated, 2),
        "peak_rss_mib": round(peak),
        "us_per_resource": round(1e6 * (ran - validated) / customs),
        "chain": len(chain),
        "chain_path": [f"{r.type.split(':')[-1]} {r.name}" for r in chain],
    }
    if replays:
        for shape in ("flat", "tree"):
            began = time.perf_counter()
            again = run_program(replay(recording, shape), stack="bench", lean=lean)
            row[f"{shape}_s"] = round(time.perf_counter() - began, 2)
            assert sum(r.custom for r in again) == customs
    return row


def _run(config: dict[str, Any], lean: bool) -> Recording:
    """rootguard's program under the offline engine, as `rootguard plan` runs it."""
    return run_program(
        program,
        config=config,
        stack="bench",
        fake=FakeAws(),
        lean=lean,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, nargs="*", default=SIZES)
    parser.add_argument("--once", action="store_true", help="measure in this process, print JSON")
    parser.add_argument(
        "--sdk-defaults",
        action="store_true",
        help="keep garbage collection and per-resource stack traces on, as `pulumi up` does",
    )
    parser.add_argument("--no-replay", action="store_true", help="skip the flat/tree replays")
    args = parser.parse_args()
    if args.once:
        row = measure(args.accounts[0], lean=not args.sdk_defaults, replays=not args.no_replay)
        print(json.dumps(row))
        return 0

    print(
        f"{'accounts':>8} {'resources':>9} {'program s':>9} {'µs/res':>6} {'peak MiB':>8} "
        f"{'chain':>5} {'flat s':>6} {'tree s':>6} {'components':>10}"
    )
    chains: dict[int, list[str]] = {}
    for accounts in args.accounts:
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.baseline_scale",
                "--once",
                "--accounts",
                str(accounts),
                *(["--sdk-defaults"] if args.sdk_defaults else []),
                *(["--no-replay"] if args.no_replay else []),
            ],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ},
        )
        row = json.loads(child.stdout.strip().splitlines()[-1])
        overhead = (
            f"{100 * (row['tree_s'] - row['flat_s']) / row['flat_s']:+.0f}%"
            if "flat_s" in row
            else "-"
        )
        print(
            f"{row['accounts']:>8} {row['resources']:>9} {row['program_s']:>9} "
            f"{row['us_per_resource']:>6} {row['peak_rss_mib']:>8} {row['chain']:>5} "
            f"{row.get('flat_s', '-'):>6} {row.get('tree_s', '-'):>6} {overhead:>10}"
        )
        chains[accounts] = row["chain_path"]
    for accounts, path in chains.items():
        print(f"\nlongest chain at {accounts} accounts ({len(path)} sequential creates):")
        print("\n".join(f"  {index}. {step}" for index, step in enumerate(path, start=1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
