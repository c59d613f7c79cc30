"""Forms: from what a browser posts to a validated model, or to a message per field.

A page's form is checked by the same pydantic model as the API's body (``NeedIn`` for a
need), so the rules are one; the messages come from the same texts as the API's problems
(:func:`api.errors.validation_problems`), in the reader's language. A catalog rule broken
further on (:class:`catalog.store.InvalidRecord`) gives messages per field too
(:func:`record_errors`). Each field keeps what the person typed (:class:`FormState`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from api.errors import validation_problems
from api.i18n import Language
from catalog.store import InvalidRecord

__all__ = ["FormDep", "FormState", "read_form", "record_errors", "validate"]

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass
class FormState:
    """What a form shows: the values as typed, the choices ticked, an error per field."""

    values: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, form: Any, fields: Iterable[str], multiple: Iterable[str] = ()) -> FormState:
        """The values of ``fields`` (stripped) and the lists of ``multiple`` in ``form``."""
        values = {}
        for name in fields:
            value = form.get(name)
            values[name] = value.strip()[:1000] if isinstance(value, str) else ""
        choices = {name: [v for v in form.getlist(name) if isinstance(v, str)][:50]
                   for name in multiple}
        return cls(values=values, choices=choices)

    def add(self, errors: Mapping[str, str]) -> None:
        for name, message in errors.items():
            self.errors.setdefault(name, message)


def _base_field(name: str, renamed: Mapping[str, str]) -> str:
    base = name.split("[", 1)[0].split(".", 1)[0]
    return renamed.get(base, base)


def validate(model: type[ModelT], data: Mapping[str, Any], language: Language, *,
             renamed: Mapping[str, str] | None = None) -> tuple[ModelT | None, dict[str, str]]:
    """``data`` as ``model``, or ``None`` and a message per field (the first for each; a list
    item's problem is its list's). ``renamed`` maps a model field to the form field shown."""
    try:
        return model.model_validate(dict(data)), {}
    except ValidationError as invalid:
        errors: dict[str, str] = {}
        for problem in validation_problems(invalid.errors(), language):
            errors.setdefault(_base_field(problem.field, renamed or {}), problem.message)
        return None, errors


def record_errors(error: InvalidRecord, language: Language, *,
                  renamed: Mapping[str, str] | None = None,
                  fields: Sequence[str] = ()) -> dict[str, str]:
    """A catalog rule's problems as a message per form field; a problem of a field the form
    does not have goes to the first of ``fields``."""
    errors: dict[str, str] = {}
    for problem in error.problems:
        name = _base_field(problem.field, renamed or {})
        if fields and name not in fields:
            name = fields[0]
        errors.setdefault(name, problem.reason.render(language))
    return errors


async def read_form(request: Request) -> FormData:
    """The posted form (urlencoded or multipart), read on the event loop so that the route
    itself can be a plain ``def`` running in the thread pool."""
    return await request.form()


#: The posted form, for a page's POST route.
FormDep = Annotated[FormData, Depends(read_form)]
