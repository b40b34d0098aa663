"""A generated bureau with years of work, for trying the application at scale.

    flask --app advisor demo generate --scale city|province [--seed 1]

``city`` is the size of the demo bureau (60 schools, 35 advisors) with a county's volume
of work: 900 contracts in three years (five a school a year, about 300 a year across the
county) and 4,000 ledger entries (an advisor's few dozen a year: the reviews, consultations,
some drafting, a lecture or two). ``province`` is the load a province's installation must
carry, for measuring the pages (benchmarks.pages): 2,000 schools, 300 advisors, 200,000
contracts and 2,000,000 ledger entries in three years, far heavier per school than a
county on purpose, so its evaluations do not read like a real year. The same seed and the
same ``now`` give the same data.

When the database has no schools yet, the directory is generated too: law firms,
advisors, schools in 27 districts, primary and backup assignments, and an account for
the bureau (bureau@demo.local), each advisor and each school, all with the demo
password. When schools exist (the demo bureau), the work is generated for them and
their current primary advisors, after whatever is already there.

Advisors differ as people do (``Habits``, drawn from the seed): a few are diligent and
record twice the usual work, some are slack and record half of it, a couple are often
late with their opinions, some enter their ledger weeks after the work, and schools rate
some better than others. So an evaluation of the generated year tells them apart.

Contracts are submitted on working days over the three years up to ``now``. Each follows
the workflow as the services would: due dates in working days on the bureau's calendar,
one in six returned for changes and resubmitted (the clock resuming), opinions late as
often as their advisor is, a few never taken up; what would happen after ``now`` has not
happened, so today's pipeline (submitted, in review, returned, overdue) comes out of the
same timeline. Issued reviews have findings and ``working_days``; half the opinions are
rated; most reviewed contracts are closed; versions have pre-check hits. Every issued
review has its ledger entry, and other work fills the ledger up to the total, on working
days, less in the winter and summer holidays, by advisor as diligent as each is; all in
one hash chain continuing the existing one (``flask ledger verify`` passes).

Not generated: the audit trail of each contract (its history is empty), the pages'
text (every version is the same stored PDF, one blank page), notifications and
evaluations.
Rows are written straight to the tables in batches, with explicit ids.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.accounts.models import Role, User
from advisor.accounts.services import hash_password
from advisor.contracts import calendar as bureau_calendar
from advisor.contracts.files import FileStore
from advisor.contracts.models import Contract, ContractType, ContractVersion
from advisor.db import Base
from advisor.demo.bureau import DEMO_PASSWORD
from advisor.directory.models import Advisor, Assignment, LawFirm, School, SchoolLevel
from advisor.ledger.chain import entry_hash
from advisor.ledger.completeness import LATE_AFTER_DAYS
from advisor.ledger.models import Kind, LedgerEntry, LedgerHead, Mode
from advisor.ledger.search import index_entries
from advisor.precheck.models import PrecheckHit
from advisor.reviews.models import Closing, Feedback, Finding, Review
from advisor.workdays import BEIJING, BureauCalendar, is_working_day

BATCH = 10_000
MINUTE = timedelta(minutes=1)
YEARS = 3

DISTRICTS = (
    "天山区", "沙依巴克区", "新市区", "水磨沟区", "头屯河区", "达坂城区", "米东区",
    "独山子区", "克拉玛依区", "白碱滩区", "高昌区", "伊州区", "昌吉市", "阜康市", "博乐市",
    "库尔勒市", "阿克苏市", "喀什市", "和田市", "伊宁市", "塔城市", "乌苏市", "沙湾市",
    "阿勒泰市", "石河子市", "五家渠市", "哈密市",
)  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力"
COUNTERPARTIES = (
    "食品有限公司", "服装有限公司", "建设工程有限公司", "物业服务有限公司",
    "运输有限公司", "科技有限公司", "办公用品有限公司", "餐饮管理有限公司",
)  # fmt: skip
TITLES = {
    "procurement": "教学设备采购合同",
    "construction": "校舍维修改造工程施工合同",
    "service": "物业管理服务合同",
    "lease": "场地租赁合同",
    "catering": "食堂食材配送合同",
    "uniform": "学生校服采购合同",
    "school_bus": "校车接送服务合同",
    "cooperation": "校企合作协议",
    "employment": "劳务派遣协议",
    "insurance": "校方责任保险合同",
    "donation": "捐赠协议",
    "other": "其他合同",
}
assert set(TITLES) == {t.value for t in ContractType}  # checked at import  # nosec B101
# An advisor's own work besides reviews: mostly consultations, some drafting, a lecture
# or two a year.
KIND_WEIGHTS = {
    Kind.CONSULTATION: 50,
    Kind.LECTURE: 3,
    Kind.DISPUTE_MEDIATION: 4,
    Kind.DOCUMENT_DRAFTING: 12,
    Kind.TRAINING: 5,
    Kind.OTHER: 4,
}
# How much of it falls in each month (January first): little in the winter holiday
# (Spring Festival) and the summer holiday, most at the start of a term.
SEASON = (0.8, 0.5, 1.1, 1.1, 1.1, 1.0, 0.4, 0.6, 1.2, 1.1, 1.1, 1.0)
MODES = tuple(m.value for m in Mode)
LEVELS = tuple(level.value for level in SchoolLevel)
RETURN_SHARE = 1 / 6
STUCK_SHARE = 0.002  # never taken up: the long-overdue end of the list
WITHDRAWN_SHARE = 0.02
URGENT_SHARE = 0.05
RATED_SHARE = 0.5
CLOSED_SHARE = 0.85

# The smallest PDF that readers accept: one empty A4 page. Every generated version is it.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True, slots=True)
class Scale:
    schools: int
    advisors: int
    contracts: int
    entries: int


SCALES = {
    "city": Scale(schools=60, advisors=35, contracts=900, entries=4_000),
    # The mission's load, not a county's pace (see the module docstring).
    "province": Scale(schools=2_000, advisors=300, contracts=200_000, entries=2_000_000),
}

# Shares of the advisors with each habit, at least one of each where there are advisors.
DILIGENT_SHARE = 0.15
SLACK_SHARE = 0.20
OFTEN_LATE_SHARE = 0.06
LATE_RECORDER_SHARE = 0.15


@dataclass(frozen=True, slots=True)
class Habits:
    """How one advisor works."""

    diligence: float  # how much of their own work they do (and record): 1 is the usual
    late_share: float  # of their opinions, the share issued after the due date
    late_records: float  # of their own entries, the share recorded more than a week late
    rating: float  # the mean of the ratings (1..5) schools give them


def draw_habits(advisors: list[int], rng: random.Random) -> dict[int, Habits]:
    """Each advisor's habits. The diligent, the slack, the often late and the late
    recorders are each a fixed share of the advisors (at least one), chosen at random, so
    that every seed has them; everything else varies a little from advisor to advisor."""

    def count(share: float) -> int:
        return max(1, round(share * len(advisors)))

    def some(share: float) -> set[int]:
        return set(rng.sample(advisors, min(count(share), len(advisors))))

    ranked = rng.sample(advisors, len(advisors))
    diligent = set(ranked[: count(DILIGENT_SHARE)])
    slack = set(ranked[count(DILIGENT_SHARE) :][: count(SLACK_SHARE)])
    often_late = some(OFTEN_LATE_SHARE)
    late_recorders = some(LATE_RECORDER_SHARE)
    habits = {}
    for a in advisors:
        if a in diligent:
            diligence = rng.uniform(1.5, 2.0)
        elif a in slack:
            diligence = rng.uniform(0.35, 0.6)
        else:
            diligence = rng.uniform(0.8, 1.2)
        habits[a] = Habits(
            diligence=diligence,
            late_share=rng.uniform(0.35, 0.5) if a in often_late else rng.uniform(0.05, 0.25),
            late_records=rng.uniform(0.4, 0.7) if a in late_recorders else rng.uniform(0.05, 0.25),
            rating=min(4.7, max(3.3, rng.gauss(4.0, 0.3))),
        )
    return habits


class GenerationRefused(Exception):
    """The database is not one the generator may write to."""


def _utc(day: date, minute: int) -> datetime:
    """The UTC instant ``minute`` minutes after midnight of a Beijing ``day``."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=BEIJING)
    return (midnight + timedelta(minutes=minute)).astimezone(UTC)


def _batches(rows: Iterable[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while batch := list(itertools.islice(it, size)):
        yield batch


def insert(connection: sa.Connection, model: type[Base], rows: Iterable[dict[str, Any]]) -> int:
    """Insert ``rows`` into the model's table in batches (executemany); return how many."""
    table = cast(sa.Table, model.__table__)
    count = 0
    for batch in _batches(rows):
        connection.execute(table.insert(), batch)
        count += len(batch)
    return count


class Workdays:
    """Working days on the bureau's calendar between two dates, by table lookup."""

    def __init__(self, first: date, last: date, calendar: BureauCalendar) -> None:
        self.first = first
        span = (last - first).days + 1
        self.days = [first + timedelta(days=i) for i in range(span)]
        self.working = [d for d in self.days if is_working_day(d, calendar)]
        # ordinal[i]: how many working days fall on or before days[i]
        self.ordinal = list(
            itertools.accumulate(1 if is_working_day(d, calendar) else 0 for d in self.days)
        )

    def count(self, day: date) -> int:
        return self.ordinal[(day - self.first).days]

    def after(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (``day`` itself for n = 0)."""
        return day if n == 0 else self.working[self.count(day) + n - 1]

    def between(self, start: date, end: date) -> int:
        return self.count(end) - self.count(start)

    def working_day_at_or_after(self, day: date) -> date:
        return self.working[bisect.bisect_left(self.working, day)]


@dataclass(slots=True)
class Directory:
    schools: list[int]
    advisor_of: dict[int, int]  # school -> primary advisor
    school_user: dict[int, int]
    advisor_user: dict[int, int]
    schools_of: dict[int, list[int]]  # advisor -> schools


def _next_id(connection: sa.Connection, model: type[Base]) -> int:
    table = cast(sa.Table, model.__table__)
    return int(connection.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))) or 0) + 1


def _directory(
    connection: sa.Connection, scale: Scale, rng: random.Random, start: date, now: datetime
) -> None:
    """Law firms, advisors, schools, assignments and accounts for an empty database."""
    firms = max(5, scale.advisors // 10)
    insert(
        connection,
        LawFirm,
        (
            {
                "id": n,
                "name": f"新疆{DISTRICTS[n % len(DISTRICTS)]}第{n}律师事务所",
                "credit_code": f"31650000MD{n:08d}",
                "address": f"{DISTRICTS[n % len(DISTRICTS)]}法治路{n}号",
                "contact_name": f"{SURNAMES[n % len(SURNAMES)]}主任",
                "contact_phone": f"0991-5{n:06d}",
                "created_at": now,
            }
            for n in range(1, firms + 1)
        ),
    )
    names = [f"{s}{g}" for s in SURNAMES for g in GIVEN]
    rng.shuffle(names)
    insert(
        connection,
        Advisor,
        (
            {
                "id": n,
                "name": f"{names[n % len(names)]}{'' if n <= len(names) else n}",
                "law_firm_id": (n - 1) % firms + 1,
                "licence_no": f"1650020201{n:07d}",
                "phone": f"139{n:08d}",
                "email": f"advisor{n:04d}@generated.local",
                "appointed_on": start,
                "appointment_ends_on": None,
                "specialties": "合同",
                "is_active": True,
                "created_at": now,
            }
            for n in range(1, scale.advisors + 1)
        ),
    )
    levels = (
        "小学",
        "初级中学",
        "高级中学",
        "幼儿园",
        "九年一贯制学校",
        "职业技术学校",
        "特殊教育学校",
    )
    insert(
        connection,
        School,
        (
            {
                "id": n,
                "code": f"GS{n:05d}",
                "name": f"{DISTRICTS[n % len(DISTRICTS)]}第{n}{levels[n % len(LEVELS)]}",
                "district": DISTRICTS[n % len(DISTRICTS)],
                "level": LEVELS[n % len(LEVELS)],
                "address": "",
                "contact_name": f"{SURNAMES[n % len(SURNAMES)]}老师",
                "contact_phone": "",
                "is_active": True,
                "created_at": now,
            }
            for n in range(1, scale.schools + 1)
        ),
    )
    insert(
        connection,
        Assignment,
        (
            {
                "school_id": s,
                "advisor_id": (s - 1 + (kind == "backup")) % scale.advisors + 1,
                "kind": kind,
                "starts_on": start,
                "ends_on": None,
                "created_at": now,
                "created_by_id": None,
            }
            for s in range(1, scale.schools + 1)
            for kind in ("primary", "backup")
        ),
    )
    password = hash_password(DEMO_PASSWORD)
    common = {"password_hash": password, "is_active": True, "locale": None, "created_at": now}
    first = _next_id(connection, User)
    people: list[tuple[str, str, Role, int | None, int | None]] = [
        ("bureau@demo.local", "教育局法规科", Role.BUREAU, None, None)
    ]
    people += [
        (f"advisor{a:04d}@generated.local", f"顾问{a}", Role.ADVISOR, None, a)
        for a in range(1, scale.advisors + 1)
    ]
    people += [
        (f"school{s:05d}@generated.local", f"学校{s}经办人", Role.SCHOOL, s, None)
        for s in range(1, scale.schools + 1)
    ]
    insert(
        connection,
        User,
        (
            {
                "id": first + i,
                "email": email,
                "name": name,
                "role": role.value,
                "school_id": school,
                "advisor_id": advisor,
                **common,
            }
            for i, (email, name, role, school, advisor) in enumerate(people)
        ),
    )


def _read_directory(connection: sa.Connection) -> Directory:
    schools = set(connection.scalars(sa.select(School.id).where(School.is_active.is_(True))))
    primary = dict(
        connection.execute(
            sa.select(Assignment.school_id, Assignment.advisor_id).where(
                Assignment.kind == "primary", Assignment.ends_on.is_(None)
            )
        ).all()
    )
    school_user: dict[int, int] = {}
    advisor_user: dict[int, int] = {}
    for uid, school, advisor in connection.execute(
        sa.select(User.id, User.school_id, User.advisor_id).order_by(User.id)
    ):
        if school is not None:
            school_user.setdefault(school, uid)
        if advisor is not None:
            advisor_user.setdefault(advisor, uid)
    served = sorted(s for s in schools if s in primary and s in school_user)
    served = [s for s in served if primary[s] in advisor_user]
    schools_of: dict[int, list[int]] = {}
    for s in served:
        schools_of.setdefault(primary[s], []).append(s)
    return Directory(served, primary, school_user, advisor_user, schools_of)


class Generator:
    """One run: ids continue after what exists; everything else follows from the seed."""

    def __init__(
        self,
        connection: sa.Connection,
        scale: Scale,
        seed: int,
        store: FileStore,
        calendar: BureauCalendar,
        now: datetime,
    ) -> None:
        self.connection = connection
        self.scale = scale
        self.rng = random.Random(seed)  # repeatable synthetic data, no secrets  # nosec B311
        self.today = now.astimezone(BEIJING).date()
        self.now = now
        self.start = date(self.today.year - YEARS + 1, 1, 1)
        self.store = store
        self.calendar = calendar
        self.counts: dict[str, int] = {}

    def cap(self, moment: datetime) -> datetime:
        """Nothing happens after ``now``: today's work is what was done so far today."""
        return min(moment, self.now)

    def run(self) -> dict[str, int]:
        connection = self.connection
        if not connection.scalar(sa.select(sa.func.count()).select_from(School)):
            _directory(connection, self.scale, self.rng, self.start - timedelta(days=31), self.now)
            self.counts["schools"] = self.scale.schools
            self.counts["advisors"] = self.scale.advisors
        directory = _read_directory(connection)
        if not directory.schools:
            raise GenerationRefused("no school has a primary advisor and an account")
        self.habits = draw_habits(sorted(directory.schools_of), self.rng)
        self.days = Workdays(self.start, self.today + timedelta(days=120), self.calendar)
        sha = self.store.put(PDF)
        self._work(directory, sha)
        return self.counts

    # --- contracts and reviews ------------------------------------------------------

    def _work(self, directory: Directory, sha: str) -> None:
        from advisor.precheck.engine import RULES  # here, not in every command: 0.5 s

        rule_ids = tuple(r for r in RULES if r != "no_text_layer")
        c = self.connection
        ids = {
            name: _next_id(c, table)
            for name, table in (
                ("contract", Contract),
                ("version", ContractVersion),
                ("review", Review),
                ("finding", Finding),
                ("hit", PrecheckHit),
                ("feedback", Feedback),
            )
        }
        contracts: list[dict[str, Any]] = []
        versions: list[dict[str, Any]] = []
        reviews: list[dict[str, Any]] = []
        findings: list[dict[str, Any]] = []
        hits: list[dict[str, Any]] = []
        feedback: list[dict[str, Any]] = []
        closings: list[dict[str, Any]] = []
        self.review_entries: list[tuple[datetime, int, int, int, int, int, str]] = []
        rng = self.rng
        submission_days = [d for d in self.days.working if d <= self.today]
        types = list(TITLES)
        type_weights = (20, 8, 12, 6, 14, 8, 4, 6, 5, 5, 3, 9)

        def version(contract: dict[str, Any], number: int, at: datetime) -> int:
            vid = ids["version"]
            ids["version"] += 1
            versions.append(
                {
                    "id": vid,
                    "contract_id": contract["id"],
                    "number": number,
                    "sha256": sha,
                    "size": len(PDF),
                    "file_name": f"{contract['title']}.pdf",
                    "media_type": "pdf",
                    "pages": 1,
                    "has_text": False,  # the placeholder page has no text
                    "extractor": "generated",
                    "note": "",
                    "is_signed": False,
                    "uploaded_at": at,
                    "uploaded_by_id": contract["submitted_by_id"],
                }
            )
            for rule in rng.sample(rule_ids, rng.choice((0, 1, 1, 2, 2, 3))):
                hits.append(
                    {
                        "id": ids["hit"],
                        "contract_id": contract["id"],
                        "version_id": vid,
                        "rule": rule,
                        "severity": RULES[rule].severity,
                        "page": 1,
                        "start": None,
                        "end": None,
                        "excerpt": "",
                        "params": {},
                        "status": "open",
                        "reason": None,
                        "finding_id": None,
                        "decided_by_id": None,
                        "decided_at": None,
                    }
                )
                ids["hit"] += 1
            return vid

        def review(
            contract: dict[str, Any],
            vid: int,
            arrived: datetime,
            outcome: str,
            received: date,
            issued: date,
            due: date,
        ) -> int:
            rid = ids["review"]
            ids["review"] += 1
            at = self.cap(max(_utc(issued, rng.randrange(540, 1260)), arrived + MINUTE))
            minutes = rng.randrange(20, 240)
            reviews.append(
                {
                    "id": rid,
                    "contract_id": contract["id"],
                    "version_id": vid,
                    "advisor_id": contract["advisor_id"],
                    "author_id": directory.advisor_user[contract["advisor_id"]],
                    "status": "issued",
                    "outcome": outcome,
                    "summary": "经审查，提出如下意见。",
                    "minutes_spent": minutes,
                    "number": f"G{issued.year}-{rid:07d}",
                    "due_on": due,
                    "working_days": self.days.between(received, issued),
                    "created_at": at,
                    "updated_at": at,
                    "issued_at": at,
                }
            )
            n_findings = (
                rng.choice((1, 1, 2, 3)) if outcome == "return" else rng.choice((0, 1, 1, 2, 3))
            )
            for position in range(1, n_findings + 1):
                findings.append(
                    {
                        "id": ids["finding"],
                        "review_id": rid,
                        "position": position,
                        "dimension": rng.choices(("legality", "clarity", "operability"), (5, 3, 2))[
                            0
                        ],
                        "severity": rng.choices(("high", "medium", "low"), (2, 5, 3))[0],
                        "clause": f"第{rng.randrange(1, 20)}条",
                        "problem": "约定不明确，可能引发争议。",
                        "suggestion": "建议明确约定。",
                        "legal_basis": "《中华人民共和国民法典》第四百七十条",
                        "resolved": None,
                    }
                )
                ids["finding"] += 1
            self.review_entries.append(
                (
                    at,
                    contract["advisor_id"],
                    contract["school_id"],
                    contract["id"],
                    rid,
                    minutes,
                    contract["title"],
                )
            )
            return rid

        for _ in range(self.scale.contracts):
            school = rng.choice(directory.schools)
            advisor = directory.advisor_of[school]
            received = rng.choice(submission_days)
            submitted_at = arrived = self.cap(_utc(received, rng.randrange(480, 1080)))
            kind = rng.choices(types, type_weights)[0]
            urgent = rng.random() < URGENT_SHARE
            limit = 2 if urgent else 5
            cid = ids["contract"]
            ids["contract"] += 1
            title = f"{TITLES[kind]}（{received.year}-{cid}）"
            contract: dict[str, Any] = {
                "id": cid,
                "title": title,
                "counterparty": "新疆"
                + rng.choice(SURNAMES)
                + rng.choice(GIVEN)
                + rng.choice(COUNTERPARTIES),
                "contract_type": kind,
                "amount": Decimal(rng.randrange(5_000, 3_000_000)).quantize(Decimal("1.00")),
                "start_on": received,
                "end_on": received + timedelta(days=364),
                "is_urgent": urgent,
                "note": "",
                "school_id": school,
                "advisor_id": advisor,
                "submitted_by_id": directory.school_user[school],
                "status": "submitted",
                "due_on": self.days.after(received, limit),
                "days_left": None,
                "submitted_at": submitted_at,
                "outcome": None,
                "result": None,
                "search_text": "",
                "created_at": submitted_at,
                "lock_version": 1,
            }
            contract["search_text"] = f"{title}\n{contract['counterparty']}".lower()
            contracts.append(contract)
            vid = version(contract, 1, submitted_at)
            if rng.random() < WITHDRAWN_SHARE and received < self.today - timedelta(days=30):
                contract["status"], contract["due_on"] = "withdrawn", None
                continue
            if rng.random() < STUCK_SHARE:
                contract["status"] = "in_review"
                continue
            taken = self.days.after(received, rng.choice((0, 0, 1)))
            due = contract["due_on"]
            start_from = received
            if rng.random() < RETURN_SHARE:
                k = rng.randrange(1, limit + 1)
                returned_on = self.days.after(received, k)
                if returned_on > self.today:
                    contract["status"] = "in_review" if taken <= self.today else "submitted"
                    continue
                review(contract, vid, submitted_at, "return", received, returned_on, due)
                resubmitted = returned_on + timedelta(days=rng.randrange(1, 9))
                left = max(1, limit - k)
                if resubmitted > self.today:
                    contract.update(status="returned", days_left=left)
                    continue
                resubmitted_at = arrived = self.cap(_utc(resubmitted, rng.randrange(480, 1080)))
                vid = version(contract, 2, resubmitted_at)
                start_from, limit = resubmitted, left
                due = self.days.after(resubmitted, left)
                contract["due_on"] = due
            late = rng.random() < self.habits[advisor].late_share
            k = rng.randrange(limit + 1, limit + 7) if late else rng.randrange(0, limit + 1)
            issued = self.days.after(start_from, k)
            if issued > self.today:
                contract["status"] = "in_review" if start_from < self.today else "submitted"
                continue
            outcome = rng.choices(("approve", "approve_with_changes", "reject"), (45, 45, 10))[0]
            rid = review(contract, vid, arrived, outcome, start_from, issued, due)
            contract.update(status="reviewed", outcome=outcome)
            if rng.random() < RATED_SHARE:
                habit = self.habits[advisor]
                rated = issued + timedelta(days=rng.randrange(0, 10))
                if rated <= self.today:
                    feedback.append(
                        {
                            "id": ids["feedback"],
                            "review_id": rid,
                            "contract_id": cid,
                            "advisor_id": advisor,
                            "rating": min(5, max(1, round(rng.gauss(habit.rating, 0.8)))),
                            "comment": "",
                            "created_by_id": contract["submitted_by_id"],
                            "created_at": self.cap(max(_utc(rated, 1200), arrived)),
                        }
                    )
                    ids["feedback"] += 1
            closed = issued + timedelta(days=rng.randrange(2, 30))
            if closed <= self.today and rng.random() < CLOSED_SHARE:
                signed = outcome != "reject" and rng.random() < 0.95
                contract.update(status="closed", result="signed" if signed else "abandoned")
                closings.append(
                    {
                        "contract_id": cid,
                        "result": contract["result"],
                        "adoption": rng.choices(("fully", "partly", "not"), (70, 25, 5))[0]
                        if signed
                        else None,
                        "adoption_note": "",
                        "signed_version_id": None,
                        "closed_at": self.cap(_utc(closed, 1000)),
                        "closed_by_id": contract["submitted_by_id"],
                    }
                )
        c = self.connection
        for name, table, rows in (
            ("contracts", Contract, contracts),
            ("versions", ContractVersion, versions),
            ("reviews", Review, reviews),
            ("findings", Finding, findings),
            ("precheck hits", PrecheckHit, hits),
            ("ratings", Feedback, feedback),
            ("closings", Closing, closings),
        ):
            self.counts[name] = insert(c, table, rows)
            rows.clear()  # free the memory before the ledger's millions of rows
        self.counts["ledger entries"] = self._ledger(directory)

    # --- the ledger -----------------------------------------------------------------

    def _ledger(self, directory: Directory) -> int:
        """The review entries and other work, appended in the order recorded, chained."""
        c = self.connection
        head = c.execute(
            sa.select(LedgerHead.seq, LedgerHead.last_hash).where(LedgerHead.id == 1)
        ).first()
        seq, prev = (head[0], head[1]) if head else (0, "0" * 64)
        first_id = _next_id(c, LedgerEntry)
        rng = self.rng
        others = max(0, self.scale.entries - len(self.review_entries))
        by_day: dict[int, list[tuple[Any, ...]]] = {}
        for at, advisor, school, contract, review, minutes, title in self.review_entries:
            day = at.astimezone(BEIJING).date()
            by_day.setdefault((day - self.start).days, []).append(
                (
                    self.cap(at + MINUTE),
                    day,
                    advisor,
                    school,
                    "contract_review",
                    contract,
                    review,
                    minutes,
                    title,
                )
            )
        advisors = sorted(directory.schools_of)
        busy = list(
            itertools.accumulate(
                self.habits[a].diligence * len(directory.schools_of[a]) ** 0.5 for a in advisors
            )
        )
        workdays = [d for d in self.days.working if d <= self.today]
        seasonal = list(itertools.accumulate(SEASON[d.month - 1] for d in workdays))
        kinds = [k.value for k in KIND_WEIGHTS]
        kind_weights = list(itertools.accumulate(KIND_WEIGHTS.values()))
        rand = rng.random
        for _ in range(others):
            advisor = rng.choices(advisors, cum_weights=busy)[0]
            day = rng.choices(workdays, cum_weights=seasonal)[0]
            if rand() < self.habits[advisor].late_records:
                delay = LATE_AFTER_DAYS + 1 + int(rand() * 38)  # entered at the month's end
            else:
                delay = int(rand() * 4)
            recorded = min(self.today, day + timedelta(days=delay))
            at = self.cap(_utc(recorded, 480 + int(rand() * 900)))
            schools = directory.schools_of[advisor]
            by_day.setdefault((recorded - self.start).days, []).append(
                (
                    at,
                    day,
                    advisor,
                    schools[int(rand() * len(schools))],
                    rng.choices(kinds, cum_weights=kind_weights)[0],
                    None,
                    None,
                    15 + int(rand() * 180),
                    None,
                )
            )

        def rows() -> Iterator[dict[str, Any]]:
            nonlocal seq, prev
            n = first_id
            for recorded in sorted(by_day):
                for at, day, advisor, school, kind, contract, review, minutes, title in sorted(
                    by_day.pop(recorded), key=lambda e: e[0]
                ):
                    seq += 1
                    lecture = kind == "lecture"
                    row = {
                        "id": n,
                        "seq": seq,
                        "entry_on": day,
                        "advisor_id": advisor,
                        "school_id": None if kind in ("training", "other") else school,
                        "kind": kind,
                        "description": f"审查《{title}》" if title else f"{DESCRIPTIONS[kind]}",
                        "service_mode": "written"
                        if review
                        else ("on_site" if lecture else MODES[int(rand() * len(MODES))]),
                        "minutes": minutes,
                        "outcome": "",
                        "audience": "全体教职工" if lecture else "",
                        "headcount": 20 + int(rand() * 300) if lecture else None,
                        "contract_id": contract,
                        "review_id": review,
                        "supersedes_id": None,
                        "on_behalf": False,
                        "created_at": at,
                        "created_by_id": directory.advisor_user[advisor],
                    }
                    row["prev_hash"] = prev
                    row["hash"] = prev = entry_hash(row, prev)
                    n += 1
                    yield row

        count = insert(c, LedgerEntry, rows())
        index_entries(c, first_id)  # the search index, in one statement for them all
        if head is None:
            c.execute(sa.insert(LedgerHead).values(id=1, seq=seq, last_hash=prev))
        else:
            c.execute(
                sa.update(LedgerHead).where(LedgerHead.id == 1).values(seq=seq, last_hash=prev)
            )
        return count


DESCRIPTIONS = {
    "consultation": "解答学校法律咨询",
    "lecture": "开展法治讲座",
    "dispute_mediation": "参与调处纠纷",
    "document_drafting": "代拟法律文书",
    "training": "参加业务培训",
    "other": "其他法律服务",
}

SEQUENCED = (
    LawFirm, Advisor, School, Assignment, User, Contract, ContractVersion, Review, Finding,
    PrecheckHit, Feedback, LedgerEntry,
)  # fmt: skip


def reset_sequences(connection: sa.Connection, models: Iterable[type[Base]]) -> None:
    """After rows were written with explicit ids, let PostgreSQL's id sequences continue
    after the largest id (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        # The table names are our own models', not input.
        statement = (
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'),"  # our models' tables  # nosec B608
            f' (SELECT coalesce(max(id), 0) + 1 FROM "{table}"), false)'
        )
        connection.exec_driver_sql(statement)


def generate(
    session: orm.Session,
    scale: Scale,
    *,
    seed: int,
    now: datetime,
    store: FileStore,
) -> dict[str, int]:
    """Generate and commit; return what was added, by kind of record. ``now`` is the
    latest moment anything may carry, and its Beijing date the last day of work; the same
    seed and ``now`` give the same data."""
    calendar = bureau_calendar.load(session)
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MB for the load
    counts = Generator(connection, scale, seed, store, calendar, now).run()
    reset_sequences(connection, SEQUENCED)
    session.commit()
    return counts
