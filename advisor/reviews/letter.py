"""The opinion letter's content (法律意见书), written once: the paragraphs that the page,
its print, the .docx and the PDF all show, each with the style it is set in.

The builders (templates/reviews/opinion.html, opinion.py for Word, letter_pdf.py for PDF)
only lay these paragraphs out; none of them writes letter text of its own, so the three
forms cannot drift apart. The letter is Chinese whatever the reader's interface language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from advisor.amounts import capital_and_figure
from advisor.contracts.models import Contract, ContractVersion
from advisor.directory.models import Advisor, School
from advisor.reviews.labels import DIMENSION_CHINESE, OUTCOME_CHINESE, SEVERITY_CHINESE
from advisor.reviews.models import Dimension, Review
from advisor.workdays import today_local

TITLE = "法律意见书"
NO_FINDINGS = "经审查，未发现需要修改的问题。"
DECLARATIONS = (
    "一、本意见书仅依据委托方提供的合同文本及材料出具，委托方应保证材料真实、完整。",
    "二、本意见书仅供委托方决定是否签订上述合同时参考，不得用于其他目的。",
    "三、合同履行中发生的情况变化，不在本意见书审查范围之内。",
)

_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


class Style(StrEnum):
    """How a paragraph is set (GB/T 9704 conventions for official documents)."""

    TITLE = "title"  # centred, 2号 小标宋 (黑体 where it is missing)
    NUMBER = "number"  # centred under the title
    ADDRESSEE = "addressee"  # 主送: flush left
    HEADING = "heading"  # 一、…: 黑体
    SUBHEADING = "subheading"  # （合法性）: 楷体
    BODY = "body"  # 3号 仿宋, first line indented two characters
    SIGNATURE = "signature"  # firm, lawyer and date, flush right


@dataclass(frozen=True)
class Paragraph:
    style: Style
    text: str


@dataclass(frozen=True)
class Letter:
    number: str
    paragraphs: tuple[Paragraph, ...]

    def texts(self) -> list[str]:
        """Every paragraph's text, in order."""
        return [p.text for p in self.paragraphs]


@dataclass(frozen=True)
class LetterFacts:
    review: Review
    contract: Contract
    version: ContractVersion
    school: School
    advisor: Advisor


def chinese_date(day: date) -> str:
    """A date as official documents write it: 2027年3月1日 (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def one_line(text: str) -> str:
    """User text on one line: line breaks inside a finding would split its paragraph."""
    return _LINE_BREAKS.sub(" ", text.strip())


def lines_of(text: str) -> list[str]:
    """User text as paragraphs, one for each non-empty line."""
    return [line for line in _LINE_BREAKS.split(text.strip()) if line]


def compose_letter(facts: LetterFacts) -> Letter:
    """The opinion letter of an issued review, paragraph by paragraph."""
    review, contract, version = facts.review, facts.contract, facts.version
    firm = facts.advisor.law_firm.name
    paragraphs: list[Paragraph] = []

    def add(style: Style, text: str) -> None:
        paragraphs.append(Paragraph(style, text))

    add(Style.TITLE, TITLE)
    add(Style.NUMBER, f"编号：{review.number}")
    add(Style.ADDRESSEE, f"致：{facts.school.name}")
    add(
        Style.BODY,
        f"{firm}律师{facts.advisor.name}（执业证号：{facts.advisor.licence_no}）"
        "接受贵校委托，就下列合同出具本法律意见书。",
    )

    add(Style.HEADING, "一、审查事项")
    add(Style.BODY, f"合同名称：{contract.title}")
    add(Style.BODY, f"合同相对方：{contract.counterparty}")
    add(Style.BODY, f"合同金额：{capital_and_figure(contract.amount)}")
    add(
        Style.BODY,
        f"合同期限：{chinese_date(contract.start_on)}至{chinese_date(contract.end_on)}",
    )

    add(Style.HEADING, "二、审查材料")
    add(
        Style.BODY,
        f"合同文本第{version.number}版：{version.file_name}（SHA-256：{version.sha256}）",
    )

    add(Style.HEADING, "三、审查意见")
    if not review.findings:
        add(Style.BODY, NO_FINDINGS)
    count = 0
    for dimension in Dimension:
        items = [f for f in review.findings if f.dimension == dimension]
        if not items:
            continue
        add(Style.SUBHEADING, f"（{DIMENSION_CHINESE[dimension]}）")
        for finding in items:
            count += 1
            clause = f"【{one_line(finding.clause)}】" if finding.clause else ""
            add(
                Style.BODY,
                f"{count}. {clause}{one_line(finding.problem)}"
                f"（风险等级：{SEVERITY_CHINESE[finding.severity]}）",
            )
            if finding.suggestion:
                add(Style.BODY, f"修改建议：{one_line(finding.suggestion)}")
            if finding.legal_basis:
                add(Style.BODY, f"法律依据：{one_line(finding.legal_basis)}")

    add(Style.HEADING, "四、结论")
    add(Style.BODY, f"审查结论：{OUTCOME_CHINESE.get(review.outcome or '', '')}。")
    for line in lines_of(review.summary or ""):
        add(Style.BODY, line)

    add(Style.HEADING, "五、声明与保留")
    for line in DECLARATIONS:
        add(Style.BODY, line)

    add(Style.SIGNATURE, firm)
    add(Style.SIGNATURE, f"律师：{facts.advisor.name}")
    issued = today_local(review.issued_at) if review.issued_at else None
    add(Style.SIGNATURE, chinese_date(issued) if issued else "")
    return Letter(number=review.number or "", paragraphs=tuple(paragraphs))
