"""Each value of a rule set's JSON form by its own rule, as Pydantic validators and types
that keep reading past a broken value; and the problems they find, with their places.

A rule file is judged whole, so a broken value must not hide the problems of the others: a
value that breaks its own rule is held as ``Unread`` (its problems, and the placeholder the
checks between values read instead, as the hand-written reader had it) and its part is
built all the same (rulefile_models.py). The problem keys and English messages are the rule
file's own, which problems.py translates by key; the few error types of Pydantic's own that
the JSON form can meet are told the same way, so that Pydantic's English never reaches a
reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, TypeVar, cast

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from advisor.evaluation.rules import Problem

WHEN = re.compile(r"period_(start|end)(?:([+-])(\d{1,3})d)?\Z")
KEY = re.compile(r"[a-z][a-z0-9_]*\Z")
ZERO = Decimal(0)
# Bounds on every number: far beyond any real rule, and they keep a hostile file such as
# "1e999999999" from turning into a billion-digit text when it is written out.
_DIGITS, _PLACE = 9, Decimal("0.000001")
_ABSENT: Any = object()  # the default of a required field, so that its absence is a problem

T = TypeVar("T")
Loc = tuple[str | int, ...]
Sign = Literal["any", "not_negative", "positive"]


def dec(value: Decimal) -> str:
    """A number as the JSON form writes it: ``"12.5"``, never ``"1.25E+1"``."""
    return format(value, "f")


def path(loc: Loc) -> str:
    """``("blocks", 1, "key")`` -> ``"blocks[1].key"``; ``()`` (the whole rule set) -> ``""``."""
    text = ""
    for step in loc:
        text = f"{text}[{step}]" if isinstance(step, int) else f"{text}.{step}" if text else step
    return text


def _shown(value: object) -> str:
    """A value as a problem names it: numbers as written, other things quoted and cut short."""
    if isinstance(value, Decimal):
        return dec(value)
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- problems ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Found:
    """A problem at a place relative to the part that found it."""

    loc: Loc
    key: str
    message: str
    values: Mapping[str, str] = field(default_factory=dict)

    def under(self, *steps: str | int) -> Found:
        return Found((*steps, *self.loc), self.key, self.message, self.values)

    def problem(self) -> Problem:
        return Problem(path(self.loc), self.key, self.message, self.values)


def found_at(loc: Loc, key: str, message: str, /, **values: object) -> Found:
    return Found(loc, key, message, {name: _shown(value) for name, value in values.items()})


def flaw(key: str, message: str, /, **values: object) -> PydanticCustomError:
    """A value's problem as a Pydantic error whose type is the problem's key."""
    shown = {name: _shown(value) for name, value in values.items()}
    return PydanticCustomError(key, "{message}", {"message": message, "values": shown})


def flawed(error: PydanticCustomError, loc: Loc) -> Found:
    context = error.context or {}
    return Found(loc, error.type, context["message"], context["values"])


# Pydantic's own errors that the JSON form can meet, as the rule file tells them. Any other
# would come from a shape the models do not declare: a KeyError, never English for a reader.
_PYDANTIC_ERRORS = {
    "model_type": ("not_an_object", "must be an object"),
    "dict_type": ("not_an_object", "must be an object"),
    "list_type": ("not_a_list", "must be a list"),
}


def found_in(error: ErrorDetails) -> Found:
    """A Pydantic error as the rule file's problem, at the error's place."""
    ctx = error.get("ctx", {})
    if "message" in ctx:
        return Found(tuple(error["loc"]), error["type"], ctx["message"], ctx["values"])
    key, message = _PYDANTIC_ERRORS[error["type"]]
    return Found(tuple(error["loc"]), key, message)


def not_above(number: Decimal | None, limit: Decimal | None, loc: Loc, what: str) -> list[Found]:
    if number is None or limit is None or number <= limit:
        return []
    message = f"{dec(number)} is above the {what} {dec(limit)}"
    return [found_at(loc, "above_max", message, number=number, limit=limit)]


def unique(keyed: Iterable[tuple[Loc, str]], what: str) -> Iterator[Found]:
    """A problem for each key used before (empty keys are another problem)."""
    first: dict[str, str] = {}
    for loc, key in keyed:
        if key in first:
            message = f"duplicate {what} {key!r} (also at {first[key]})"
            yield found_at(loc, "duplicate_key", message, key=key, other=first[key])
        elif key:
            first[key] = path(loc)


# --- each value's own rule ---------------------------------------------------------------


def decimal(value: object, sign: Sign = "not_negative") -> Decimal:
    """A number of the JSON form (a decimal string, or a whole number) within the bounds."""
    number: Decimal | None = None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, str):
        with suppress(InvalidOperation):
            number = Decimal(value.strip())
    if number is None or not number.is_finite():
        message = f'must be a number written as text, like "12.5"; got {value!r}'
        raise flaw("not_a_number", message, value=value)
    if number.adjusted() >= _DIGITS:  # before anything writes the number out
        raise flaw("too_large", f"must be below {10**_DIGITS}")
    if number != number.quantize(_PLACE):  # exact, as the number is below 10**_DIGITS
        raise flaw("too_precise", "must have at most 6 decimal places")
    if sign == "not_negative" and number < 0:
        raise flaw("negative", f"must not be negative; got {dec(number)}", number=number)
    if sign == "positive" and number <= 0:
        raise flaw("not_positive", f"must be greater than 0; got {dec(number)}", number=number)
    return number


def choose(what: str, choices: tuple[str, ...], value: object) -> str:
    if isinstance(value, str) and value in choices:
        return value
    message = f"unknown {what.replace('_', ' ')} {value!r}"
    raise flaw(f"unknown_{what}", message, value=value)


def _given(value: object, info: ValidationInfo) -> object:
    if value is _ABSENT:
        raise flaw("required", f"{info.field_name} is required", field=info.field_name)
    return value


def _text(value: object, info: ValidationInfo) -> str:
    _given(value, info)
    if not isinstance(value, str) or not value.strip():
        raise flaw("empty_text", "must be a non-empty text")
    return value


def choice(what: str, choices: tuple[str, ...]) -> PlainValidator:
    return PlainValidator(lambda value, info: choose(what, choices, _given(value, info)))


def number(sign: Sign, default: Decimal | None = _ABSENT) -> PlainValidator:
    """A number field; null is taken as not given, as the hand-written reader took it."""

    def read_number(value: object, info: ValidationInfo) -> Decimal | None:
        if value is None or (value is _ABSENT and default is not _ABSENT):
            return None if default is _ABSENT else default
        return decimal(_given(value, info), sign)

    return PlainValidator(read_number)


def _version(value: object, info: ValidationInfo) -> int:
    _given(value, info)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise flaw("not_a_version", f"must be a whole number from 1; got {value!r}", value=value)
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise flaw("not_a_boolean", "must be true or false")
    return value


def not_empty(message: str) -> AfterValidator:
    def check(value: list[T]) -> list[T]:
        if not value:
            raise flaw("empty", message)
        return value

    return AfterValidator(check)


# --- reading past a broken value ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unread:
    """A value that broke its own rule: its problems, and what the checks read instead."""

    found: tuple[Found, ...]
    placeholder: object = None


def keep_reading(placeholder: object = None) -> WrapValidator:
    """Holds a value that breaks its rule as ``Unread`` instead of failing its part."""

    def keep(value: object, handler: ValidatorFunctionWrapHandler) -> object:
        try:
            return handler(value)
        except ValidationError as error:
            return Unread(tuple(found_in(e) for e in error.errors()), placeholder)

    return WrapValidator(keep)


def known(value: object) -> bool:
    """Whether a value kept its own rule (the checks between values read only those)."""
    return not isinstance(value, Unread)


def read(value: T) -> T:
    """A value, or the placeholder of one that broke its own rule."""
    return cast(T, value.placeholder) if isinstance(value, Unread) else value


def required() -> Any:
    """The default of a required field: its absence is the problem "required"."""
    return Field(_ABSENT, validate_default=True)


GIVEN = BeforeValidator(_given)  # for a required list
Text = Annotated[str, PlainValidator(_text), keep_reading("")]
Points = Annotated[Decimal | None, number("not_negative"), keep_reading()]
Flag = Annotated[bool, PlainValidator(_flag), keep_reading(False)]
Version = Annotated[int, PlainValidator(_version), keep_reading(0)]
