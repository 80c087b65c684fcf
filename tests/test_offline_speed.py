"""offline/speed.py: what it replaces still exists in the SDK, answers the same, and is put
back after every run."""

from __future__ import annotations

import gc
from typing import Any

import pulumi
import pulumi_aws as aws
from hypothesis import given
from hypothesis import strategies as st
from pulumi.output import UNKNOWN
from pulumi.runtime import rpc

from rootguard.offline import run_program
from rootguard.offline.speed import CONTAINS_UNKNOWNS, STACK_TRACE, contains_unknowns

SDK_CONTAINS_UNKNOWNS = rpc.contains_unknowns

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3) | st.just(UNKNOWN),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=20,
)


def test_the_replaced_sdk_functions_still_exist() -> None:
    for module, name in (STACK_TRACE, CONTAINS_UNKNOWNS):
        assert callable(getattr(module, name, None)), f"{module.__name__}.{name} is gone"


@given(values)
def test_contains_unknowns_answers_as_the_sdk_does(value: Any) -> None:
    assert contains_unknowns(value) is SDK_CONTAINS_UNKNOWNS(value)


def test_contains_unknowns_handles_shared_and_cyclic_containers() -> None:
    shared: list[Any] = [1, 2]
    cyclic: dict[str, Any] = {"a": shared, "b": shared}
    cyclic["self"] = cyclic
    assert contains_unknowns(cyclic) is SDK_CONTAINS_UNKNOWNS(cyclic) is False
    shared.append(UNKNOWN)
    assert contains_unknowns(cyclic) is SDK_CONTAINS_UNKNOWNS(cyclic) is True


def test_a_run_restores_the_sdk_and_the_garbage_collector() -> None:
    originals = [getattr(module, name) for module, name in (STACK_TRACE, CONTAINS_UNKNOWNS)]
    during: list[bool] = []

    def program() -> None:
        during.append(gc.isenabled())
        during.append(rpc.contains_unknowns is contains_unknowns)
        aws.s3.Bucket("bucket")
        pulumi.export("ok", True)

    recording = run_program(program)
    assert recording.exports == {"ok": True}
    assert during == [False, True]
    assert gc.isenabled()
    assert [getattr(module, name) for module, name in (STACK_TRACE, CONTAINS_UNKNOWNS)] == (
        originals
    )


def test_the_sdk_defaults_can_be_kept() -> None:
    during: list[bool] = []
    run_program(lambda: during.append(gc.isenabled()), lean=False)
    assert during == [True]
