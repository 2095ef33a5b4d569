"""JSON request bodies of the change API, checked against the OpenAPI document's own schemas.

Each body is defined once, in planner.web.openapi: the document clients read is the
rule the server applies, so a field of the wrong type, an unknown field or a
value out of range is a 400 naming the field, never a server error further in.
"""

from __future__ import annotations

import re
from functools import cache

from flask import request
from jsonschema import Draft202012Validator

from planner.errors import UsageError
from planner.web.openapi import openapi_document

__all__ = ["checked_body"]

_SHOWN_CHARS = 200  # of a bad value echoed in the message


@cache
def _validators() -> dict[tuple[str, str], Draft202012Validator]:
    """One validator per (Flask rule, method) of every operation with a JSON body."""
    found = {}
    for path, operations in openapi_document()["paths"].items():
        rule = re.sub(r"\{([^}]+)\}", r"<\1>", path)
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                found[(rule, method.upper())] = Draft202012Validator(body["schema"])
    return found


def checked_body() -> dict:
    """The request's JSON object, valid by its operation's schema; else a UsageError naming the field."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise UsageError("send a JSON object", "请发送 JSON 对象")
    validator = _validators()[(request.url_rule.rule, request.method)]
    errors = sorted(validator.iter_errors(body), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if errors:
        first = errors[0]
        where = "/".join(map(str, first.absolute_path)) or "body"
        message = first.message if len(first.message) <= _SHOWN_CHARS else first.message[:_SHOWN_CHARS] + "…"
        raise UsageError(f"{where}: {message}", f"字段 {where} 不符合接口文档：{message}")
    return body
