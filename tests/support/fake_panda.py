"""A local fake of the PanDA server's task API (``/api/v1/task/...``), served over real HTTP.

It speaks what panda-client 2.x sends and expects (read from panda-server's
``pandaserver/api/v1/task_api.py`` and ``server/panda.py``; no code copied):

* ``POST task/submit`` ``{"task_parameters": {...}, "parent_tid": null}`` (``insertTaskParams``);
* ``GET task/get_status?task_id=N`` (``getTaskStatus``);
* ``GET task/get_detailed_info?task_id=N`` (``get_task_details_json``);
* ``GET task/get_tasks_detailed_info_since?n_tasks=..&filters={json}[&since=..]``
  (``get_tasks_detailed_info_since``, the look-up by taskName);
* ``POST task/retry`` ``{"task_id": N[, "new_parameters": {...}]}`` (``retryTask``).

Every answer is the ``{"success", "message", "data"}`` envelope, JSON with datetimes as
``{"__datetime__": iso}`` like the real server. Fidelity kept on purpose:

* production tasks (``taskType`` other than ``anal``) get no duplicate check at insert; a second
  insert under a taken ``taskName`` (with ``uniqueTaskName``) creates a task that JEDI aborts:
  status ``aborted``, ``errorDialog`` "toabort since there is duplicated task -> jediTaskID=..",
  taskName cleared. ``anal`` tasks get the synchronous check (codes 1, 2 and 3);
* without the production role (an ``Origin`` header not in ``production_origins``) the server
  rewrites ``userName``, ``taskType`` (``anal``) and ``taskPriority`` (1000);
* a new task is invisible (only in DEFT) for ``invisible_reads`` reads that would find it, by
  id or by name; meanwhile ``get_status`` fails and the look-up by name finds nothing;
* look-up filters: ``userName`` defaults to the caller, values with regex characters are
  applied with ``re.search``, plain ones as equality;
* ``retry``: codes 0 (registered; status ``toretry``, ``attemptNr`` + 1), 2 (not found),
  4 (wrong status; ``exhausted`` needs the production role); non-empty ``new_parameters`` on a
  production task inserts a NEW task.

Scripted answers (``script(endpoint, kind, ...)``; one per call, in order, then normal):

* ``http-500``, ``drop`` (hang up without an answer), ``html-200`` (a maintenance page), ``delay``
  (answer after ``delay`` seconds): by default the endpoint acts first (``commit=True``: the
  task is created, the retry registered) and only the answer is lost;
* submit only: ``reactivate`` (code 3 flattened to 0, naming ``task_id``), ``banned-dn``,
  ``no-id`` (the task is created but the message holds no new id), ``refuse`` (``code``,
  ``message``).

Tests change tasks with ``set_status`` and inspect ``tasks``, ``calls`` and ``submissions``.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

FINAL_STATES = ("finished", "failed", "aborted", "done", "exhausted")
RETRYABLE = ("finished", "failed", "exhausted")
SERVER_REGEX_META = r"^$*+?\|()"
MAINTENANCE_PAGE = "<html><body><h1>PanDA is down for maintenance</h1></body></html>"
SCRIPT_KINDS = {
    "http-500",
    "drop",
    "html-200",
    "delay",
    "reactivate",
    "banned-dn",
    "no-id",
    "refuse",
}
JEDI_TASK_ATTRIBUTES = (
    "jediTaskID",
    "taskName",
    "status",
    "userName",
    "creationDate",
    "modificationTime",
    "startTime",
    "endTime",
    "prodSourceLabel",
    "workingGroup",
    "vo",
    "coreCount",
    "taskType",
    "processingType",
    "taskPriority",
    "currentPriority",
    "architecture",
    "transUses",
    "transHome",
    "transPath",
    "splitRule",
    "walltime",
    "ramCount",
    "ramUnit",
    "progress",
    "failureRate",
    "errorDialog",
    "reqID",
    "oldStatus",
    "cloud",
    "site",
    "parent_tid",
    "stateChangeTime",
    "superStatus",
    "campaign",
    "gshare",
    "resource_type",
    "attemptNr",
    "container_name",
)


@dataclass
class Script:
    kind: str
    commit: bool = True
    code: int | None = None
    message: str | None = None
    task_id: int | None = None
    delay: float = 0.0


@dataclass
class Call:
    method: str
    endpoint: str
    params: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeTask:
    jedi_task_id: int
    task_name: str | None
    user_name: str
    params: dict[str, Any]
    created: datetime
    status: str = "registered"
    error_dialog: str | None = None
    n_files: int = 0
    n_files_finished: int = 0
    n_files_failed: int = 0
    attempt_nr: int = 0
    hidden_reads: int = 0
    modified: datetime | None = None

    @property
    def visible(self) -> bool:
        return self.hidden_reads <= 0

    def details(self) -> dict[str, Any]:
        out: dict[str, Any] = dict.fromkeys(JEDI_TASK_ATTRIBUTES)
        p = self.params
        out.update(
            jediTaskID=self.jedi_task_id,
            taskName=self.task_name,
            status=self.status,
            superStatus=self.status,
            userName=self.user_name,
            creationDate=_when(self.created),
            modificationTime=_when(self.modified or self.created),
            stateChangeTime=_when(self.modified or self.created),
            prodSourceLabel=p.get("prodSourceLabel"),
            vo=p.get("vo"),
            taskType=p.get("taskType"),
            taskPriority=p.get("taskPriority"),
            processingType=p.get("processingType"),
            workingGroup=p.get("workingGroup"),
            errorDialog=self.error_dialog,
            reqID=self.jedi_task_id,
            attemptNr=self.attempt_nr,
        )
        out["raw_task_params"] = p
        out["nFiles"] = self.n_files
        out["nFilesFinished"] = self.n_files_finished
        out["nFilesFailed"] = self.n_files_failed
        return out


def _when(moment: datetime) -> dict[str, str]:
    return {"__datetime__": moment.isoformat()}


def _envelope(success: bool, message: str = "", data: Any = None) -> dict[str, Any]:
    return {"success": success, "message": message, "data": data}


def _looks_like_regex(value: str) -> bool:
    return any(c in value for c in SERVER_REGEX_META)


class FakePanda:
    """The fake server (see the module docstring)."""

    def __init__(self, *, caller: str = "pcs-operator", first_task_id: int = 4242) -> None:
        self.caller = caller
        self.tasks: dict[int, FakeTask] = {}
        self.calls: list[Call] = []
        self.submissions: list[dict[str, Any]] = []
        self.invisible_reads = 0
        self.token: str | None = None  # when set, requests need "Authorization: Bearer <token>"
        self.production_origins = {"EIC.production"}
        self.role_without_origin = True  # x509 over plain http: no way to tell; assume the role
        self.clock = datetime(2026, 11, 28, 10, 0, 0)
        self._next_id = first_task_id
        self._scripts: dict[str, list[Script]] = {}
        self._lock = threading.RLock()
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None  # kept after stop(): a stopped fake is "PanDA down"

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> FakePanda:
        fake = self

        class Handler(_Handler):
            panda = fake

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakePanda:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """What PANDA_URL_SSL (and PANDA_URL, PANDACACHE_URL) should be set to."""
        assert self._port is not None, "FakePanda was never started"
        return f"http://127.0.0.1:{self._port}/server/panda"

    def client_env(self, **extra: str) -> dict[str, str]:
        """The panda-client variables that point the real client at this server, offline."""
        return {
            "PANDA_URL": self.url,
            "PANDA_URL_SSL": self.url,
            "PANDACACHE_URL": self.url,
            "PANDA_BEHIND_REAL_LB": "1",
            **extra,
        }

    # -- scripting and inspection ------------------------------------------------------------
    def script(self, endpoint: str, kind: str, **options: Any) -> None:
        """Answer the next call of ``endpoint`` (``submit``, ``retry``, ...) with ``kind``."""
        assert kind in SCRIPT_KINDS, f"unknown script kind {kind!r}"
        with self._lock:
            self._scripts.setdefault(endpoint, []).append(Script(kind, **options))

    def _next_script(self, endpoint: str) -> Script | None:
        with self._lock:
            queue = self._scripts.get(endpoint) or []
            return queue.pop(0) if queue else None

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=1)
        return self.clock

    def set_status(
        self,
        task_id: int,
        status: str,
        *,
        error_dialog: str | None = None,
        files: tuple[int, int, int] | None = None,
        when: datetime | None = None,
    ) -> None:
        """Move a task as JEDI would: status, errorDialog, (nFiles, finished, failed)."""
        with self._lock:
            task = self.tasks[task_id]
            task.status = status
            task.error_dialog = error_dialog
            if files is not None:
                task.n_files, task.n_files_finished, task.n_files_failed = files
            task.hidden_reads = 0
            task.modified = when or self.tick()

    def tasks_named(self, name: str) -> list[FakeTask]:
        """Every task inserted under ``name`` (aborted duplicates included)."""
        return [t for t in self.tasks.values() if t.params.get("taskName") == name]

    def endpoint_calls(self, endpoint: str) -> list[Call]:
        return [c for c in self.calls if c.endpoint == endpoint]

    # -- the API -----------------------------------------------------------------------------
    def _role(self, headers: dict[str, str]) -> bool:
        origin = headers.get("origin")
        return self.role_without_origin if origin is None else origin in self.production_origins

    def insert(self, params: dict[str, Any], production: bool) -> tuple[int, str]:
        """``insertTaskParamsPanda``: (code, message)."""
        params = dict(params)
        for key in ("taskName", "vo", "prodSourceLabel"):
            if key not in params:
                return 4, "failed to register task"
        if not production:
            params.update(userName=self.caller, taskType="anal", taskPriority=1000)
        params.setdefault("taskType", "anal")
        name, user = params["taskName"], params.get("userName") or self.caller
        same = [t for t in self.tasks.values() if t.task_name == name and t.user_name == user]
        if params["taskType"] == "anal" and params.get("uniqueTaskName") is True and same:
            newest = max(same, key=lambda t: t.jedi_task_id)
            if not newest.visible:
                return 1, f"jediTaskID={newest.jedi_task_id} is already queued for outDS={name}. "
            if newest.status not in FINAL_STATES:
                return 2, (
                    f"jediTaskID={newest.jedi_task_id} is in the {newest.status} state for "
                    f"outDS={name}. You can re-submit the task with new parameters for the "
                    "same or another input once it goes into finished/failed/done"
                )
            return 3, self._reactivate(newest)
        task = self._create(params, user)
        if params.get("uniqueTaskName") and same:
            ids = ",".join(str(t.jedi_task_id) for t in same)
            task.status, task.task_name = "aborted", None
            task.error_dialog = f"toabort since there is duplicated task -> jediTaskID={ids}"
        return 0, f"succeeded. new jediTaskID={task.jedi_task_id}"

    def _create(self, params: dict[str, Any], user: str) -> FakeTask:
        task_id = self._next_id
        self._next_id += 1
        task = FakeTask(
            task_id,
            params["taskName"],
            user,
            params,
            created=self.tick(),
            hidden_reads=self.invisible_reads,
            n_files=int(params.get("nFiles") or 0),
        )
        self.tasks[task_id] = task
        return task

    def _reactivate(self, task: FakeTask) -> str:
        old = task.status
        task.status, task.modified = "toincexec", self.tick()
        return (
            f"reactivation accepted. jediTaskID={task.jedi_task_id} (currently in {old} state) "
            "will be re-executed with old and/or new input"
        )

    def visible_task(self, task_id: int) -> FakeTask | None:
        task = self.tasks.get(task_id)
        if task is None:
            return None
        if not task.visible:
            task.hidden_reads -= 1
            return None
        return task

    def lookup(self, filters: dict[str, Any], n_tasks: int) -> list[dict[str, Any]]:
        criteria = {"userName": self.caller}
        patterns: dict[str, str] = {}
        for key, value in filters.items():
            if _looks_like_regex(str(value)):
                patterns[key] = str(value)
            else:
                criteria[key] = str(value)
        found: list[dict[str, Any]] = []
        for task in sorted(self.tasks.values(), key=lambda t: t.jedi_task_id)[:n_tasks]:
            details = task.details()
            if any(str(details.get(k)) != v for k, v in criteria.items()):
                continue
            if any(re.search(p, str(details.get(k))) is None for k, p in patterns.items()):
                continue
            if not task.visible:
                task.hidden_reads -= 1
                continue
            found.append(details)
        return found

    def retry(self, task_id: int, new_parameters: Any, production: bool) -> tuple[int, str]:
        task = self.tasks.get(task_id)
        if task is None or not task.visible:
            return 2, f"jediTaskID={task_id} not found"
        if new_parameters:
            merged = {**task.params, **dict(new_parameters)}
            return self.insert(merged, production)
        if task.status not in RETRYABLE or (task.status == "exhausted" and not production):
            extra = "and production role is missing" if task.status == "exhausted" else ""
            return 4, (
                f"Command rejected: the retry command is not accepted if the task is in "
                f"{task.status} status {extra}"
            )
        task.status, task.error_dialog = "toretry", None
        task.attempt_nr += 1
        task.modified = self.tick()
        return (
            0,
            f"command=retry is registered for task ID {task_id}. will be executed in a few minutes",
        )


class _Dropped(Exception):
    """The script asked to hang up without an answer."""


class _Handler(BaseHTTPRequestHandler):
    panda: FakePanda
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        fake = self.panda
        parsed = urllib.parse.urlsplit(self.path)
        endpoint = parsed.path.removeprefix("/api/v1/task/")
        headers = {k.lower(): v for k, v in self.headers.items()}
        params = self._params(method, parsed.query)
        with fake._lock:
            fake.calls.append(Call(method, endpoint, params, headers))
        if fake.token is not None and headers.get("authorization") != f"Bearer {fake.token}":
            return self._reply(403, "Forbidden", "text/plain")
        script = fake._next_script(endpoint)
        try:
            with fake._lock:
                envelope = self._dispatch(method, endpoint, params, fake._role(headers), script)
        except LookupError:
            return self._reply(404, "Not Found", "text/plain")
        self._answer(envelope, script)

    def _params(self, method: str, query: str) -> dict[str, Any]:
        if method == "GET":
            return {k: v[-1] for k, v in urllib.parse.parse_qs(query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b"{}"
        data = json.loads(body or b"{}")
        return data if isinstance(data, dict) else {}

    def _dispatch(
        self, method: str, endpoint: str, params: dict[str, Any], role: bool, script: Script | None
    ) -> dict[str, Any] | None:
        """The envelope to send, or None when the script says the endpoint does not act."""
        expected = {"submit": "POST", "retry": "POST"}.get(endpoint, "GET")
        if endpoint not in ROUTES:
            raise LookupError(endpoint)
        if method != expected:
            return _envelope(False, f"expecting {expected}, received {method}")
        if script is not None and not script.commit:
            return None
        if endpoint == "submit" and script is not None and script.kind in SUBMIT_ANSWERS:
            return SUBMIT_ANSWERS[script.kind](self.panda, params, role, script)
        return ROUTES[endpoint](self.panda, params, role)

    def _answer(self, envelope: dict[str, Any] | None, script: Script | None) -> None:
        kind = script.kind if script is not None else "ok"
        if kind == "delay" and script is not None:
            self.panda._closing.wait(script.delay)
        if kind == "http-500":
            return self._reply(500, "INTERNAL SERVER ERROR", "text/plain")
        if kind == "html-200":
            return self._reply(200, MAINTENANCE_PAGE, "text/html")
        if kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        assert envelope is not None, "a script without commit needs a transport failure"
        text = json.dumps(envelope, default=str)
        return self._reply(200, text, "application/json")

    def _reply(self, status: int, body: str, content_type: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _submit(fake: FakePanda, params: dict[str, Any], role: bool) -> dict[str, Any]:
    fake.submissions.append(params.get("task_parameters") or {})
    code, message = fake.insert(params.get("task_parameters") or {}, role)
    if code not in (0, 3):
        return _envelope(False, message, code)
    found = re.search(r"jediTaskID=(\d+)", message)
    return _envelope(True, message, int(found.group(1)) if found else None)


def _submit_reactivate(fake: FakePanda, params: dict[str, Any], role: bool, s: Script) -> Any:
    fake.submissions.append(params.get("task_parameters") or {})
    task_id = s.task_id if s.task_id is not None else max(fake.tasks, default=1)
    message = (
        f"reactivation accepted. jediTaskID={task_id} (currently in failed state) will be "
        "re-executed with old and/or new input"
    )
    return _envelope(True, message, task_id)


def _submit_banned(fake: FakePanda, params: dict[str, Any], role: bool, s: Script) -> Any:
    fake.submissions.append(params.get("task_parameters") or {})
    return _envelope(True, f"The following DN is banned: DN={fake.caller}", None)


def _submit_no_id(fake: FakePanda, params: dict[str, Any], role: bool, s: Script) -> Any:
    envelope = _submit(fake, params, role)
    return _envelope(True, "succeeded", envelope["data"])


def _submit_refuse(fake: FakePanda, params: dict[str, Any], role: bool, s: Script) -> Any:
    fake.submissions.append(params.get("task_parameters") or {})
    return _envelope(False, s.message or "failed to register task", s.code or 4)


def _get_status(fake: FakePanda, params: dict[str, Any], role: bool) -> dict[str, Any]:
    task = fake.visible_task(_task_id(params))
    return _envelope(True, data=task.status) if task else _envelope(False, "Task not found")


def _get_detailed_info(fake: FakePanda, params: dict[str, Any], role: bool) -> dict[str, Any]:
    task = fake.visible_task(_task_id(params))
    if task is None:
        return _envelope(False, "Task not found or error retrieving task info")
    return _envelope(True, data=task.details())


def _lookup(fake: FakePanda, params: dict[str, Any], role: bool) -> dict[str, Any]:
    try:
        filters = json.loads(params.get("filters") or "{}")
    except ValueError:
        return _envelope(False, "filters is not valid JSON")
    if not isinstance(filters, dict):
        return _envelope(False, "filters must be a JSON object")
    return _envelope(True, data=fake.lookup(filters, int(params.get("n_tasks") or 500)))


def _retry(fake: FakePanda, params: dict[str, Any], role: bool) -> dict[str, Any]:
    code, message = fake.retry(_task_id(params), params.get("new_parameters"), role)
    return _envelope(True, message, code)


def _task_id(params: dict[str, Any]) -> int:
    try:
        return int(float(params.get("task_id") or 0))
    except ValueError:
        return 0


ROUTES = {
    "submit": _submit,
    "get_status": _get_status,
    "get_detailed_info": _get_detailed_info,
    "get_tasks_detailed_info_since": _lookup,
    "retry": _retry,
}
SUBMIT_ANSWERS = {
    "reactivate": _submit_reactivate,
    "banned-dn": _submit_banned,
    "no-id": _submit_no_id,
    "refuse": _submit_refuse,
}


@pytest.fixture(name="fake_panda")
def fake_panda_server() -> Iterator[FakePanda]:
    """A started :class:`FakePanda` (import it into a test module to use it)."""
    with FakePanda() as fake:
        yield fake
