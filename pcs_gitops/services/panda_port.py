"""The PanDA port: what the services need from PanDA, and what its answers mean.

An adapter (``adapters/panda.py`` over panda-client 2.x) implements :class:`PandaPort`; tests
use a fake. The adapter returns the client's raw ``insertTaskParams`` reply, which
:func:`~pcs_gitops.services.panda_replies.classify_insert_reply` reads; the read calls return
:class:`PandaTask` values, parsed by the adapter with the helpers of ``panda_replies``.

Errors: :class:`OutcomeUnknown` when PanDA may have acted but did not say so (transport failure,
timeout, a reply that cannot be read); :class:`PandaUnreachable` when a read got no answer
(never to be taken for "not found"); :class:`~pcs_gitops.errors.SubmissionError` for a definite
refusal or a client that cannot start (nothing was sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from pcs_gitops.errors import PcsError, SubmissionError


class OutcomeUnknown(SubmissionError):
    """PanDA may or may not have acted (transport failure, crash, timeout, unreadable reply)."""


class PandaUnreachable(PcsError):
    """A read got no usable answer from PanDA; nothing can be concluded from it."""


@dataclass(frozen=True)
class PandaTask:
    """One JEDI task as ``get_task_details_json`` describes it (the fields pcs uses)."""

    jedi_task_id: int
    task_name: str | None
    status: str
    error_dialog: str = ""
    files_total: int = 0
    files_finished: int = 0
    files_failed: int = 0
    attempt_nr: int = 0
    modification_time: str = ""  # ISO-8601 UTC, "" when PanDA gave none
    user_name: str = ""


@dataclass(frozen=True)
class NewTask:
    """``succeeded. new jediTaskID=<N>``: PanDA created a new task."""

    jedi_task_id: int
    message: str


@dataclass(frozen=True)
class Reactivated:
    """``reactivation accepted. jediTaskID=<OLD>``: an old task runs again; nothing new exists."""

    jedi_task_id: int
    message: str


@dataclass(frozen=True)
class Refused:
    """A definite answer that created nothing: ``kind`` is ``banned-dn``, ``duplicate``
    (codes 1 and 2, naming ``existing_task``), ``invalid-request`` (request validation) or
    ``refused`` (any other code)."""

    kind: str
    code: int | None
    message: str
    existing_task: int | None = None


InsertOutcome = NewTask | Reactivated | Refused


@dataclass(frozen=True)
class RetryReply:
    """``retryTask``'s answer: code 0 registered; 2 not found; 3 no permission; 4 wrong status."""

    code: int | None
    message: str

    @property
    def accepted(self) -> bool:
        return self.code == 0


class PandaSubmitter(Protocol):
    def prepare(self) -> None:
        """Check the configuration and load the client; PcsError when it cannot submit."""
        ...

    def insert_task_params(self, params: dict[str, Any]) -> object:
        """Submit one taskParamMap; the client's raw reply. OutcomeUnknown when it failed
        after sending, SubmissionError when nothing was sent."""
        ...


class PandaReader(Protocol):
    def find_tasks_by_name(
        self, task_name: str, *, user_name: str | None = None, prod_source_label: str | None = None
    ) -> list[PandaTask]:
        """Every JEDI task with this taskName (owned by ``user_name`` when given); [] when
        there is none. PandaUnreachable when PanDA did not answer."""
        ...

    def task_details(self, jedi_task_id: int) -> PandaTask | None:
        """The task, None when PanDA says it does not exist; PandaUnreachable otherwise."""
        ...


class PandaRetrier(Protocol):
    def retry_task(self, jedi_task_id: int) -> RetryReply:
        """Ask PanDA to retry the task with no new parameters; OutcomeUnknown without an
        answer."""
        ...


class PandaPort(PandaSubmitter, PandaReader, PandaRetrier, Protocol):
    """Everything pcs asks of PanDA."""
