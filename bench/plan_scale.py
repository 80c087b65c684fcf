"""Benchmark: the offline plan of generated organizations.

    python -m bench.plan_scale                      # 100, 1,000 and 2,000 accounts
    python -m bench.plan_scale --accounts 1000 --ous 100 --once

Each size runs in a fresh subprocess so its peak RSS is its own. Prints wall time for the
program under mocks and for rendering the plan, peak memory and resources per second.
Targets (issue 2): 1,000 accounts in 100 OUs under 15 s and 1 GiB, linear in accounts.
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

from rootguard.config.stack_file import validate_stack_config
from rootguard.offline.fake_aws import FakeAws
from rootguard.offline.plan import render_tree, run_main, to_json


def generated_config(accounts: int, ous: int) -> dict[str, Any]:
    """An organization of `ous` OUs (10 top-level, the rest nested) and `accounts` accounts."""
    top = max(1, min(10, ous))
    paths = [f"Unit{i:02d}" for i in range(top)]
    paths += [f"Unit{i % top:02d}/Team{i:04d}" for i in range(ous - top)]
    return {
        "aws:region": "us-east-1",
        "rootguard:organization": {
            "organizationalUnits": [{"path": p} for p in paths],
            "accounts": [
                {
                    "name": f"account-{i:05d}",
                    "email": f"aws+account-{i:05d}@example.com",
                    "ou": paths[i % len(paths)],
                    "tags": {"index": str(i)},
                }
                for i in range(accounts)
            ],
        },
    }


def contacts_config(accounts: int) -> dict[str, Any]:
    """`rootguard:contacts` with all three types and an override on every tenth account."""

    def contact(role: str, number: int) -> dict[str, str]:
        return {
            "name": f"{role} team",
            "title": f"{role} on-call",
            "email": f"aws-{role.lower()}@example.com",
            "phone": f"+1 206 555 {number:04d}",
        }

    return {
        "default": {
            "security": contact("Security", 100),
            "operations": contact("Operations", 110),
            "billing": contact("Billing", 120),
        },
        "overrides": {
            f"account-{i:05d}": {"security": contact(f"Security{i}", 130)}
            for i in range(0, accounts, 10)
        },
    }


def measure(accounts: int, ous: int, contacts: bool = False) -> dict[str, Any]:
    config = generated_config(accounts, ous)
    if contacts:
        config["rootguard:contacts"] = contacts_config(accounts)
    start = time.perf_counter()
    validate_stack_config(config)
    validated = time.perf_counter()
    recording = run_main(config, stack="bench", fake=FakeAws())
    ran = time.perf_counter()
    tree = render_tree("bench", recording)
    document = json.dumps(to_json("bench", recording), default=str)
    rendered = time.perf_counter()
    return {
        "accounts": accounts,
        "ous": ous,
        "resources": sum(r.custom for r in recording),
        "validate_s": round(validated - start, 3),
        "program_s": round(ran - validated, 3),
        "render_s": round(rendered - ran, 3),
        "total_s": round(rendered - start, 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "plan_chars": len(tree) + len(document),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, nargs="*", default=[100, 1000, 2000])
    parser.add_argument("--ous", type=int, default=100)
    parser.add_argument("--once", action="store_true", help="measure in this process, print JSON")
    parser.add_argument(
        "--contacts", action="store_true", help="add rootguard:contacts (3 contacts per account)"
    )
    args = parser.parse_args()
    if args.once:
        print(json.dumps(measure(args.accounts[0], args.ous, args.contacts)))
        return 0

    print(
        f"{'accounts':>8} {'OUs':>4} {'resources':>9} {'program s':>9} {'render s':>8} "
        f"{'total s':>7} {'peak MiB':>8} {'ms/account':>10}"
    )
    for accounts in args.accounts:
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.plan_scale",
                "--once",
                "--accounts",
                str(accounts),
                "--ous",
                str(args.ous),
                *(["--contacts"] if args.contacts else []),
            ],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ},
        )
        row = json.loads(child.stdout.strip().splitlines()[-1])
        per_account = 1000 * row["total_s"] / max(1, row["accounts"])
        print(
            f"{row['accounts']:>8} {row['ous']:>4} {row['resources']:>9} {row['program_s']:>9} "
            f"{row['render_s']:>8} {row['total_s']:>7} {row['peak_rss_mib']:>8} "
            f"{per_account:>10.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
