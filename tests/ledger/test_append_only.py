"""Append-only at every layer (services, API, pages, database triggers) and tamper
evidence: rows changed, deleted or reordered behind the application's back are named by
verify_chain, the CLI, the bureau's page and the API."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

import advisor
from advisor.ledger import services
from advisor.ledger.chain import entry_hash
from advisor.ledger.models import LedgerEntry
from tests.factories.ledger import ENTRIES, chain_of, head, lift_append_only, remove, tamper
from tests.factories.people import token_headers
from tests.pages import text_of, zh

WRITE_WORDS = re.compile(r"update|delete|edit|remove|modify|amend|change|replace|purge", re.I)


def stored(session: orm.Session, entry_id: int) -> dict[str, Any]:
    row = session.execute(sa.select(ENTRIES).where(ENTRIES.c.id == entry_id)).mappings().one()
    return dict(row)


# --- services and routes ----------------------------------------------------------------


def test_the_services_offer_no_way_to_change_or_remove_an_entry() -> None:
    own = [
        name
        for name, member in vars(services).items()
        if inspect.isfunction(member) and member.__module__ == services.__name__
    ]
    assert {"add_entry", "correct_entry", "record_work", "verify_chain"} <= set(own)
    assert [name for name in own if WRITE_WORDS.search(name)] == []


def test_no_application_code_updates_or_deletes_ledger_entries() -> None:
    package = Path(advisor.__file__).parent
    pattern = re.compile(
        r"(update|delete)\(\s*LedgerEntry\b|session\.delete\(|LedgerEntry\.__table__"
    )
    offenders = [
        f"{path.relative_to(package)}:{n}"
        for path in package.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line) and ("ledger" in str(path) or "LedgerEntry" in line)
    ]
    assert offenders == []


def test_no_route_changes_or_removes_a_ledger_entry(app: Flask) -> None:
    ledger_rules = [r for r in app.url_map.iter_rules() if "ledger" in r.rule]
    assert ledger_rules
    for rule in ledger_rules:
        assert not (rule.methods or set()) & {"PUT", "PATCH", "DELETE"}, rule
        assert not WRITE_WORDS.search(rule.endpoint), rule


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_the_api_answers_405_to_changing_an_entry(
    session: orm.Session, client: FlaskClient, method: str
) -> None:
    entry = chain_of(session, 1)[0]
    session.commit()
    before = stored(session, entry.id)
    for who in ("advisor01@demo.local", "bureau@demo.local"):
        headers = token_headers(session, who)
        for path in (f"/api/v1/ledger/{entry.id}", "/api/v1/ledger"):
            response = client.open(path, method=method, json={"minutes": 1}, headers=headers)
            assert response.status_code == 405, (who, path)
            assert response.is_json
            assert response.json["error"]["code"] == "method_not_allowed"
            assert method not in response.headers["Allow"]
    assert stored(session, entry.id) == before


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_the_pages_offer_no_other_method_on_an_entry(
    session: orm.Session, advisor1: FlaskClient, method: str
) -> None:
    entry = chain_of(session, 1)[0]
    session.commit()
    assert advisor1.open(f"/ledger/{entry.id}", method=method).status_code == 405


# --- the database refuses -------------------------------------------------------------

STATEMENTS = [
    "UPDATE ledger_entry SET minutes = 999 WHERE id = :id",
    "UPDATE ledger_entry SET description = '改过的内容' WHERE id = :id",
    "UPDATE ledger_entry SET hash = prev_hash WHERE id = :id",
    "DELETE FROM ledger_entry WHERE id = :id",
    "DELETE FROM ledger_entry",
]


@pytest.mark.parametrize("statement", STATEMENTS)
def test_the_database_refuses_update_and_delete(session: orm.Session, statement: str) -> None:
    entries = chain_of(session, 3)
    session.commit()
    target = entries[1]
    before = stored(session, target.id)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), session.begin_nested():
        session.execute(sa.text(statement), {"id": target.id})
    # The test transaction is still usable and nothing changed.
    assert stored(session, target.id) == before
    assert session.scalar(sa.select(sa.func.count()).select_from(ENTRIES)) == head(session).seq
    session.expire_all()
    assert services.verify_chain(session).ok


def test_the_database_refuses_a_change_made_through_the_orm(session: orm.Session) -> None:
    entry = chain_of(session, 2)[0]
    session.commit()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), session.begin_nested():
        entry.minutes = 999
        session.flush()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), session.begin_nested():
        session.delete(entry)
        session.flush()
    session.expire_all()
    assert stored(session, entry.id)["minutes"] != 999
    assert services.verify_chain(session).ok


# --- tampering is detected ------------------------------------------------------------


def verified(session: orm.Session) -> Any:
    session.expire_all()
    return services.verify_chain(session)


TAMPERED_VALUES: list[tuple[str, Any]] = [
    ("description", "篡改后的事项内容"),
    ("minutes", 480),
    ("entry_on", date(2025, 12, 31)),
    ("advisor_id", 2),
    ("school_id", 2),
    ("kind", "lecture"),
    ("service_mode", "on_site"),
    ("outcome", "不建议签订"),
    ("on_behalf", True),
    ("created_at", datetime(2025, 1, 1, tzinfo=UTC)),
    ("created_by_id", 1),
]


@pytest.mark.parametrize(("column", "value"), TAMPERED_VALUES)
def test_one_changed_field_of_one_row_names_exactly_that_entry(
    session: orm.Session, column: str, value: Any
) -> None:
    entries = chain_of(session, 5)
    session.commit()
    lift_append_only(session)
    tamper(session, entries[2].id, **{column: value})
    assert stored(session, entries[2].id)[column] == value
    result = verified(session)
    assert (result.ok, result.first_bad_id, result.reason) == (False, entries[2].id, "content")
    assert result.checked == entries[2].seq


def test_a_changed_row_whose_hash_was_recomputed_names_the_next_entry(
    session: orm.Session,
) -> None:
    entries = chain_of(session, 5)
    session.commit()
    lift_append_only(session)
    tamper(session, entries[1].id, minutes=600)
    forged = session.get(LedgerEntry, entries[1].id)
    assert forged is not None
    tamper(session, entries[1].id, hash=entry_hash(forged, forged.prev_hash))
    result = verified(session)
    assert (result.first_bad_id, result.reason) == (entries[2].id, "previous hash")


def test_a_deleted_middle_row_names_the_next_entry(session: orm.Session) -> None:
    entries = chain_of(session, 5)
    session.commit()
    lift_append_only(session)
    remove(session, entries[2].id)
    result = verified(session)
    assert (result.ok, result.first_bad_id, result.reason) == (False, entries[3].id, "sequence")


def test_a_deleted_last_row_breaks_the_end_of_the_chain(session: orm.Session) -> None:
    entries = chain_of(session, 4)
    session.commit()
    lift_append_only(session)
    remove(session, entries[-1].id)
    result = verified(session)
    assert (result.ok, result.first_bad_id, result.reason) == (False, None, "end of chain")


def test_two_rows_with_swapped_sequence_numbers_are_detected(session: orm.Session) -> None:
    entries = chain_of(session, 5)
    session.commit()
    a, b = entries[1], entries[2]
    a_seq, b_seq = a.seq, b.seq
    lift_append_only(session)
    tamper(session, a.id, seq=-1)
    tamper(session, b.id, seq=a_seq)
    tamper(session, a.id, seq=b_seq)
    result = verified(session)
    assert (result.ok, result.first_bad_id) == (False, b.id)


def test_the_triggers_are_back_after_a_tampering_test(session: orm.Session) -> None:
    # The previous tests dropped or disabled them inside their rolled-back transactions.
    entry = chain_of(session, 1)[0]
    session.commit()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), session.begin_nested():
        session.execute(sa.text("DELETE FROM ledger_entry WHERE id = :id"), {"id": entry.id})


# --- the CLI, the bureau's page and the API say so --------------------------------------


def test_the_cli_confirms_an_intact_ledger_and_prints_the_latest_hash(
    app: Flask, session: orm.Session
) -> None:
    chain_of(session, 3)
    session.commit()
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    last = head(session)
    assert f"Ledger intact: {last.seq} entries checked." in result.output
    assert last.last_hash in result.output


def test_the_cli_names_the_tampered_entry_and_exits_1(app: Flask, session: orm.Session) -> None:
    entries = chain_of(session, 4)
    session.commit()
    lift_append_only(session)
    tamper(session, entries[1].id, description="篡改")
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    expected = f"Ledger BROKEN at entry {entries[1].id} (seq {entries[1].seq}) (content)"
    assert expected in result.output


def test_the_cli_reports_a_missing_end(app: Flask, session: orm.Session) -> None:
    entries = chain_of(session, 3)
    session.commit()
    lift_append_only(session)
    remove(session, entries[-1].id)
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at the end of the chain (end of chain)" in result.output


def test_the_bureau_page_and_the_api_name_the_tampered_entry(
    app: Flask, session: orm.Session, bureau: FlaskClient, client: FlaskClient
) -> None:
    entries = chain_of(session, 4)
    session.commit()
    headers = token_headers(session, "bureau@demo.local")
    total = head(session).seq
    page = text_of(bureau.get("/ledger/verify"))
    intact = zh(
        app, "The ledger is intact: %(n)s entries checked, every hash matches.", n=f"{total:,}"
    )
    assert intact in page
    assert client.get("/api/v1/ledger/verify", headers=headers).json == {
        "ok": True,
        "checked": total,
        "first_bad_id": None,
    }
    lift_append_only(session)
    tamper(session, entries[2].id, minutes=1)
    page = text_of(bureau.get("/ledger/verify"))
    assert 'data-testid="verify-broken"' in page
    assert f'href="/ledger/{entries[2].id}"' in page
    assert client.get("/api/v1/ledger/verify", headers=headers).json == {
        "ok": False,
        "checked": entries[2].seq,
        "first_bad_id": entries[2].id,
    }
