"""Text no database can hold is refused at the door, before any view sees it.

PostgreSQL refuses a NUL character in text, and a lone UTF-16 surrogate (a
JSON body may spell one as "\\ud800") cannot be encoded for either backend:
either one reaching a query used to be an internal error (500). A request
carrying one in its path, query, form fields or JSON body is a 400 instead,
the same on both backends. A JSON body nested too deeply to parse is a 400 too.
"""

from __future__ import annotations

import re

from flask import Flask, request

from planner.errors import UsageError

__all__ = ["init_app", "unusable_text"]

_UNUSABLE = re.compile("[\x00\ud800-\udfff]")


def unusable_text(value) -> bool:
    """True when `value` is text holding a NUL character or a lone surrogate."""
    return isinstance(value, str) and _UNUSABLE.search(value) is not None


def _refused() -> UsageError:
    return UsageError("the request contains a NUL character or an invalid character code: remove it and retry",
                      "请求中含有空字符（NUL）或无效的字符编码：请删除后重试")


def _json_texts(body):
    """Every key and string in a parsed JSON body (iteratively: no recursion limit to hit)."""
    pending = [body]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            yield from value.keys()
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            yield value


def _check_request() -> None:
    texts = [request.path]
    texts += [text for key, value in request.args.items(multi=True) for text in (key, value)]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        texts += [text for key, value in request.form.items(multi=True) for text in (key, value)]
        if request.is_json:
            try:
                body = request.get_json(silent=True)
            except RecursionError:
                raise UsageError("the JSON body is nested too deeply", "JSON 请求体嵌套层数过多") from None
            texts = [*texts, *_json_texts(body)]
    if any(unusable_text(text) for text in texts):
        raise _refused()


def init_app(app: Flask) -> None:
    """Check every request before its view (call after registering planner.web.auth, so a request that
    is not signed in is turned away before its body is read)."""
    app.before_request(_check_request)
