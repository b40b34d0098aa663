"""URL converters: an id in a path is a number the database can hold, or no route matches."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, Map

# Ids are Integer columns: 32-bit on PostgreSQL, which refuses a larger number in the
# query itself; a larger number in a path is no record's id.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` limited to 1..2**31-1: beyond that the URL is a 404 (the API's JSON
    404), never an overflow in the database driver."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = 1,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)
