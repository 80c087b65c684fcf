"""Where the guardrails attach: targets routed around exempt OUs and accounts."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rootguard.config import ConfigError, load_config
from rootguard.config.organization import MAX_OU_DEPTH
from rootguard.guardrail_targets import Target
from tests.config_samples import ALARMS
from tests.test_config_guardrails import ORGANIZATION
from tests.test_config_organization import ou_trees


def labels(**guardrails: Any) -> list[str]:
    config = load_config({"organization": ORGANIZATION, "guardrails": guardrails, "alarms": ALARMS})
    return [t.label for t in config.guardrails.attachment_targets(config.organization)]


def test_default_is_the_root_alone() -> None:
    assert labels() == ["root"]


def test_ou_targets_in_declaration_order() -> None:
    assert labels(targets=["Sandbox", "Workloads"]) == ["ou:Sandbox", "ou:Workloads"]


def test_an_exempt_account_moves_the_policies_to_its_siblings() -> None:
    # Depth-first in declaration order: inside Security every account but break-glass, then
    # every other top-level OU; nothing on the root.
    assert labels(exemptAccounts=["break-glass"]) == [
        "account:log-archive",
        "ou:Workloads",
        "ou:Sandbox",
    ]


def test_an_exempt_nested_ou_moves_the_policies_down_its_path() -> None:
    # Workloads has only the exempt Workloads/Prod below it, so it gets nothing itself.
    assert labels(exemptOus=["Workloads/Prod"]) == ["ou:Security", "ou:Sandbox"]


def test_exempting_an_account_deep_below_an_ou_target() -> None:
    assert labels(targets=["Workloads", "Sandbox"], exemptAccounts=["payments"]) == ["ou:Sandbox"]


def test_target_labels() -> None:
    assert Target("root").label == "root"
    assert Target("ou", "Workloads/Prod").label == "ou:Workloads/Prod"
    assert Target("account", "audit").label == "account:audit"


@st.composite
def organizations_with_guardrails(draw: st.DrawFn) -> dict[str, Any]:
    paths = [p for p in draw(ou_trees()) if p.count("/") < MAX_OU_DEPTH]
    accounts = [
        {"name": f"acct-{n}", "email": f"aws+{n}@example.com", "ou": draw(st.sampled_from(paths))}
        for n in range(draw(st.integers(0, 8)))
    ]
    names = [a["name"] for a in accounts]
    guardrails: dict[str, Any] = {
        "exemptOus": draw(st.lists(st.sampled_from(paths), max_size=2, unique=True)),
        "exemptAccounts": draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
        if names
        else [],
    }
    if draw(st.booleans()):
        guardrails["targets"] = draw(st.lists(st.sampled_from(paths), min_size=1, unique=True))
    return {
        "organization": {
            "organizationalUnits": [{"path": p} for p in paths],
            "accounts": accounts,
        },
        "guardrails": guardrails,
        "alarms": ALARMS,
    }


def _within(path: str, ancestor: str) -> bool:
    return path == ancestor or path.startswith(f"{ancestor}/")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(organizations_with_guardrails())
def test_every_non_exempt_account_is_covered_exactly_once_and_no_exempt_one_is(
    raw: dict[str, Any],
) -> None:
    try:
        config = load_config(raw)
    except ConfigError:
        assume(False)
        raise
    guardrails, organization = config.guardrails, config.organization
    targets = guardrails.attachment_targets(organization)
    assert len(set(targets)) == len(targets)

    def attached_above(ou: str, account: str | None = None) -> list[Target]:
        return [
            t
            for t in targets
            if t.kind == "root"
            or (t.kind == "ou" and _within(ou, t.key))
            or (t.kind == "account" and t.key == account)
        ]

    def in_scope(ou: str) -> bool:
        return guardrails.targets is None or any(_within(ou, t) for t in guardrails.targets)

    def exempt_ou(ou: str) -> bool:
        return any(_within(ou, e) for e in guardrails.exempt_ous)

    for account in organization.accounts:
        covering = attached_above(account.ou, account.name)
        should = (
            in_scope(account.ou)
            and not exempt_ou(account.ou)
            and account.name not in guardrails.exempt_accounts
        )
        # Covered exactly once: a policy attached twice on one path would waste a slot.
        assert len(covering) == (1 if should else 0), (account, targets)

    # An OU with nothing exempt below it is covered as a whole, so accounts added to it later
    # inherit the guardrails.
    for ou in organization.ou_paths:
        exempt_below = any(_within(e, ou) for e in guardrails.exempt_ous) or any(
            _within(a.ou, ou) for a in organization.accounts if a.name in guardrails.exempt_accounts
        )
        if in_scope(ou) and not exempt_ou(ou) and not exempt_below:
            assert len(attached_above(ou)) == 1, (ou, targets)
