"""An in-memory PanDA port with scripted answers (for the service tests)."""

from __future__ import annotations

from typing import Any

from pcs_gitops.services.panda_port import PandaTask, RetryReply


class ScriptedPanda:
    """A PanDA port with scripted answers; records every call."""

    def __init__(self) -> None:
        self.insert_reply: Any = "succeeded. new jediTaskID=4242"
        self.named: list[PandaTask] = []
        self.details: dict[int, PandaTask | Exception | None] = {}
        self.retry_reply: RetryReply | Exception = RetryReply(0, "command=retry is registered")
        self.calls: list[tuple[str, Any]] = []

    def prepare(self) -> None:
        pass

    def insert_task_params(self, params: dict[str, Any]) -> object:
        self.calls.append(("insert", params["taskName"]))
        if isinstance(self.insert_reply, Exception):
            raise self.insert_reply
        return self.insert_reply

    def find_tasks_by_name(self, task_name: str, **owner: str | None) -> list[PandaTask]:
        """Like PanDA: tasks of ``user_name`` when given, else the caller's (``user_name`` "")."""
        self.calls.append(("find", task_name))
        user = owner.get("user_name") or ""
        return [t for t in self.named if t.task_name == task_name and t.user_name == user]

    def task_details(self, jedi_task_id: int) -> PandaTask | None:
        self.calls.append(("details", jedi_task_id))
        answer = self.details.get(jedi_task_id)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def retry_task(self, jedi_task_id: int) -> RetryReply:
        self.calls.append(("retry", jedi_task_id))
        if isinstance(self.retry_reply, Exception):
            raise self.retry_reply
        return self.retry_reply

    def sent(self) -> int:
        return sum(1 for call, _ in self.calls if call in ("insert", "retry"))
