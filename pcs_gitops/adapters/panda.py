"""The PanDA adapter: the only module that imports ``pandaclient`` (the optional ``panda`` extra).

The client reads its configuration (``PANDA_URL_SSL``, ``PANDA_AUTH``, ``PANDA_AUTH_VO``, ...)
from the environment when it is imported, resolves the cache host by DNS at import (offline,
set ``PANDACACHE_URL`` and ``PANDA_BEHIND_REAL_LB``), and may raise ``SystemExit`` or block on
stdin in OIDC mode. So it is imported lazily, on the first submission, and every failure is
turned into a :class:`~pcs_gitops.errors.PcsError` whose message says what to do.
"""

from __future__ import annotations

from typing import Any

from pcs_gitops.errors import PcsError, SubmissionError
from pcs_gitops.services.panda_port import OutcomeUnknown, message_from_reply

INSTALL_HINT = "install the panda extra: pip install 'pcs-gitops[panda]'"


def _client() -> Any:
    try:
        from pandaclient import Client
    except ImportError as exc:
        raise PcsError(f"the PanDA client is not installed; {INSTALL_HINT}") from exc
    except (OSError, SystemExit) as exc:
        raise SubmissionError(
            f"the PanDA client cannot start ({type(exc).__name__}: {exc}); set PANDA_URL_SSL "
            "(and PANDACACHE_URL plus PANDA_BEHIND_REAL_LB when offline), and for OIDC "
            "PANDA_AUTH_VO with a token variable"
        ) from exc
    return Client


class PandaClientSubmitter:
    """:class:`~pcs_gitops.services.panda_port.PandaSubmitter` over ``Client.insertTaskParams``."""

    def __init__(self, verbose: bool = False) -> None:
        self.verbose = verbose

    def prepare(self) -> None:
        _client()

    def insert_task_params(self, params: dict[str, Any]) -> str:
        client = _client()
        try:
            reply = client.insertTaskParams(params, verbose=self.verbose)
        except TypeError as exc:
            raise SubmissionError(
                f"the task parameters cannot be sent ({exc}); nothing reached PanDA"
            ) from exc
        except (Exception, SystemExit) as exc:
            raise OutcomeUnknown(
                f"the PanDA call failed ({type(exc).__name__}: {exc}); PanDA may have created "
                f"the task anyway: look up '{params.get('taskName')}' before submitting again"
            ) from exc
        return message_from_reply(reply)
