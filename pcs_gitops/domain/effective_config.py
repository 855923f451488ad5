"""The one defaults table for every artifact builder, and effective config = config + overrides.

The reference PCS disagrees with itself (vo wlcg/eic/epic, taskType production/prod, memory
2000/4096). We pick: vo ``eic`` (the JEDI builder and PanDA's EIC VO), taskType ``prod`` (JEDI's
production type: with vo and prodSourceLabel it selects the task refiner), 2000 MB per core
(``ramUnit MBPerCore``), and use these for condor, prun and JEDI alike.

Artifact choices (``pcs_gitops.domain.artifacts`` reads them from here, nowhere else):

- ``ARTIFACT_DEFAULTS`` holds the values that are not production config fields: the condor
  script and its fixed arguments, the proxy path exported when ``use_rucio``, the background
  env defaults (``SIGNAL_FREQ``/``SIGNAL_STATUS`` default ``0``), the JEDI ``ramUnit``, the
  ``userName`` used when a task has no ``created_by``, and the LFN extensions.
- ``memory_mb`` is per core (``ramUnit MBPerCore``); ``walltime_hours`` becomes JEDI
  ``walltime`` in seconds and the condor script's hours argument.
- Event count: the ``events_per_task`` setting/override wins; otherwise the catalogue's
  "Number of Events" (400k, 2.75M); ``All``/empty/free text leave ``nEvents`` out. The job
  count is ``n_jobs`` when set, else ceil(events / events_per_job) when both are known.
- Produced datasets live in the Rucio scope ``output_scope`` (``group.EIC``; the inputs' scope,
  ``default_scope`` of the catalogue settings, is ``group.EIC.evgen``).
- ``detector_version``/``detector_config`` come from the effective config (the execution
  template), not from the input dataset; JEDI ``campaign`` is the detector version.
- Background env comes from the input's k tag, per key, falling back to its evgen tag; and
  ``TAG_PREFIX`` gets ``tryN`` appended (``/``-joined) from attempt 2 on, with or without
  background mixing.
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
    "task_type": "prod",
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
    "output_scope": "group.EIC",
    "bg_mixing": False,
    "bg_cross_section": "",
    "bg_evtgen_file": "",
}
CONTAINER_ROOT = "/cvmfs/singularity.opensciencegrid.org/eicweb/eic_xl"

# Artifact-level defaults that are not production config fields (see the module docstring).
ARTIFACT_DEFAULTS: dict[str, str] = {
    "condor_script": "scripts/submit_csv.sh",
    "condor_backend": "osg_csv",
    "condor_input_format": "hepmc3",
    "condor_csv_placeholder": "<csv_file>",
    "x509_user_proxy": "secrets/x509_user_proxy",
    "signal_freq": "0",
    "signal_status": "0",
    "ram_unit": "MBPerCore",
    "user_name": "pcs",
    "output_extension": "edm4eic.root",
    "full_extension": "edm4hep.root",
    "log_extension": "log.tgz",
}


def effective_config(config: ProdConfig | None, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults, then the config's settings, then the task's overrides."""
    merged = dict(DEFAULTS)
    if config is not None:
        merged.update(config.settings)
    merged.update(overrides)
    if not merged.get("container_image") and merged.get("jug_xl_tag"):
        merged["container_image"] = f"{CONTAINER_ROOT}:{merged['jug_xl_tag']}"
    return merged
