"""The legal opinion letter (法律意见书) as a Word document, built with python-docx.

Chinese text needs the East Asian font set on every run (w:eastAsia), or Word and
WPS fall back to a Latin font and show boxes or the wrong face.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.run import Run

from advisor.contracts.models import Contract, ContractVersion
from advisor.directory.models import Advisor, School
from advisor.reviews.labels import DIMENSION_CHINESE, OUTCOME_CHINESE, SEVERITY_CHINESE
from advisor.reviews.models import Dimension, Review
from advisor.workdays import today_local

BODY_FONT = "宋体"
TITLE_FONT = "黑体"

DECLARATIONS = (
    "一、本意见书仅依据委托方提供的合同文本及材料出具，委托方应保证材料真实、完整。",
    "二、本意见书仅供委托方决定是否签订上述合同时参考，不得用于其他目的。",
    "三、合同履行中发生的情况变化，不在本意见书审查范围之内。",
)


@dataclass(frozen=True)
class LetterFacts:
    review: Review
    contract: Contract
    version: ContractVersion
    school: School
    advisor: Advisor


def _font(run: Run, name: str = BODY_FONT, size: float = 12, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(document: docx.document.Document, text: str, **style: object) -> None:
    paragraph = document.add_paragraph()
    _font(paragraph.add_run(text), **style)  # type: ignore[arg-type]


def build_letter(facts: LetterFacts) -> bytes:
    """The opinion letter for an issued review, as .docx bytes."""
    review, contract, version = facts.review, facts.contract, facts.version
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run("法律意见书"), TITLE_FONT, 22, bold=True)
    number = document.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(number.add_run(f"编号：{review.number}"))

    _paragraph(document, f"致：{facts.school.name}")
    firm = facts.advisor.law_firm.name
    _paragraph(
        document,
        f"{firm}律师{facts.advisor.name}（执业证号：{facts.advisor.licence_no}）"
        "接受贵校委托，就下列合同出具本法律意见书。",
    )

    _paragraph(document, "一、审查事项", bold=True)
    _paragraph(document, f"合同名称：{contract.title}")
    _paragraph(document, f"合同相对方：{contract.counterparty}")
    _paragraph(document, f"合同金额：人民币{contract.amount:,.2f}元")
    _paragraph(
        document, f"合同期限：{contract.start_on.isoformat()}至{contract.end_on.isoformat()}"
    )

    _paragraph(document, "二、审查材料", bold=True)
    _paragraph(
        document,
        f"合同文本第{version.number}版：{version.file_name}（SHA-256：{version.sha256}）",
    )

    _paragraph(document, "三、审查意见", bold=True)
    if not review.findings:
        _paragraph(document, "经审查，未发现需要修改的问题。")
    count = 0
    for dimension in Dimension:
        items = [f for f in review.findings if f.dimension == dimension]
        if not items:
            continue
        _paragraph(document, f"（{DIMENSION_CHINESE[dimension]}）", bold=True)
        for finding in items:
            count += 1
            clause = f"【{finding.clause}】" if finding.clause else ""
            _paragraph(
                document,
                f"{count}. {clause}{finding.problem}"
                f"（风险等级：{SEVERITY_CHINESE[finding.severity]}）",
            )
            if finding.suggestion:
                _paragraph(document, f"修改建议：{finding.suggestion}")
            if finding.legal_basis:
                _paragraph(document, f"法律依据：{finding.legal_basis}")

    _paragraph(document, "四、结论", bold=True)
    _paragraph(document, f"审查结论：{OUTCOME_CHINESE.get(review.outcome or '', '')}。")
    if review.summary:
        _paragraph(document, review.summary)

    _paragraph(document, "五、声明与保留", bold=True)
    for line in DECLARATIONS:
        _paragraph(document, line)

    signature = document.add_paragraph()
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    issued = today_local(review.issued_at) if review.issued_at else None
    date_text = f"{issued.year}年{issued.month}月{issued.day}日" if issued else ""
    _font(signature.add_run(f"{firm}\n律师：{facts.advisor.name}\n{date_text}"))

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
