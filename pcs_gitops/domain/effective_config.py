"""The one defaults table for every artifact builder, and effective config = config + overrides.

The reference PCS disagrees with itself (vo wlcg/eic/epic, taskType production/prod, memory
2000/4096). We pick: vo ``eic`` (the JEDI builder and PanDA's EIC VO), taskType ``production``
(what JEDI's production path expects), 2000 MB per core (``ramUnit MBPerCore``), and use these
for condor, prun and JEDI alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pcs_gitops.domain.model import ProdConfig

DEFAULTS: dict[str, Any] = {
    "workflow_mode": "external_evgen",
    "detector_version": "26.02.0",
    "detector_config": "epic_craterlake",
    "jug_xl_tag": "",
    "container_image": "",
    "transformation": "https://pandaserver-doma.cern.ch/trf/user/runGen-00-00-02",
    "exec_command": "./run.sh",
    "events_per_job": 1000,
    "files_per_job": 1,
    "cores": 1,
    "memory_mb": 2000,
    "walltime_hours": 2.0,
    "site": "",
    "queue": "",
    "cloud": "EIC",
    "working_group": "EIC",
    "resource_type": "",
    "vo": "eic",
    "prod_source_label": "test",
    "task_type": "production",
    "processing_type": "epicproduction",
    "task_priority": 900,
    "skip_scout": False,
    "output_offset": 1000,
    "copy_reco": True,
    "copy_full": False,
    "copy_log": True,
    "use_rucio": True,
    "rucio_rse": "",
    "log_rse": "",
    "bg_mixing": False,
    "bg_cross_section": "",
    "bg_evtgen_file": "",
}
CONTAINER_ROOT = "/cvmfs/singularity.opensciencegrid.org/eicweb/eic_xl"


def effective_config(config: ProdConfig | None, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults, then the config's settings, then the task's overrides."""
    merged = dict(DEFAULTS)
    if config is not None:
        merged.update(config.settings)
    merged.update(overrides)
    if not merged.get("container_image") and merged.get("jug_xl_tag"):
        merged["container_image"] = f"{CONTAINER_ROOT}:{merged['jug_xl_tag']}"
    return merged
