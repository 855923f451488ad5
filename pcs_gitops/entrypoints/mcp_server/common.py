"""What the MCP tools share: the server's context, identity, refusals, argument types."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Annotated, Any, ParamSpec, TypeVar, cast

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from pcs_gitops import bootstrap
from pcs_gitops.errors import PcsError, Refused, UsageError
from pcs_gitops.services.github_port import GitHubPort
from pcs_gitops.services.ports import Actor, Publisher

SURFACE = "mcp"
DEFAULT_IDENTITY = "mcp"

P = ParamSpec("P")
R = TypeVar("R")


def default_github_port(services: bootstrap.Services) -> GitHubPort:
    """The GitHub REST client when a token is configured, else the offline outbox."""
    return services.github_port(offline=not services.settings.github_token)


GitHubFactory = Callable[[bootstrap.Services], GitHubPort]


@dataclass
class AppContext:
    """What the tools share while the server runs (built by the lifespan)."""

    services: bootstrap.Services
    github_factory: GitHubFactory = default_github_port
    _github: GitHubPort | None = None
    _login: str | None = None

    def github(self) -> GitHubPort:
        if self._github is None:
            self._github = self.github_factory(self.services)
        return self._github

    def login(self, token: str) -> str:
        if self._login is None:
            self._login = self.services.identity_resolver().login_for(token)
        return self._login

    def publisher(self) -> Publisher:
        on_github = self.services.settings.publish_mode == "github"
        return self.services.publisher(github=self.github() if on_github else None)


def app_of(ctx: Context[AppContext, Any]) -> AppContext:
    app = ctx.request_context.lifespan_context
    if not isinstance(app, AppContext):  # pragma: no cover - a wiring bug
        raise PcsError("internal error: the MCP server was started without its lifespan")
    return app


def actor_of(ctx: Context[AppContext, Any], created_by: str | None) -> Actor:
    """Who acts. With a GitHub token the server acts as the token's login (``created_by`` may
    only repeat it); without one it serves a local user, trusted to name themselves."""
    given = (created_by or "").strip()
    if len(given) > 200 or any(ch.isspace() and ch != " " for ch in given):
        raise UsageError("created_by must be a short single-line identity (a login or a name)")
    app = app_of(ctx)
    token = app.services.settings.github_token
    if not token:
        return Actor(given or DEFAULT_IDENTITY, SURFACE, trusted=True)
    login = app.login(token)
    if given and given != DEFAULT_IDENTITY and given.casefold() != login.casefold():
        raise Refused(
            f"created_by '{given}' is not the server's GitHub identity '{login}': with a token "
            "the server acts as its login; leave created_by out"
        )
    return Actor(login, SURFACE, teams=app.github())


def refusal(exc: PcsError) -> CallToolResult:
    """The isError result of a refused call: the CLI's message, verbatim."""
    message = str(exc)
    return CallToolResult(
        content=[TextContent(type="text", text=message)],
        structured_content={
            "error": type(exc).__name__,
            "message": message,
            "exit_code": exc.exit_code,
        },
        is_error=True,
    )


def refusals(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn a PcsError raised by the tool into an isError result carrying its message."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except PcsError as exc:
            return cast(R, refusal(exc))

    return wrapper


def arguments_of(tool: Callable[..., Any]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Give a tool the arguments (and so the input schema) of another tool."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        fn.__signature__ = inspect.signature(tool, eval_str=True)  # type: ignore[attr-defined]
        fn.__annotations__ = dict(tool.__annotations__)
        return fn

    return decorate


def as_text(value: object) -> str | None:
    """A documented name, number or text as the services take it (5 and "5" are one key)."""
    return None if value is None else str(value)


Ctx = Context[AppContext, Any]
Identity = Annotated[
    str,
    Field(description="Who acts; recorded in the history of every record changed (surface mcp)."),
]
Limit = Annotated[int, Field(description="Page size.")]
Offset = Annotated[int, Field(description="Rows to skip (paging).")]
TaskName = Annotated[
    str | int,
    Field(description="Task name (or its issue number, or an unambiguous name prefix)."),
]
IssueNumber = Annotated[
    int | str | None,
    Field(description='GitHub issue number of the request (5, "5" and "#5" are one key).'),
]
CatalogValue = Annotated[str | int | float | None, Field(description="Catalogue column value.")]
RowDescription = Annotated[str | None, Field(description="The catalogue row's Description.")]
Tag = Annotated[str | None, Field(description="Tag label; inferred or defaulted when omitted.")]
Opt = Annotated[str | None, Field(description="See the pcs CLI option of the same name.")]


READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITE_IDEMPOTENT = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)
WRITE_APPEND = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)
OPEN_ISSUE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True
)
