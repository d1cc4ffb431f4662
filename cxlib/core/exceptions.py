"""User-facing errors. Every error a consultant can cause derives from :class:`CxError`.

The CLI prints ``str(error)`` and exits with ``error.exit_code``; it never prints a traceback
for a ``CxError``.
"""

from __future__ import annotations

from dataclasses import dataclass


class CxError(Exception):
    """Base class of every error that is the user's to fix; its message says how."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One problem found in a client folder, located as ``file:row: column: message``.

    ``row`` is the spreadsheet row (the header is row 1), or ``None`` for file-level problems.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class ValidationError(CxError):
    """A client folder has one or more problems; ``problems`` lists them all."""

    def __init__(self, client_dir: str, problems: list[Problem]):
        self.client_dir = client_dir
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(
            f"{client_dir}: {len(problems)} problem(s) in the input; fix them and run again:\n{lines}"
        )


class ClientNotFoundError(CxError):
    """The path or slug given on the command line is not a client folder."""


class ParameterError(CxError):
    """The parameters given to a step do not match the notebook's parameters cell."""


class EnvironmentSetupError(CxError):
    """The machine lacks something the workbook needs (such as its Jupyter kernel)."""
