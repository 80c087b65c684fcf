"""Read `stacks/Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from . import NAMESPACE, REGION_KEY, ConfigError, RootGuardConfig, load_config
from .base import shorten

STACKS_DIR = Path(__file__).resolve().parents[2] / "stacks"


def stack_path(stack: str, stacks_dir: Path = STACKS_DIR) -> Path:
    return stacks_dir / f"Pulumi.{stack}.yaml"


def stack_names(stacks_dir: Path = STACKS_DIR) -> list[str]:
    """Every stack with a file in `stacks/`, sorted."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stacks_dir.glob("Pulumi.*.yaml"))


def read_stack_config(stack: str, stacks_dir: Path = STACKS_DIR) -> dict[str, Any]:
    """The stack file's `config:` block: full keys (`rootguard:organization`) to values."""
    path = stack_path(stack, stacks_dir)
    if not path.is_file():
        known = ", ".join(stack_names(stacks_dir)) or "none"
        raise ConfigError(f"stack {stack!r}: no file {path.name} in {stacks_dir} (stacks: {known})")
    try:
        document = (
            yaml.load(path.read_text(), Loader=_UniqueKeyLoader) or {}
        )  # a SafeLoader subclass
    except DuplicateKey as exc:
        raise ConfigError(f"{path.name} line {exc.line}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(
            f"{path.name}{where}: not valid YAML ({exc})".replace("\n", " ")
        ) from None
    config = document.get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict):
        raise ConfigError(f"{path.name}: needs a `config:` mapping")
    return config


def validate_stack_config(config: dict[str, Any]) -> RootGuardConfig:
    """Validate a full-key config mapping (as read from a stack file)."""
    prefix = f"{NAMESPACE}:"
    sections = {
        key[len(prefix) :]: value for key, value in config.items() if key.startswith(prefix)
    }
    return load_config(sections, present_keys=config.keys(), aws_region=config.get(REGION_KEY))


_MERGE_TAG = "tag:yaml.org,2002:merge"


class DuplicateKey(yaml.YAMLError):
    """A mapping key given twice; `line` is the second one (1-based)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a key given twice in one mapping is an error.

    PyYAML keeps the last value silently. The Pulumi CLI reads stack files with
    gopkg.in/yaml.v3, which refuses a duplicate key (`mapping key "..." already defined at
    line N`), so `pulumi up` never runs such a file: the offline plan must refuse it too,
    at any depth (a section key, or a key inside a section's value).
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:  # `<<: *base` merges and overrides on purpose
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: PyYAML reports it itself below
                continue
            if first is not None:
                raise DuplicateKey(
                    f"key {shorten(key)} is given twice (first at line {first}); "
                    "a key may appear once per mapping (Pulumi rejects the file)",
                    line,
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def load_stack_config(stack: str, stacks_dir: Path = STACKS_DIR) -> RootGuardConfig:
    """Read and validate one stack's config; raises ConfigError with a one-line message."""
    return validate_stack_config(read_stack_config(stack, stacks_dir))
