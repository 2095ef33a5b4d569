"""Run the app under gunicorn (several processes, threads each) instead of Flask's development server."""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication

__all__ = ["default_workers", "serve"]


def default_workers() -> int:
    return max(2, min(8, (os.cpu_count() or 1) * 2))


class _Server(BaseApplication):
    def __init__(self, app, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def serve(app, *, host: str, port: int, workers: int | None = None, threads: int = 4) -> None:
    """Serve until interrupted. Each worker process opens its own database connections."""
    _Server(app, {"bind": f"{host}:{port}", "workers": workers or default_workers(), "threads": threads,
                  "worker_class": "gthread", "timeout": 300, "accesslog": "-", "errorlog": "-",
                  "limit_request_line": 8190}).run()
