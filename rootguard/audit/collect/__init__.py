"""Collect every fact the checks need, concurrently and within a bounded pool.

Order: who we are and which organization (sequential, they decide whether to go on); then
the management account, the trail and the organization tree in parallel; then one task per
member account. Only the main thread waits on the pool, so no task can deadlock waiting
for a worker that is itself waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from rootguard.regions import partition_of_arn

from ..aws import Clients
from ..facts import (
    ROOT_CREDENTIALS_MANAGEMENT,
    Account,
    AuditFacts,
    ChatConfigurations,
    Maybe,
    MemberFacts,
    Organization,
    Skipped,
    Unavailable,
)
from .chat import collect_chat
from .management import collect_management, collect_root_access_features
from .members import read_contacts, read_member_root
from .monitoring import ExpectedTopics, collect_monitoring
from .organization import collect_organization, management_identity

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CollectOptions:
    max_workers: int = 32
    report_timeout: float = 60.0
    # Which members to read, chosen once the tree is known (--ou/--account); None: all.
    select_members: Callable[[Organization], Sequence[Account]] | None = None
    # The trail the stack uses (ARN or name): judged first when several organization trails
    # exist (monitoring.select_trail); None: the best one.
    preferred_trail: str | None = None
    # The topics the stack's alarms must notify, from (partition, the alarms' region, the
    # management account): read even when no alarm notifies them; None: only those notified.
    alarm_topics: Callable[[str, str, str], Iterable[str]] | None = None
    # The kinds of chat channel the stack declares ("slack", "teams"): the account's AWS
    # Chatbot configurations of those kinds are read; none declared, no Chatbot call.
    chat_kinds: frozenset[str] = frozenset()


def collect(
    clients: Clients,
    options: CollectOptions,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> AuditFacts:
    identity, description = management_identity(clients, "the audit")
    management_id = description["MasterAccountId"]
    features = collect_root_access_features(clients)
    member_root_skip = _member_root_skip(features)
    partition = partition_of_arn(identity["Arn"])

    with ThreadPoolExecutor(max_workers=options.max_workers) as pool:
        management = pool.submit(
            collect_management,
            clients,
            management_id,
            features,
            report_timeout=options.report_timeout,
            sleep=sleep,
        )
        monitoring = pool.submit(
            collect_monitoring,
            clients,
            options.preferred_trail,
            _expected_topics(options, partition, management_id),
        )
        management_contacts = pool.submit(read_contacts, clients, None)
        chat: Future[ChatConfigurations] | None = (
            pool.submit(collect_chat, clients, options.chat_kinds) if options.chat_kinds else None
        )
        organization = collect_organization(clients, description, pool)
        members = {
            pool.submit(_collect_member, clients, account, member_root_skip, partition): account.id
            for account in (
                options.select_members(organization)
                if options.select_members
                else organization.members
            )
        }
        others: list[Future[Any]] = [management, monitoring, management_contacts]
        _wait(members, [*others, *([chat] if chat else [])], progress)

    return AuditFacts(
        caller_arn=identity["Arn"],
        region=clients.region,
        organization=organization,
        management=management.result(),
        management_contacts=management_contacts.result(),
        members={account_id: future.result() for future, account_id in members.items()},
        monitoring=monitoring.result(),
        chat=chat.result() if chat else ChatConfigurations(),
    )


def _expected_topics(
    options: CollectOptions, partition: str, management_id: str
) -> ExpectedTopics | None:
    wanted = options.alarm_topics
    if wanted is None:
        return None
    return lambda region: wanted(partition, region, management_id)


def _member_root_skip(features: Maybe[frozenset[str]]) -> Skipped | None:
    """Why member root credentials are not read, or None to read them."""
    if isinstance(features, Unavailable):
        return None  # try anyway: AssumeRoot's own answer is the better evidence
    if ROOT_CREDENTIALS_MANAGEMENT not in features:
        return Skipped(
            "centralized root credentials management is off, so member root users keep "
            "their own credentials and cannot be read through AssumeRoot"
        )
    return None


def _collect_member(
    clients: Clients, account: Account, root_skip: Skipped | None, partition: str
) -> MemberFacts:
    if not account.active:
        skipped = Skipped(f"account is {account.state}")
        return MemberFacts(account.id, skipped, skipped)
    root = root_skip or read_member_root(clients, account.id, partition)
    return MemberFacts(account.id, root, read_contacts(clients, account.id))


def _wait(
    members: dict[Future[MemberFacts], str],
    others: list[Future[Any]],
    progress: Progress | None,
) -> None:
    pending: list[Future[Any]] = [*others, *members]
    accounts_done = 0  # the progress bar counts member accounts, the unit users think in
    try:
        for future in as_completed(pending):
            future.result()  # a non-read error (a bug, missing credentials) stops the run
            if future in members:
                accounts_done += 1
                if progress is not None:
                    progress(accounts_done, len(members))
    except BaseException:
        # Do not make the user wait for a thousand accounts after a fatal error or Ctrl-C.
        for future in pending:
            future.cancel()
        raise
