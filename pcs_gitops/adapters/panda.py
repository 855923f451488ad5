"""The PanDA adapter: the only module that imports ``pandaclient`` (the optional ``panda`` extra).

panda-client 2.x reads its configuration from the environment: the server URLs when
``pandaclient.Client`` is imported, the authentication variables on every call. It resolves the
cache host by DNS at import (unless ``PANDA_BEHIND_REAL_LB`` is set), calls ``sys.exit`` when
OIDC is misconfigured, asks on stdin during a device login, prints diagnostics on stdout and
waits up to 600 s for an answer. So this adapter:

- receives the client's variables explicitly (from ``config.PandaSettings``) and sets them, in
  :func:`_client_environment` only, for the duration of each call (variables it was given as
  ``None`` are removed meanwhile), reloading the client module when the import-time URLs
  changed;
- refuses OIDC without a VO and a token before anything is imported or sent;
- runs each call in a worker thread with its own deadline (``timeout_seconds``), with stdout
  and stderr captured (they go into error messages) and an empty stdin;
- turns every failure into a :class:`~pcs_gitops.errors.PcsError`: ``OutcomeUnknown`` when a
  write may have happened, ``PandaUnreachable`` when a read got no answer.

Plain ``http://`` URLs work for every call (the client builds no TLS context for them); that is
how the tests point the real client at the fake server on loopback.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pcs_gitops.errors import PcsError, SubmissionError
from pcs_gitops.services.panda_port import OutcomeUnknown, PandaTask, PandaUnreachable, RetryReply
from pcs_gitops.services.panda_replies import (
    classify_retry_reply,
    details_from_reply,
    tasks_from_reply,
)

INSTALL_HINT = "install the panda extra: pip install 'pcs-gitops[panda]'"
IMPORT_TIME_VARIABLES = ("PANDA_URL", "PANDA_URL_SSL", "PANDACACHE_URL", "PANDA_BEHIND_REAL_LB")
TOKEN_VARIABLES = ("PANDA_AUTH_ID_TOKEN", "OIDC_AUTH_TOKEN_FILE", "OIDC_AUTH_ID_TOKEN")
# Characters that make panda-server apply a look-up filter as a regular expression.
_SERVER_REGEX_META = frozenset("^$*+?\\|()")
_LOOKUP_LIMIT = 100


class _Deadline(Exception):
    """The worker thread did not finish in time (the call may still complete later)."""


class _LoadedClient:
    """The import-time variables ``pandaclient.Client`` was last loaded with (None: unknown)."""

    variables: dict[str, str | None] | None = None


def forget_loaded_client() -> None:
    """Make the next call load the client again (for tests that reload it themselves)."""
    _LoadedClient.variables = None


def _load_client() -> Any:
    """Import the client, or reload it when its import-time URLs are not the ones set now.
    Call it only inside :func:`_client_environment`."""
    snapshot = {name: os.environ.get(name) for name in IMPORT_TIME_VARIABLES}
    fresh = "pandaclient.Client" not in sys.modules
    try:
        from pandaclient import Client

        if not fresh and _LoadedClient.variables != snapshot:
            Client = importlib.reload(Client)
    except ImportError as exc:
        raise PcsError(f"the PanDA client is not installed; {INSTALL_HINT}") from exc
    except (OSError, SystemExit) as exc:
        raise SubmissionError(
            f"the PanDA client cannot start ({type(exc).__name__}: {exc}); set PANDA_URL_SSL "
            "(and PANDACACHE_URL plus PANDA_BEHIND_REAL_LB when offline), and for OIDC "
            "PANDA_AUTH_VO with a token variable"
        ) from exc
    _LoadedClient.variables = snapshot
    return Client


@contextlib.contextmanager
def _client_environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """The one place that sets the client's variables; the previous values come back after."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        _apply(values)
        yield
    finally:
        _apply(saved)


def _apply(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _run_with_deadline(call: Callable[[], Any], timeout: float) -> Any:
    """``call()`` in a daemon thread; _Deadline when it has not returned after ``timeout``."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # SystemExit included: the client exits on bad OIDC
            box["error"] = exc

    worker = threading.Thread(target=work, name="pandaclient-call", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise _Deadline
    if "error" in box:
        raise box["error"]
    return box["value"]


def exact_filter(value: str) -> str:
    """A look-up filter value that matches ``value`` exactly on the server (which applies
    values holding regex characters as a pattern, with ``re.search``)."""
    if not _SERVER_REGEX_META.intersection(value):
        return value
    return "^" + re.escape(value) + "$"


class PandaClient:
    """:class:`~pcs_gitops.services.panda_port.PandaPort` over panda-client 2.x."""

    def __init__(
        self,
        client_env: Mapping[str, str | None],
        *,
        timeout_seconds: float = 120.0,
        verbose: bool = False,
    ) -> None:
        self.client_env = dict(client_env)
        self.timeout_seconds = timeout_seconds
        self.verbose = verbose

    # -- PandaSubmitter --------------------------------------------------------------------
    def prepare(self) -> None:
        self._check_authentication()
        with _client_environment(self.client_env):
            _load_client()

    def insert_task_params(self, params: dict[str, Any]) -> object:
        try:
            json.dumps(params)
        except (TypeError, ValueError) as exc:
            raise SubmissionError(
                f"the task parameters cannot be sent ({exc}); nothing reached PanDA"
            ) from exc
        name = params.get("taskName")
        return self._call(
            lambda client: client.insertTaskParams(params, verbose=self.verbose),
            OutcomeUnknown,
            f"the submission of '{name}'",
            f"PanDA may have created it anyway: look '{name}' up before submitting again",
        )

    # -- PandaReader -----------------------------------------------------------------------
    def find_tasks_by_name(
        self, task_name: str, *, user_name: str | None = None, prod_source_label: str | None = None
    ) -> list[PandaTask]:
        filters = {"taskName": exact_filter(task_name)}
        if user_name:
            filters["userName"] = exact_filter(user_name)
        if prod_source_label:
            filters["prodSourceLabel"] = exact_filter(prod_source_label)
        what = f"the look-up of '{task_name}'"
        reply = self._call(
            lambda client: client.get_tasks_detailed_info_since(
                since=None, filters=filters, n_tasks=_LOOKUP_LIMIT, verbose=self.verbose
            ),
            PandaUnreachable,
            what,
            "nothing can be concluded; look again later",
        )
        return [t for t in tasks_from_reply(reply, what) if t.task_name == task_name]

    def task_details(self, jedi_task_id: int) -> PandaTask | None:
        what = f"the status read of jediTaskID {jedi_task_id}"
        reply = self._call(
            lambda client: client.get_task_details_json(jedi_task_id, verbose=self.verbose),
            PandaUnreachable,
            what,
            "the record is left as it is",
        )
        return details_from_reply(reply, what)

    # -- PandaRetrier ----------------------------------------------------------------------
    def retry_task(self, jedi_task_id: int) -> RetryReply:
        reply = self._call(
            lambda client: client.retryTask(jedi_task_id, verbose=self.verbose, newParams={}),
            OutcomeUnknown,
            f"the retry of jediTaskID {jedi_task_id}",
            "PanDA may have registered it: check the task's status before retrying again",
        )
        return classify_retry_reply(reply)

    # -- plumbing --------------------------------------------------------------------------
    def _check_authentication(self) -> None:
        env = self.client_env
        if env.get("PANDA_AUTH") != "oidc":
            return
        if not env.get("PANDA_AUTH_VO"):
            raise SubmissionError(
                "PANDA_AUTH=oidc needs PANDA_AUTH_VO (EIC.production for the production role); "
                "nothing was sent to PanDA"
            )
        cached = Path(env.get("PANDA_CONFIG_ROOT") or ".").expanduser() / ".token"
        if not any(env.get(name) for name in TOKEN_VARIABLES) and not cached.is_file():
            raise SubmissionError(
                "PANDA_AUTH=oidc needs a token in PANDA_AUTH_ID_TOKEN or OIDC_AUTH_TOKEN_FILE "
                "(or a cached one in PANDA_CONFIG_ROOT); pcs never starts an interactive login. "
                "Nothing was sent to PanDA"
            )

    def _call(
        self,
        call: Callable[[Any], Any],
        failure: type[PcsError],
        what: str,
        advice: str,
    ) -> Any:
        self._check_authentication()
        output = io.StringIO()
        with (
            _client_environment(self.client_env),
            contextlib.redirect_stdout(output),
            contextlib.redirect_stderr(output),
            _empty_stdin(),
        ):
            client = _load_client()
            try:
                return _run_with_deadline(lambda: call(client), self.timeout_seconds)
            except _Deadline:
                raise failure(
                    f"{what} got no answer within {self.timeout_seconds:g} s; {advice}"
                ) from None
            except json.JSONDecodeError as exc:
                raise failure(
                    f"{what} got an answer that is not JSON (a maintenance page?): {exc}; {advice}"
                ) from exc
            except (Exception, SystemExit) as exc:
                printed = " ".join(output.getvalue().split())[-300:]
                detail = f" (client output: {printed})" if printed else ""
                raise failure(
                    f"{what} failed ({type(exc).__name__}: {exc}){detail}; {advice}"
                ) from exc


@contextlib.contextmanager
def _empty_stdin() -> Iterator[None]:
    """The client's device login asks on stdin: give it nothing to read, never a terminal."""
    saved = sys.stdin
    sys.stdin = io.StringIO("")
    try:
        yield
    finally:
        sys.stdin = saved
