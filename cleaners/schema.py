"""Declared schemas of the project's TOML files (pydantic models), and their errors in the project's words.

A model declares the keys and value types; `first_problem` turns pydantic's first error into what the
user reads: the dotted key it concerns and one sentence (never pydantic's own wording, which names
Python types). Each file's module gives its own sentences per key (`Messages`) and how its keys are
spelt (`KeyPath`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr, ValidationError, model_validator

# key (a field name, or "field[]" for an element of a list field) -> error type (or "*" for any) -> message,
# which may name the offending value as {value!r}
Messages = Mapping[str, Mapping[str, str]]
# (pydantic's error location, the error's type) -> the dotted key the user reads
KeyPath = Callable[[tuple, str], str]


class Schema(BaseModel):
    """Unknown keys are errors; no value is converted to another type ("2" is not a number), and a key set to
    None is a key left out (TOML has no null; Python callers write None for "not given")."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _none_is_absent(cls, data: Any) -> Any:
        return {k: v for k, v in data.items() if v is not None} if isinstance(data, dict) else data


class Invalid(ValueError):
    """A value a validator refuses, in the project's words; `key` names the offending key when the validator
    checks a whole table (until, checked against since)."""

    def __init__(self, message: str, key: str | None = None):
        self.key = key
        super().__init__(message)


def regular_expression(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise Invalid(f"not a regular expression: {value!r} ({exc})") from None
    return value


Text = Annotated[StrictStr, Field(pattern=r"\S")]  # a string with something in it
Pattern = Annotated[StrictStr, AfterValidator(regular_expression)]

# Messages for error types whatever the key.
GENERIC = {
    "missing": "is required",
    "list_type": "expected a list, got {type}",
    "string_type": "expected a non-empty str, got {value!r}",
    "string_pattern_mismatch": "expected a non-empty str, got {value!r}",
    "int_type": "expected a whole number, got {value!r}",
    "bool_type": "true or false, got {value!r}",
    "model_type": "expected a table, got {value!r}",
}


def first_problem(error: ValidationError, messages: Messages, models: Mapping[str, type[BaseModel]],
                  key_path: KeyPath | None = None) -> tuple[str, str]:
    """(dotted key, message) of the error the user should fix first: an unknown key, else pydantic's first.

    `models` maps a table's key ("" for the top) to its model, for the list of known keys."""
    problems = error.errors()
    problem = next((p for p in problems if p["type"] == "extra_forbidden"), problems[0])
    loc, kind = tuple(problem["loc"]), problem["type"]
    key = (key_path or dotted)(loc, kind)
    if kind == "extra_forbidden":
        table = next((part for part in reversed(loc[:-1]) if isinstance(part, str)), "")
        known = ", ".join(sorted(models[table].model_fields))
        return key, f"unknown key (known keys: {known})"
    cause = (problem.get("ctx") or {}).get("error")
    if isinstance(cause, Invalid):
        return (f"{key}.{cause.key}" if key and cause.key else cause.key or key), str(cause)
    value = problem.get("input")
    template = _template(loc, kind, messages)
    return key, template.format(value=value, type=type(value).__name__)


def _template(loc: tuple, kind: str, messages: Messages) -> str:
    names = [part for part in loc if isinstance(part, str)]
    field = names[-1] if names else ""
    if loc and isinstance(loc[-1], int):
        field += "[]"  # an element of the list
    by_kind = messages.get(field, {})
    return by_kind.get(kind) or by_kind.get("*") or GENERIC.get(kind) or "not a valid value: {value!r}"


def dotted(loc: tuple, kind: str) -> str:
    """("a", "b", 0) -> "a.b": a problem in a list's element is the list's."""
    return ".".join(part for part in loc if isinstance(part, str))
