"""The automatic pre-check (智能预审): explainable rules run over a contract's extracted text,
each hit pointing at an excerpt for the advisor to accept into the review or dismiss."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.precheck.base import Context, Hit, Rule
    from advisor.precheck.engine import RULES, message, run

__all__ = ["RULES", "Context", "Hit", "Rule", "message", "run"]
_HOMES = {"Context": "base", "Hit": "base", "Rule": "base"}


def __getattr__(name: str) -> Any:
    """The engine's names, imported on first use: its rules compile hundreds of patterns
    (0.5 s), which every process would pay with the package's models otherwise."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES.get(name, 'engine')}"), name)
