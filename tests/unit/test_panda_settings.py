"""PanDA configuration (config.PandaSettings) and the monitor link (CatalogSettings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcs_gitops.config import PandaSettings, Settings
from pcs_gitops.domain.settings import CatalogSettings
from pcs_gitops.errors import UsageError


def test_only_the_clients_variables_are_passed_and_the_cache_defaults_to_the_server() -> None:
    settings = PandaSettings.from_env(
        {
            "PANDA_URL_SSL": "https://panda.example:25443/server/panda",
            "PANDA_AUTH": "oidc",
            "PANDA_AUTH_VO": "EIC.production",
            "HOME": "/root",
            "PCS_PANDA_TIMEOUT": "30",
        }
    )
    assert settings.client_env == {
        "PANDA_URL_SSL": "https://panda.example:25443/server/panda",
        "PANDACACHE_URL": "https://panda.example:25443/server/panda",
        "PANDA_AUTH": "oidc",
        "PANDA_AUTH_VO": "EIC.production",
    }
    assert (settings.timeout_seconds, settings.lookup_grace_seconds) == (30.0, 1800.0)


@pytest.mark.parametrize("value", ["soon", "-1"])
def test_a_bad_timeout_is_refused_with_its_name(value: str) -> None:
    with pytest.raises(UsageError, match=f"PCS_PANDA_TIMEOUT='{value}' must be a number"):
        Settings.from_env(Path("."), {"PCS_PANDA_TIMEOUT": value})


def test_the_monitor_link_needs_a_web_template() -> None:
    template = "https://pandamon01.sdcc.bnl.gov/task/{jedi_task_id}/"
    settings = CatalogSettings(panda_monitor_url=template)
    assert settings.panda_monitor_link(42) == "https://pandamon01.sdcc.bnl.gov/task/42/"
    assert settings.panda_monitor_link(None) is None
    assert CatalogSettings().panda_monitor_link(42) is None
    hostile = CatalogSettings(panda_monitor_url="javascript:alert({jedi_task_id})")
    assert hostile.panda_monitor_link(42) is None
    assert CatalogSettings.from_dict(settings.to_dict()) == settings
    assert "panda_monitor_url" not in CatalogSettings().to_dict()
