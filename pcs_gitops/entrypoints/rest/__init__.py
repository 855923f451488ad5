"""The REST surface (``pcs serve``): JSON over HTTP under ``/pcs/api/``, a peer of the CLI, MCP
and the GitHub pipeline over the same service functions.

* ``routes``: the endpoints (thin handlers) and the route table;
* ``fields``: how a body field or query parameter is parsed and documented;
* ``openapi``: the OpenAPI 3.1 document, generated from the table;
* ``app``: Starlette and uvicorn (their only importer): authentication, error mapping, serving.

Nothing here imports an adapter; ``bootstrap`` builds them.
"""
