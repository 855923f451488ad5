"""A request page rendered as ``pcs render`` writes it, without writing it (previews)."""

from __future__ import annotations

from pcs_gitops.domain import site_paths
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.state import State


class RenderedPages:
    """``PagePreview`` over the site renderer."""

    def request_page(self, state: State, task: ProdTask) -> dict[str, str]:
        from pcs_gitops.adapters.rendering import request_page

        return {
            "path": f"{site_paths.DOCS}/{site_paths.request_page_file(task.name)}",
            "url": site_paths.request_page_url(state.settings.site_url, task.name),
            "html": request_page(state, task),
        }
