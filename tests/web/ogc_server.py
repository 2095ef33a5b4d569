"""The app over a database, served on a free port in a process of its own (`python -m tests.web.ogc_server URL DIR`).

GDAL's readers hold the GIL while they fetch (pyogrio reads features without releasing it), so a server thread in
the test's own process would wait for the very client that waits for it. Prints the port, then one line per
request on stdout."""

from __future__ import annotations

import sys

from werkzeug.serving import make_server

from planner.web import create_app


class _Logged:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        print(environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", ""), flush=True)  # noqa: T201
        return self.app(environ, start_response)


def main(url: str, folder: str) -> None:
    app = create_app({"DATABASE_URL": url, "TESTING": True}, instance_path=folder)
    server = make_server("127.0.0.1", 0, _Logged(app), threaded=True)
    print(server.server_port, flush=True)  # noqa: T201
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
