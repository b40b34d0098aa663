"""URL converters: an id in a path is a number the database can hold, or no route matches."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

# Ids are Integer columns: 32-bit on PostgreSQL, which refuses a larger number in the
# query itself; a larger number in a path is no record's id.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` whose number beyond 1..2**31-1 becomes 0, the id of no record, so the
    view answers its own 404 (the API's JSON 404), never an overflow in the database
    driver. (Refusing the match instead makes Werkzeug answer 405 where another method's
    rule has the same path.)"""

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if 1 <= number <= MAX_ID else 0
