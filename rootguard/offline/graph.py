"""The resource graph of a recording: what waits for what, and the longest chain of waits.

On a first `pulumi up` the engine creates a resource once everything it depends on exists, so
the longest chain of dependencies is the number of create calls that must happen one after
another however parallel the rest is. Components cost no API call: only custom resources
count, and a dependency on a component stands for the custom resources below it.
"""

from __future__ import annotations

from collections.abc import Iterable

from .engine import Recording, Registration


def dependencies(recording: Recording) -> dict[str, set[str]]:
    """Every custom resource's URN -> the custom resources it waits for (direct only)."""
    below = _custom_descendants(recording)
    waits: dict[str, set[str]] = {}
    for registration in recording:
        if not registration.custom:
            continue
        direct: set[str] = set()
        for urn in registration.depends_on:
            direct |= below.get(urn, {urn})
        direct.discard(registration.urn)
        waits[registration.urn] = direct
    return waits


def longest_chain(recording: Recording) -> list[Registration]:
    """The longest sequence of custom resources in which each waits for the one before it.

    Ties are broken by resource name, so the same program always reports the same chain.
    """
    waits = dependencies(recording)
    by_urn = {r.urn: r for r in recording if r.custom}
    # The recording is in registration order, and a resource is registered only after
    # everything it depends on, so one pass in that order sees every dependency first.
    best: dict[str, tuple[int, str | None]] = {}
    for urn in (r.urn for r in recording if r.custom):
        known = [d for d in waits[urn] if d in best]
        if len(known) != len(waits[urn] & by_urn.keys()):
            raise ValueError(f"{urn} was recorded before one of its dependencies")
        previous = max(known, key=lambda d: (best[d][0], by_urn[d].name), default=None)
        best[urn] = (1 + (best[previous][0] if previous else 0), previous)
    if not best:
        return []
    last: str | None = max(best, key=lambda u: (best[u][0], by_urn[u].name))
    chain: list[Registration] = []
    while last is not None:
        chain.append(by_urn[last])
        last = best[last][1]
    return chain[::-1]


def _custom_descendants(recording: Recording) -> dict[str, set[str]]:
    """Each component's URN -> the custom resources anywhere below it."""
    children: dict[str, list[Registration]] = {}
    for registration in recording:
        if registration.parent is not None:
            children.setdefault(registration.parent, []).append(registration)

    def customs(nodes: Iterable[Registration]) -> set[str]:
        found: set[str] = set()
        for node in nodes:
            if node.custom:
                found.add(node.urn)
            found |= customs(children.get(node.urn, []))
        return found

    return {
        r.urn: customs(children.get(r.urn, [])) for r in recording.registrations if not r.custom
    }
