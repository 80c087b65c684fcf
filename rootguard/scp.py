"""Render the SCP catalog into minified policy documents that fit AWS's quotas.

Pure functions, no Pulumi: the config validation, the Guardrails component, the offline
plan and the tests all call `render_policies` and get byte-identical documents for the same
input, so previews never show spurious diffs.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOG_PATH = Path(__file__).resolve().parent / "catalog" / "scp_statements.yaml"

# rootguard tags its own policies with this key; DenyGuardrailTampering keys on it.
GUARDRAIL_TAG_KEY = "rootguard:guardrail"

POLICY_VERSION = "2012-10-17"

# AWS's long-standing SCP quotas (some sources report 10,240 / 10 since May 2026).
DEFAULT_MAX_POLICY_CHARACTERS = 5120
DEFAULT_MAX_POLICIES_PER_TARGET = 5

# Placements the exact packer may try before settling for the best packing found so far.
SEARCH_BUDGET = 100_000

_STATEMENT_KEYS = frozenset({"Effect", "Action", "Resource", "Condition"})


@dataclass(frozen=True)
class CatalogEntry:
    """One SCP statement as data: what it blocks, why, and which control it implements."""

    id: str
    control: str
    rationale: str
    exemptible: bool
    statement: Mapping[str, Any]
    blocks: str = ""  # one line: what the statement denies (the README's table)


@dataclass(frozen=True)
class Quotas:
    """SCP size and slot budget. FullAWSAccess always takes one slot on every target."""

    max_policy_characters: int = DEFAULT_MAX_POLICY_CHARACTERS
    max_policies_per_target: int = DEFAULT_MAX_POLICIES_PER_TARGET
    reserved_policies_per_target: int = 0

    @property
    def free_slots(self) -> int:
        return self.max_policies_per_target - 1 - self.reserved_policies_per_target

    def describe_slots(self) -> str:
        return (
            f"maxPoliciesPerTarget {self.max_policies_per_target} - 1 for FullAWSAccess"
            f" - reservedPoliciesPerTarget {self.reserved_policies_per_target}"
            f" = {self.free_slots}"
        )


@dataclass(frozen=True)
class RenderedPolicy:
    """One SCP: its minified document and the catalog statements it carries."""

    statement_ids: tuple[str, ...]
    document: str

    @property
    def characters(self) -> int:
        return len(self.document)


class QuotaError(ValueError):
    """The selected statements cannot fit the quotas; `key` names the setting to change."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def minify(document: Mapping[str, Any]) -> str:
    """SCP size counts every character sent: no whitespace, keys sorted for determinism."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def policy_document(statements: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


# A document's length is this overhead plus each statement's length plus one comma between
# statements, which turns packing into plain bin packing over `len(statement) + 1`.
_EMPTY_DOCUMENT_CHARACTERS = len(minify(policy_document([])))


@cache
def load_catalog(path: Path = CATALOG_PATH) -> tuple[CatalogEntry, ...]:
    """The catalog in file order; raises ValueError naming the entry if it is malformed."""
    raw = yaml.safe_load(path.read_text())
    entries = raw.get("statements") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path.name}: needs a non-empty `statements:` list")
    catalog = tuple(_catalog_entry(path.name, index, entry) for index, entry in enumerate(entries))
    seen: set[str] = set()
    for entry in catalog:
        if entry.id in seen:
            raise ValueError(f"{path.name}: statement id {entry.id!r} appears twice")
        seen.add(entry.id)
    return catalog


def catalog_ids(catalog: Sequence[CatalogEntry] | None = None) -> tuple[str, ...]:
    return tuple(entry.id for entry in (load_catalog() if catalog is None else catalog))


def render_statement(
    entry: CatalogEntry,
    exempt_principals: Sequence[str],
    statement_exemptions: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """The statement with its Sid and, if exemptible, the principal exemptions: those of
    every exemptible statement plus this statement's own (`statement_exemptions[id]`).

    Exemptions join the statement's other conditions (AND): the statement then denies only
    principals whose ARN matches none of the patterns.
    """
    statement: dict[str, Any] = {"Sid": entry.id, **copy.deepcopy(dict(entry.statement))}
    exempt_principals = [*exempt_principals, *(statement_exemptions or {}).get(entry.id, ())]
    if entry.exemptible and exempt_principals:
        condition = statement.setdefault("Condition", {})
        not_like = condition.setdefault("ArnNotLike", {})
        existing = not_like.get("aws:PrincipalArn", [])
        existing = [existing] if isinstance(existing, str) else list(existing)
        not_like["aws:PrincipalArn"] = sorted(set(existing) | set(exempt_principals))
    return statement


def render_policies(
    statement_ids: Sequence[str],
    exempt_principals: Sequence[str] = (),
    quotas: Quotas | None = None,
    catalog: Sequence[CatalogEntry] | None = None,
    statement_exemptions: Mapping[str, Sequence[str]] | None = None,
) -> tuple[RenderedPolicy, ...]:
    """Render the selected statements into as few policies as the quotas allow.

    Statements keep catalog order inside each policy and policies are ordered by their first
    statement, so the output depends only on the set of ids and exemptions.
    """
    quotas = quotas or Quotas()
    entries = load_catalog() if catalog is None else tuple(catalog)
    known = {entry.id for entry in entries}
    unknown = [sid for sid in statement_ids if sid not in known]
    if unknown:
        raise ValueError(f"unknown statement id {unknown[0]!r}; known: {', '.join(sorted(known))}")
    if len(set(statement_ids)) != len(statement_ids):
        raise ValueError("each statement id may be selected once")
    selected = [entry for entry in entries if entry.id in set(statement_ids)]
    if not selected:
        return ()
    if quotas.free_slots < 1:
        raise QuotaError(
            "reservedPoliciesPerTarget",
            f"no SCP slot is left on a target ({quotas.describe_slots()}); at least 1 is needed",
        )

    texts = [
        minify(render_statement(entry, exempt_principals, statement_exemptions))
        for entry in selected
    ]
    capacity = quotas.max_policy_characters - _EMPTY_DOCUMENT_CHARACTERS + 1
    for entry, text in zip(selected, texts, strict=True):
        alone = _EMPTY_DOCUMENT_CHARACTERS + len(text)
        if alone > quotas.max_policy_characters:
            raise QuotaError(
                "maxPolicyCharacters",
                f"statement {entry.id} alone makes a {alone}-character policy, "
                f"{alone - quotas.max_policy_characters} over the limit of "
                f"{quotas.max_policy_characters}; list fewer exemptPrincipals or raise the limit",
            )

    bins = pack([len(text) + 1 for text in texts], capacity)
    if len(bins) > quotas.free_slots:
        raise QuotaError(
            "maxPoliciesPerTarget",
            f"the {len(selected)} statements need {len(bins)} policies of at most "
            f"{quotas.max_policy_characters} characters but a target has "
            f"{quotas.free_slots} free slot(s) ({quotas.describe_slots()}): "
            f"{len(bins) - quotas.free_slots} over; select fewer statements or free slots",
        )
    return tuple(
        RenderedPolicy(
            statement_ids=tuple(selected[i].id for i in members),
            document=minify(policy_document([json.loads(texts[i]) for i in members])),
        )
        for members in bins
    )


def pack(weights: Sequence[int], capacity: int) -> list[list[int]]:
    """Pack item indices into the fewest bins whose weights sum to at most `capacity`.

    First-fit decreasing, then a depth-first search for a packing with fewer bins, down to
    the lower bound. The search is exact for catalog-sized inputs; on adversarial inputs of
    many items it stops after `SEARCH_BUDGET` placements (a count, not a clock, so the result
    stays deterministic) and keeps the best packing found. Each bin lists ascending indices;
    bins are ordered by their first index.
    """
    if any(weight > capacity or weight < 1 for weight in weights):
        raise ValueError("every weight must be between 1 and the capacity")
    if not weights:
        return []
    order = sorted(range(len(weights)), key=lambda i: (-weights[i], i))
    best = _first_fit(order, weights, capacity)
    lower_bound = -(-sum(weights) // capacity)
    budget = [SEARCH_BUDGET]
    for count in range(lower_bound, len(best)):
        found = _fit_into(order, weights, capacity, count, budget)
        if found is not None:
            best = found
            break
        if budget[0] <= 0:
            break
    return sorted((sorted(members) for members in best), key=lambda members: members[0])


def _first_fit(order: Sequence[int], weights: Sequence[int], capacity: int) -> list[list[int]]:
    bins: list[list[int]] = []
    loads: list[int] = []
    for item in order:
        for index, load in enumerate(loads):
            if load + weights[item] <= capacity:
                bins[index].append(item)
                loads[index] += weights[item]
                break
        else:
            bins.append([item])
            loads.append(weights[item])
    return bins


def _fit_into(
    order: Sequence[int], weights: Sequence[int], capacity: int, count: int, budget: list[int]
) -> list[list[int]] | None:
    """Depth-first search for a packing into `count` bins, or None (also when out of budget)."""
    loads = [0] * count
    bins: list[list[int]] = [[] for _ in range(count)]

    def place(position: int) -> bool:
        if position == len(order):
            return True
        budget[0] -= 1
        if budget[0] < 0:
            return False
        item = order[position]
        tried: set[int] = set()
        for index in range(count):
            # Bins with equal loads are interchangeable for what is left to place.
            if loads[index] + weights[item] > capacity or loads[index] in tried:
                continue
            tried.add(loads[index])
            loads[index] += weights[item]
            bins[index].append(item)
            if place(position + 1):
                return True
            loads[index] -= weights[item]
            bins[index].pop()
        return False

    return bins if place(0) else None


def _catalog_entry(source: str, index: int, raw: Any) -> CatalogEntry:
    where = f"{source}: statements[{index}]"
    if not isinstance(raw, dict) or set(raw) != {
        "id",
        "blocks",
        "control",
        "rationale",
        "exemptible",
        "statement",
    }:
        raise ValueError(
            f"{where}: needs exactly id, blocks, control, rationale, exemptible, statement"
        )
    entry_id, statement = raw["id"], raw["statement"]
    if not isinstance(entry_id, str) or not entry_id.isalnum() or not entry_id.isascii():
        raise ValueError(f"{where}.id: must be letters and digits (it becomes the Sid)")
    for key in ("blocks", "control", "rationale"):
        if not isinstance(raw[key], str) or not raw[key] or "\n" in raw[key]:
            raise ValueError(f"{where}.{key}: must be one non-empty line")
    if not isinstance(raw["exemptible"], bool):
        raise ValueError(f"{where}.exemptible: must be true or false")
    if not isinstance(statement, dict) or not set(statement) <= _STATEMENT_KEYS:
        raise ValueError(f"{where}.statement: keys must be among {sorted(_STATEMENT_KEYS)}")
    if statement.get("Effect") != "Deny" or "Action" not in statement:
        raise ValueError(f"{where}.statement: must be a Deny statement with an Action")
    for operator, keys in statement.get("Condition", {}).items():
        if not isinstance(operator, str) or not isinstance(keys, dict):
            raise ValueError(f"{where}.statement.Condition: {operator!r} must map keys to values")
        for key, value in keys.items():
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ValueError(f"{where}.statement.Condition.{operator}.{key}: must be strings")
    return CatalogEntry(
        id=entry_id,
        control=raw["control"],
        rationale=raw["rationale"],
        exemptible=raw["exemptible"],
        blocks=raw["blocks"],
        statement=statement,
    )
