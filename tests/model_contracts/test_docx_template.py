"""Fields in a bureau's Word template, found and filled: brackets and highlights, split
over runs as Word leaves them, in tables, headers and footers; refused packages; values
XML cannot hold."""

from __future__ import annotations

import io
import random
import zipfile

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from advisor.contracts.extraction import Limits, inspect
from advisor.model_contracts.docx_template import (
    MAX_FIELDS,
    MAX_PLACES,
    Field,
    TemplateError,
    fill,
    kind_of,
    negotiable_marks,
    read_fields,
)


def save(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def load(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def template(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    return save(document)


def labels(data: bytes) -> list[str]:
    return [field.label for field in read_fields(data)]


def text_of(data: bytes) -> str:
    return inspect(data, Limits()).pages[0]


def split_field() -> bytes:
    """甲方：【学校名称】，住所… with 【 bold, 学校 italic and 名称】 underlined, each its
    own run, as Word saves a label typed in pieces."""
    document = docx.Document()
    paragraph = document.add_paragraph("甲方：")
    document.add_paragraph("第二段")
    paragraph.add_run("【").bold = True
    paragraph.add_run("学校").italic = True
    paragraph.add_run("名称】").underline = True
    paragraph.add_run("，住所：乌苏市")
    return save(document)


def highlight(paragraph: Paragraph, text: str) -> None:
    paragraph.add_run(text).font.highlight_color = WD_COLOR_INDEX.YELLOW


def shade(paragraph: Paragraph, text: str, fill_colour: str) -> None:
    run = paragraph.add_run(text)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), fill_colour)
    run._r.get_or_add_rPr().append(shading)


# --- finding fields -------------------------------------------------------------------


def test_a_label_split_over_three_differently_formatted_runs_is_one_field() -> None:
    assert read_fields(split_field()) == [Field("学校名称", "text", 1)]


def test_adjacent_highlighted_runs_are_one_field_labelled_by_their_text() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("学校：")
    highlight(paragraph, "XX")
    highlight(paragraph, "中学")
    paragraph.add_run("，校长：")
    shade(paragraph, "张三", "FFFF00")
    paragraph.add_run("。")
    shade(paragraph, "白底不是字段", "FFFFFF")
    assert labels(save(document)) == ["XX中学", "张三"]


def test_a_highlight_over_a_bracket_only_stresses_the_brackets_field() -> None:
    document = docx.Document()
    highlight(document.add_paragraph(), "甲方：【学校名称】")
    line = document.add_paragraph()
    highlight(line, "XX中学")  # yellow, next to grey: two fields
    shade(line, "【校长】", "D9D9D9")
    assert labels(save(document)) == ["学校名称", "XX中学", "校长"]


def test_an_empty_bracket_takes_the_words_before_it_else_a_numbered_blank() -> None:
    data = template(
        "甲方：【   】",
        "【  】",
        "数量【  】吨，乙方（盖章）：【____】",
        "，【　】",
    )
    assert read_fields(data) == [
        Field("甲方", "text", 1),
        Field("空白1", "text", 1),
        Field("数量", "number", 1),
        Field("乙方（盖章）", "text", 1),
        Field("空白2", "text", 1),
    ]


def test_a_highlighted_blank_takes_the_words_before_it() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("联系人：")
    highlight(paragraph, "      ")
    assert labels(save(document)) == ["联系人"]


def test_a_bracket_opening_a_paragraph_with_more_text_is_a_clause_heading() -> None:
    document = docx.Document()
    document.add_paragraph("【付款方式】甲方应于签订后十日内支付【付款比例】。")
    document.add_paragraph("第六条【验收】按国家标准验收。")
    document.add_paragraph("【学校名称】")  # alone in its paragraph: a field
    heading = document.add_paragraph()
    highlight(heading, "【履行期限】")  # highlighted: a field after all
    heading.add_run("自签订之日起一年。")
    assert labels(save(document)) == ["付款比例", "学校名称", "履行期限"]


def test_fields_in_headers_tables_and_footers_come_in_reading_order() -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "合同编号：【合同编号】"
    document.sections[0].footer.paragraphs[0].text = "甲方签章：【学校名称】"
    document.add_paragraph("甲方：【学校名称】")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "合同总价（大写）"
    table.cell(0, 1).text = "人民币【金额大写】元（¥【合同金额】）"
    assert read_fields(save(document)) == [
        Field("合同编号", "text", 1),
        Field("学校名称", "text", 2),
        Field("金额大写", "amount_words", 1),
        Field("合同金额", "amount", 1),
    ]


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("合同金额", "amount"),
        ("单价", "amount"),
        ("服务费用", "amount"),
        ("合同价款（大写）", "amount_words"),
        ("签订日期", "date"),
        ("起始", "date"),
        ("学生人数", "number"),
        ("期限（月）", "number"),
        ("学校名称", "text"),
    ],
)
def test_the_kind_of_a_field_follows_its_label(label: str, kind: str) -> None:
    assert kind_of(label) == kind


def test_more_than_the_limit_of_fields_is_refused() -> None:
    assert len(read_fields(template(*(f"【字段{n}】" for n in range(MAX_FIELDS))))) == MAX_FIELDS
    with pytest.raises(TemplateError) as refused:
        read_fields(template(*(f"【字段{n}】" for n in range(MAX_FIELDS + 1))))
    assert refused.value.code == "too_many_fields"
    assert str(MAX_FIELDS) in str(refused.value)


def test_more_than_the_limit_of_places_is_refused() -> None:
    assert read_fields(template("与【甲方】" * MAX_PLACES)) == [Field("甲方", "text", MAX_PLACES)]
    with pytest.raises(TemplateError) as refused:
        fill(template("与【甲方】" * (MAX_PLACES + 1)), {"甲方": "一中"})
    assert refused.value.code == "too_many_fields"


# --- negotiable clauses -----------------------------------------------------------------


def test_negotiable_marks_give_the_clause_numbers_and_are_not_fields() -> None:
    document = load(
        template(
            "第五条 付款方式（可协商）",
            "甲方应于【付款日期】前支付。",
            "六、验收【可协商】",
            "5. 违约责任(可协商)",
            "5.2 违约金（可协商）",
            "第七条 争议解决",
            "本合同未尽事宜（可协商）",  # no clause number: nothing to report
        )
    )
    highlight(document.add_paragraph("第八条 保密"), "（可协商）")
    data = save(document)
    assert negotiable_marks(data) == {"第五条", "六、", "5.", "5.2", "第八条"}
    assert labels(data) == ["付款日期"]


# --- filling ----------------------------------------------------------------------------


def test_filling_a_split_field_keeps_the_first_runs_format_and_the_layout() -> None:
    data = split_field()
    filled = fill(data, {"学校名称": "乌苏市第一中学"})
    document = load(filled)
    runs = document.paragraphs[0].runs
    value = next(run for run in runs if run.text == "乌苏市第一中学")
    assert (value.bold, value.italic, value.underline) == (True, None, None)
    assert document.paragraphs[0].text == "甲方：乌苏市第一中学，住所：乌苏市"
    assert len(document.paragraphs) == len(load(data).paragraphs)
    assert read_fields(filled) == []


def test_filling_inside_one_run_keeps_the_text_around_the_field() -> None:
    document = docx.Document()
    run = document.add_paragraph().add_run("甲方：【学校名称】，住所：【住所】。")
    run.italic = True
    filled = load(fill(save(document), {"学校名称": "一中", "住所": "学府路1号"}))
    paragraph = filled.paragraphs[0]
    assert paragraph.text == "甲方：一中，住所：学府路1号。"
    assert all(run.italic for run in paragraph.runs)


def test_filling_keeps_what_follows_the_field_in_the_same_run() -> None:
    document = docx.Document()
    run = document.add_paragraph().add_run("甲方：【学校名称】")
    run.add_tab()
    run.add_text("（盖章）")
    filled = load(fill(save(document), {"学校名称": "一中"}))
    assert filled.paragraphs[0].text == "甲方：一中\t（盖章）"


def test_filling_gives_the_same_text_however_word_split_the_runs() -> None:
    rng = random.Random(2026)  # seeded: the same splits on every run of the suite
    pieces = ["甲方：", "【学校名称】", "，乙方：【  】", "与", "【金额】", "元", "。"]
    values = {"学校名称": "一中", "乙方": "公司", "金额": "100"}
    document = docx.Document()
    texts = []
    for _ in range(40):
        text = "正文" + "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        texts.append(text)
        paragraph = document.add_paragraph()
        start = 0
        while start < len(text):  # runs of one to four characters, some in two w:t
            end = min(len(text), start + rng.randint(1, 4))
            run = paragraph.add_run(text[start : start + 1])
            run.bold = rng.random() < 0.5
            run.add_text(text[start + 1 : end])
            start = end
    filled = load(fill(save(document), values))
    for text, paragraph in zip(texts, filled.paragraphs, strict=True):
        expected = text.replace("【学校名称】", "一中").replace("乙方：【  】", "乙方：公司")
        assert paragraph.text == expected.replace("【金额】", "100"), text


def test_filling_a_highlighted_field_removes_the_highlight() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("学校：")
    highlight(paragraph, "XX")
    highlight(paragraph, "中学")
    shade(paragraph, "【校长】", "D9D9D9")
    filled = load(fill(save(document), {"XX中学": "第一中学", "校长": "张三"}))
    runs = filled.paragraphs[0].runs
    assert filled.paragraphs[0].text == "学校：第一中学张三"
    assert all(run.font.highlight_color is None for run in runs)
    assert not filled.element.body.findall(".//" + qn("w:shd"))


def test_filling_reaches_tables_headers_and_every_place_of_a_label() -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "编号【合同编号】"
    document.add_paragraph("甲方：【学校名称】")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 1).text = "【学校名称】（盖章）"
    data = save(document)
    filled = fill(data, {"学校名称": "一中", "合同编号": "HT-2026-01"})
    result = load(filled)
    assert result.sections[0].header.paragraphs[0].text == "编号HT-2026-01"
    assert result.tables[0].cell(0, 1).text == "一中（盖章）"
    assert len(result.tables) == 1 and len(result.paragraphs) == len(load(data).paragraphs)
    assert "甲方：一中" in text_of(filled)


def test_missing_and_blank_values_leave_the_field_as_it_was() -> None:
    data = template("甲方：【学校名称】，乙方：【供应商】，数量【  】吨")
    filled = fill(data, {"学校名称": "一中", "供应商": "  \n ", "其他": "x"})
    assert text_of(filled) == "甲方：一中，乙方：【供应商】，数量【  】吨"
    assert labels(filled) == ["供应商", "数量"]


def test_an_empty_bracket_is_filled_by_its_guessed_label() -> None:
    data = template("甲方：【   】", "【  】")
    assert text_of(fill(data, {"甲方": "一中", "空白1": "附件"})) == "甲方：一中\n附件"


def test_a_newline_in_a_value_becomes_a_line_break() -> None:
    filled = fill(template("地址：【地址】。"), {"地址": "学府路1号\r\n教学楼"})
    paragraph = load(filled).paragraphs[0]
    assert paragraph._p.findall(".//" + qn("w:br"))
    assert text_of(filled) == "地址：学府路1号\n教学楼。"


def test_characters_xml_cannot_hold_are_dropped_and_the_document_opens() -> None:
    value = "一\ud800中\x00\x0b学\ufffe\uffff\x7f"
    filled = fill(template("甲方：【学校名称】"), {"学校名称": value})
    assert load(filled).paragraphs[0].text == "甲方：一中学"
    assert text_of(filled) == "甲方：一中学"


# --- refused packages ---------------------------------------------------------------------


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item))
    return out.getvalue()


BODY = (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>{}【学校名称】</w:t></w:r></w:p></w:body></w:document>"
)


def test_a_package_declaring_xml_entities_is_refused_as_unsafe() -> None:
    base = template("正文")
    plain = replace_part(base, "word/document.xml", BODY.format("甲方").encode())
    assert labels(plain) == ["学校名称"]  # the hand-made package reads without a DTD
    entity = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "甲方">]>' + BODY.format("&e;")
    hostile = replace_part(base, "word/document.xml", entity.encode())
    for call in (read_fields, negotiable_marks, lambda data: fill(data, {"学校名称": "x"})):
        with pytest.raises(TemplateError) as refused:
            call(hostile)
        assert refused.value.code == "unsafe"


def test_a_zip_bomb_is_refused_as_unsafe() -> None:
    data = template("甲方：【学校名称】")
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    with pytest.raises(TemplateError) as refused:
        read_fields(out.getvalue())
    assert refused.value.code == "unsafe"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.7 not a Word file", "not_word"),
        (b"", "not_word"),
        (b"PK\x03\x04 cut off", "corrupt"),
    ],
)
def test_what_is_not_a_word_package_is_refused(data: bytes, code: str) -> None:
    with pytest.raises(TemplateError) as refused:
        read_fields(data)
    assert refused.value.code == code
    assert str(refused.value).startswith("The ")


def test_a_zip_without_a_word_body_is_not_word() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(TemplateError) as refused:
        fill(out.getvalue(), {})
    assert refused.value.code == "not_word"


def test_a_word_template_file_is_not_a_word_document() -> None:
    data = template("甲方：【学校名称】")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    dotx = types.replace("document.main+xml", "template.main+xml")
    assert dotx != types
    with pytest.raises(TemplateError) as refused:
        read_fields(replace_part(data, "[Content_Types].xml", dotx.encode()))
    assert refused.value.code == "not_word"
