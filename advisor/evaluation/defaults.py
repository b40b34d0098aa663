"""The default rule set: DOMAIN.md's 100-point sheet made concrete (issue 6, item 3)."""

from __future__ import annotations

from decimal import Decimal

from advisor.evaluation.rules import (
    Block,
    CalendarEvent,
    Grade,
    Item,
    RuleSet,
    VetoItem,
)


def default_rule_set() -> RuleSet:
    """The demo bureau's rules (issue 6): 100 points in four blocks, 10 bonus, a veto."""
    d = Decimal
    return RuleSet(
        name="学校法律顾问考核细则",
        version=1,
        total_cap=d(100),
        bonus_cap=d(10),
        periods=("year", "quarter"),
        blocks=(
            Block(
                key="duty",
                label_zh="履职情况",
                label_en="Duty performance",
                max_points=d(40),
                items=(
                    Item(
                        key="on_time",
                        label_zh="按时出具审查意见",
                        label_en="Reviews issued on time",
                        max_points=d(25),
                        measure="on_time_rate",
                        method="proportional",
                        params={"rate": "fraction"},
                    ),
                    Item(
                        key="matters",
                        label_zh="办理事项数量",
                        label_en="Matters handled",
                        max_points=d(15),
                        measure="matters_handled",
                        method="ratio_to_target",
                        # About one matter a week, as a county's advisor serving a
                        # school or two handles them (reviews, consultations, drafting,
                        # mediation): the diligent reach it, most get two thirds of it.
                        params={"target": {"year": d(48), "quarter": d(12)}},
                        no_data="fixed",
                        no_data_points=d(0),
                    ),
                ),
            ),
            Block(
                key="quality",
                label_zh="服务质量",
                label_en="Service quality",
                max_points=d(30),
                items=(
                    Item(
                        key="rating",
                        label_zh="学校满意度评价",
                        label_en="Schools' satisfaction rating",
                        max_points=d(30),
                        measure="average_rating",
                        method="proportional",
                        params={"rate": "rating_1_5"},
                    ),
                ),
            ),
            Block(
                key="records",
                label_zh="工作规范",
                label_en="Record keeping",
                max_points=d(20),
                items=(
                    Item(
                        key="ledger_months",
                        label_zh="台账逐月记录",
                        label_en="Ledger kept every month",
                        max_points=d(10),
                        measure="months_with_entries_rate",
                        method="proportional",
                        params={"rate": "fraction"},
                        no_data="fixed",
                        no_data_points=d(0),
                    ),
                    Item(
                        key="ledger_timely",
                        label_zh="台账及时记录（7日内）",
                        label_en="Entries recorded within 7 days",
                        max_points=d(10),
                        measure="timely_entries_rate",
                        method="proportional",
                        params={"rate": "fraction"},
                        no_data="fixed",
                        no_data_points=d(0),
                    ),
                ),
            ),
            Block(
                key="conduct",
                label_zh="工作纪律",
                label_en="Discipline",
                max_points=d(10),
                items=(
                    Item(
                        key="discipline",
                        label_zh="工作纪律（每起有效投诉扣5分）",
                        label_en="Discipline (5 off per valid complaint)",
                        max_points=d(10),
                        measure="valid_complaints",
                        method="deduction_per_unit",
                        params={"per_unit": d(5), "start": d(10)},
                        no_data="fixed",
                        no_data_points=d(10),
                        manual=True,
                    ),
                ),
            ),
            Block(
                key="bonus",
                label_zh="加分",
                label_en="Bonus",
                max_points=d(10),
                is_bonus=True,
                items=(
                    Item(
                        key="lectures",
                        label_zh="法治讲座（每次2分）",
                        label_en="Lectures given (2 each)",
                        max_points=d(10),
                        measure="lectures_given",
                        method="per_unit",
                        params={"per_unit": d(2), "cap": d(10)},
                        no_data="fixed",
                        no_data_points=d(0),
                    ),
                ),
            ),
        ),
        veto_items=(
            VetoItem("sanction", "受到党纪政务处分或行业处分", "Disciplinary sanction"),
            VetoItem(
                "secrets", "泄露国家秘密、工作秘密或学校信息", "Leaked confidential information"
            ),
            VetoItem(
                "against_school",
                "代理针对服务学校的事务或有利益冲突",
                "Acted against a served school",
            ),
        ),
        grades=(
            Grade("优秀", "Excellent", d(90)),
            Grade("合格", "Qualified", d(75)),
            Grade("基本合格", "Basically qualified", d(60)),
            Grade("不合格", "Unqualified", d(0)),
        ),
        calendar=(
            CalendarEvent(
                "complete_ledger",
                "顾问完成台账填报",
                "Advisors complete the ledger",
                "period_end-10d",
            ),
            CalendarEvent(
                "run_evaluation", "教育局开展考核", "Bureau runs the evaluation", "period_end+1d"
            ),
        ),
    )
