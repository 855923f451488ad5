"""The whole managed state in memory, where each record lives on disk, and change tracking."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pcs_gitops.domain.campaigns import Campaign
from pcs_gitops.domain.model import Dataset, ProdConfig, ProdTask, Tag, TagKind
from pcs_gitops.domain.settings import PHYSICS_CATEGORIES, CatalogSettings, PhysicsCategory, Roles

STATE_DIR = "state"
SETTINGS_FILE = f"{STATE_DIR}/catalog.yaml"
ROLES_FILE = f"{STATE_DIR}/roles.yaml"
CATEGORIES_FILE = f"{STATE_DIR}/physics_categories.yaml"


class RecordKind(StrEnum):
    SETTINGS = "catalog"
    ROLES = "roles"
    CATEGORIES = "physics_categories"
    TAG = "tag"
    DATASET = "dataset"
    PROD_CONFIG = "prod_config"
    PROD_TASK = "prod_task"
    CAMPAIGN = "campaign"


RECORD_DIRS: dict[RecordKind, str] = {
    RecordKind.DATASET: f"{STATE_DIR}/datasets",
    RecordKind.PROD_CONFIG: f"{STATE_DIR}/prod_configs",
    RecordKind.PROD_TASK: f"{STATE_DIR}/prod_tasks",
    RecordKind.CAMPAIGN: f"{STATE_DIR}/campaigns",
}
SINGLETON_FILES: dict[RecordKind, str] = {
    RecordKind.SETTINGS: SETTINGS_FILE,
    RecordKind.ROLES: ROLES_FILE,
    RecordKind.CATEGORIES: CATEGORIES_FILE,
}


def tag_path(kind: TagKind, label: str) -> str:
    return f"{STATE_DIR}/tags/{kind.value}/{label}.yaml"


def record_path(kind: RecordKind, key: str) -> str:
    return f"{RECORD_DIRS[kind]}/{key}.yaml"


def kind_of_path(relpath: str) -> tuple[RecordKind, TagKind | None] | None:
    """Which record kind a file under ``state/`` holds, from its location; None if unknown."""
    for kind, path in SINGLETON_FILES.items():
        if relpath == path:
            return kind, None
    parts = relpath.split("/")
    if len(parts) == 4 and parts[1] == "tags" and parts[3].endswith(".yaml"):
        try:
            return RecordKind.TAG, TagKind(parts[2])
        except ValueError:
            return None
    for kind, directory in RECORD_DIRS.items():
        if relpath.startswith(directory + "/") and relpath.count("/") == 2:
            return kind, None
    return None


@dataclass
class State:
    """Every record, keyed by identity, plus the set of files a unit of work must write."""

    settings: CatalogSettings = field(default_factory=CatalogSettings)
    roles: Roles = field(default_factory=Roles)
    categories: tuple[PhysicsCategory, ...] = PHYSICS_CATEGORIES
    tags: dict[str, Tag] = field(default_factory=dict)
    datasets: dict[str, Dataset] = field(default_factory=dict)
    prod_configs: dict[str, ProdConfig] = field(default_factory=dict)
    tasks: dict[str, ProdTask] = field(default_factory=dict)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)
    _by_did: dict[str, str] | None = field(default=None, repr=False, compare=False)
    _by_source: dict[tuple[str, str], str] | None = field(default=None, repr=False, compare=False)
    _by_key: dict[tuple[str, ...], str] | None = field(default=None, repr=False, compare=False)
    _by_output: dict[str, str] | None = field(default=None, repr=False, compare=False)
    # Scratch index for tag matching, owned by services.tags; dropped when a tag is replaced.
    tag_cache: dict[object, object] | None = field(default=None, repr=False, compare=False)

    # -- indexes (built on first use, kept current by the put methods) ---------------------
    def dataset_for_did(self, did: str) -> Dataset | None:
        if self._by_did is None:
            self._by_did = {d.did: n for n, d in self.datasets.items()}
        name = self._by_did.get(did)
        return self.datasets.get(name) if name is not None else None

    def dataset_for_source(self, kind: str, location: str) -> Dataset | None:
        if self._by_source is None:
            self._by_source = {
                (d.source.kind.value, d.source.location): n for n, d in self.datasets.items()
            }
        name = self._by_source.get((kind, location))
        return self.datasets.get(name) if name is not None else None

    def task_for_key(self, key: tuple[str, ...]) -> ProdTask | None:
        if self._by_key is None:
            self._by_key = {}
            for task_name, task in self.tasks.items():
                found = task.public_catalog.intake_key()
                if found is not None:
                    self._by_key.setdefault(found, task_name)
        name = self._by_key.get(key)
        return self.tasks.get(name) if name is not None else None

    def task_for_output(self, did: str) -> ProdTask | None:
        """The task that lists ``did`` among its outputs (the first, if several do)."""
        if self._by_output is None:
            self._by_output = {}
            for task_name, task in self.tasks.items():
                for output in task.output_datasets:
                    self._by_output.setdefault(output, task_name)
        name = self._by_output.get(did)
        return self.tasks.get(name) if name is not None else None

    # -- writes (each marks the record's file dirty) ---------------------------------------
    def put_tag(self, tag: Tag) -> None:
        if tag.label in self.tags:
            self.tag_cache = None
        self.tags[tag.label] = tag
        self.dirty.add(tag_path(tag.kind, tag.label))

    def put_dataset(self, dataset: Dataset) -> None:
        old = self.datasets.get(dataset.name)
        if old is not None:
            self._by_did = self._by_source = None
        self.datasets[dataset.name] = dataset
        if self._by_did is not None:
            self._by_did[dataset.did] = dataset.name
        if self._by_source is not None:
            self._by_source[(dataset.source.kind.value, dataset.source.location)] = dataset.name
        self.dirty.add(record_path(RecordKind.DATASET, dataset.name))

    def remove_dataset(self, name: str) -> None:
        """Forget a dataset record (e.g. renamed: its tags changed); its file is deleted when
        the unit of work commits."""
        if self.datasets.pop(name, None) is not None:
            self._by_did = self._by_source = None
            self.dirty.add(record_path(RecordKind.DATASET, name))

    def put_prod_config(self, config: ProdConfig) -> None:
        self.prod_configs[config.name] = config
        self.dirty.add(record_path(RecordKind.PROD_CONFIG, config.name))

    def put_task(self, task: ProdTask) -> None:
        old = self.tasks.get(task.name)
        if old is not None and old.public_catalog != task.public_catalog:
            self._by_key = None
        self.tasks[task.name] = task
        if self._by_output is not None:
            self._index_outputs(old, task)
        key = task.public_catalog.intake_key()
        if self._by_key is not None and key is not None:
            self._by_key.setdefault(key, task.name)
        self.dirty.add(record_path(RecordKind.PROD_TASK, task.name))

    def _index_outputs(self, old: ProdTask | None, task: ProdTask) -> None:
        index = self._by_output
        assert index is not None
        for did in old.output_datasets if old is not None else ():
            if index.get(did) == task.name:
                del index[did]
        for did in task.output_datasets:
            index.setdefault(did, task.name)

    def put_campaign(self, campaign: Campaign) -> None:
        self.campaigns[campaign.name] = campaign
        self.dirty.add(record_path(RecordKind.CAMPAIGN, campaign.name))

    def put_settings(self, settings: CatalogSettings) -> None:
        self.settings = settings
        self.dirty.add(SETTINGS_FILE)

    def mark_all_dirty(self) -> None:
        self.dirty.update(SINGLETON_FILES.values())
        for tag in self.tags.values():
            self.dirty.add(tag_path(tag.kind, tag.label))
        for name in self.datasets:
            self.dirty.add(record_path(RecordKind.DATASET, name))
        for name in self.prod_configs:
            self.dirty.add(record_path(RecordKind.PROD_CONFIG, name))
        for name in self.tasks:
            self.dirty.add(record_path(RecordKind.PROD_TASK, name))
        for name in self.campaigns:
            self.dirty.add(record_path(RecordKind.CAMPAIGN, name))

    def copy(self) -> State:
        """An independent State over the same records (they are immutable): what one changes,
        the other does not see. Nothing is dirty in the copy."""
        return State(
            settings=self.settings,
            roles=self.roles,
            categories=self.categories,
            tags=dict(self.tags),
            datasets=dict(self.datasets),
            prod_configs=dict(self.prod_configs),
            tasks=dict(self.tasks),
            campaigns=dict(self.campaigns),
        )

    def forget(self, relpath: str) -> None:
        """Drop the record stored at ``relpath`` (its file is gone), without marking it dirty."""
        found = kind_of_path(relpath)
        if found is None or relpath in SINGLETON_FILES.values():
            return
        key = relpath.rsplit("/", 1)[-1].removesuffix(".yaml")
        groups: dict[RecordKind, dict[str, Any]] = {
            RecordKind.TAG: self.tags,
            RecordKind.DATASET: self.datasets,
            RecordKind.PROD_CONFIG: self.prod_configs,
            RecordKind.PROD_TASK: self.tasks,
            RecordKind.CAMPAIGN: self.campaigns,
        }
        group = groups[found[0]]
        group.pop(key, None)
        self.reindex()

    def reindex(self) -> None:
        """Drop the lookup indexes (rebuilt on first use) after records changed in place."""
        self._by_did = self._by_source = self._by_key = self._by_output = None
        self.tag_cache = None

    # -- reads ------------------------------------------------------------------------------
    def tags_of(self, kind: TagKind) -> Iterator[Tag]:
        return (t for t in self.tags.values() if t.kind is kind)

    def inputs_of(self, task: ProdTask) -> list[Dataset]:
        found = (self.dataset_for_did(did) for did in task.input_datasets)
        return [d for d in found if d is not None]

    def record_dict(self, relpath: str) -> dict[str, object] | None:
        """The mapping form of the record stored at ``relpath`` (None when it was removed)."""
        found = kind_of_path(relpath)
        if found is None:
            return None
        kind, _ = found
        key = relpath.rsplit("/", 1)[-1].removesuffix(".yaml")
        if kind is RecordKind.SETTINGS:
            return self.settings.to_dict()
        if kind is RecordKind.ROLES:
            return self.roles.to_dict()
        if kind is RecordKind.CATEGORIES:
            return {"categories": [c.to_dict() for c in self.categories]}
        if kind is RecordKind.TAG:
            tag = self.tags.get(key)
            return tag.to_dict() if tag else None
        if kind is RecordKind.DATASET:
            dataset = self.datasets.get(key)
            return dataset.to_dict() if dataset else None
        if kind is RecordKind.PROD_CONFIG:
            config = self.prod_configs.get(key)
            return config.to_dict() if config else None
        if kind is RecordKind.CAMPAIGN:
            campaign = self.campaigns.get(key)
            return campaign.to_dict() if campaign else None
        task = self.tasks.get(key)
        return task.to_dict() if task else None
