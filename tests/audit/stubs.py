"""botocore Stubber for the few APIs moto lacks, leaving the rest of a client on moto.

botocore's Stubber takes over every operation of a client. `OperationStubber` is the same
Stubber (its queue, response validation against the service model and expected-parameter
assertions) registered only for named operations, so a client can talk to moto for
everything moto supports and to the Stubber for AssumeRoot, ListOrganizationsFeatures or
GetContactInformation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from botocore.stub import Stubber

# Called just before an operation runs, with its parameters: queue its response there.
Responder = Callable[["OperationStubber", str, dict[str, Any]], None]


class OperationStubber(Stubber):
    def __init__(
        self, client: Any, operations: Iterable[str], responder: Responder | None = None
    ) -> None:
        super().__init__(client)
        self.operations = tuple(operations)
        self.responder = responder
        self._service = client.meta.service_model.service_id.hyphenize()

    def activate(self) -> None:
        events = self.client.meta.events
        for operation in self.operations:
            prefix = f"{self._service}.{operation}"
            if self.responder is not None:
                # First-section handlers run in registration order: queue, then assert.
                events.register_first(
                    f"before-parameter-build.{prefix}",
                    self._respond,
                    unique_id=f"responder-{id(self)}-{operation}",
                )
            events.register_first(
                f"before-parameter-build.{prefix}",
                self._assert_expected_params,
                unique_id=f"{self._expected_params_event_id}-{operation}",
            )
            events.register(
                f"before-call.{prefix}",
                self._get_response_handler,
                unique_id=f"{self._event_id}-{operation}",
            )

    def _respond(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        assert self.responder is not None
        self.responder(self, model.name, params)
