"""Where the guardrail SCPs attach: the configured targets, routed around exemptions.

An SCP attached to the root or an OU applies to everything below it, and AWS has no way to
exclude one child from an inherited policy. So when an exempt OU or account lies below a
target, the policies go one level down instead, to every sibling on the path to the
exemption, recursively; the exempt node and its subtree get none. Only OUs and accounts
declared in `rootguard:organization` are known here, so the README asks that everything
below such a target be declared. Pure: no Pulumi, no AWS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from .config.organization import ou_parent


@dataclass(frozen=True)
class Target:
    """The organization root, an OU (by path) or a member account (by name)."""

    kind: Literal["root", "ou", "account"]
    key: str = ""

    @property
    def label(self) -> str:
        return "root" if self.kind == "root" else f"{self.kind}:{self.key}"


ROOT = Target("root")


def attachment_targets(
    targets: Sequence[str] | None,
    exempt_ous: Sequence[str],
    exempt_accounts: Sequence[str],
    ou_paths: Sequence[str],
    account_ous: Mapping[str, str],
) -> tuple[Target, ...]:
    """Every node the policies attach to, in declaration order, each exactly once.

    `targets` are OU paths (None: the organization root); `ou_paths` every declared OU in
    declaration order; `account_ous` every declared account's OU path, by account name.
    """
    tree = _Tree(ou_paths, account_ous)
    exempt = {Target("ou", path) for path in exempt_ous} | {
        Target("account", name) for name in exempt_accounts
    }
    starts = [ROOT] if targets is None else [Target("ou", path) for path in targets]
    found: list[Target] = []
    for start in starts:
        found.extend(_route(start, tree, exempt))
    return tuple(found)


def _route(node: Target, tree: _Tree, exempt: set[Target]) -> list[Target]:
    if node in exempt:
        return []
    if not any(tree.contains(node, other) for other in exempt):
        return [node]
    routed: list[Target] = []
    for child in tree.children(node):
        routed.extend(_route(child, tree, exempt))
    return routed


class _Tree:
    """The declared OU tree with the accounts in it."""

    def __init__(self, ou_paths: Sequence[str], account_ous: Mapping[str, str]) -> None:
        self._ous = list(ou_paths)
        self._account_ou = dict(account_ous)

    def children(self, node: Target) -> list[Target]:
        parent = None if node.kind == "root" else node.key
        ous = [Target("ou", path) for path in self._ous if ou_parent(path) == parent]
        accounts = [
            Target("account", name) for name, ou in self._account_ou.items() if ou == parent
        ]
        return ous + accounts

    def contains(self, node: Target, other: Target) -> bool:
        """Whether `other` lies strictly below `node`."""
        if node.kind == "account" or node == other:
            return False
        if node.kind == "root":
            return True
        # An account lies below the OU it is in; an OU (other != node) lies below its ancestors.
        path = self._account_ou[other.key] if other.kind == "account" else other.key
        return path == node.key or path.startswith(f"{node.key}/")
