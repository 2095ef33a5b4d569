"""`POST /api/check` for scripts, answered before Flask when everything it needs is at hand.

A bulk client checking thousands of positions with an API token spends most of
each request in Flask's request machinery (contexts, session, routing), not in
the check. This WSGI middleware answers such a request directly when it is
plain: a bearer token this process has already verified at the current
accounts version, a JSON body that validates, no query string and no cookies
(so the language is the default and nothing is remembered). It runs the same
request pipeline as Flask (planner.web.pipeline: change counters, the token's
account, every `before` hook, then the `after` hooks on the response headers)
and answers with the same function (planner.web.answers.check_answer) and
JSON encoder as the Flask view. A hook that refuses the request, or a position
the registry's region refuses (planner.rules.region), is answered here, as the
API answers errors. Anything else — an unknown token, bad input,
`?lang=` — goes to Flask, which answers exactly as before (and then knows the
token for next time).
"""

from __future__ import annotations

import io
import json

from flask import Flask
from sqlalchemy import Connection

from planner.errors import PlannerError
from planner.sites.cache import cached_sites
from planner.sites.district import cached_region
from planner.web.answers import CheckQuestion, api_error, check_answer
from planner.web.context import engine_of, pipeline_of
from planner.web.pipeline import Asking
from planner.web.preferences import builtin_profile

__all__ = ["CheckFastPath"]

_PATH = "/api/check"
_MAX_BODY = 64 * 1024
_LANG = "zh"  # no ?lang= and no cookie: the default language


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
        with engine_of(self.app).connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            return self._respond(environ, conn, question, profile)

    def _respond(self, environ, conn: Connection, question: CheckQuestion, profile):
        pipeline = pipeline_of(self.app)
        token = environ["HTTP_AUTHORIZATION"][7:].strip()
        asking = Asking("POST", _PATH, environ.get("REMOTE_ADDR", ""), token, lambda: conn)
        if pipeline.known(asking, token) is None:
            return None  # Flask looks the token up (and remembers it), or refuses it
        try:
            pipeline.enter(asking)
            registry_version = asking.versions[0]
            sites = cached_sites(engine_of(self.app), profile, version=registry_version, wait=False)
            region = cached_region(engine_of(self.app), profile, version=registry_version)
            response = self.app.json.response(
                check_answer(question, profile, db=conn, sites=sites, region=region, lang=_LANG))
        except PlannerError as exc:  # a hook or the region refused: answered here, so no hook runs twice
            payload, status = api_error(exc, _LANG)
            response = self.app.json.response(payload)
            response.status_code = status
        pipeline.leave(asking, response.headers)
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
