"""Read `stacks/Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from . import NAMESPACE, ConfigError, RootGuardConfig, load_config

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
        document = yaml.safe_load(path.read_text()) or {}
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
    return load_config(sections, present_keys=config.keys())


def load_stack_config(stack: str, stacks_dir: Path = STACKS_DIR) -> RootGuardConfig:
    """Read and validate one stack's config; raises ConfigError with a one-line message."""
    return validate_stack_config(read_stack_config(stack, stacks_dir))
