"""The value types the API's bodies are made of, and reading a request body into a model.

One annotated type per kind of value says at once how it is read (cleaned, limited,
parsed), how it is written out, and how the OpenAPI document describes it:

- ``OneLine`` and ``Paragraphs``: typed text, cleaned by advisor.text (``clean_line`` for
  one line, ``clean_text`` for paragraphs), each field at most the characters its
  ``Field(max_length=...)`` gives (``maxLength``);
  null reads as "" as it always has.
- ``Day``: a date written ``YYYY-MM-DD`` (read only from text, never from a number).
- ``Timestamp``: a datetime written as Python's ``isoformat()`` (offset kept as
  ``+00:00``, not pydantic's ``Z``).
- ``Money``: a Decimal written with two places, ``"12000.00"``.
- ``Whole``: a whole number, never a bool or a numeric string.
- ``NumberOrText``: points, as a number or a decimal string.

``read(model, data)`` validates and turns pydantic's errors into the API's own error
(advisor.errors.ValidationError, 422): each field named by its place joined with "-"
(``findings-1-problem``, as the services name them) and given a translated message,
never pydantic's English. A model says what each place's message is in ``problems``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, TypeVar

from flask_babel import lazy_gettext as _l
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    StrictInt,
    WithJsonSchema,
)
from pydantic import ValidationError as PydanticError
from pydantic_core import PydanticCustomError

from advisor.errors import ValidationError
from advisor.text import clean_line, clean_text


@dataclass(frozen=True, slots=True)
class Problem:
    """What a refused place of a body reports: its message, and optionally the request's
    message and another field name to report it under."""

    message: Any
    summary: Any = None
    field: str | None = None


def _text_or_empty(value: Any) -> Any:
    return "" if value is None else value


def _cleaned_line(value: Any) -> Any:
    value = _text_or_empty(value)
    return clean_line(value) if isinstance(value, str) else value


def _cleaned_text(value: Any) -> Any:
    value = _text_or_empty(value)
    return clean_text(value) if isinstance(value, str) else value


# One line of text (cleaned with ``clean_line``) and paragraphs (``clean_text``); each
# field gives its limit as ``Field(max_length=...)``, counted after cleaning.
OneLine = Annotated[str, BeforeValidator(_cleaned_line), Field(strict=True)]
Paragraphs = Annotated[str, BeforeValidator(_cleaned_text), Field(strict=True)]


def _iso_day(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "not a date")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise PydanticCustomError("date_parsing", "not a date") from error


Day = Annotated[date, BeforeValidator(_iso_day)]
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda value: value.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$", "examples": ["12000.00"]}
    ),
]
Whole = StrictInt
Flag = StrictBool


def _number_or_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise PydanticCustomError("number_or_text", "not a number or text")


# Points as a number or a decimal string ("12.5"), as the evaluation reads them; one
# check, so that a refusal names the field alone (a union would name each member).
NumberOrText = Annotated[
    Any,
    PlainValidator(_number_or_text),
    WithJsonSchema({"type": ["string", "number", "null"], "examples": ["12.5"]}),
]


def one_of(values: Any, *, nullable: bool = False) -> dict[str, Any]:
    """The schema of a text that is one of ``values`` (an enum of the models), for
    ``Field(json_schema_extra=...)``: documented here; the service that holds the rule
    refuses any other value with its own message."""
    choices: list[Any] = [str(v) for v in values]
    if nullable:
        return {"enum": [*choices, None], "type": ["string", "null"]}
    return {"enum": choices}


def refuse(message: Any) -> PydanticCustomError:
    """A field's error that carries the API's own (translated) message, for validators."""
    return PydanticCustomError("refused", "refused", {"message": message})


M = TypeVar("M", bound="Body")


class Body(BaseModel):
    """A request body. Members it does not name are ignored (a ledger correction may send
    the whole entry as GET gave it)."""

    model_config = ConfigDict(extra="ignore")

    # The message of each place, by its name with "*" for a list index ("findings-*-id").
    problems: ClassVar[dict[str, Problem]] = {}


def read(model: type[M], data: Any) -> M:
    """``data`` as ``model``, or a ValidationError naming every refused field."""
    try:
        return model.model_validate(data)
    except PydanticError as error:
        raise _as_app_error(model, error) from None


# What a place without a message of its own reports (pydantic's English is never shown).
NOT_VALID = _l("Not a valid value.")


def _as_app_error(model: type[Body], error: PydanticError) -> ValidationError:
    """The API's 422: a message per place (the first one refused wins), and the request's
    message from the first place that has one of its own."""
    fields: dict[str, Any] = {}
    summary: Any = None
    for detail in error.errors(include_url=False, include_input=False):
        place = [str(part) for part in detail["loc"]]
        pattern = "-".join("*" if part.isdigit() else part for part in place)
        problem = model.problems.get(pattern)
        if detail["type"] == "refused":
            message = detail["ctx"]["message"]
        elif detail["type"] == "string_too_long":
            message = _l("At most %(n)d characters.", n=detail["ctx"]["max_length"])
        elif problem is not None:
            message = problem.message
        elif detail["type"] in ("string_type", "string_sub_type"):
            message = _l("Text.")
        else:
            message = NOT_VALID
        name = problem.field if problem and problem.field else "-".join(place) or "body"
        fields.setdefault(name, message)
        if summary is None and problem is not None and detail["type"] != "string_too_long":
            summary = problem.summary
    return ValidationError(summary or _l("Some values are not valid."), fields=fields)
