"""The composition root: builds real adapters from Settings. Nothing is built at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pcs_gitops.adapters.clock import SystemClock
from pcs_gitops.adapters.git import GitRepository
from pcs_gitops.adapters.schema_validator import SchemaValidator
from pcs_gitops.adapters.site_files import FileWriter, PageRenderer, SiteFiles
from pcs_gitops.adapters.worktree_publisher import WorkingTreePublisher
from pcs_gitops.adapters.yaml_store import DryRunStore, YamlStateStore
from pcs_gitops.config import PANDA_CLIENT_VARIABLES, Settings, on_github_hosted_runner
from pcs_gitops.domain.state import State
from pcs_gitops.errors import UsageError
from pcs_gitops.services.panda_port import PandaPort
from pcs_gitops.services.ports import Clock, IdentityResolver, Publisher
from pcs_gitops.services.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from pcs_gitops.adapters.branch_publisher import BranchPublisher
    from pcs_gitops.adapters.jekyll import SitePreview
    from pcs_gitops.adapters.page_preview import RenderedPages
    from pcs_gitops.adapters.request_branch import GitBranchWorkspace
    from pcs_gitops.domain.issue_form import IssueForm
    from pcs_gitops.services.github.context import Pipeline
    from pcs_gitops.services.github_port import GitHubPort
    from pcs_gitops.services.reporting import ReportFrames


def path_probe(path: str) -> bool | None:
    """Readable, unreadable, or None when the path's tree is not mounted on this machine or
    this is a GitHub-hosted runner. Readiness asks only about paths under the data roots."""
    if on_github_hosted_runner():
        return None
    top = "/" + path.strip("/").split("/", 1)[0]
    if not os.path.isdir(top):
        return None
    return os.access(path, os.R_OK)


def _page_renderer(cache_dir: Path | None = None) -> PageRenderer:
    """The site's page renderer; with ``cache_dir``, units unchanged since the last render
    are skipped (the render cache there). Imported when a render runs, so that commands which
    write nothing (task list, get, ...) do not pay for importing jinja2 and pandas."""

    def render_pages(state: State, writer: FileWriter) -> set[str]:
        from pcs_gitops.adapters.rendering import render_site

        return render_site(state, writer, cache_dir=cache_dir)

    return render_pages


PUBLISH_MODES = ("local", "github")


@dataclass
class Services:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    commit: bool = False
    _local: WorkingTreePublisher | None = None
    _publisher: Publisher | None = None

    @property
    def root(self) -> Path:
        return self.settings.repo_root

    @property
    def cache_dir(self) -> Path:
        """Local caches of this checkout (parsed records, render state); never committed."""
        return self.root / ".pcs"

    def store(self) -> YamlStateStore:
        return YamlStateStore(self.root, self.cache_dir)

    def schemas(self) -> SchemaValidator:
        return SchemaValidator(self.root / "schemas")

    def derived(self) -> SiteFiles:
        return SiteFiles(self.root, _page_renderer(self.cache_dir), self.cache_dir)

    def uow(self) -> UnitOfWork:
        vcs = GitRepository(self.root) if self.commit else None
        return UnitOfWork(
            self.store(), self.schemas(), self.derived(), self.clock, vcs, probe=path_probe
        )

    def dry_uow(self) -> UnitOfWork:
        """A unit of work whose commit validates everything and writes nothing."""
        store = DryRunStore(self.store())
        return UnitOfWork(store, self.schemas(), None, self.clock, probe=path_probe)

    def local_publisher(self) -> WorkingTreePublisher:
        """Writes land in the working tree (one publisher per Services: calls are serialised)."""
        if self._local is None:
            self._local = WorkingTreePublisher(self.uow, self.dry_uow)
        return self._local

    def check_publish_mode(self) -> str:
        """The configured publishing mode; an unknown one is refused."""
        mode = self.settings.publish_mode
        if mode not in PUBLISH_MODES:
            raise UsageError(
                f"PCS_PUBLISH (or PCS_MCP_MODE) '{mode}' is unknown; choose from "
                + ", ".join(PUBLISH_MODES)
            )
        return mode

    def publisher(self, github: GitHubPort | None = None) -> Publisher:
        """The publishing port chosen by configuration (``PCS_PUBLISH``): the working tree, or a
        branch with its one pull request (local refs and the outbox when no token is set)."""
        mode = self.check_publish_mode()
        if self._publisher is None:
            if mode == "local":
                self._publisher = self.local_publisher()
            else:
                offline = not self.settings.github_token
                self._publisher = self.branch_publisher(offline=offline, github=github)
        return self._publisher

    def panda_submitter(self) -> PandaPort:
        """The real PanDA client (imported lazily, on the first call), configured from the
        settings' PanDA variables only."""
        from pcs_gitops.adapters.panda import PandaClient

        panda = self.settings.panda
        client_env = {name: panda.client_env.get(name) for name in PANDA_CLIENT_VARIABLES}
        return PandaClient(client_env, timeout_seconds=panda.timeout_seconds)

    def identity_resolver(self) -> IdentityResolver:
        """Who holds a GitHub token (``GET {GITHUB_API_URL}/user``, cached): REST writes."""
        from pcs_gitops.adapters.github_identity import GitHubIdentity

        return GitHubIdentity(self.settings.github_api_url)

    def report_frames(self) -> ReportFrames:
        """The pandas adapter of 'pcs report' (imported on use)."""
        from pcs_gitops.adapters import report_frames

        return report_frames

    def pages(self) -> RenderedPages:
        """Request pages rendered as the site publishes them, for previews."""
        from pcs_gitops.adapters.page_preview import RenderedPages

        return RenderedPages()

    def site_preview(self) -> SitePreview:
        """Jekyll build and the local HTTP server of 'pcs site preview' (imported on use)."""
        from pcs_gitops.adapters.jekyll import SitePreview

        return SitePreview()

    # -- the dataset-request pipeline (pcs gh handle) ----------------------------------------
    def uow_at(self, root: Path) -> UnitOfWork:
        """A unit of work over another checkout (a request branch's temporary worktree)."""
        return UnitOfWork(
            YamlStateStore(root, self.cache_dir),
            SchemaValidator(root / "schemas"),
            SiteFiles(root, _page_renderer(self.cache_dir)),
            self.clock,
            probe=path_probe,
        )

    def verify_at(self, root: Path) -> list[str]:
        """The problems 'pcs validate' and 'pcs render --check' find in a checkout."""
        from pcs_gitops.services import checks, publishing

        store = YamlStateStore(root, self.cache_dir)
        report = checks.validate_repository(store, SchemaValidator(root / "schemas"))
        if not report.ok:
            return [str(p) for p in report.problems]
        drift = publishing.render(
            store, SiteFiles(root, _page_renderer(self.cache_dir)), check=True
        )
        stale = drift.derived_written + drift.derived_deleted
        return [f"{p}: derived file is stale; run 'pcs render'" for p in stale]

    def issue_form(self, template: Path | None = None) -> IssueForm:
        """The dataset request form (default: .github/ISSUE_TEMPLATE/dataset_request.yml)."""
        from pcs_gitops.domain.issue_form import IssueForm
        from pcs_gitops.domain.request_form import FORM_ALIASES
        from pcs_gitops.errors import UsageError

        path = template or self.root / ".github" / "ISSUE_TEMPLATE" / "dataset_request.yml"
        if not path.is_file():
            raise UsageError(f"no issue form at {path}; pass --template or add the form")
        return IssueForm.from_template(self.store().load_file(path), aliases=FORM_ALIASES)

    def trusted_state(self) -> State:
        """Settings and roles of the checked-out default branch (not the whole state)."""
        from pcs_gitops.domain.settings import CatalogSettings, Roles
        from pcs_gitops.domain.state import ROLES_FILE, SETTINGS_FILE

        state = State()
        for relpath in (SETTINGS_FILE, ROLES_FILE):
            path = self.root / relpath
            data = self.store().load_file(path) if path.is_file() else None
            if isinstance(data, Mapping) and relpath == SETTINGS_FILE:
                state.settings = CatalogSettings.from_dict(data)
            elif isinstance(data, Mapping):
                state.roles = Roles.from_dict(data)
        return state

    def github_port(
        self, *, offline: bool, dry_run: bool = False, **client_options: Any
    ) -> GitHubPort:
        """PyGithub online; the ``.pcs/outbox.jsonl`` outbox offline (a scratch copy in a dry
        run). ``client_options`` go to ``PyGithubClient`` (tests turn throttling off)."""
        if offline:
            import shutil
            import tempfile

            from pcs_gitops.adapters.github_outbox import OutboxGitHub

            outbox = self.root / ".pcs" / "outbox.jsonl"
            if dry_run:
                scratch = Path(tempfile.mkdtemp(prefix="pcs-outbox-")) / "outbox.jsonl"
                if outbox.is_file():
                    shutil.copyfile(outbox, scratch)
                outbox = scratch
            return OutboxGitHub(outbox, bot=self.settings.github_bot_login or "pcs-bot")
        from pcs_gitops.adapters.github_api import PyGithubClient

        settings = self.settings
        return PyGithubClient(
            settings.github_token or "",
            self._github_repository(),
            settings.github_api_url,
            dry_run=dry_run,
            bot_login=settings.github_bot_login,
            **{"debug": settings.debug, **client_options},
        )

    def _github_repository(self) -> str:
        repository = self.settings.github_repository
        if not repository:
            repository = self.trusted_state().settings.repository
        return repository

    def request_pipeline(
        self,
        *,
        offline: bool,
        dry_run: bool = False,
        remote_url: str | None = None,
        default_branch: str | None = None,
        **client_options: Any,
    ) -> Pipeline:
        """The request pipeline of ``pcs gh handle``, wired to git and GitHub (or the outbox);
        ``default_branch`` comes from the event (the repository's), else the settings."""
        from pcs_gitops.adapters.branch_publisher import BranchPublisher
        from pcs_gitops.services.github.context import Pipeline

        settings = self.settings
        repository = self._github_repository()
        base = default_branch or settings.default_branch
        github = self.github_port(offline=offline, dry_run=dry_run, **client_options)
        workspace = self._branch_workspace(offline, dry_run, remote_url, repository)
        publisher = BranchPublisher(
            github=github,
            workspace=workspace,
            uow_at=self.uow_at,
            verify=self.verify_at,
            local=self.local_publisher(),
            probe=path_probe,
            repository=repository,
            server_url=settings.github_server_url,
            default_branch=base,
        )
        return Pipeline(
            github=github,
            publisher=publisher,
            workspace=workspace,
            clock=self.clock,
            form=self.issue_form(),
            trusted_state=self.trusted_state,
            probe=path_probe,
            repository=repository,
            server_url=settings.github_server_url,
            default_branch=base,
        )

    def _branch_workspace(
        self, offline: bool, dry_run: bool, remote_url: str | None, repository: str
    ) -> GitBranchWorkspace:
        """Branches of this repository: local refs offline, the GitHub remote online."""
        from pcs_gitops.adapters.request_branch import (
            ACTIONS_IDENTITY,
            GitBranchWorkspace,
            remote_url_for,
        )

        if offline:
            return GitBranchWorkspace(self.root, publish=not dry_run)
        settings = self.settings
        return GitBranchWorkspace(
            self.root,
            remote_url=remote_url or remote_url_for(settings.github_server_url, repository),
            token=settings.github_token,
            publish=not dry_run,
            identity=ACTIONS_IDENTITY,
        )

    def branch_publisher(
        self,
        *,
        offline: bool,
        github: GitHubPort | None = None,
        remote_url: str | None = None,
        dry_run: bool = False,
        **client_options: Any,
    ) -> BranchPublisher:
        """Writes land on a branch of their own with one pull request (the GitHub pipeline,
        MCP and REST in github mode): local refs and the outbox offline."""
        from pcs_gitops.adapters.branch_publisher import BranchPublisher

        repository = self._github_repository()
        port = github or self.github_port(offline=offline, dry_run=dry_run, **client_options)
        return BranchPublisher(
            github=port,
            workspace=self._branch_workspace(offline, dry_run, remote_url, repository),
            uow_at=self.uow_at,
            verify=self.verify_at,
            local=self.local_publisher(),
            probe=path_probe,
            repository=repository,
            server_url=self.settings.github_server_url,
            default_branch=self.settings.default_branch,
        )


def build(settings: Settings, *, clock: Clock | None = None, commit: bool = False) -> Services:
    return Services(settings=settings, clock=clock or SystemClock(), commit=commit)


def init_repository(directory: Path, repository: str | None = None) -> list[str]:
    """Create a new managed repository: schemas/, state/ with sentinels, docs/ skeleton."""
    from importlib import resources

    from pcs_gitops.adapters.schema_validator import packaged_schemas
    from pcs_gitops.adapters.yaml_store import write_atomic
    from pcs_gitops.errors import UsageError
    from pcs_gitops.services.setup import initial_state
    from pcs_gitops.services.unit_of_work import sync_derived

    root = directory.resolve()
    if (root / "state").exists() and any((root / "state").iterdir()):
        raise UsageError(f"{directory} already holds a state/ directory; refusing to overwrite it")
    written: list[str] = []
    for name, text in packaged_schemas().items():
        write_atomic(root / "schemas" / name, text)
        written.append(f"schemas/{name}")
    site = resources.files("pcs_gitops") / "resources" / "site"

    def copy_tree(node: object, rel: str) -> None:
        from importlib.abc import Traversable

        assert isinstance(node, Traversable)
        for child in node.iterdir():
            target = f"{rel}/{child.name}"
            if child.is_dir():
                copy_tree(child, target)
            elif not child.name.endswith((".pyc",)):
                write_atomic(root / target, child.read_bytes())
                written.append(target)

    if site.is_dir():
        copy_tree(site, "docs")
    gitignore = root / ".gitignore"
    if not gitignore.exists():
        # .pcs/ holds the render cache: local, rebuilt on demand, never committed.
        write_atomic(gitignore, ".pcs/\ndocs/_site/\n")
        written.append(".gitignore")
    clock = SystemClock()
    state = initial_state(clock.now(), repository)
    store = YamlStateStore(root)
    for relpath in sorted(state.dirty):
        data = state.record_dict(relpath)
        if data is not None:
            store.write(relpath, data)
            written.append(relpath)
    state.dirty.clear()
    derived = sync_derived(SiteFiles(root, _page_renderer(root / ".pcs")), state, check_only=False)
    written.extend(derived.derived_written)
    return sorted(set(written))
