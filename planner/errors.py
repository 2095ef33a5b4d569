"""The errors planner raises: a message for users in English and Chinese.

Every error knows the exit code of the command line and the HTTP status of
the web application, so neither the CLI nor a view decides that on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ConflictError",
    "InputError",
    "NotFoundError",
    "PlannerError",
    "RowProblem",
    "UsageError",
]


class PlannerError(Exception):
    """Base class: `en` and `zh` are messages safe to show to users."""

    exit_code = 1
    http_status = 500

    def __init__(self, en: str, zh: str | None = None):
        super().__init__(en)
        self.en = en
        self.zh = zh or en

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


class UsageError(PlannerError):
    """Unusable input or arguments: unreadable file, unknown profile or CRS."""

    exit_code = 2
    http_status = 400


class NotFoundError(PlannerError):
    exit_code = 2
    http_status = 404


class ConflictError(PlannerError):
    """The registry changed under the request (e.g. a conflicting approval)."""

    exit_code = 1
    http_status = 409


class SignInError(PlannerError):
    """No valid session or token: sign in first."""

    exit_code = 2
    http_status = 401


class ForbiddenError(PlannerError):
    """Signed in, but the role does not allow this."""

    exit_code = 2
    http_status = 403


class TooManyRequestsError(PlannerError):
    """Refused for now: too many failed sign-ins, or too many at once; try again later."""

    exit_code = 2
    http_status = 429


@dataclass(frozen=True)
class RowProblem:
    """One problem in an input file, located by file, row (as a spreadsheet counts) and column."""

    file: str
    row: int | None
    column: str | None
    en: str
    zh: str

    def text(self, lang: str = "zh") -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}" if lang != "zh" else f"第 {self.row} 行")
        if self.column:
            where.append(f"column {self.column!r}" if lang != "zh" else f"列“{self.column}”")
        sep = ", " if lang != "zh" else "，"
        return sep.join(where) + ": " + (self.zh if lang == "zh" else self.en)


class InputError(UsageError):
    """A file that cannot be loaded as a whole; lists every problem found."""

    MAX_LISTED = 20

    def __init__(self, problems: list[RowProblem]):
        self.problems = list(problems)
        super().__init__(self._summary("en"), self._summary("zh"))

    def _summary(self, lang: str) -> str:
        shown = [p.text(lang) for p in self.problems[: self.MAX_LISTED]]
        rest = len(self.problems) - len(shown)
        if rest > 0:
            shown.append(f"… and {rest} more" if lang != "zh" else f"……另有 {rest} 处")
        if len(self.problems) == 1:
            return shown[0]
        head = (
            f"{len(self.problems)} problems, nothing was loaded:"
            if lang != "zh"
            else f"发现 {len(self.problems)} 处问题，未导入任何数据："
        )
        return head + "\n  " + "\n  ".join(shown)
