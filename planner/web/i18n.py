"""The interface language of a request: Simplified Chinese by default, English on request."""

from __future__ import annotations

from flask import request

from planner.texts.interface import LANGUAGES


def current_lang() -> str:
    """`?lang=` beats the cookie; default Chinese."""
    lang = request.args.get("lang") or request.cookies.get("lang") or "zh"
    return lang if lang in LANGUAGES else "zh"
