"""Reports on one evaluation: the ranking, a summary per law firm, the grade distribution,
and the whole evaluation as an .xlsx workbook (ranking with every item, each item's
basis in words, adjustments, objections), each sheet under a title row naming the bureau,
the evaluation and when the file was made (issue 20, item 9). The figures come from the
stored results, so a published evaluation's reports never change with later data."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.directory.models import Advisor, LawFirm
from advisor.evaluation.models import Evaluation, EvaluationResult
from advisor.evaluation.rules import RuleSet
from advisor.formats import datetime_text, evaluation_title, period_text
from advisor.spreadsheet import append, head
from advisor.spreadsheet import title as title_row
from advisor.workdays import BEIJING

CENT = Decimal("0.01")
KIND = {"points": "调整分值", "measure": "录入指标", "veto": "一票否决"}


@dataclass(frozen=True, slots=True)
class Who:
    name: str
    firm_id: int
    firm: str


@dataclass(frozen=True, slots=True)
class FirmSummary:
    firm_id: int
    firm: str
    advisors: int
    average: Decimal
    grades: dict[str, int]


def people(session: orm.Session, results: list[EvaluationResult]) -> dict[int, Who]:
    """Each advisor's name and law firm, in one query."""
    ids = [r.advisor_id for r in results]
    rows = session.execute(
        sa.select(Advisor.id, Advisor.name, LawFirm.id, LawFirm.name)
        .join(LawFirm, LawFirm.id == Advisor.law_firm_id)
        .where(Advisor.id.in_(ids))
    )
    return {advisor_id: Who(name, firm_id, firm) for advisor_id, name, firm_id, firm in rows}


def grade_names(rules: RuleSet) -> list[str]:
    return [grade.name_zh for grade in rules.grades]


def grade_distribution(rules: RuleSet, results: list[EvaluationResult]) -> list[tuple[str, int]]:
    """Every grade of the rule set, highest first, with how many advisors got it."""
    counts = Counter(r.grade for r in results)
    return [(name, counts.get(name, 0)) for name in grade_names(rules)]


def by_firm(
    rules: RuleSet, results: list[EvaluationResult], who: dict[int, Who]
) -> list[FirmSummary]:
    """Per law firm: advisors evaluated, their average total (to the cent, half up) and
    their grades; the best average first."""
    groups: dict[int, list[EvaluationResult]] = {}
    for result in results:
        groups.setdefault(who[result.advisor_id].firm_id, []).append(result)
    summaries = []
    for firm_id, members in groups.items():
        total = sum((Decimal(r.total) for r in members), Decimal(0))
        counts = Counter(r.grade for r in members)
        summaries.append(
            FirmSummary(
                firm_id=firm_id,
                firm=who[members[0].advisor_id].firm,
                advisors=len(members),
                average=(total / len(members)).quantize(CENT, rounding=ROUND_HALF_UP),
                grades={name: counts.get(name, 0) for name in grade_names(rules)},
            )
        )
    return sorted(summaries, key=lambda s: (-s.average, s.firm))


def title(bureau: str, period: str, made_at: datetime) -> str:
    """The title row of every sheet: the bureau, the evaluation and ``made_at`` (the
    bureau's local time, passed in), e.g. "乌苏市教科局 法律顾问2025年第三季度考核结果
    制表时间：2025年10月9日 16:00"."""
    return title_row(bureau, f"法律顾问{evaluation_title(period, 'zh')}结果", made_at)


def workbook(
    session: orm.Session,
    evaluation: Evaluation,
    rules: RuleSet,
    results: list[EvaluationResult],
    *,
    bureau: str,
    made_at: datetime,
) -> bytes:
    """The evaluation as an .xlsx file: 排名 (every item's points), 评分依据 (every item's
    points and basis in words), 律所汇总, 调整记录, 异议, 说明; each sheet under the title
    row (``title``, made at ``made_at``, the bureau's local time) and its header."""
    # openpyxl takes 0.3 s to import: here, when a workbook is asked for
    from openpyxl import Workbook

    who = people(session, results)
    book = Workbook()
    top = title(bureau, evaluation.period, made_at)

    ranking = book.active
    assert ranking is not None  # a new workbook has its sheet; for mypy  # nosec B101
    ranking.title = "排名"
    items = [item for _, item in rules.items()]
    head(
        ranking,
        top,
        ["名次", "法律顾问", "律师事务所", "总分", "等次", "一票否决"]
        + [f"{item.label_zh}（{item.max_points}）" for item in items],
    )
    for result in results:
        points = {i["item"]: i["points"] for i in result.items}
        append(
            ranking,
            [
                result.rank,
                who[result.advisor_id].name,
                who[result.advisor_id].firm,
                Decimal(result.total),
                result.grade,
                "是" if result.vetoed else "",
            ]
            + [
                Decimal(p) if p is not None else "不适用"
                for p in (points.get(i.key) for i in items)
            ],
        )

    # Every item's points with its basis in words, as the result page says it.
    bases = book.create_sheet("评分依据")
    head(bases, top, ["名次", "法律顾问", "考核项目", "得分", "满分", "评分依据"])
    for result in results:
        for item in result.items:
            append(
                bases,
                [
                    result.rank,
                    who[result.advisor_id].name,
                    item["label_zh"],
                    Decimal(item["points"]) if item["points"] is not None else "不适用",
                    Decimal(item["max"]),
                    item.get("basis_zh", ""),
                ],
            )

    firms = book.create_sheet("律所汇总")
    names = grade_names(rules)
    head(firms, top, ["律师事务所", "考核人数", "平均分", *names])
    for summary in by_firm(rules, results, who):
        append(
            firms,
            [summary.firm, summary.advisors, summary.average]
            + [summary.grades[name] for name in names],
        )
    firms.append([])
    append(firms, ["等次分布", "人数"])
    for name, count in grade_distribution(rules, results):
        append(firms, [name, count])

    changes = book.create_sheet("调整记录")
    head(changes, top, ["法律顾问", "类型", "项目", "调整为", "理由", "时间"])
    objections = book.create_sheet("异议")
    head(objections, top, ["法律顾问", "异议内容", "提出时间", "状态", "答复", "答复时间"])
    for result in results:
        name = who[result.advisor_id].name
        for a in result.adjustments:
            append(
                changes,
                [name, KIND[a.kind], a.target, a.value or "", a.reason, _when(a.created_at)],
            )
        for o in result.objections:
            append(
                objections,
                [
                    name,
                    o.text,
                    _when(o.filed_at),
                    "已答复" if o.status == "answered" else "待答复",
                    o.answer or "",
                    _when(o.answered_at) if o.answered_at else "",
                ],
            )
    sheet_info = book.create_sheet("说明")
    head(sheet_info, top, ["项目", "内容"])
    append(sheet_info, ["考核期间", period_text(evaluation.period, "zh")])
    append(sheet_info, ["状态", "已发布" if evaluation.status == "published" else "草稿"])
    append(sheet_info, ["考核细则", f"{rules.name} 第{rules.version}版"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _when(moment: datetime) -> str:
    """A moment of the adjustments' and objections' sheets as the title's time is shown:
    Beijing time to the minute (2026年1月5日 09:30), not the database's UTC."""
    return datetime_text(moment, "zh", BEIJING)
