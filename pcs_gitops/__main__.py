"""``python -m pcs_gitops``: the ``pcs`` command line."""

from pcs_gitops.entrypoints.cli import main

if __name__ == "__main__":
    main()
