"""Errors the user caused and can fix. The app's one error handler turns them into a short
ephemeral reply; anything else becomes an apology with an error id, and a log line."""

from __future__ import annotations


class UserError(Exception):
    """Bad input: says what was wrong and shows a correct example. Nothing has been stored."""

    def __init__(self, problem: str, example: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.example = example

    def reply_text(self) -> str:
        if self.example:
            return f":warning: {self.problem}\nExample: `{self.example}`"
        return f":warning: {self.problem}"


class NotAllowed(UserError):
    """The user may not change this item; the message names who can."""


class FieldErrors(Exception):
    """Modal input that failed validation: block_id -> message, shown inside the modal."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
