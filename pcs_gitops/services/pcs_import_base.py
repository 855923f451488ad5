"""The report and the state of one import of the reference PCS's export (see
``services.pcs_import``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from pcs_gitops.domain.free_text import text_problem
from pcs_gitops.domain.pcs_export import Export, ExportRecord
from pcs_gitops.domain.state import State
from pcs_gitops.services.ports import Actor

CREATED, UNCHANGED, COLLISION, SKIPPED = "created", "unchanged", "collision", "skipped"
OUTCOMES = (CREATED, UNCHANGED, COLLISION, SKIPPED)
FRESH_REPOSITORY = "import into a fresh repository ('pcs init'), or make the two agree first"


@dataclass
class RecordResult:
    ref: str  # the exported record: "pcs.dataset pk=17"
    identity: str  # what it is (or would be) here: a label, a name
    outcome: str
    message: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def model(self) -> str:
        return self.ref.split(" ", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "record": self.ref,
            "identity": self.identity,
            "outcome": self.outcome,
            "message": self.message,
            "notes": self.notes,
        }


@dataclass
class ImportReport:
    source: str
    results: list[RecordResult] = field(default_factory=list)

    def add(self, result: RecordResult) -> RecordResult:
        self.results.append(result)
        return result

    def counts(self) -> dict[str, dict[str, int]]:
        """Per record type, how many records had each outcome."""
        table: dict[str, Counter[str]] = defaultdict(Counter)
        for result in self.results:
            table[result.model][result.outcome] += 1
        return {m: {o: table[m][o] for o in OUTCOMES} for m in sorted(table)}

    def totals(self) -> dict[str, int]:
        found = Counter(r.outcome for r in self.results)
        return {"records": len(self.results), **{o: found[o] for o in OUTCOMES}}

    def of(self, *outcomes: str) -> list[RecordResult]:
        return [r for r in self.results if r.outcome in outcomes]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "totals": self.totals(),
            "counts": self.counts(),
            "records": [r.to_dict() for r in self.results],
        }


@dataclass
class ImportRun:
    """One import in progress: the state, the export, who imports, and what is known so far."""

    state: State
    export: Export
    actor: Actor
    now: str
    report: ImportReport
    tag_labels: dict[tuple[str, Any], str] = field(default_factory=dict)  # (model, pk) -> label
    config_names: dict[Any, str] = field(default_factory=dict)  # pk -> name here
    campaign_names: dict[Any, str] = field(default_factory=dict)  # pk -> family here
    dataset_dids: dict[Any, str] = field(default_factory=dict)  # pk -> DID here
    export_dids: dict[str, str] = field(default_factory=dict)  # exported DID -> DID here

    def result(self, rec: ExportRecord, identity: str, outcome: str, message: str = "") -> Any:
        return self.report.add(RecordResult(rec.ref, identity, outcome, message))

    def text_refusal(self, rec: ExportRecord, identity: str, *fields: str) -> bool:
        """Record a skip when a free-text field holds what no write path accepts."""
        for name in fields:
            problem = text_problem(rec.text(name))
            if problem is not None:
                self.result(rec, identity, SKIPPED, f"its {name}: {problem} (in the reference)")
                return True
        return False
