"""Benchmark: rendering and packing the SCP catalog.

    python -m bench.scp_render

Prints the time to validate a guardrails config and render its documents (what every plan
and `pulumi up` pays), and the exact packer's time on adversarial inputs, where its search
budget, not the input size, bounds the work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rootguard.config.guardrails import GuardrailsConfig
from rootguard.scp import SEARCH_BUDGET, pack


def timed(function: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat


def main() -> None:
    exemptions = [f"arn:aws:iam::*:role/team-{n:02d}-admin" for n in range(40)]
    cases: list[tuple[str, dict[str, Any]]] = [
        ("default catalog", {}),
        ("1 exemption", {"exemptPrincipals": exemptions[:1]}),
        ("40 exemptions", {"exemptPrincipals": exemptions}),
    ]
    for label, raw in cases:
        config = GuardrailsConfig.model_validate(raw)
        seconds = timed(lambda raw=raw: GuardrailsConfig.model_validate(raw).policies(), 200)
        sizes = ", ".join(str(p.characters) for p in config.policies())
        print(f"{label:>16}: {seconds * 1000:6.2f} ms to validate + render; policies: {sizes}")

    print(f"adversarial packing (items just over 1/3 of a bin), budget {SEARCH_BUDGET:,}:")
    for count in (12, 16, 20, 40):
        weights = [1001 + i for i in range(count)]
        seconds = timed(lambda weights=weights: pack(weights, 3000), 3)
        print(f"{count:>16} items: {seconds * 1000:8.1f} ms, {len(pack(weights, 3000))} bins")


if __name__ == "__main__":
    main()
