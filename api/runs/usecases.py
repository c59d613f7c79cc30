"""What starting a match run does, whoever asks: the API (``POST /api/v1/runs``) and the
agency's pages (``POST /dinas/pencocokan``) run this one function, so the tenant's limit, the
audit log and waking the dispatcher are the same for both. Nothing is computed here: a worker
process executes the run (``docs/runs.md``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.runs import queries
from api.runs.schemas import RunIn
from api.settings import Settings
from api.writes import audit
from catalog.models import MatchRun

__all__ = ["start_run"]


def _wake_dispatcher_after_commit(state: Any, session: Session) -> None:
    dispatcher = getattr(state, "dispatcher", None)
    if dispatcher is None:
        return

    def wake(_session: Any) -> None:
        dispatcher.wake()

    # The run becomes visible to the dispatcher when the request's transaction commits.
    event.listen(session, "after_commit", wake, once=True)


def start_run(principal: Principal, wanted: RunIn, *, state: Any, settings: Settings,
              session: Session) -> MatchRun:
    """A new queued run of the principal's tenant, audited, the app's dispatcher (``state``)
    woken when the transaction commits. Raises :class:`~api.runs.queries.RunLimitReached`
    when the tenant already has ``settings.runs_per_tenant`` runs queued or running."""
    run = queries.queue_run(principal, wanted, session=session,
                            default_time_limit_s=settings.run_time_limit_s,
                            runs_per_tenant=settings.runs_per_tenant)
    audit(principal, "run", "run", run.id,
          {"seed": run.seed, "time_limit_s": run.time_limit_s,
           "horizon_days": run.horizon_days}, session=session)
    _wake_dispatcher_after_commit(state, session)
    return run
