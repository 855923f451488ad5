"""GitHub event payloads and a catalogue repository in git, for the request-pipeline tests."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from pcs_gitops.adapters.yaml_store import dump_yaml
from pcs_gitops.bootstrap import init_repository

ROOT = Path(__file__).resolve().parents[2]
FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "dataset_request.yml"
REPO = "octo-org/pcs-state"
IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}
MANAGER = "boss"
OTHER_MANAGER = "chief"
REQUESTER = "anna"

DEMP_BODY = """### DSC or PWG

Exclusive/Diffractive/Tagging

### Dataset Path

/volatile/eic/EPIC/EVGEN/EXCLUSIVE/DEMP/DEMPgen-1.2.4/10x100/q2_10_20/pi+

### Generator/Dataset Version

https://github.com/JeffersonLab/DEMPgen/releases/tag/v1.2.4

### Number of Events

400k

### Background

No

### New Request

Yes

### Pre-TDR Use

Yes

### Early Science Use

Maybe

### Other Use

No

### Description

DEMP pi+ events at 10x100.

### Priority

2 (Medium)
"""

DIS_BODY = (
    DEMP_BODY.replace("Exclusive/Diffractive/Tagging", "Inclusive")
    .replace(
        "/volatile/eic/EPIC/EVGEN/EXCLUSIVE/DEMP/DEMPgen-1.2.4/10x100/q2_10_20/pi+",
        "/volatile/eic/EPIC/EVGEN/DIS/NC/18x275/minQ2=10",
    )
    .replace(
        "https://github.com/JeffersonLab/DEMPgen/releases/tag/v1.2.4",
        "https://github.com/eic/pythia8/releases/tag/v8.310",
    )
)


def git(root: Path, *args: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), **IDENTITY}
    return subprocess.run(
        ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def make_catalogue_repo(root: Path, repository: str = REPO) -> Path:
    """A managed repository on branch ``main`` with the request form and two managers."""
    init_repository(root, repository)
    shutil.copy(FORM, root / ".github" / "ISSUE_TEMPLATE" / "dataset_request.yml")
    roles = {
        "grants": [
            {"role": "production_manager", "logins": [MANAGER, OTHER_MANAGER], "teams": []},
            {"role": "admin", "logins": [], "teams": []},
        ]
    }
    (root / "state" / "roles.yaml").write_text(dump_yaml(roles), encoding="utf-8")
    (root / ".gitignore").write_text(".pcs/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Catalogue")
    return root


def user(login: str) -> dict[str, Any]:
    return {"login": login, "id": abs(hash(login)) % 100000, "type": "User"}


def issue(
    number: int,
    body: str = DEMP_BODY,
    *,
    author: str = REQUESTER,
    labels: tuple[str, ...] = ("dataset-request",),
    state: str = "open",
) -> dict[str, Any]:
    return {
        "number": number,
        "title": f"[Dataset Request] request {number}",
        "body": body,
        "state": state,
        "user": user(author),
        "labels": [{"name": name} for name in labels],
        "html_url": f"https://github.com/{REPO}/issues/{number}",
        "author_association": "NONE",
    }


def repository() -> dict[str, Any]:
    return {"full_name": REPO, "default_branch": "main", "html_url": f"https://github.com/{REPO}"}


def issue_event(
    action: str, the_issue: dict[str, Any], sender: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "action": action,
        "issue": the_issue,
        "repository": repository(),
        "sender": user(sender or the_issue["user"]["login"]),
        **extra,
    }


def comment_event(
    the_issue: dict[str, Any],
    body: str,
    sender: str,
    *,
    comment_id: int = 5001,
    action: str = "created",
    user_type: str = "User",
) -> dict[str, Any]:
    return {
        "action": action,
        "issue": the_issue,
        "comment": {
            "id": comment_id,
            "body": body,
            "user": {**user(sender), "type": user_type},
            "html_url": f"https://github.com/{REPO}/issues/{the_issue['number']}#c{comment_id}",
        },
        "repository": repository(),
        "sender": user(sender),
    }


def pull_closed_event(
    issue_number: int, pr_number: int, *, merged: bool, merge_sha: str | None = None
) -> dict[str, Any]:
    return {
        "action": "closed",
        "number": pr_number,
        "pull_request": {
            "number": pr_number,
            "title": f"[Dataset Request] #{issue_number}",
            "body": "",
            "state": "closed",
            "merged": merged,
            "merge_commit_sha": merge_sha,
            "html_url": f"https://github.com/{REPO}/pull/{pr_number}",
            "head": {"ref": f"pcs/request-{issue_number}", "repo": {"full_name": REPO}},
            "base": {"ref": "main", "repo": {"full_name": REPO}},
        },
        "repository": repository(),
        "sender": user(MANAGER),
    }


def push_event(after: str, ref: str = "refs/heads/main") -> dict[str, Any]:
    return {
        "ref": ref,
        "before": "0" * 40,
        "after": after,
        "repository": repository(),
        "sender": user(MANAGER),
    }


def write_event(directory: Path, name: str, payload: dict[str, Any]) -> Path:
    path = directory / f"{name}.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


DEMP_PATH = "/volatile/eic/EPIC/EVGEN/EXCLUSIVE/DEMP/DEMPgen-1.2.4/10x100/q2_10_20/pi+"
DEMP_RELEASE = "https://github.com/JeffersonLab/DEMPgen/releases/tag/v1.2.4"


def confirm_input_on_main(root: Path, actor: str = MANAGER) -> None:
    """Record the DEMP request's input dataset on ``main`` with its tags confirmed (by a
    production manager), as a catalogue whose inputs were vetted before the request came: the
    request's task can then be approved without a confirmation on the issue."""
    from click.testing import CliRunner

    from pcs_gitops.entrypoints.cli import cli

    base = ["--repo", str(root), "--actor", actor]
    made = CliRunner().invoke(
        cli,
        [*base, "dataset", "intake", "--source-location", DEMP_PATH, "--release-url", DEMP_RELEASE],
        env={"PCS_PUBLISH": "local", "GITHUB_TOKEN": "", "PCS_GITHUB_TOKEN": ""},
    )
    assert made.exit_code == 0, made.output
    name = made.stdout.split()[1]
    confirmed = CliRunner().invoke(cli, [*base, "dataset", "confirm", name])
    assert confirmed.exit_code == 0, confirmed.output
    git(root, "add", "-A")
    git(root, "commit", "-qm", "A confirmed input")
