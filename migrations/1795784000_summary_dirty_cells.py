"""reports: the summary cells a write changed, recorded by triggers in its transaction

Revision ID: 1795784000
Revises: 1795783000
Create Date: 2026-12-04 02:00:00

The scheduler's "summaries" job rebuilt every summary table every 5 minutes: about
1,027,000 rows in 11 to 27 s on a province, and on SQLite the write lock for as long
(issue 19, item 1). It now rebuilds only the cells that changed
(advisor.reports.summary_refresh):
``summary_dirty`` holds one row per cell a write touched, a Beijing month and a school
(the contract, review, pre-check hit and finding tables, and the year of the
reviewed_contract table) or a month and an advisor (the ledger table).

Triggers write them, in the transaction of the write, whoever writes: the services, a
bulk UPDATE, another process, the demo generator. A row that changes cell writes the old
cell and the new (a contract reassigned, a review re-dated, a finding moved); a contract
whose school, advisor or amount changes also writes the months of its issued reviews,
where reviewed_contract and the review tables count it; a ledger correction writes the
month of the entry it supersedes (ledger entries are never updated or deleted: their own
triggers refuse it). Updates of columns no summary reads write nothing.

``summary_dirty`` has no key and no index: each write appends its own rows and the
refresh takes them all with one DELETE ... RETURNING (a unique key would let a writer
rely on a row the refresh is about to take). The tables with bureau-wide sums are
indexed by month, which the refresh sums again for the months it rebuilt: it reads a
month's rows instead of the whole table (ten cells of a province on PostgreSQL: 0.45 s
with the scans, 0.27 s with the indexes). The summaries built before this revision had
no record of later writes: the last refresh is forgotten, so the next one rebuilds
everything.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1795784000"
down_revision: str | Sequence[str] | None = "1795783000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _month(value: str, dialect: str) -> str:
    """'YYYY-MM' of the Beijing month of a UTC timestamp (advisor.reports.summary.month_text)."""
    if dialect == "sqlite":
        return f"strftime('%Y-%m', substr({value}, 1, 19), '+8 hours')"
    return f"to_char(timezone('Asia/Shanghai', {value}), 'YYYY-MM')"


def _date_month(value: str, dialect: str) -> str:
    return f"strftime('%Y-%m', {value})" if dialect == "sqlite" else f"to_char({value}, 'YYYY-MM')"


def _changed(columns: Sequence[str], dialect: str) -> str:
    differ = "IS NOT" if dialect == "sqlite" else "IS DISTINCT FROM"
    return "(" + " OR ".join(f"OLD.{c} {differ} NEW.{c}" for c in columns) + ")"


# Each watched table: the column of summary_dirty its rows mark, the SELECT of the cells
# a row (written ROW, for OLD or NEW) counts in, the columns the summaries read of it
# (a change to one marks the old cells and the new), and when a row counts at all.
WATCHED: dict[str, tuple[str, str, list[str], str]] = {
    "contract": (
        "school_id",
        "SELECT {month(ROW.submitted_at)}, ROW.school_id",
        ["submitted_at", "school_id", "advisor_id", "contract_type", "status", "outcome", "amount"],
        "",
    ),
    "review": (
        "school_id",
        "SELECT {month(ROW.issued_at)}, c.school_id FROM contract AS c"
        " WHERE c.id = ROW.contract_id AND ROW.issued_at IS NOT NULL",
        [
            "contract_id",
            "advisor_id",
            "status",
            "outcome",
            "issued_at",
            "working_days",
            "due_on",
            "minutes_spent",
        ],
        "ROW.issued_at IS NOT NULL",
    ),
    "finding": (
        "school_id",
        "SELECT {month(r.issued_at)}, c.school_id FROM review AS r"
        " JOIN contract AS c ON c.id = r.contract_id"
        " WHERE r.id = ROW.review_id AND r.issued_at IS NOT NULL",
        ["review_id", "dimension", "severity"],
        "",
    ),
    "precheck_hit": (
        "school_id",
        "SELECT {month(c.submitted_at)}, c.school_id FROM contract AS c"
        " WHERE c.id = ROW.contract_id",
        ["contract_id", "rule"],
        "",
    ),
}
# A contract whose school, advisor or amount changed also marks the months of its issued
# reviews, for the old school and the new: reviewed_contract counts it there, and the
# review and finding tables count them by its school.
CONTRACT_REVIEWS = (
    "INSERT INTO summary_dirty (month, school_id) SELECT {month(r.issued_at)}, who.school_id"
    " FROM review AS r, (SELECT OLD.school_id AS school_id UNION SELECT NEW.school_id) AS who"
    " WHERE r.contract_id = NEW.id AND r.issued_at IS NOT NULL AND {changed}"
)
# A ledger entry marks its month and advisor, and a correction those of the entry it
# replaces. Entries are never updated or deleted (their own triggers refuse it).
LEDGER = (
    "INSERT INTO summary_dirty (month, advisor_id)"
    " VALUES ({date_month(NEW.entry_on)}, NEW.advisor_id);"
    " INSERT INTO summary_dirty (month, advisor_id)"
    " SELECT {date_month(e.entry_on)}, e.advisor_id FROM ledger_entry AS e"
    " WHERE e.id = NEW.supersedes_id;"
)


def _sql(template: str, dialect: str, row: str = "ROW") -> str:
    """``template`` for ``dialect``, with ROW as ``row`` and {month(x)}, {date_month(x)}
    written out."""
    text = template.replace("ROW.", f"{row}.")
    for name, write in (("month", _month), ("date_month", _date_month)):
        while "{" + name + "(" in text:
            start = text.index("{" + name + "(")
            end = text.index(")}", start)
            value = text[start + len(name) + 2 : end]
            text = text[:start] + write(value, dialect) + text[end + 2 :]
    return text


def _marks(table: str, row: str, dialect: str) -> str:
    who, cells, _columns, _when = WATCHED[table]
    return f"INSERT INTO summary_dirty (month, {who}) {_sql(cells, dialect, row)};"


def _conditions(table: str, dialect: str) -> dict[str, str]:
    """The condition of each trigger of ``table``: INSERT, DELETE, UPDATE."""
    _who, _cells, columns, when = WATCHED[table]
    either = f"({_sql(when, dialect, 'OLD')} OR {_sql(when, dialect, 'NEW')}) AND " if when else ""
    return {
        "insert": _sql(when, dialect, "NEW"),
        "delete": _sql(when, dialect, "OLD"),
        "update": either + _changed(columns, dialect),
    }


def _contract_reviews(dialect: str) -> str:
    changed = _changed(["school_id", "advisor_id", "amount"], dialect)
    return _sql(CONTRACT_REVIEWS.replace("{changed}", changed), dialect) + ";"


def _sqlite_triggers() -> list[str]:
    made = []
    for table, (_who, _cells, columns, _when) in WATCHED.items():
        conditions = _conditions(table, "sqlite")
        extra = f" {_contract_reviews('sqlite')}" if table == "contract" else ""
        for event, on, body in (
            ("insert", "INSERT", _marks(table, "NEW", "sqlite")),
            ("delete", "DELETE", _marks(table, "OLD", "sqlite")),
            (
                "update",
                f"UPDATE OF {', '.join(columns)}",
                f"{_marks(table, 'OLD', 'sqlite')} {_marks(table, 'NEW', 'sqlite')}{extra}",
            ),
        ):
            when = f" WHEN {conditions[event]}" if conditions[event] else ""
            made.append(
                f"CREATE TRIGGER summary_dirty_{table}_{event} AFTER {on} ON {table}{when}"
                f" BEGIN {body} END"
            )
    made.append(
        "CREATE TRIGGER summary_dirty_ledger_entry_insert AFTER INSERT ON ledger_entry"
        f" BEGIN {_sql(LEDGER, 'sqlite')} END"
    )
    return made


def _postgres_triggers() -> list[str]:
    made = []
    for table, (_who, _cells, columns, _when) in WATCHED.items():
        extra = (
            f" IF TG_OP = 'UPDATE' THEN {_contract_reviews('postgresql')} END IF;"
            if table == "contract"
            else ""
        )
        made.append(
            f"CREATE FUNCTION summary_dirty_{table}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN IF TG_OP <> 'INSERT' THEN {_marks(table, 'OLD', 'postgresql')} END IF;"
            f" IF TG_OP <> 'DELETE' THEN {_marks(table, 'NEW', 'postgresql')} END IF;{extra}"
            " RETURN NULL; END $$"
        )
        conditions = _conditions(table, "postgresql")
        for event, on in (
            ("insert", "INSERT"),
            ("delete", "DELETE"),
            ("update", f"UPDATE OF {', '.join(columns)}"),
        ):
            when = f" WHEN ({conditions[event]})" if conditions[event] else ""
            made.append(
                f"CREATE TRIGGER summary_dirty_{table}_{event} AFTER {on} ON {table}"
                f" FOR EACH ROW{when} EXECUTE FUNCTION summary_dirty_{table}()"
            )
    made += [
        "CREATE FUNCTION summary_dirty_ledger_entry() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {_sql(LEDGER, 'postgresql')} RETURN NULL; END $$",
        "CREATE TRIGGER summary_dirty_ledger_entry_insert AFTER INSERT ON ledger_entry"
        " FOR EACH ROW EXECUTE FUNCTION summary_dirty_ledger_entry()",
    ]
    return made


# The tables with bureau-wide sums, which a refresh sums again for the months it rebuilt,
# from the month's rows: indexed by month for that.
ROLLED_UP = [
    "summary_contract",
    "summary_review",
    "summary_precheck_hit",
    "summary_finding",
    "summary_ledger",
]


def upgrade() -> None:
    op.create_table(
        "summary_dirty",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("advisor_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(school_id IS NULL) <> (advisor_id IS NULL)", name=op.f("ck_summary_dirty_one_cell")
        ),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _sqlite_triggers() if sqlite else _postgres_triggers():
        op.execute(statement)
    for table in ROLLED_UP:
        op.create_index(f"ix_{table}_month", table, ["month"])
    op.execute("DELETE FROM summary_refresh")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    triggers = [(table, event) for table in WATCHED for event in ("insert", "delete", "update")]
    for table, event in [*triggers, ("ledger_entry", "insert")]:
        on = "" if sqlite else f" ON {table}"
        op.execute(f"DROP TRIGGER IF EXISTS summary_dirty_{table}_{event}{on}")
    if not sqlite:
        for table in [*WATCHED, "ledger_entry"]:
            op.execute(f"DROP FUNCTION IF EXISTS summary_dirty_{table}()")
    for table in ROLLED_UP:
        op.drop_index(f"ix_{table}_month", table_name=table)
    op.drop_table("summary_dirty")
