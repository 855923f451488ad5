"""ONE pull request per branch."""

from __future__ import annotations

from pcs_gitops.errors import GitHubError
from pcs_gitops.services.github_port import GitHubPort, PullInfo


def ensure_pull(
    github: GitHubPort,
    branch: str,
    base: str,
    title: str,
    body: str,
    *,
    created: bool,
    known: PullInfo | None = None,
    reopen: bool,
) -> tuple[PullInfo, str]:
    """ONE pull request per branch: create it, or bring its title and body up to date.

    ``created``: the branch was just created (a PR may still exist when a previous run died
    after creating it). ``reopen``: new commits arrived, so a closed (or merged) PR of the branch
    is reopened (or replaced). Returns the pull request and what was done to it: created,
    reopened, updated or unchanged.
    """
    pull: PullInfo | None
    if created:
        try:
            pull = github.create_pull(title=title, body=body, head=branch, base=base)
        except GitHubError:
            pull = github.find_pull(branch)
            if pull is None or pull.state != "open":
                raise
        else:
            return pull, "created"
    else:
        pull = known or github.find_pull(branch)
    if pull is None or (pull.merged and reopen):
        return github.create_pull(title=title, body=body, head=branch, base=base), "created"
    action = "unchanged"
    if pull.state != "open" and not pull.merged and reopen:
        try:
            pull = github.update_pull(pull.number, title=title, body=body, state="open")
            action = "reopened"
        except GitHubError:
            pull = github.create_pull(title=title, body=body, head=branch, base=base)
            action = "created"
    elif pull.state == "open" and (pull.title != title or pull.body != body):
        pull = github.update_pull(pull.number, title=title, body=body)
        action = "updated"
    return pull, action
