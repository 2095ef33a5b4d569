"""Files the pages hand out: written into a fresh temporary folder, sent, and removed once sent."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import Response, after_this_request, send_file

__all__ = ["send_written"]


def send_written(kind: str, name: str, write: Callable[[Path], Path]) -> Response:
    """`write(folder / name)` into a folder of its own, sent as an attachment; the folder goes once the answer
    has been sent, or at once when writing fails."""
    folder = Path(tempfile.mkdtemp(prefix=f"planner-{kind}-"))
    try:
        path = write(folder / name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise

    @after_this_request
    def _cleanup(response: Response) -> Response:
        response.call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
        return response

    return send_file(path, as_attachment=True, download_name=path.name)
