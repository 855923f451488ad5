"""The composition root: builds real adapters from Settings. Nothing is built at import time."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pcs_gitops.adapters.clock import SystemClock
from pcs_gitops.adapters.git import GitRepository
from pcs_gitops.adapters.worktree_publisher import WorkingTreePublisher
from pcs_gitops.adapters.yaml_store import DryRunStore, TextStore, YamlStateStore
from pcs_gitops.config import PANDA_CLIENT_VARIABLES, Settings, on_github_hosted_runner
from pcs_gitops.domain.state import State
from pcs_gitops.errors import UsageError
from pcs_gitops.services.panda_port import PandaPort
from pcs_gitops.services.ports import (
    Clock,
    IdentityResolver,
    Progress,
    Publisher,
    StateStore,
    VersionControl,
    no_progress,
)
from pcs_gitops.services.unit_of_work import UnitOfWork

LOG = logging.getLogger(__name__)

if TYPE_CHECKING:
    from pcs_gitops.adapters.branch_publisher import BranchPublisher
    from pcs_gitops.adapters.commit_records import GitRecordHistory
    from pcs_gitops.adapters.commit_state import GitRebuilder
    from pcs_gitops.adapters.input_files import LocalInputFiles
    from pcs_gitops.adapters.jekyll import SitePreview
    from pcs_gitops.adapters.page_preview import RenderedPages
    from pcs_gitops.adapters.request_branch import GitBranchWorkspace
    from pcs_gitops.adapters.schema_validator import SchemaValidator
    from pcs_gitops.adapters.site_files import FileWriter, PageRenderer, SiteFiles
    from pcs_gitops.domain.issue_form import IssueForm
    from pcs_gitops.domain.rules import Problem
    from pcs_gitops.services.checks import Base
    from pcs_gitops.services.github.context import Pipeline
    from pcs_gitops.services.github_port import GitHubPort
    from pcs_gitops.services.reporting import ReportFrames
    from pcs_gitops.services.repository_init import InitReport
    from pcs_gitops.services.scaffold import ScaffoldOptions


def path_probe(path: str) -> bool | None:
    """Readable, unreadable, or None when the path's tree is not mounted on this machine or
    this is a GitHub-hosted runner. Readiness asks only about paths under the data roots."""
    if on_github_hosted_runner():
        return None
    top = "/" + path.strip("/").split("/", 1)[0]
    if not os.path.isdir(top):
        return None
    return os.access(path, os.R_OK)


def _schemas_at(root: Path) -> SchemaValidator:
    """The JSON Schemas of a checkout (jsonschema is imported when first needed)."""
    from pcs_gitops.adapters.schema_validator import SchemaValidator

    return SchemaValidator(root / "schemas")


def _site_at(root: Path, cache_dir: Path | None = None, *, own_cache: bool = True) -> SiteFiles:
    """The derived files of a checkout (their writer is imported when first needed); with
    ``cache_dir``, the render cache there, and with ``own_cache`` (``cache_dir`` is this
    checkout's) the listing of its generated directories too."""
    from pcs_gitops.adapters.site_files import SiteFiles

    return SiteFiles(root, _page_renderer(cache_dir), cache_dir if own_cache else None)


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
    progress: Progress = no_progress  # the CLI shows a bar on a terminal

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
        return _schemas_at(self.root)

    def derived(self) -> SiteFiles:
        return _site_at(self.root, self.cache_dir)

    def base_records(self, ref: str | None = None, root: Path | None = None) -> Base | None:
        """The tags of commit ``ref`` (default: the commit the checked-out state descends
        from) that ``pcs validate`` keeps locked tags equal to; None without such a commit."""
        from pcs_gitops.services.checks import Base

        repository = GitRepository(root or self.root)
        found = ref or repository.parent_of_worktree("state")
        if found is None:
            return None
        return Base(ref or found[:12], TextStore(repository.files_at(found, "state/tags")))

    def derived_changed_since_base(self) -> tuple[str, set[str]] | None:
        """The base commit (as ``pcs validate`` finds it) and the derived files this change
        touched since; None outside git or without such a commit."""
        repository = GitRepository(self.root)
        found = repository.parent_of_worktree("docs")
        if found is None:
            return None
        return found[:12], repository.changed_since(found, "docs")

    def uow(self) -> UnitOfWork:
        vcs = GitRepository(self.root) if self.commit else None
        return UnitOfWork(
            self.store(),
            self.schemas(),
            self.derived(),
            self.clock,
            vcs,
            probe=path_probe,
            progress=self.progress,
        )

    def dry_uow(self) -> UnitOfWork:
        """A unit of work whose commit validates everything and writes nothing."""
        store = DryRunStore(self.store())
        return UnitOfWork(store, self.schemas(), None, self.clock, probe=path_probe)

    def local_publisher(self) -> WorkingTreePublisher:
        """Writes land in the working tree (one publisher per Services: calls are serialised)."""
        if self._local is None:
            self._local = WorkingTreePublisher(
                self.uow, self.dry_uow, lambda: self.trusted_state().roles
            )
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

    def record_history(self) -> GitRecordHistory:
        """The records of past commits of this repository ('pcs check-change')."""
        from pcs_gitops.adapters.commit_records import GitRecordHistory

        return GitRecordHistory(self.root)

    def input_files(self) -> LocalInputFiles:
        """Counts an input's files under the data roots ('pcs dataset count-files')."""
        from pcs_gitops.adapters.input_files import LocalInputFiles

        return LocalInputFiles()

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
    def uow_at(
        self, root: Path, vcs: VersionControl | None = None, derived: bool = True
    ) -> UnitOfWork:
        """A unit of work over another checkout (a branch's temporary worktree); without
        ``derived`` its commits write records only (every branch but the default one)."""
        return UnitOfWork(
            YamlStateStore(root, self.cache_dir),
            _schemas_at(root),
            _site_at(root, self.cache_dir, own_cache=False) if derived else None,
            self.clock,
            vcs,
            probe=path_probe,
        )

    def verify_at(self, root: Path, derived: bool = True) -> list[str]:
        """The problems 'pcs validate' and (with ``derived``) 'pcs render --check' find in a
        checkout."""
        from pcs_gitops.services import checks, publishing

        store = YamlStateStore(root, self.cache_dir)
        base = self.base_records(root=root)
        report = checks.validate_repository(store, _schemas_at(root), base=base)
        if not report.ok or not derived:
            return [str(p) for p in report.problems]
        drift = publishing.render(
            store, _site_at(root, self.cache_dir, own_cache=False), check=True
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

    def physics_form(self) -> IssueForm | None:
        """The "Physics configuration" form of the checkout (None: the repository has none)."""
        from pcs_gitops.domain.issue_form import IssueForm
        from pcs_gitops.domain.physics_config_form import FORM_NAME

        path = self.root / ".github" / "ISSUE_TEMPLATE" / FORM_NAME
        if not path.is_file():
            return None
        return IssueForm.from_template(self.store().load_file(path))

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
            LOG.info("GitHub offline: calls go to %s%s", outbox, " (dry run)" if dry_run else "")
            if dry_run:
                scratch = Path(tempfile.mkdtemp(prefix="pcs-outbox-")) / "outbox.jsonl"
                if outbox.is_file():
                    shutil.copyfile(outbox, scratch)
                outbox = scratch
            return OutboxGitHub(outbox, bot=self.settings.github_bot_login or "pcs-bot")
        from pcs_gitops.adapters.github_api import PyGithubClient

        settings = self.settings
        LOG.info("GitHub online: %s via %s", self._github_repository(), settings.github_api_url)
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
            rebuilder=self._rebuilder(workspace),
        )
        return Pipeline(
            github=github,
            publisher=publisher,
            workspace=workspace,
            clock=self.clock,
            form=self.issue_form(),
            physics_form=self.physics_form,
            trusted_state=self.trusted_state,
            probe=path_probe,
            repository=repository,
            server_url=settings.github_server_url,
            default_branch=base,
            validate_base=self.base_problems,
            derived_stale=self.derived_stale,
            panda=self.configured_panda,
        )

    def configured_panda(self) -> PandaPort | None:
        """PanDA when this job has its address (``PANDA_URL_SSL``), else None."""
        return self.panda_submitter() if "PANDA_URL_SSL" in self.settings.panda.client_env else None

    def base_problems(self) -> list[Problem]:
        """What 'pcs validate' finds in the checkout (the default branch, in Actions)."""
        from pcs_gitops.services import checks

        return checks.validate_repository(self.store(), self.schemas()).problems

    def derived_stale(self, state: State) -> bool:
        """Whether 'pcs render --check' finds stale derived files in the checkout, whose
        records are ``state``."""
        from pcs_gitops.services.unit_of_work import sync_derived

        drift = sync_derived(self.derived(), state, check_only=True)
        return bool(drift.derived_written or drift.derived_deleted)

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
        workspace = self._branch_workspace(offline, dry_run, remote_url, repository)
        return BranchPublisher(
            github=port,
            workspace=workspace,
            uow_at=self.uow_at,
            verify=self.verify_at,
            local=self.local_publisher(),
            probe=path_probe,
            repository=repository,
            server_url=self.settings.github_server_url,
            default_branch=self.settings.default_branch,
            rebuilder=self._rebuilder(workspace),
        )

    def _rebuilder(self, workspace: GitBranchWorkspace) -> GitRebuilder:
        """Request branches rebuilt on the default branch without a checkout."""
        from pcs_gitops.adapters.commit_state import GitRebuilder

        def uow_over(state: Callable[[], State], store: StateStore) -> UnitOfWork:
            schemas = _schemas_at(self.root)
            return UnitOfWork(store, schemas, None, self.clock, probe=path_probe, preloaded=state)

        return GitRebuilder(
            self.root, workspace.identity, self.cache_dir, uow_over, self.verify_commit
        )

    def verify_commit(self, commit: str) -> list[str]:
        """The problems 'pcs validate' finds in ``commit`` (its parent's locked tags kept),
        read from git's objects."""
        from pcs_gitops.adapters.commit_state import CommitStateStore
        from pcs_gitops.services import checks

        store = CommitStateStore(self.root, commit, self.cache_dir)
        base = self.base_records(ref=f"{commit}^")
        report = checks.validate_repository(store, _schemas_at(self.root), base=base)
        return [str(p) for p in report.problems]


def build(settings: Settings, *, clock: Clock | None = None, commit: bool = False) -> Services:
    return Services(settings=settings, clock=clock or SystemClock(), commit=commit)


def init_repository(
    directory: Path,
    repository: str | None = None,
    *,
    action_ref: str | None = None,
    clock: Clock | None = None,
) -> InitReport:
    """``pcs init``: a complete catalogue repository in ``directory`` (a git repository on
    main with one commit, unless it already was one with commits)."""
    from pcs_gitops.adapters.repository_files import DirectoryTree, packaged_templates
    from pcs_gitops.services.repository_init import Workspace, create_repository

    root = directory.resolve()
    workspace = Workspace(
        tree=DirectoryTree(root),
        store=YamlStateStore(root),
        derived=_site_at(root, root / ".pcs"),
        history=GitRepository(root),
    )
    options = _scaffold_options(repository, action_ref)
    now = (clock or SystemClock()).now()
    return create_repository(workspace, packaged_templates(), options, now, label=str(directory))


def upgrade_repository(
    directory: Path, *, action_ref: str | None = None, dry_run: bool = False
) -> InitReport:
    """``pcs init --upgrade``: refresh the generated files of the catalogue in ``directory``."""
    from pcs_gitops.adapters.repository_files import DirectoryTree, packaged_templates
    from pcs_gitops.services import repository_init

    root = directory.resolve()
    repository = Services(Settings.from_env(root, {})).trusted_state().settings.repository
    options = _scaffold_options(repository or None, action_ref)
    return repository_init.upgrade_repository(
        DirectoryTree(root), packaged_templates(), options, dry_run=dry_run, label=str(directory)
    )


def _scaffold_options(repository: str | None, action_ref: str | None) -> ScaffoldOptions:
    from importlib.metadata import version

    from pcs_gitops.adapters.repository_files import packaged_action_pin
    from pcs_gitops.services.scaffold import ScaffoldOptions, parse_action_ref

    pin = packaged_action_pin()
    if action_ref is not None:
        pin = parse_action_ref(action_ref, pin)
    return ScaffoldOptions(action=pin, pcs_version=version("pcs-gitops"), catalogue=repository)
