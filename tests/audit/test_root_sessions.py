"""Root-session clients sign each call with the calling thread's own AssumeRoot session."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from rootguard.audit.aws import Clients, ClientScope
from rootguard.audit.root_session import RootSessionCredentials, TemporaryCredentials


def test_each_thread_signs_with_its_own_session() -> None:
    signed: dict[str, str] = {}
    both_inside = threading.Barrier(2)

    def capture(client: Any, scope: ClientScope) -> None:
        def send(request: Any, **_: Any) -> AWSResponse:
            # After signing, before the network: record whose key signed this request.
            credential = request.headers["Authorization"].decode().split("Credential=")[1]
            signed[str(scope.current_account())] = credential.split("/")[0]
            body = b"<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata/>"
            body += b"</ListAccessKeysResult></ListAccessKeysResponse>"
            return AWSResponse(request.url, 200, {}, _Raw(body))

        if scope.root_session:
            client.meta.events.register("before-send.iam.ListAccessKeys", send)

    clients = Clients(None, "us-east-1", max_workers=2, on_new_client=capture)

    def audit_member(account: str) -> None:
        session = TemporaryCredentials(f"ASIA{account}", "secret", "token")
        with clients.root_session("iam", account, session) as iam:
            both_inside.wait(timeout=10)  # both threads hold a session at the same time
            iam.list_access_keys()

    threads = [threading.Thread(target=audit_member, args=(a,)) for a in ("222", "333")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert signed == {"222": "ASIA222", "333": "ASIA333"}


def test_root_session_credentials_outside_a_session_refuse_to_sign() -> None:
    credentials = RootSessionCredentials()
    with pytest.raises(RuntimeError, match=r"outside Clients\.root_session"):
        credentials.get_frozen_credentials()
    credentials.use("222", TemporaryCredentials("ASIA222", "s", "t"))
    assert credentials.get_frozen_credentials().access_key == "ASIA222"
    seen: list[str | None] = []
    other = threading.Thread(target=lambda: seen.append(credentials.account()))
    other.start()
    other.join()
    assert seen == [None]  # another thread does not see this thread's session


class _Raw:
    """The minimal raw stream botocore reads a response body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body

    def read(self, *_: Any) -> bytes:
        body, self._body = self._body, b""
        return body
