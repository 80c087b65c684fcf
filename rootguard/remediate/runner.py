"""One `rootguard remediate` run: check where we are, select, read, confirm, delete.

Order: who am I and which organization (the caller must be the management account), the
centralized root access features (deleting root credentials needs them), the organization
tree, the selection. Then the member accounts in a bounded pool:

- dry run: one AssumeRoot session per account with the read-only audit task policy
  (IAMAuditRootUserCredentials), so AWS itself refuses any change;
- `--apply --yes`: one session per account with IAMDeleteRootUserCredentials: read, delete;
- `--apply` with a prompt: the dry run first, then the prompt with its counts, then the
  delete sessions for the accounts that had something (a fresh read in each, so what is
  deleted is what exists at that moment, not what existed before the prompt).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rootguard.audit.aws import Clients
from rootguard.audit.collect import Progress
from rootguard.audit.collect.management import collect_root_access_features
from rootguard.audit.collect.organization import management_identity, read_tree
from rootguard.audit.errors import AuditError
from rootguard.audit.facts import ROOT_CREDENTIALS_MANAGEMENT, ROOT_SESSIONS, Unavailable
from rootguard.config import RootGuardConfig
from rootguard.regions import partition_of_arn
from rootguard.root_tasks import AUDIT, DELETE, root_tasks

from .guard import RemediationGuard
from .member import Clock, remediate_member
from .model import AccountResult
from .selection import Selection, Target, Tree, select

# Called with (accounts with credentials, credentials) before anything is deleted.
Confirm = Callable[[int, int], bool]


@dataclass(frozen=True)
class Request:
    """What the command line asked for."""

    accounts: Sequence[str] = ()
    ous: Sequence[str] = ()
    everything: bool = False
    apply: bool = False
    max_workers: int = 16


@dataclass
class RunResult:
    apply: bool
    started_at: datetime
    caller_arn: str
    organization_id: str
    management_account_id: str
    partition: str
    region: str
    task_policy_arn: str
    excluded: tuple[str, ...]
    accounts: list[AccountResult] = field(default_factory=list)
    confirmed: bool = True  # False: the prompt was declined, nothing was deleted
    finished_at: datetime | None = None


def _utc_now() -> datetime:
    return datetime.now(UTC)


def run_remediation(
    clients: Clients,
    guard: RemediationGuard,
    request: Request,
    *,
    config: RootGuardConfig | None = None,
    confirm: Confirm | None = None,
    progress: Progress | None = None,
    clock: Clock = _utc_now,
) -> RunResult:
    """Run the request; `confirm` None means no prompt (`--yes`, or a dry run)."""
    started = clock()
    identity, description = management_identity(clients, "rootguard remediate")
    management_id = description["MasterAccountId"]
    _require_root_access(clients)
    partition = partition_of_arn(str(identity["Arn"]))
    with ThreadPoolExecutor(max_workers=request.max_workers) as pool:
        _, ous, accounts = read_tree(clients, pool)
        tree = Tree(description["Id"], management_id, ous, accounts)
        selection: Selection = select(
            tree,
            accounts=request.accounts,
            ous=request.ous,
            everything=request.everything,
            config=config,
        )
        guard.allow_targets([t.account.id for t in selection.targets], management_id)
        apply_task = root_tasks()[DELETE].arn(partition)
        read_task = root_tasks()[AUDIT].arn(partition)
        result = RunResult(
            apply=request.apply,
            started_at=started,
            caller_arn=identity["Arn"],
            organization_id=tree.organization_id,
            management_account_id=management_id,
            partition=partition,
            region=clients.region,
            task_policy_arn=apply_task if request.apply else read_task,
            excluded=selection.excluded,
        )

        def run(targets: Sequence[Target], task: str, apply: bool) -> list[AccountResult]:
            return _pool(
                pool,
                targets,
                lambda t: remediate_member(
                    clients, t.account, t.ou_path, task, apply=apply, clock=clock
                ),
                progress,
            )

        try:
            if not request.apply:
                result.accounts = run(selection.targets, read_task, False)
            elif confirm is None:
                result.accounts = run(selection.targets, apply_task, True)
            else:
                result.accounts, result.confirmed = _confirmed_apply(
                    selection, run, read_task, apply_task, confirm
                )
                if not result.confirmed:
                    result.task_policy_arn = read_task  # declined: only the read sessions ran
        except Interrupted as interrupted:
            result.accounts = interrupted.results
    result.finished_at = clock()
    return result


def _confirmed_apply(
    selection: Selection,
    run: Callable[[Sequence[Target], str, bool], list[AccountResult]],
    read_task: str,
    apply_task: str,
    confirm: Confirm,
) -> tuple[list[AccountResult], bool]:
    read = run(selection.targets, read_task, False)
    dirty = [r for r in read if r.found]
    if not dirty:
        return read, True
    if not confirm(len(dirty), sum(len(r.found) for r in dirty)):
        return read, False  # declined: the dry run is the evidence, nothing was deleted
    by_id = {t.account.id: t for t in selection.targets}
    applied = {r.account_id: r for r in run([by_id[r.account_id] for r in dirty], apply_task, True)}
    merged = []
    for before in read:
        after = applied.get(before.account_id)
        if after is not None:
            after.calls = before.calls + after.calls
            before = after
        merged.append(before)
    return merged, True


def _require_root_access(clients: Clients) -> None:
    features = collect_root_access_features(clients)
    if isinstance(features, Unavailable):
        return  # try anyway: AssumeRoot's own answer is the better evidence
    missing = [f for f in (ROOT_CREDENTIALS_MANAGEMENT, ROOT_SESSIONS) if f not in features]
    if missing:
        raise AuditError(
            f"centralized root access is not fully on (missing: {', '.join(missing)}); "
            "set rootguard:rootAccess (both features) and deploy the stack, or run "
            "`aws iam enable-organizations-root-credentials-management` and "
            "`aws iam enable-organizations-root-sessions`"
        )


INTERRUPTED = (
    "interrupted (Ctrl-C): not handled, or its evidence was lost; a dry run shows what is left"
)


class Interrupted(Exception):
    """Ctrl-C during a run: the accounts handled so far, the rest marked as not handled."""

    def __init__(self, results: list[AccountResult]) -> None:
        super().__init__("interrupted")
        self.results = results


def _pool(
    pool: ThreadPoolExecutor,
    targets: Sequence[Target],
    work: Callable[[Target], AccountResult],
    progress: Progress | None,
) -> list[AccountResult]:
    futures: dict[Future[AccountResult], int] = {
        pool.submit(work, target): index for index, target in enumerate(targets)
    }
    results: list[AccountResult | None] = [None] * len(targets)
    try:
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()  # a guard violation or bug stops the run
            if progress is not None:
                progress(done, len(targets))
    except KeyboardInterrupt:
        # Deletions may already have happened: finish the accounts in flight (seconds) and
        # keep their evidence; the ones never started are reported as not handled.
        for future in futures:
            future.cancel()
        for future, index in futures.items():
            # Waits for an account in flight; one that failed has lost its evidence and is
            # reported as not handled.
            unfinished = results[index] is None and not future.cancelled()
            if unfinished and future.exception() is None:
                results[index] = future.result()
        raise Interrupted(
            [
                result or _not_handled(target)
                for result, target in zip(results, targets, strict=True)
            ]
        ) from None
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    return [r for r in results if r is not None]


def _not_handled(target: Target) -> AccountResult:
    result = AccountResult(target.account.id, target.account.name, target.ou_path)
    result.failures.append(INTERRUPTED)
    return result
