"""The write use cases: one function per operation, shared by every surface.

Each takes the publishing port (``services.ports.Publisher``: the working tree, or a branch with
its one pull request), the acting identity and the operation's arguments; it opens the unit of
work through the port, changes the state with the operations of ``services.tasks`` /
``services.datasets`` / ..., commits with its own message when (and only when) the state
changed, and returns plain data: the same mapping the CLI prints with ``--json``, MCP returns
as the tool result and REST as the response body, with ``commit`` (what was written, null when
nothing changed) and, on a branch, ``published`` {branch, base, commit, pull}.

Adding an operation: a function here, then one thin adapter per surface (a CLI command, an MCP
tool, a REST endpoint, a GitHub comment command where it makes sense).
"""
