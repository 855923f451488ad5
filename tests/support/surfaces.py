"""One operation of the dynamic catalogue through the CLI, MCP or REST, with the same outcome
shape, so a test runs on every surface: ``Surfaces(root).on("mcp").run("withdraw", ...)``.

The CLI acts as ``--actor``; MCP (no token: a trusted local server) as ``created_by``; REST as
the login of the bearer token ``tok-<login>``, resolved by a fake GitHub.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from pcs_gitops.entrypoints.cli import cli
from tests.support.fake_github import FakeGitHub
from tests.support.mcp_client import call
from tests.support.rest_client import Rest, rest_server

SURFACES = ("cli", "mcp", "rest")
API = "/pcs/api"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    data: Any
    message: str  # the refusal's message ("" when it went through)


def _params(args: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for name, value in (args.get("parameters") or {}).items():
        out += ["--param", f"{name}={value}"]
    return out


def _reason(args: dict[str, Any]) -> list[str]:
    return ["--reason", args["reason"]] if args.get("reason") else []


CLI_ARGS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "campaign_create": lambda a: [
        "campaign",
        "create",
        a["name"],
        *(["--detector-version", a["detector_version"]] if a.get("detector_version") else []),
    ],
    "campaign_close": lambda a: ["campaign", "close", a["name"]],
    "clone": lambda a: ["task", "clone", *a["task_names"], "--into", a["campaign"]],
    "priority": lambda a: ["task", "priority", a["task"], str(a["priority"]), *_reason(a)],
    "withdraw": lambda a: ["task", "withdraw", a["task"], *_reason(a)],
    "reinstate": lambda a: ["task", "reinstate", a["task"]],
    "tag_create": lambda a: ["tag", "create", a["tag_type"], "--pwg", a["pwg"], *_params(a)],
    "tag_edit": lambda a: ["tag", "edit", a["label"], *_params(a)],
    "tag_lock": lambda a: ["tag", "lock", a["label"]],
}
MCP_CALLS: dict[str, Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]] = {
    "campaign_create": lambda a: ("pcs_campaign_create", a),
    "campaign_close": lambda a: ("pcs_campaign_close", a),
    "clone": lambda a: ("pcs_prodtask_clone", a),
    "priority": lambda a: (
        "pcs_prodtask_priority",
        {"task_name": a["task"], "priority": a["priority"], "reason": a.get("reason")},
    ),
    "withdraw": lambda a: (
        "pcs_prodtask_withdraw",
        {"task_name": a["task"], "reason": a.get("reason")},
    ),
    "reinstate": lambda a: ("pcs_prodtask_reinstate", {"task_name": a["task"]}),
    "tag_create": lambda a: ("pcs_tag_create", a),
    "tag_edit": lambda a: (
        "pcs_tag_edit",
        {"tag_label": a["label"], "parameters": a.get("parameters")},
    ),
    "tag_lock": lambda a: ("pcs_tag_lock", {"tag_label": a["label"]}),
}


def _pairs(args: dict[str, Any]) -> list[str]:
    return [f"{k}={v}" for k, v in (args.get("parameters") or {}).items()]


REST_CALLS: dict[str, Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]] = {
    "campaign_create": lambda a: (f"{API}/campaigns/", a),
    "campaign_close": lambda a: (f"{API}/campaigns/{a['name']}/close/", {}),
    "clone": lambda a: (
        f"{API}/campaigns/{a['campaign']}/clone/",
        {"task_names": a["task_names"]},
    ),
    "priority": lambda a: (
        f"{API}/prod-tasks/{a['task']}/priority/",
        {"priority": str(a["priority"]), "reason": a.get("reason")},
    ),
    "withdraw": lambda a: (f"{API}/prod-tasks/{a['task']}/withdraw/", {"reason": a.get("reason")}),
    "reinstate": lambda a: (f"{API}/prod-tasks/{a['task']}/reinstate/", {}),
    "tag_create": lambda a: (
        f"{API}/tags/",
        {"tag_type": a["tag_type"], "pwg": a["pwg"], "parameters": _pairs(a)},
    ),
    "tag_edit": lambda a: (f"{API}/tags/{a['label']}/edit/", {"parameters": _pairs(a)}),
    "tag_lock": lambda a: (f"{API}/tags/{a['label']}/lock/", {}),
}


@dataclass
class Surface:
    name: str
    root: Path
    rest: Rest | None = None
    env: dict[str, str] | None = None

    def run(self, op: str, actor: str, **args: Any) -> Outcome:
        return getattr(self, f"_{self.name}")(op, actor, args)

    def _cli(self, op: str, actor: str, args: dict[str, Any]) -> Outcome:
        argv = ["--repo", str(self.root), "--actor", actor, *CLI_ARGS[op](args), "--json"]
        env = {"GITHUB_TOKEN": "", "PCS_GITHUB_TOKEN": "", **(self.env or {})}
        result = CliRunner().invoke(cli, argv, env=env)
        if result.exit_code == 0:
            return Outcome(True, json.loads(result.stdout), "")
        return Outcome(False, None, result.stderr.strip().removeprefix("Error: "))

    def _mcp(self, op: str, actor: str, args: dict[str, Any]) -> Outcome:
        tool, arguments = MCP_CALLS[op](args)
        result = call(self.root, tool, {**arguments, "created_by": actor}, **(self.env or {}))
        return Outcome(not result.is_error, result.data, result.text if result.is_error else "")

    def _rest(self, op: str, actor: str, args: dict[str, Any]) -> Outcome:
        assert self.rest is not None
        path, body = REST_CALLS[op](args)
        body = {k: v for k, v in body.items() if v is not None}
        answer = self.rest.post(path, body, token=f"tok-{actor}")
        if answer.status < 300:
            return Outcome(True, answer.body, "")
        return Outcome(False, answer.body, answer.message)


@contextmanager
def surface(name: str, root: Path, logins: tuple[str, ...]) -> Iterator[Surface]:
    """The surface ``name`` over ``root``; for REST a server whose tokens ``tok-<login>``
    belong to ``logins``."""
    if name != "rest":
        yield Surface(name, root)
        return
    with FakeGitHub() as fake:
        fake.tokens = {f"tok-{login}": login for login in logins}
        with rest_server(root, {"GITHUB_API_URL": fake.url}) as rest:
            yield Surface(name, root, rest)
