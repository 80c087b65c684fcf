"""`python -m rootguard.remediate.summary EVIDENCE.json`: a Markdown summary of a run's
evidence, for the GitHub job summary of .github/workflows/remediate.yml."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def summary(document: dict[str, Any]) -> str:
    run, totals = document["run"], document["summary"]
    lines = [
        f"### rootguard remediate ({run['mode']}) of {run['organizationId']}",
        "",
        f"As `{run['callerArn']}` with `{run['taskPolicyArn']}`: "
        f"{totals['credentialsFound']} root credential(s) found, "
        f"{totals['credentialsDeleted']} deleted, {totals['credentialsLeft']} left; "
        f"exit {totals['exitCode']}.",
        "",
        "| Account | Name | OU | Outcome | Found | Deleted | Failures |",
        "| --- | --- | --- | --- | ---: | ---: | --- |",
    ]
    for account in document["accounts"]:
        if account["outcome"] == "clean":
            continue
        failures = "; ".join(account["failures"]).replace("|", "\\|")
        lines.append(
            f"| {account['accountId']} | {account['name']} | {account['ouPath']} | "
            f"{account['outcome']} | {len(account['found'])} | {len(account['deleted'])} | "
            f"{failures} |"
        )
    clean = totals["byOutcome"]["clean"]
    lines += ["", f"{clean} account(s) clean (not listed)."]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m rootguard.remediate.summary EVIDENCE.json", file=sys.stderr)
        return 2
    sys.stdout.write(summary(json.loads(Path(args[0]).read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
