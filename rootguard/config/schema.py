"""JSON schema of a stack file (`stacks/Pulumi.<stack>.yaml`), generated from the models.

`python -m rootguard.config.schema > stacks/rootguard.schema.json`; a test keeps the
committed file in sync, and each stack file points editors at it.
"""

from __future__ import annotations

import json
from typing import Any

from . import NAMESPACE, RootGuardConfig


def stack_file_schema() -> dict[str, Any]:
    model = RootGuardConfig.model_json_schema(by_alias=True, mode="validation")
    defs = model.pop("$defs", {})
    sections = {f"{NAMESPACE}:{key}": value for key, value in model["properties"].items()}
    known = "|".join(key.split(":", 1)[1] for key in sections)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "rootguard.schema.json",
        "title": "rootguard stack file",
        "description": "Pulumi.<stack>.yaml for the rootguard project.",
        "type": "object",
        "properties": {
            "config": {
                "type": "object",
                "properties": {
                    **sections,
                    "aws:region": {"type": "string", "description": "AWS region of the stack."},
                },
                "required": [f"{NAMESPACE}:{key}" for key in model.get("required", [])],
                # Any other namespace is fine (aws:*, pulumi:*); a typo'd rootguard key is not.
                "propertyNames": {"not": {"pattern": f"^{NAMESPACE}:(?!({known})$)"}},
            },
            "encryptionsalt": {"type": "string"},
            "secretsprovider": {"type": "string"},
            "encryptedkey": {"type": "string"},
        },
        "required": ["config"],
        "additionalProperties": False,
        "$defs": defs,
    }


def render() -> str:
    return json.dumps(stack_file_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(render(), end="")
