"""Make an in-process mock run cheap, without changing anything it records.

A mock run registers thousands of resources in one burst. Profiled at 1,000 accounts (see
docs/performance.md), three costs that are not rootguard's took most of the time:

- The SDK's `contains_unknowns` (called for every property of every resource, tens of times
  per resource) defines a recursive closure on each call: a reference cycle of five objects
  that only the cyclic garbage collector can free. Offline an equivalent loop without the
  cycle answers instead (tests/test_offline_speed.py checks it against the SDK's own).
- Python's cyclic garbage collector, walking that garbage and the run's hundreds of
  thousands of live objects (pending futures and tasks, Outputs, the recording). Automatic
  collection is paused for the run and resumes afterwards.
- The SDK captures a stack trace for every registration (turning each frame's file name into
  a URI) so that the engine can show where a resource was declared. The mock monitor throws
  it away, so offline it is not captured.

Only `offline.run_program` uses this; `pulumi up` runs the program with the SDK untouched.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pulumi.runtime import known_types, rpc
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime.proto import source_pb2

# The SDK functions replaced for the run. A test fails if an SDK upgrade renames them, so
# the speed-up cannot silently stop applying.
STACK_TRACE = (sdk_resource, "_get_stack_trace")
CONTAINS_UNKNOWNS = (rpc, "contains_unknowns")


@contextmanager
def lean_mock_run() -> Iterator[None]:
    """For one mock run: no stack traces, no cyclic garbage per property, no automatic GC."""
    replaced = [
        (STACK_TRACE, _no_stack_trace),
        (CONTAINS_UNKNOWNS, contains_unknowns),
    ]
    originals = [getattr(module, name) for (module, name), _ in replaced]
    collecting = gc.isenabled()
    gc.disable()
    for (module, name), replacement in replaced:
        setattr(module, name, replacement)
    try:
        yield
    finally:
        for ((module, name), _), original in zip(replaced, originals, strict=True):
            setattr(module, name, original)
        if collecting:
            gc.enable()


def contains_unknowns(value: Any) -> bool:
    """Whether `value`, or anything in its nested dicts and lists, is an unknown: the SDK's
    `rpc.contains_unknowns`, as a loop (no recursive closure, so no garbage cycle)."""
    seen: set[int] = set()
    pending = [value]
    while pending:
        current = pending.pop()
        if known_types.is_unknown(current):
            return True
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, dict):
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
    return False


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()
