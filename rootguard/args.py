"""What every component does with its args: validate the config part, and wait on links.

A component's args are plain data keyed by the config model's Python field names (so the
Pulumi SDK's analyzer can publish them to other languages), plus "links": outputs of other
components, such as the organization id. The config part is validated by the model, with
the same one-line, key-naming errors as the stack config.

Validation happens once, at the boundary: the stack config (rootguard.program) or a
component's public args (another program). A parent hands its children their sections as
`Validated` args, which carry the model itself, so nothing is validated twice.
"""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, cast

import pulumi
from pydantic import BaseModel, ValidationError

from .config import format_error
from .errors import RootGuardError

Model = TypeVar("Model", bound=BaseModel)


class Validated(dict[str, Any]):
    """Args whose config part is an already validated model: a dict of the links only.

    It is still a mapping, so it satisfies a component's Args TypedDict at run time.
    """

    def __init__(self, model: BaseModel, **links: object) -> None:
        super().__init__(links)
        self.model = model


def validated(
    model: type[Model], args: Mapping[str, Any], *, links: Iterable[str], where: str
) -> Model:
    """The config part of `args` (every key but `links`), validated by `model`.

    Any other key must be a field of `model`, so a typo is reported rather than ignored.
    `where` names the component in the error, like "OrgTrail 'trail'".
    """
    if isinstance(args, Validated) and isinstance(args.model, model):
        return args.model
    skip = set(links)
    config = {key: value for key, value in args.items() if key not in skip}
    try:
        return model.model_validate(config)
    except ValidationError as exc:
        # A typo'd key also makes the real key "missing": report the typo, the root cause.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        message = format_error(errors[0], model=model, namespace=None)
        raise RootGuardError(f"{where}: {message}") from None


def links_of(args_type: type, model: type[BaseModel]) -> frozenset[str]:
    """The keys of a component's Args TypedDict that are not fields of its config model."""
    return frozenset(args_type.__annotations__) - frozenset(model.model_fields)


def waits_for(value: pulumi.Input[Any]) -> pulumi.Input[pulumi.Resource]:
    """A `depends_on` entry: wait for whatever resources produce `value`, not for the value.

    `depends_on` counts the resources an Output carries; the value itself is None, which
    `depends_on` skips. A plain value (an adopted organization's id) adds no dependency.
    """
    return cast(pulumi.Input[pulumi.Resource], pulumi.Output.from_input(value).apply(_nothing))


def _nothing(_: object) -> None:
    return None
