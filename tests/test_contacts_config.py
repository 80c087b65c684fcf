"""`rootguard:contacts`: AWS limits, international phones, overrides, distinct mailboxes."""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

import pytest
from botocore.loaders import Loader
from hypothesis import given, settings
from hypothesis import strategies as st

from rootguard.config import ConfigError, RootGuardConfig, load_config
from rootguard.config.contacts import ContactsConfig, contact_slug
from tests.config_samples import ALARMS

ORGANIZATION: dict[str, Any] = {
    "organizationalUnits": [{"path": "Workloads"}],
    "accounts": [
        {"name": "Prod", "email": "aws+prod@example.com", "ou": "Workloads"},
        {"name": "Dev", "email": "aws+dev@example.com", "ou": "Workloads", "id": "210987654321"},
    ],
}
SECURITY = {
    "name": "Security Operations",
    "title": "Security on-call",
    "email": "security@example.com",
    "phone": "+1 206 555 0100",
}
BILLING = {
    "name": "Finance",
    "title": "Accounts payable",
    "email": "aws-billing@example.com",
    "phone": "+1 206 555 0101",
}
OPERATIONS = {
    "name": "Platform SRE",
    "title": "Operations on-call",
    "email": "sre@example.com",
    "phone": "+44 20 7946 0000",
}


def contacts(**changes: Any) -> dict[str, Any]:
    section: dict[str, Any] = {
        "default": {"security": dict(SECURITY), "billing": dict(BILLING)},
        "overrides": {"Prod": {"operations": dict(OPERATIONS)}},
        "existingAccounts": ["123456789012"],
    }
    section.update(changes)
    return section


def load(section: dict[str, Any], organization: dict[str, Any] | None = None) -> RootGuardConfig:
    return load_config(
        {"organization": organization or ORGANIZATION, "contacts": section, "alarms": ALARMS}
    )


def error_of(section: dict[str, Any], organization: dict[str, Any] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load(section, organization)
    message = str(caught.value)
    assert "\n" not in message
    return message


def with_default(kind: str, **fields: Any) -> dict[str, Any]:
    section = contacts()
    section["default"][kind] = {**section["default"].get(kind, SECURITY), **fields}
    return section


def test_valid_contacts_resolve_defaults_and_overrides() -> None:
    config = load(contacts()).contacts
    management = config.contacts_for(None)
    assert set(management) == {"security", "billing"}
    assert management["security"].email == "security@example.com"

    prod = config.contacts_for("Prod")
    assert set(prod) == {"security", "billing", "operations"}
    assert prod["operations"].email == "sre@example.com"
    assert prod["security"] == management["security"]
    assert config.contacts_for("Dev") == management
    assert config.distinct_security_contact == "warn"


def test_an_override_replaces_the_whole_contact_of_its_type() -> None:
    other = {**SECURITY, "name": "Prod Security", "email": "prod-security@example.com"}
    config = load(contacts(overrides={"Prod": {"security": other}})).contacts
    assert config.contacts_for("Prod")["security"].name == "Prod Security"
    assert config.contacts_for("Prod")["billing"].email == BILLING["email"]
    assert config.contacts_for(None)["security"].name == "Security Operations"


def test_an_existing_account_id_can_be_overridden() -> None:
    section = contacts(overrides={"123456789012": {"billing": {**BILLING, "email": "x@ex.com"}}})
    config = load(section).contacts
    assert config.contacts_for("123456789012")["billing"].email == "x@ex.com"


def test_without_the_section_no_contacts_are_managed() -> None:
    # Optional so a new stack can start from its organization alone; the program then warns
    # (tests/test_contacts_stacks.py) and every shipped stack sets it.
    assert load_config({"organization": ORGANIZATION, "alarms": ALARMS}).contacts is None


def test_the_security_contact_is_required() -> None:
    section = contacts(default={"billing": BILLING})
    assert error_of(section) == "rootguard:contacts.default.security: is required"


@pytest.mark.parametrize(
    "phone",
    [
        "206 555 0100",  # no country code
        "001 206 555 0100",  # international prefix instead of "+"
        "+0 206 555 0100",  # country codes never start with 0
        "+1 206 CALL NOW",
        "+1 206 555 0100 ext. 12",
        "+1 555",  # too few digits to be a number
        "+1 206 555 0100 0000 0000 00",  # more than 15 digits, and 27 characters
        "+1 206 555 0100 ",  # trailing blank
    ],
)
def test_bad_phone_numbers_name_the_key(phone: str) -> None:
    message = error_of(with_default("security", phone=phone))
    assert message.startswith("rootguard:contacts.default.security.phone: must be a phone number")
    assert "international format" in message
    assert repr(phone) in message


@pytest.mark.parametrize(
    "phone", ["+1 206 555 0100", "+1 (206) 555-0100", "+442079460000", "+49 30 901820"]
)
def test_international_phone_numbers_pass(phone: str) -> None:
    assert load(with_default("security", phone=phone)).contacts.default.security.phone == phone


@pytest.mark.parametrize(
    "email",
    [
        "security",
        "security@",
        "@example.com",
        "security@example",
        "sec urity@example.com",
        "security@example.com ",
        f"{'a' * 243}@example.com",
    ],
)
def test_bad_emails_name_the_key(email: str) -> None:
    message = error_of(with_default("billing", email=email))
    assert message.startswith("rootguard:contacts.default.billing.email: must be an email address")


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("title", "T" * 51, "1-50"),
        ("title", "", "1-50"),
        ("title", " On-call", "1-50"),
        ("name", "N" * 65, "1-64"),
        ("name", "Line\nbreak", "1-64"),
    ],
)
def test_bad_names_and_titles_name_the_key(field: str, value: str, limit: str) -> None:
    section = contacts()
    section["overrides"]["Prod"]["operations"][field] = value
    message = error_of(section)
    assert message.startswith(f"rootguard:contacts.overrides.Prod.operations.{field}: must be a ")
    assert limit in message


def test_longest_values_aws_accepts_pass() -> None:
    section = with_default(
        "security", name="N" * 64, title="T" * 50, email=f"{'a' * 242}@example.com"
    )
    contact = load(section).contacts.default.security
    assert (len(contact.name), len(contact.title), len(contact.email)) == (64, 50, 254)


def test_unknown_key_in_a_contact_is_reported_with_the_allowed_keys() -> None:
    message = error_of(with_default("security", mail="x@example.com"))
    assert message.startswith("rootguard:contacts.default.security.mail: unknown key")
    assert "did you mean 'email'?" in message
    assert "allowed: email, name, phone, title" in message


def test_override_of_an_unknown_account_names_the_key() -> None:
    message = error_of(contacts(overrides={"Prdo": {"operations": OPERATIONS}}))
    assert message == (
        "rootguard:contacts.overrides.Prdo: account 'Prdo' is neither declared in "
        "rootguard:organization.accounts (declared: Dev, Prod) nor listed in existingAccounts"
    )


def test_an_empty_override_is_an_error() -> None:
    message = error_of(contacts(overrides={"Prod": {}}))
    assert message == (
        "rootguard:contacts.overrides.Prod: sets no contact; give security, operations or billing"
    )


def test_existing_accounts_must_be_ids_listed_once_and_not_declared() -> None:
    assert error_of(contacts(existingAccounts=["12345"])).startswith(
        "rootguard:contacts.existingAccounts[0]: must be a 12-digit AWS account id"
    )
    assert error_of(contacts(existingAccounts=["123456789012", "123456789012"])) == (
        "rootguard:contacts.existingAccounts[1]: '123456789012' is already listed at "
        "existingAccounts[0]"
    )
    assert error_of(contacts(existingAccounts=["210987654321"])).startswith(
        "rootguard:contacts.existingAccounts[0]: '210987654321' is declared as account 'Dev'"
    )


@pytest.mark.parametrize(("name", "clash"), [("prod", "'Prod'"), ("Management", "management")])
def test_accounts_whose_contact_names_would_collide_are_rejected(name: str, clash: str) -> None:
    organization = copy.deepcopy(ORGANIZATION)
    organization["accounts"].append({"name": name, "email": "aws+x@example.com", "ou": "Workloads"})
    message = error_of(contacts(), organization)
    assert message.startswith(f"rootguard:organization.accounts[2].name: account {name!r} and ")
    assert clash in message


PRIMARY = {
    "fullName": "Example Corp Cloud Team",
    "companyName": "Example Corp",
    "addressLine1": "1 Main Street",
    "city": "Seattle",
    "stateOrRegion": "WA",
    "postalCode": "98101",
    "countryCode": "US",
    "phone": "+1 206 555 0199",
    "websiteUrl": "https://example.com",
}


def test_management_primary_contact_is_optional_and_validated() -> None:
    assert load(contacts()).contacts.management_account is None
    primary = load(contacts(managementAccount=PRIMARY)).contacts.management_account
    assert primary is not None and primary.phone == "+1 206 555 0199"

    bad = [
        ("countryCode", "us", "an ISO 3166 two-letter country code"),
        ("phone", "206 555 0199", "a phone number in international format"),
        ("phone", "+1 206 555 0199 00000", "8-20 characters"),
        ("fullName", "F" * 51, "1-50 characters"),
        ("websiteUrl", "example.com", "a URL"),
    ]
    for key, value, what in bad:
        message = error_of(contacts(managementAccount={**PRIMARY, key: value}))
        assert message.startswith(f"rootguard:contacts.managementAccount.{key}: must be ")
        assert what in message
    missing = {key: value for key, value in PRIMARY.items() if key != "city"}
    assert error_of(contacts(managementAccount=missing)) == (
        "rootguard:contacts.managementAccount.city: is required"
    )


# --- distinct security contact --------------------------------------------------------------


def test_a_shared_security_mailbox_is_a_warning_by_default() -> None:
    section = with_default("billing", email="Security@Example.com")  # case does not matter
    config = load(section).contacts
    [shared] = config.shared_security_contacts()
    assert shared.path == "default.security.email"
    assert "'security@example.com' with its BILLING contact" in shared.message


def test_a_shared_security_mailbox_is_an_error_when_configured() -> None:
    section = with_default("billing", email="security@example.com")
    section["distinctSecurityContact"] = "error"
    assert error_of(section).startswith(
        "rootguard:contacts.default.security.email: the default SECURITY contact shares the "
        "mailbox 'security@example.com' with its BILLING contact"
    )


def test_an_override_that_causes_the_clash_is_the_key_reported() -> None:
    shared_ops = {**OPERATIONS, "email": SECURITY["email"]}
    section = contacts(
        overrides={"Prod": {"operations": shared_ops}}, distinctSecurityContact="error"
    )
    message = error_of(section)
    assert message.startswith("rootguard:contacts.overrides.Prod.operations.email: ")
    assert "the SECURITY contact of account 'Prod' shares the mailbox" in message
    assert "with its OPERATIONS contact" in message


def test_a_clash_inherited_from_the_default_is_reported_once() -> None:
    section = with_default("billing", email=SECURITY["email"])
    config = load(section).contacts  # Prod's override (operations) does not touch the clash
    assert [s.path for s in config.shared_security_contacts()] == ["default.security.email"]


def test_an_override_can_resolve_a_clash_and_distinct_contacts_pass_in_error_mode() -> None:
    section = contacts(distinctSecurityContact="error")
    assert load(section).contacts.shared_security_contacts() == []


def test_distinct_security_contact_only_takes_warn_or_error() -> None:
    message = error_of(contacts(distinctSecurityContact="ignore"))
    assert message.startswith("rootguard:contacts.distinctSecurityContact: input should be ")
    assert "'warn' or 'error'" in message


def test_contact_slugs_are_lowercase_resource_name_parts() -> None:
    assert contact_slug("Prod Workloads") == "prod-workloads"
    assert contact_slug("acme.Shared_Services") == "acme-shared-services"
    assert contact_slug("123456789012") == "123456789012"


# --- every accepted value is one AWS accepts ------------------------------------------------


@cache
def _account_model() -> dict[str, Any]:
    model: dict[str, Any] = Loader().load_service_model("account", "service-2")
    return model


def _aws_shape(shape_name: str, member: str) -> dict[str, Any]:
    shapes = _account_model()["shapes"]
    return dict(shapes[shapes[shape_name]["members"][member]["shape"]])


def _accepted_by_aws(shape: dict[str, Any], value: str) -> bool:
    pattern = shape.get("pattern")
    in_range = shape.get("min", 0) <= len(value) <= shape.get("max", 10**6)
    return in_range and (pattern is None or re.fullmatch(pattern, value) is not None)


_PHONES = st.from_regex(r"\A\+[1-9](?:[ ()-]{0,2}[0-9]){6,14}\Z")
_EMAILS = st.from_regex(r"\A[A-Za-z0-9_+=.#|!&-]{1,80}@[A-Za-z0-9_.-]{1,80}\.[A-Za-z0-9_]{1,20}\Z")


def _accepted_by_us(field: str, value: str) -> bool:
    try:
        ContactsConfig.model_validate(
            {"default": {"security": {**SECURITY, field: value}}}, by_alias=True
        )
    except ValueError:
        return False
    return True


# No deadline: the machine is shared, and tests never assert on time.
@settings(deadline=None)
@given(_PHONES)
def test_every_phone_we_accept_is_one_aws_accepts(phone: str) -> None:
    if _accepted_by_us("phone", phone):
        assert _accepted_by_aws(_aws_shape("AlternateContact", "PhoneNumber"), phone)
        if len(phone) <= 20:
            assert _accepted_by_aws(_aws_shape("ContactInformation", "PhoneNumber"), phone)


@settings(deadline=None)
@given(_EMAILS)
def test_every_email_we_accept_is_one_aws_accepts(email: str) -> None:
    if _accepted_by_us("email", email):
        assert _accepted_by_aws(_aws_shape("AlternateContact", "EmailAddress"), email)


@pytest.mark.parametrize(
    ("shape", "member", "ours"),
    [
        ("AlternateContact", "Name", 64),
        ("AlternateContact", "Title", 50),
        ("AlternateContact", "EmailAddress", 254),
        ("AlternateContact", "PhoneNumber", 25),
        ("ContactInformation", "PhoneNumber", 20),
        ("ContactInformation", "FullName", 50),
        ("ContactInformation", "AddressLine1", 60),
        ("ContactInformation", "PostalCode", 20),
    ],
)
def test_our_length_limits_match_the_aws_api_model(shape: str, member: str, ours: int) -> None:
    assert _aws_shape(shape, member)["max"] == ours


def test_an_override_key_with_brackets_is_named_whole() -> None:
    message = error_of(contacts(overrides={"team[x]": {"operations": OPERATIONS}}))
    assert message.startswith("rootguard:contacts.overrides.team[x]: account 'team[x]' is ")
