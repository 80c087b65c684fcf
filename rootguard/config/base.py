"""Shared building blocks for the stack-config models.

Every section of the stack config is a frozen pydantic model that forbids unknown keys and
reads camelCase keys (the Pulumi convention) into snake_case attributes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

T = TypeVar("T")

# An error echoes at most this much of a bad value, so it stays one readable line.
ECHO_LIMIT = 120


def shorten(value: object, limit: int = ECHO_LIMIT) -> str:
    """`repr(value)`, cut to about `limit` characters (with the full length) when longer."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(str(value))} characters)"


class StrictModel(BaseModel):
    """Base of every config model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=True,
        str_strip_whitespace=False,
    )


class InvalidKey(ValueError):
    """A validation error about a key below the model that raised it.

    Cross-field rules run on the whole model, so pydantic would report them at the model's
    own location; carrying the relative key path lets the message name the exact key.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def no_duplicates(
    key: str,
    values: Sequence[T | None],
    *,
    field: str | None = None,
    identity: Callable[[T], Hashable] = lambda value: value,
    shown: Callable[[T], str] = shorten,
) -> None:
    """Refuse a value listed twice under `key`, naming both places: `key[3].field: 'x' is
    already listed at key[1]`. `identity` says when two values are the same (case, say)."""
    first: dict[Hashable, int] = {}
    for index, value in enumerate(values):
        if value is None:
            continue
        same = identity(value)
        if same in first:
            path = f"{key}[{index}]" + (f".{field}" if field else "")
            raise InvalidKey(path, f"{shown(value)} is already listed at {key}[{first[same]}]")
        first[same] = index


@dataclass(frozen=True)
class Matching:
    """Annotated[str, Matching(...)]: a regex and length check that fails with `must be <what>`.

    Pydantic's own pattern error quotes the raw regex; users need to read what is allowed.
    The regex and lengths also land in the JSON schema so editors flag the value early.
    """

    pattern: str
    what: str
    min_length: int = 1
    max_length: int = 256

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        compiled = re.compile(self.pattern)

        def check(value: str) -> str:
            if not (self.min_length <= len(value) <= self.max_length) or not compiled.fullmatch(
                value
            ):
                raise ValueError(f"must be {self.what}, got {shorten(value)}")
            return value

        return core_schema.no_info_after_validator_function(check, core_schema.str_schema())

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": f"^(?:{self.pattern})$",
            "minLength": self.min_length,
            "maxLength": self.max_length,
            "description": f"Must be {self.what}.",
        }


# AWS Organizations' own limits (CreateAccount, CreateOrganizationalUnit, tag APIs).
Email = Annotated[
    str,
    Matching(
        r"[^\s@]+@[^\s@]+\.[^\s@]+",
        "an email address like aws+prod@example.com (6-64 characters)",
        min_length=6,
        max_length=64,
    ),
]
AccountId = Annotated[str, Matching(r"\d{12}", "a 12-digit AWS account id", max_length=12)]
AccountName = Annotated[
    str, Matching(r"[\x20-\x7E]+", "1-50 printable ASCII characters", max_length=50)
]
OuId = Annotated[
    str,
    Matching(r"ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}", "an OU id like ou-ab12-cdef3456", max_length=68),
]
OrganizationId = Annotated[
    str, Matching(r"o-[0-9a-z]{10,32}", "an organization id like o-a1b2c3d4e5", max_length=34)
]
ServicePrincipal = Annotated[
    str,
    Matching(
        r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com",
        "an AWS service principal like sso.amazonaws.com",
        max_length=128,
    ),
]
TagKey = Annotated[
    str,
    Matching(r"[\w\s.:/=+\-@]+", "1-128 letters, digits, spaces or _.:/=+-@", max_length=128),
]
TagValue = Annotated[
    str,
    Matching(
        r"[\w\s.:/=+\-@]*",
        "0-256 letters, digits, spaces or _.:/=+-@",
        min_length=0,
        max_length=256,
    ),
]
