"""The composition root: builds real adapters from Settings. Nothing is built at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pcs_gitops.adapters.clock import SystemClock
from pcs_gitops.adapters.git import GitRepository
from pcs_gitops.adapters.schema_validator import SchemaValidator
from pcs_gitops.adapters.site_files import PagePlanner, SiteFiles
from pcs_gitops.adapters.yaml_store import YamlStateStore
from pcs_gitops.config import Settings
from pcs_gitops.services.ports import Clock
from pcs_gitops.services.unit_of_work import UnitOfWork


def path_probe(path: str) -> bool | None:
    """Readable, unreadable, or None when the path's tree is not mounted on this machine."""
    top = "/" + path.strip("/").split("/", 1)[0]
    if not os.path.isdir(top):
        return None
    return os.access(path, os.R_OK)


def _page_planner() -> PagePlanner | None:
    try:
        from pcs_gitops.adapters import rendering
    except ImportError:
        return None
    planner: PagePlanner | None = getattr(rendering, "plan_pages", None)
    return planner


@dataclass
class Services:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    commit: bool = False

    @property
    def root(self) -> Path:
        return self.settings.repo_root

    def store(self) -> YamlStateStore:
        return YamlStateStore(self.root)

    def schemas(self) -> SchemaValidator:
        return SchemaValidator(self.root / "schemas")

    def derived(self) -> SiteFiles:
        return SiteFiles(self.root, _page_planner())

    def uow(self) -> UnitOfWork:
        vcs = GitRepository(self.root) if self.commit else None
        return UnitOfWork(self.store(), self.schemas(), self.derived(), self.clock, vcs)


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
    clock = SystemClock()
    state = initial_state(clock.now(), repository)
    store = YamlStateStore(root)
    for relpath in sorted(state.dirty):
        data = state.record_dict(relpath)
        if data is not None:
            store.write(relpath, data)
            written.append(relpath)
    state.dirty.clear()
    derived = sync_derived(SiteFiles(root, _page_planner()), state, check_only=False)
    written.extend(derived.derived_written)
    return sorted(set(written))
