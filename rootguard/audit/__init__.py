"""Read-only boto3 audit of an AWS Organization's root-user protections, with drift.

Layers: `collect` reads AWS into frozen facts (audit.facts); `checks` and `drift` are pure
functions from facts to findings (audit.model); `report` renders them as a table, JSON or
SARIF; `cli` wires it together (`rootguard audit`). Every client is read-only by
construction (audit.readonly).
"""
