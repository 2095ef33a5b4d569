"""The language a command's summary lines are written in."""

from __future__ import annotations

import click

from planner.config import setting

__all__ = ["message_lang"]


def message_lang() -> str:
    """--lang when given on the command line, else PLANNER_LANG (default zh): a Chinese summary by default."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and "lang" in ctx.params:
        source = ctx.get_parameter_source("lang")
        if source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT"):
            return str(ctx.params["lang"])
    lang = setting("PLANNER_LANG")
    return lang if lang in ("zh", "en") else "zh"
