"""Drive the PCS MCP server from tests: in memory (``mcp.Client(server)``) or over stdio."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import anyio
from mcp import Client
from mcp.types import CallToolResult, TextContent

from pcs_gitops.adapters.clock import FixedClock
from pcs_gitops.bootstrap import build
from pcs_gitops.config import Settings
from pcs_gitops.entrypoints.mcp_server import create_server

PROJECT = Path(__file__).resolve().parents[2]
FORM = PROJECT / ".github" / "ISSUE_TEMPLATE" / "dataset_request.yml"
NOW = "2026-11-28T12:00:00Z"
T = TypeVar("T")


@dataclass(frozen=True)
class ToolResult:
    """One tool call's outcome, as a test wants to look at it."""

    is_error: bool
    text: str  # the text content (the error message for a refusal)
    data: Any  # the structured content

    @classmethod
    def of(cls, result: CallToolResult) -> ToolResult:
        texts = [c.text for c in result.content if isinstance(c, TextContent)]
        return cls(bool(result.is_error), "\n".join(texts), result.structured_content)


def install_form(root: Path) -> None:
    """Give a managed repository the project's dataset request form."""
    target = root / ".github" / "ISSUE_TEMPLATE" / FORM.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FORM, target)


def in_memory(root: Path, session: Callable[[Client], Awaitable[T]], **env: str) -> T:
    """Run ``session`` against an in-process server for ``root`` (fixed clock, no token)."""
    settings = Settings.from_env(root, env)
    server = create_server(lambda: build(settings, clock=FixedClock(NOW)))

    async def main() -> T:
        async with Client(server) as client:
            return await session(client)

    return anyio.run(main)


def call(root: Path, tool: str, args: Mapping[str, Any] | None = None, **env: str) -> ToolResult:
    """One tool call on a fresh in-memory session."""
    return calls(root, [(tool, args or {})], **env)[0]


def calls(
    root: Path, sequence: Sequence[tuple[str, Mapping[str, Any]]], **env: str
) -> list[ToolResult]:
    """Several tool calls, in order, on one in-memory session."""

    async def session(client: Client) -> list[ToolResult]:
        out = []
        for tool, args in sequence:
            out.append(ToolResult.of(await client.call_tool(tool, dict(args))))
        return out

    return in_memory(root, session, **env)


def stdio_env(**extra: str) -> dict[str, str]:
    """A child environment without any GitHub token (so issues go to the outbox)."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update({"PCS_ACTOR": "stdio-tester", "PYTHONUNBUFFERED": "1", **extra})
    return env


def pcs_command(root: Path) -> tuple[str, list[str]]:
    """``python -m pcs_gitops --repo ROOT mcp`` with this interpreter."""
    return sys.executable, ["-m", "pcs_gitops", "--repo", str(root), "mcp"]


def payload(result: ToolResult) -> Any:
    """The structured content, checked against the JSON text content."""
    assert not result.is_error, result.text
    assert json.loads(result.text) == result.data
    return result.data
