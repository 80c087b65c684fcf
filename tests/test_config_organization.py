"""`rootguard:organization`: valid trees load; every mistake is one line naming its key."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rootguard.config import ConfigError, load_config
from rootguard.config.organization import MAX_OU_DEPTH, REQUIRED_SERVICE_PRINCIPALS
from tests.config_samples import ALARMS
from tests.conftest import minimal_organization


def load(organization: dict[str, Any], present: tuple[str, ...] = ()) -> Any:
    return load_config({"organization": organization, "alarms": ALARMS}, present_keys=present)


def error_of(organization: dict[str, Any], present: tuple[str, ...] = ()) -> str:
    with pytest.raises(ConfigError) as caught:
        load(organization, present)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_minimal_config_loads_with_secure_defaults() -> None:
    config = load(minimal_organization()).organization
    assert config.mode == "adopt"
    assert config.accounts[0].iam_user_access_to_billing == "DENY"
    assert config.service_principals == sorted(REQUIRED_SERVICE_PRINCIPALS)


def test_extra_trusted_services_are_added_sorted_and_deduplicated() -> None:
    config = load(
        minimal_organization(trustedServices=["sso.amazonaws.com", "iam.amazonaws.com"])
    ).organization
    assert config.service_principals == sorted({*REQUIRED_SERVICE_PRINCIPALS, "sso.amazonaws.com"})


def test_models_are_frozen() -> None:
    config = load(minimal_organization()).organization
    with pytest.raises(ValueError):
        config.mode = "create"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"accounts": [{"name": "a", "emial": "a@example.com", "ou": "Security"}]},
            "rootguard:organization.accounts[0].emial: unknown key; did you mean 'email'?",
        ),
        (
            {"accounts": [{"name": "a", "email": "not-an-email", "ou": "Security"}]},
            "rootguard:organization.accounts[0].email: must be an email address",
        ),
        (
            {"accounts": [{"name": "a", "email": "a@example.com", "ou": "Nowhere"}]},
            "rootguard:organization.accounts[0].ou: OU 'Nowhere' is not declared",
        ),
        (
            {"organizationalUnits": [{"path": "Security"}, {"path": "Security"}]},
            "rootguard:organization.organizationalUnits[1].path: OU path 'Security' is declared "
            "twice",
        ),
        (
            {"organizationalUnits": [{"path": "Workloads/Prod"}]},
            "rootguard:organization.organizationalUnits[0].path: parent OU 'Workloads'",
        ),
        (
            {
                "accounts": [
                    {"name": "a", "email": "a@example.com", "ou": "Security"},
                    {"name": "a", "email": "b@example.com", "ou": "Security"},
                ]
            },
            "rootguard:organization.accounts[1].name: 'a' is already listed at accounts[0]",
        ),
        (
            {
                "accounts": [
                    {"name": "a", "email": "Ops@example.com", "ou": "Security"},
                    {"name": "b", "email": "ops@EXAMPLE.com".lower(), "ou": "Security"},
                ]
            },
            "rootguard:organization.accounts[1].email: 'ops@example.com' is already listed at "
            "accounts[0]",
        ),
        (
            {"accounts": [{"name": "x" * 51, "email": "a@example.com", "ou": "Security"}]},
            "rootguard:organization.accounts[0].name: must be 1-50 printable ASCII characters",
        ),
        (
            {"accounts": [{"name": "tab\there", "email": "a@example.com", "ou": "Security"}]},
            "rootguard:organization.accounts[0].name: must be 1-50 printable ASCII characters",
        ),
        (
            {"organizationalUnits": [{"path": "S" * 129}]},
            "rootguard:organization.organizationalUnits[0].path: each OU name must be 1-128",
        ),
        (
            {"organizationalUnits": [{"path": "Security/"}]},
            "rootguard:organization.organizationalUnits[0].path: must be an OU path",
        ),
        (
            {"organizationalUnits": [{"path": "Security", "id": "ou-nope"}]},
            "rootguard:organization.organizationalUnits[0].id: must be an OU id",
        ),
        (
            {"accounts": [{"name": "a", "email": "a@example.com", "ou": "Security", "id": "12"}]},
            "rootguard:organization.accounts[0].id: must be a 12-digit AWS account id",
        ),
        ({"mode": "import"}, "rootguard:organization.mode: input should be 'adopt' or 'create'"),
        (
            {"trustedServices": ["sso"]},
            "rootguard:organization.trustedServices[0]: must be an AWS service principal",
        ),
        (
            {
                "accounts": [
                    {
                        "name": "a",
                        "email": "a@example.com",
                        "ou": "Security",
                        "iamUserAccessToBilling": "YES",
                    }
                ]
            },
            "rootguard:organization.accounts[0].iamUserAccessToBilling: input should be 'ALLOW' "
            "or 'DENY'",
        ),
    ],
)
def test_bad_input_is_one_line_naming_the_key(change: dict[str, Any], expected: str) -> None:
    assert error_of(minimal_organization(**change)).startswith(expected)


def test_too_deep_ou_tree_names_the_limit() -> None:
    paths = ["/".join("L" * (i + 1)) for i in range(MAX_OU_DEPTH + 1)]
    tree = [{"path": "/".join(f"L{j}" for j in range(i + 1))} for i in range(len(paths))]
    message = error_of(minimal_organization(organizationalUnits=tree, accounts=[]))
    assert message == (
        f"rootguard:organization.organizationalUnits[{MAX_OU_DEPTH}].path: "
        f"'{tree[-1]['path']}' is 6 levels deep; AWS allows at most 5 below the root"
    )


def test_unknown_rootguard_key_is_a_typo_not_ignored() -> None:
    message = error_of(minimal_organization(), present=("rootguard:organisation", "aws:region"))
    assert message.startswith(
        "rootguard:organisation: unknown config key; did you mean 'rootguard:organization'?"
    )


def test_missing_organization_section_is_required() -> None:
    with pytest.raises(ConfigError, match=r"^rootguard:organization: is required$"):
        load_config({})


# Property-based: random OU trees up to 7 levels deep, declared parent-first or not.
names = st.sampled_from(["Security", "Workloads", "Prod", "NonProd", "Sandbox", "Team A"])


@st.composite
def ou_trees(draw: st.DrawFn) -> list[str]:
    paths: list[str] = []
    for _ in range(draw(st.integers(1, 12))):
        parent = draw(st.sampled_from([None, *paths])) if paths else None
        name = draw(names)
        path = name if parent is None else f"{parent}/{name}"
        if path not in paths:
            paths.append(path)
    return paths


@settings(max_examples=150, deadline=None)
@given(ou_trees())
def test_parent_first_trees_load_exactly_when_within_depth(paths: list[str]) -> None:
    organization = {"organizationalUnits": [{"path": p} for p in paths]}
    too_deep = [p for p in paths if p.count("/") + 1 > MAX_OU_DEPTH]
    if too_deep:
        assert f"{too_deep[0]!r} is {too_deep[0].count('/') + 1} levels deep" in error_of(
            organization
        )
    else:
        assert load(organization).organization.ou_paths == frozenset(paths)


@settings(max_examples=100, deadline=None)
@given(ou_trees(), st.randoms(use_true_random=False))
def test_child_declared_before_its_parent_is_rejected(paths: list[str], rnd: Any) -> None:
    shallow = [p for p in paths if p.count("/") + 1 <= MAX_OU_DEPTH]
    nested = [p for p in shallow if "/" in p]
    if not nested:
        return
    child = rnd.choice(nested)
    parent = child.rsplit("/", 1)[0]
    # Move the child ahead of its parent.
    order = [p for p in shallow if p != child]
    order.insert(order.index(parent), child)
    message = error_of({"organizationalUnits": [{"path": p} for p in order]})
    assert "must be declared before it" in message


@pytest.mark.parametrize("value", [[1, 2], None, "text"])
def test_a_section_that_is_not_a_mapping_says_so(value: Any) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"organization": value})
    assert str(caught.value) == (
        f"rootguard:organization: must be a mapping of keys to values, got {value!r}"
    )
