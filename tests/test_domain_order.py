"""Dependencies point one way (STYLE.md): a domain imports only from the domains before it,
at module level or inside a function, and never from the modules that assemble the
application. Read from the source, so an import against the order fails here before it
becomes a cycle that someone works around with an import inside a function."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from config import PROJECT_ROOT

# STYLE.md's order, with the three domains it does not name where their imports put them:
# the security log records what accounts do (it names the user), the pre-check reads
# contract versions and reviews show its hits, and backups copy contracts' files and the
# ledger and run as a scheduled job.
DOMAINS = (
    "accounts",
    "security_log",
    "directory",
    "contracts",
    "precheck",
    "reviews",
    "model_contracts",
    "ledger",
    "evaluation",
    "backup",
    "reminders",
    "reports",
    "api",
)
# The modules that assemble the application: create_app, the commands, the scheduler's
# entry point, the pages that span domains, the demo data. They may import any domain;
# no domain imports them.
EDGE = {"advisor", "cli", "jobs_app", "home", "health", "demo", "template_globals"}
# Root modules that wire a domain into every request: each sits with the last domain it
# imports. Every other root module (db, errors, i18n, workdays, ...) imports no domain.
WIRING = {"auth": "accounts"}
# Imports against the order that this check found and that are not fixed yet, with why.
# The list only shrinks: an entry whose import is gone fails the test until removed.
# (Empty: accounts' sign-ins reach the security log through accounts/signals.py.)
NOT_YET_IN_ORDER: set[tuple[str, str]] = set()


ROOT_NAMES = {p.stem for p in (PROJECT_ROOT / "advisor").glob("*.py")} | {
    p.parent.name for p in (PROJECT_ROOT / "advisor").glob("*/__init__.py")
}


def owner(name: str) -> str | None:
    """The domain or root module that ``advisor.x.y`` belongs to ("advisor" for a name
    advisor/__init__.py defines, such as create_app); None outside advisor."""
    parts = name.split(".")
    if parts[0] != "advisor":
        return None
    if len(parts) == 1 or parts[1] not in ROOT_NAMES:
        return "advisor"
    return parts[1]


def imported(tree: ast.Module, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """Every module an import anywhere in ``tree`` names (functions, TYPE_CHECKING blocks
    and try blocks included), with its line; relative imports resolved."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:  # "from advisor import cli" imports advisor.cli
                yield node.lineno, f"{base}.{alias.name}"


def rank(name: str) -> int | None:
    if name in DOMAINS:
        return DOMAINS.index(name)
    if name in WIRING:
        return DOMAINS.index(WIRING[name])
    return None


def against_the_order(source: str, path: str) -> Iterator[tuple[str, int, str]]:
    """(path, line, what it imports) for each import in ``source`` against the order."""
    relative = Path(path)
    module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
    here = owner(module)
    assert here is not None
    seen: set[tuple[int, str]] = set()
    for line, name in imported(ast.parse(source), module, relative.name == "__init__.py"):
        there = owner(name)
        if there is None or there == here or (line, there) in seen:
            continue
        seen.add((line, there))
        if here in EDGE:
            continue
        if there in EDGE:
            yield path, line, there  # a domain or a root module importing the assembly
            continue
        mine, theirs = rank(here), rank(there)
        if theirs is None:
            continue  # a root module below every domain
        if mine is None or theirs > mine:
            yield path, line, there


def all_against_the_order() -> list[tuple[str, int, str]]:
    found: list[tuple[str, int, str]] = []
    for file in sorted((PROJECT_ROOT / "advisor").rglob("*.py")):
        path = file.relative_to(PROJECT_ROOT).as_posix()
        found.extend(against_the_order(file.read_text(encoding="utf-8"), path))
    return found


def test_every_domain_package_is_in_the_order() -> None:
    packages = {p.parent.name for p in (PROJECT_ROOT / "advisor").glob("*/__init__.py")}
    assert packages - {"translations"} == set(DOMAINS) | (EDGE & packages)


def test_no_import_goes_against_the_domain_order() -> None:
    found = all_against_the_order()
    unexpected = [
        f"{path}:{line} imports {what}"
        for path, line, what in found
        if (path, what) not in NOT_YET_IN_ORDER
    ]
    assert unexpected == []
    still_there = {(path, what) for path, _, what in found}
    assert still_there >= NOT_YET_IN_ORDER, "fixed: remove from NOT_YET_IN_ORDER"


def test_the_check_sees_imports_inside_functions_and_relative_ones() -> None:
    source = (
        "from . import models\n"
        "from ..reports import figures\n"
        "def job() -> None:\n"
        "    from advisor import create_app\n"
        "    import advisor.api.views\n"
        "    from advisor.accounts.models import User\n"
    )
    found = list(against_the_order(source, "advisor/contracts/queries.py"))
    assert [(line, what) for _, line, what in found] == [(2, "reports"), (4, "advisor"), (5, "api")]


def test_root_modules_below_the_domains_import_none() -> None:
    source = "from advisor.workdays import BEIJING\nfrom advisor.contracts.models import Contract\n"
    found = list(against_the_order(source, "advisor/spreadsheet.py"))
    assert [(line, what) for _, line, what in found] == [(2, "contracts")]
