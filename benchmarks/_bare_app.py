"""The bare endpoint of benchmarks/portal_throughput.py: the portal's server stack doing nothing.

One Starlette route at the portal's integration path that reads the body, parses it with orjson
and answers `{"error_code":0}`, served by uvicorn in one process with the settings of
`mock_portal.server.serve()` (uvloop, httptools, warning log level, no access log). Whatever the
portal achieves below this endpoint's throughput is the portal's own work: checks, journal,
storage.

    .venv/bin/python benchmarks/_bare_app.py --port 18081 [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PATH = "/api/dvcqg/integration"
_ANSWER = b'{"error_code":0}'


async def integration(request: Request) -> Response:
    orjson.loads(await request.body())
    return Response(_ANSWER, media_type="application/json")


def create_app() -> Starlette:
    app = Starlette(routes=[Route(PATH, integration, methods=["POST"])])
    app.router.redirect_slashes = False
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # Keep in step with mock_portal.server.serve() (one worker: no `workers`).
    uvicorn.run(
        create_app(),
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )


if __name__ == "__main__":
    main()
