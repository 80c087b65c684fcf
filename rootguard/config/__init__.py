"""The stack-config contract: one pydantic model per `rootguard:<key>`, validated once.

`load_config` turns the raw config (already parsed from YAML/JSON) into a frozen
`RootGuardConfig`, or raises `ConfigError` with one line that names the key and says what is
allowed. Nothing here touches Pulumi, so the audit and the offline plan share it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any, get_args, get_origin

from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from .alarms import NO_SUBSCRIBER, AlarmsConfig
from .base import ECHO_LIMIT, InvalidKey, StrictModel, shorten
from .contacts import ContactsConfig, check_contact_targets
from .guardrails import GuardrailsConfig, check_guardrail_references
from .organization import OrganizationConfig
from .password_policy import PasswordPolicyConfig
from .root_access import DelegatedAdministratorConfig, RootAccessConfig
from .trail import TrailConfig

NAMESPACE = "rootguard"
# The AWS provider's region: checked with the rootguard keys (an unknown region would only
# fail later, deep inside the provider, after other resources were registered).
REGION_KEY = "aws:region"
# How close a namespace must be to `rootguard` to be taken for a misspelling of it
# (difflib ratio: `rootgaurd` 0.89, `root-guard` 0.95, `ci` and `aws` far below).
_NAMESPACE_TYPO_CUTOFF = 0.75


class ConfigError(Exception):
    """A user mistake in the stack config; the message is one line naming the key."""


class RootGuardConfig(StrictModel):
    """The whole stack config. Each field is one structured key, `rootguard:<alias>`."""

    organization: OrganizationConfig = Field(description="The organization, OUs and accounts.")
    guardrails: GuardrailsConfig = Field(
        default_factory=GuardrailsConfig,
        description="Root-restricting SCPs for member accounts, where they attach, quotas.",
    )
    root_access: RootAccessConfig = Field(
        default_factory=RootAccessConfig,
        description="Centralized root access for member accounts (on by default).",
    )
    password_policy: PasswordPolicyConfig = Field(
        default_factory=PasswordPolicyConfig,
        description="The management account's IAM password policy (CIS defaults).",
    )
    contacts: ContactsConfig | None = Field(
        default=None,
        description=(
            "Alternate contacts (SECURITY required) of every account, and the management "
            "account's primary contact, whose phone number AWS calls to verify a root recovery. "
            "Without it rootguard manages no contacts and the plan warns."
        ),
    )
    trail: TrailConfig = Field(
        default_factory=TrailConfig, description="The organization CloudTrail trail."
    )
    alarms: AlarmsConfig = Field(
        # Not validated: an absent section is refused below (its alarms would notify nobody),
        # after every other section, so a typo elsewhere is still the error reported.
        default_factory=AlarmsConfig.model_construct,
        description="CIS metric filters, alarms and who hears them (required: an alarm needs "
        "a subscriber).",
    )

    @model_validator(mode="before")
    @classmethod
    def _exempt_the_delegated_administrator(cls, raw: Any) -> Any:
        """The IAM delegated administrator's role may open AssumeRoot sessions: add it to
        guardrails.assumeRootPrincipals (anything malformed is left for validation to name)."""
        if not isinstance(raw, dict):
            return raw
        root_access = raw.get("rootAccess", raw.get("root_access"))
        admin = root_access.get("delegatedAdministrator") if isinstance(root_access, dict) else None
        guardrails = raw.get("guardrails", {})
        if not isinstance(admin, dict) or not isinstance(guardrails, dict):
            return raw
        try:
            pattern = DelegatedAdministratorConfig.model_validate(admin).role_arn_pattern
        except ValidationError:
            return raw
        key = (
            "assume_root_principals"
            if "assume_root_principals" in guardrails
            else ("assumeRootPrincipals")
        )
        existing = guardrails.get(key) or []
        if not isinstance(existing, list) or pattern in existing:
            return raw
        return {**raw, "guardrails": {**guardrails, key: [*existing, pattern]}}

    @model_validator(mode="after")
    def _check_references(self) -> RootGuardConfig:
        # Rules that span sections (an OU path or account name used by another section must
        # be declared in `organization`) live here, in one place.
        if "alarms" not in self.model_fields_set:
            # Without the section every default alarm would notify a topic nobody reads.
            raise InvalidKey("alarms", f"is required: {NO_SUBSCRIBER}")
        check_guardrail_references(self.guardrails, self.organization)
        if self.contacts is not None:
            check_contact_targets(self.contacts, self.organization)
        return self


def config_keys() -> list[str]:
    """Every `rootguard:<key>` the contract knows, in declaration order."""
    return [
        f"{NAMESPACE}:{field.alias or name}" for name, field in RootGuardConfig.model_fields.items()
    ]


def load_config(
    raw: Mapping[str, Any], present_keys: Iterable[str] = (), aws_region: object = None
) -> RootGuardConfig:
    """Validate `{"organization": {...}, ...}` (keys without the namespace).

    `present_keys` are every config key set on the stack (any namespace); an unknown
    `rootguard:*` key among them is reported as a typo rather than silently ignored.
    `aws_region` is the stack's `aws:region` (None when unset: the provider's default).
    """
    known = set(config_keys())
    for key in sorted(present_keys):
        if key.startswith(f"{NAMESPACE}:") and key not in known:
            raise ConfigError(f"{shorten_key(key)}: unknown config key{_suggest(key, known)}")
    check_region(aws_region)
    try:
        return RootGuardConfig.model_validate(dict(raw))
    except ValidationError as exc:
        # A typo'd key also makes the real key "missing": report the typo, the root cause.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        raise ConfigError(format_error(errors[0])) from None


def check_region(aws_region: object) -> None:
    """`aws:region`, when set, must be a region botocore knows (one line naming the key)."""
    if aws_region is None:
        return
    from ..regions import region_problem  # late: rootguard.regions imports config.base

    problem = region_problem(aws_region)
    if problem is not None:
        raise ConfigError(f"{REGION_KEY}: {problem}")


def namespace_warnings(present_keys: Iterable[str]) -> list[str]:
    """Warnings for keys whose namespace looks like a misspelled `rootguard`.

    Pulumi hands a program every key of the stack file; a key in another namespace is some
    other package's (`aws:region`, `ci:pipeline`), so it is not an error. But `rootgaurd:alarms`
    is almost certainly meant for rootguard and would otherwise be ignored without a word.
    """
    warnings = []
    for key in sorted(present_keys):
        namespace, colon, name = key.partition(":")
        if not colon or namespace == NAMESPACE:
            continue
        ratio = difflib.SequenceMatcher(None, namespace.lower(), NAMESPACE).ratio()
        if ratio < _NAMESPACE_TYPO_CUTOFF:
            continue
        close = difflib.get_close_matches(f"{NAMESPACE}:{name}", config_keys(), n=1, cutoff=0)
        warnings.append(
            f"{shorten_key(key)}: namespace {shorten(namespace)} is not {NAMESPACE!r}, so "
            f"rootguard ignores this key; did you mean {close[0]!r}?"
        )
    return warnings


def shorten_key(key: str) -> str:
    """A key echoed in a message: whole when short, cut like a value when absurdly long."""
    return key if len(key) <= ECHO_LIMIT else shorten(key)[1:]


def format_error(
    error: ErrorDetails,
    *,
    model: type[BaseModel] = RootGuardConfig,
    namespace: str | None = NAMESPACE,
) -> str:
    """One line: `rootguard:<key>.<path>: <what is wrong and what is allowed>`.

    With `namespace=None` the error is about a component's args (plain data keyed by Python
    field name, validated by `model`): the path has no namespace and unknown keys are
    answered with the Python names.
    """
    loc = list(error["loc"])
    message = error["msg"]
    kind = error["type"]
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, InvalidKey):
        message = cause.message
        loc.extend(_split_path(cause.path))
    elif kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1], by_alias=namespace is not None)
        message = f"unknown key{_suggest(str(loc[-1]), allowed)}"
    elif kind == "missing":
        message = "is required"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        # Pydantic would name the model class, which means nothing to someone editing YAML.
        message = f"must be a mapping of keys to values, got {shorten(error.get('input'))}"
    elif kind == "string_type" and isinstance(error.get("input"), int | float):
        message = _quote_hint(error.get("input"))
    elif kind.startswith("value_error") or kind == "assertion_error":
        message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    else:
        message = f"{message[0].lower()}{message[1:]}, got {shorten(error.get('input'))}"
    if loc and loc[-1] == "[key]":
        # Pydantic's marker for a mapping key that failed its own type (a severity under
        # `routes`): the path ends at the key itself.
        loc.pop()
        message = f"not an allowed key: {message}"
    return f"{_render_path(loc, namespace)}: {message}".replace("\n", " ")


def _quote_hint(value: object) -> str:
    """A number (or true/false) where a string is required: YAML read an unquoted value.

    Account ids, phone numbers and control ids look like numbers; unquoted, YAML reads them
    as numbers (dropping leading zeros, turning 4.10 into 4.1), so the fix is quotes.
    """
    if isinstance(value, bool):
        return (
            f"must be a string, got {str(value).lower()}: quote it "
            "(YAML reads an unquoted true, yes or on as a boolean)"
        )
    text = shorten(value)
    if isinstance(value, int):
        return (
            f'must be a string: quote it, like "{text}" (YAML reads an unquoted {text} as a number)'
        )
    return (
        f"must be a string, got the number {text}: quote the value as written "
        "(YAML reads unquoted digits as a number: 4.10 becomes 4.1)"
    )


def _render_path(loc: list[int | str], namespace: str | None) -> str:
    if not loc:
        return namespace or "args"
    head, *rest = (part if isinstance(part, int) else shorten_key(str(part)) for part in loc)
    path = f"{namespace}:{head}" if namespace else str(head)
    for part in rest:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _split_path(path: str) -> list[int | str]:
    """`accounts[2].ou` -> ["accounts", 2, "ou"]; `overrides.team[x]` keeps the name whole."""
    parts: list[int | str] = []
    for segment in path.split("."):
        # Only trailing [digits] are indexes: a mapping key (an account name) may hold brackets.
        name, indexes = _INDEXES.fullmatch(segment).groups()  # type: ignore[union-attr]
        if name:
            parts.append(name)
        parts.extend(int(index) for index in re.findall(r"\d+", indexes))
    return parts


_INDEXES = re.compile(r"(.*?)((?:\[\d+\])*)", re.DOTALL)


def _allowed_keys(
    model: type[BaseModel], loc: list[int | str], *, by_alias: bool = True
) -> list[str]:
    """The keys allowed at `loc` (camelCase, or Python names), found by walking annotations."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int) or not _is_model(current):
            current = _item_type(current)
            continue
        field = next(
            (f for n, f in current.model_fields.items() if part in (f.alias or n, n)), None
        )
        if field is None:
            return []
        current = field.annotation
    current = _unwrap(current)
    if not _is_model(current):
        return []
    return [
        (field.alias or name) if by_alias else name for name, field in current.model_fields.items()
    ]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _unwrap(tp: Any) -> Any:
    """Optional[X] -> X."""
    args = [a for a in get_args(tp) if a is not type(None)]
    if get_origin(tp) is not None and len(args) == 1 and get_origin(tp) not in (list, dict):
        return _unwrap(args[0])
    return tp


def _item_type(tp: Any) -> Any:
    """list[X] -> X, dict[K, X] -> X."""
    args = get_args(tp)
    return args[-1] if args else tp


def _suggest(key: str, allowed: Iterable[str]) -> str:
    options = sorted(allowed)
    close = difflib.get_close_matches(key[:ECHO_LIMIT], options, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{hint} allowed: {', '.join(options)}" if options else hint
