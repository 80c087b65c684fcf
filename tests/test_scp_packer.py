"""The renderer and packer: never over a quota, nothing dropped or duplicated, deterministic."""

from __future__ import annotations

import json
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rootguard.scp import (
    CatalogEntry,
    QuotaError,
    Quotas,
    _first_fit,
    minify,
    pack,
    policy_document,
    render_policies,
)


def optimum(weights: tuple[int, ...], capacity: int) -> int:
    """The fewest bins, by dynamic programming over subsets (independent of `pack`)."""
    n = len(weights)

    @cache
    def best(mask: int) -> tuple[int, int]:
        # (bins used, load of the last bin) to place the items in `mask`.
        if mask == 0:
            return (1, 0)
        options = []
        for item in range(n):
            if mask & (1 << item):
                bins, load = best(mask & ~(1 << item))
                if load + weights[item] <= capacity:
                    options.append((bins, load + weights[item]))
                else:
                    options.append((bins + 1, weights[item]))
        return min(options)

    return best((1 << n) - 1)[0] if n else 0


@settings(max_examples=300, deadline=None)
@given(
    st.integers(10, 200).flatmap(
        lambda c: st.tuples(st.just(c), st.lists(st.integers(1, c), max_size=9))
    )
)
def test_pack_is_exact_complete_and_within_capacity(case: tuple[int, list[int]]) -> None:
    capacity, weights = case
    bins = pack(weights, capacity)
    flat = [index for members in bins for index in members]
    assert sorted(flat) == list(range(len(weights)))  # nothing dropped, nothing twice
    assert all(sum(weights[i] for i in members) <= capacity for members in bins)
    assert len(bins) == optimum(tuple(weights), capacity)
    assert bins == pack(list(weights), capacity)
    assert all(members == sorted(members) for members in bins)
    assert [members[0] for members in bins] == sorted(members[0] for members in bins)


def test_pack_beats_first_fit_decreasing_where_it_is_not_optimal() -> None:
    # First-fit decreasing: 4+4, 3+3+3, 3 -> 3 bins of 10; the optimum is 4+3+3 twice.
    weights = [4, 4, 3, 3, 3, 3]
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    assert len(_first_fit(order, weights, 10)) == 3
    assert pack(weights, 10) == [[0, 2, 3], [1, 4, 5]]


def entry(index: int, size: int, exemptible: bool) -> CatalogEntry:
    return CatalogEntry(
        id=f"S{index}",
        control="test",
        rationale="test",
        exemptible=exemptible,
        statement={"Effect": "Deny", "Action": f"svc:{'A' * size}", "Resource": "*"},
    )


catalogs = st.lists(st.tuples(st.integers(1, 900), st.booleans()), min_size=1, max_size=9).map(
    lambda specs: [entry(i, size, ex) for i, (size, ex) in enumerate(specs)]
)
quotas = st.builds(
    Quotas,
    max_policy_characters=st.integers(256, 3000),
    max_policies_per_target=st.integers(2, 10),
    reserved_policies_per_target=st.integers(0, 3),
)
exemptions = st.lists(
    st.from_regex(r"arn:aws:iam::\d{12}:role/[A-Za-z]{1,20}", fullmatch=True), max_size=4
)


@settings(max_examples=300, deadline=None)
@given(catalogs, quotas, exemptions, st.data())
def test_render_fits_both_quotas_or_says_which_and_by_how_much(
    catalog: list[CatalogEntry], quota: Quotas, exempt: list[str], data: st.DataObject
) -> None:
    selection = data.draw(
        st.lists(st.sampled_from([e.id for e in catalog]), min_size=1, unique=True)
    )
    try:
        policies = render_policies(selection, exempt, quota, catalog)
    except QuotaError as error:
        assert error.key in {
            "maxPolicyCharacters",
            "maxPoliciesPerTarget",
            "reservedPoliciesPerTarget",
        }
        assert " over" in error.message or "no SCP slot" in error.message
        return
    assert 1 <= len(policies) <= quota.free_slots
    ids = [sid for policy in policies for sid in policy.statement_ids]
    assert sorted(ids) == sorted(selection)  # nothing dropped, nothing duplicated
    for policy in policies:
        assert policy.characters == len(policy.document) <= quota.max_policy_characters
        statements = json.loads(policy.document)["Statement"]
        assert [s["Sid"] for s in statements] == list(policy.statement_ids)
        for statement, sid in zip(statements, policy.statement_ids, strict=True):
            exemptible = next(e.exemptible for e in catalog if e.id == sid)
            if exemptible and exempt:
                assert statement["Condition"]["ArnNotLike"]["aws:PrincipalArn"] == sorted(
                    set(exempt)
                )
            else:
                assert "Condition" not in statement
    # Deterministic, and independent of the order ids and exemptions are listed in.
    again = render_policies(list(reversed(selection)), list(reversed(exempt)), quota, catalog)
    assert [p.document for p in again] == [p.document for p in policies]


@settings(max_examples=200, deadline=None)
@given(catalogs, quotas)
def test_render_fails_exactly_when_the_quotas_cannot_be_met(
    catalog: list[CatalogEntry], quota: Quotas
) -> None:
    ids = [e.id for e in catalog]
    texts = [minify({"Sid": e.id, **e.statement}) for e in catalog]
    empty = len(minify({"Statement": [], "Version": "2012-10-17"}))
    too_big = any(empty + len(t) > quota.max_policy_characters for t in texts)
    needed = (
        0
        if too_big
        else optimum(tuple(len(t) + 1 for t in texts), quota.max_policy_characters - empty + 1)
    )
    if quota.free_slots < 1:
        expected: str | None = "reservedPoliciesPerTarget"
    elif too_big:
        expected = "maxPolicyCharacters"
    elif needed > quota.free_slots:
        expected = "maxPoliciesPerTarget"
    else:
        expected = None
    if expected is None:
        assert len(render_policies(ids, (), quota, catalog)) == needed
    else:
        with pytest.raises(QuotaError) as caught:
            render_policies(ids, (), quota, catalog)
        assert caught.value.key == expected


def test_quota_messages_say_by_how_much() -> None:
    catalog = [entry(0, 600, True), entry(1, 600, True), entry(2, 600, True)]
    with pytest.raises(QuotaError) as caught:
        render_policies(["S0"], (), Quotas(max_policy_characters=600), catalog)
    assert caught.value.key == "maxPolicyCharacters"
    size = len(minify(policy_document([{"Sid": "S0", **catalog[0].statement}])))
    assert f"makes a {size}-character policy, {size - 600} over the limit of 600" in (
        caught.value.message
    )
    with pytest.raises(QuotaError) as caught:
        render_policies(
            ["S0", "S1", "S2"],
            (),
            Quotas(1000, max_policies_per_target=4, reserved_policies_per_target=1),
            catalog,
        )
    assert caught.value.key == "maxPoliciesPerTarget"
    assert "need 3 policies" in caught.value.message and "2 free slot(s)" in caught.value.message
    assert ": 1 over" in caught.value.message


def test_render_rejects_unknown_and_repeated_ids() -> None:
    catalog = [entry(0, 10, True)]
    with pytest.raises(ValueError, match="unknown statement id 'S9'"):
        render_policies(["S9"], (), Quotas(), catalog)
    with pytest.raises(ValueError, match="once"):
        render_policies(["S0", "S0"], (), Quotas(), catalog)


def test_adversarial_inputs_stop_searching_and_keep_a_valid_deterministic_packing() -> None:
    # 30 items just over a third of a bin: at most two fit per bin, and proving that no
    # packing into 11..14 bins exists is exponential. The search budget ends it.
    capacity = 3000
    weights = [capacity // 3 + 1 + i for i in range(30)]
    bins = pack(weights, capacity)
    assert len(bins) == 15
    assert sorted(i for members in bins for i in members) == list(range(30))
    assert all(sum(weights[i] for i in members) <= capacity for members in bins)
    assert pack(weights, capacity) == bins
