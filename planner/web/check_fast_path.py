"""`POST /api/check` for scripts, answered before Flask when everything it needs is at hand.

A bulk client checking thousands of positions with an API token spends most of
each request in Flask's request machinery (contexts, session, routing, hooks),
not in the check. This WSGI middleware answers such a request directly when it
is plain: a bearer token this process has already verified at the current
accounts version, a JSON body that validates, no query string and no cookies
(so the language is the default and nothing is remembered), and the registry's
sites in memory at the current version. It reads the change counters (one tiny
query, as every request does) and answers with the very function and JSON the
Flask view uses. Anything else — an unknown token, bad input, `?lang=`, the
sites being re-read after a change — goes to Flask, which answers exactly as
before (and then knows the token for next time).
"""

from __future__ import annotations

import io
import json

from flask import Flask

from planner.check.site import check_site
from planner.errors import PlannerError
from planner.registry.changes import change_counters, versions
from planner.sites.cache import cached_sites
from planner.web.context import engine_of
from planner.web.api import CheckQuestion
from planner.web.auth import known_accounts, token_key
from planner.web.headers import security_headers
from planner.web.preferences import builtin_profile

__all__ = ["CheckFastPath"]

_PATH = "/api/check"
_MAX_BODY = 64 * 1024


class CheckFastPath:
    """Wraps a Flask app's `wsgi_app`."""

    def __init__(self, app: Flask):
        self.app, self.flask_wsgi = app, app.wsgi_app

    def __call__(self, environ, start_response):
        if (environ.get("PATH_INFO") == _PATH and environ.get("REQUEST_METHOD") == "POST"
                and not environ.get("QUERY_STRING") and "HTTP_COOKIE" not in environ
                and environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
                and environ.get("CONTENT_TYPE", "").split(";")[0].strip() == "application/json"):
            body = _body(environ)
            if body is not None:
                answer = self._answer(environ, body)
                if answer is not None:
                    return answer(environ, start_response)
        return self.flask_wsgi(environ, start_response)

    def _answer(self, environ, body: bytes):
        """The Flask view's response for a plain request, else None."""
        try:
            question = CheckQuestion.from_body(json.loads(body))
            profile = builtin_profile(question.profile, app=self.app)
        except (ValueError, RecursionError, PlannerError):  # not JSON, or not valid: Flask says why
            return None
        engine = engine_of(self.app)
        with engine.connect() as conn:
            registry, accounts = versions(change_counters(conn.execution_options(isolation_level="AUTOCOMMIT")))
        token = environ["HTTP_AUTHORIZATION"][7:].strip()
        if known_accounts(self.app).get((accounts,) + token_key(token)) is None:
            return None
        sites = cached_sites(engine, profile, version=registry, wait=False)
        if sites is None:
            return None
        verdict = check_site(None, profile, question.lon, question.lat, code=question.code, sites=sites)
        response = self.app.json.response(verdict.as_dict())
        response.headers.update(security_headers())  # what Flask's after-request hook adds to its answer
        return response


def _body(environ) -> bytes | None:
    """The whole body when it is small and complete, else None; what was read stays readable."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        return None
    if not 0 <= length <= _MAX_BODY:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)  # for Flask, when it answers after all
    return body if len(body) == length else None
