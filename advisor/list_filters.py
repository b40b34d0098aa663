"""The filters a list is narrowed by, as chips: each names its filter and value in words
and links to the same list without it, whether the list's form offers that filter or a
link (the dashboard's law firm) set it; one more link clears them all.

A filter may be on by default (an advisor's queue shows open work): removing it does not
drop its argument, which would bring the default back, but sets its "off" value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import request, url_for

# A list narrowed anew starts again at its first page.
PAGING = "page"


@dataclass(frozen=True, slots=True)
class Chip:
    key: str  # the query argument the filter comes from
    label: str  # the filter's name, "律师事务所"; empty when the value says it all
    value: str  # its value in words, "新疆天山律师事务所"
    remove_url: str  # the list without this filter


@dataclass(frozen=True, slots=True)
class ActiveFilters:
    chips: tuple[Chip, ...]
    clear_url: str  # the list without any of them


def worded(labels: Mapping[Any, object], value: str) -> str:
    """``value`` in words from a domain's ``labels`` (keyed by its enum); as it came
    when unknown, so that a junk filter still shows, and can be removed."""
    return str(labels.get(value, value))


def list_url(
    endpoint: str,
    args: Any,
    *,
    drop: Iterable[str] = (),
    put: Mapping[str, str] | None = None,
    **values: Any,
) -> str:
    """The list at ``endpoint`` with the query ``args`` less ``drop``, the page and the
    empty arguments a form sends, and with ``put`` set."""
    put = put or {}
    gone = {*drop, *put, PAGING}
    kept = [(k, v) for k, v in args.items(multi=True) if k not in gone and v != ""]
    kept += put.items()
    base = url_for(endpoint, **values)
    return f"{base}?{urlencode(kept)}" if kept else base


def active_filters(
    endpoint: str,
    shown: Iterable[tuple[str, str, object]],
    *,
    off: Mapping[str, str] | None = None,
    args: Any = None,
    **values: Any,
) -> ActiveFilters:
    """Chips for those of ``shown`` — (argument, label, value in words) — that have a
    value, in that order. ``off`` maps a filter that is on by default to the value that
    turns it off, here and in the link that clears them all; ``values`` are the
    endpoint's own (a report's year)."""
    args = request.args if args is None else args
    off = off or {}
    active = [(key, str(label), str(value)) for key, label, value in shown if value]
    keys = [key for key, _label, _value in active]

    def without(key: str) -> str:
        put = {key: off[key]} if key in off else {}
        return list_url(endpoint, args, drop=[key], put=put, **values)

    chips = tuple(
        Chip(key=key, label=label, value=value, remove_url=without(key))
        for key, label, value in active
    )
    clear_url = list_url(endpoint, args, drop=keys, put=off, **values)
    return ActiveFilters(chips=chips, clear_url=clear_url)
