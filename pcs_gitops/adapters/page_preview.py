"""A request page rendered as ``pcs render`` writes it, without writing it (previews)."""

from __future__ import annotations

from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.state import State


class RenderedPages:
    """``PagePreview`` over the site renderer."""

    def request_page(self, state: State, task: ProdTask) -> dict[str, str]:
        from pcs_gitops.adapters.rendering import request_page, url_name

        base = state.settings.site_url.rstrip("/")
        return {
            "path": f"docs/requests/{task.name}.html",
            "url": f"{base}/requests/{url_name(task.name)}.html",
            "html": request_page(state, task),
        }
