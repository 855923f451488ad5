"""Pytest fixture for the fake GitHub server.

Use it from a test module with::

    from tests.support.fake_github_fixture import fake_github_server  # noqa: F401

(pytest registers the imported fixture under the name ``fake_github``), or list this module in
``pytest_plugins`` of the root ``conftest.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_github import FakeGitHub


@pytest.fixture(name="fake_github")
def fake_github_server() -> Iterator[FakeGitHub]:
    """A started ``FakeGitHub`` for the repository ``octo-org/pcs-state`` (bot: ``pcs-bot``)."""
    with FakeGitHub() as fake:
        yield fake
