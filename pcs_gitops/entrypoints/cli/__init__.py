"""The ``pcs`` command line: one module per command group, the root group in ``main``."""

from pcs_gitops.entrypoints.cli.main import cli, main

__all__ = ["cli", "main"]
