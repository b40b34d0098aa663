"""The demo bureau's model contracts (合同范本): four texts written for the demo, marked up as
a bureau clerk would (blanks as 【name】, one highlighted in Word, a negotiable clause
marked （可协商）), published, and a few contracts schools started from them, one with a
fixed clause changed by the counterparty so the review page has something to show first."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.accounts.models import Role, User
from advisor.contracts import services as contracts
from advisor.contracts.extraction import Limits, inspect
from advisor.contracts.files import FileStore
from advisor.directory.models import School
from advisor.model_contracts import docx_template, services
from advisor.model_contracts.models import ModelContract
from advisor.workdays import today_local

PARTIES = [
    "甲方：【学校名称】",
    "住所：【学校地址】",
    "乙方：【乙方名称】",
    "统一社会信用代码：【乙方统一社会信用代码】",
]
SIGNATURE = [
    "甲方（盖章）：                    乙方（盖章）：",
    "签订日期：【签订日期】",
]

# (title, type, the clauses as (heading, text)); a heading with （可协商） is negotiable.
TEMPLATES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "食堂食材采购合同（示范文本）",
        "catering",
        [
            (
                "采购标的",
                "乙方向甲方供应大米、面粉、食用油、肉禽蛋、蔬菜等食材，品种和数量以甲方每周书面订单为准。",
            ),
            (
                "合同价款（可协商）",
                "合同暂定总价为人民币【合同金额】元（大写：【合同金额大写】），按实际供货量每月结算。",
            ),
            (
                "质量标准",
                "乙方供应的食材应符合食品安全国家标准，每批次随货提供检验检疫合格证明，甲方有权抽检。",
            ),
            (
                "交货与验收",
                "乙方应于甲方订单指定日期7时前送货至甲方食堂，甲方当场验收，不合格的由乙方当日退换。",
            ),
            (
                "违约责任",
                "乙方逾期交货的，每逾期一日按当批货款的百分之五支付违约金；因食材质量造成食品安全事故的，乙方承担全部赔偿责任。",
            ),
            (
                "争议解决",
                "因本合同引起的争议，双方协商解决；协商不成的，向甲方所在地人民法院起诉。",
            ),
            ("其他", "本合同一式四份，甲乙双方各执两份，自双方签字盖章之日起生效。"),
        ],
    ),
    (
        "校服采购合同（示范文本）",
        "uniform",
        [
            (
                "采购内容",
                "乙方为甲方学生提供春秋装、夏装校服共【校服套数】套，款式、面料以甲方确认的样衣为准。",
            ),
            (
                "合同价款（可协商）",
                "合同总价为人民币【合同金额】元（大写：【合同金额大写】），含运费、税费及售后服务费用。",
            ),
            (
                "质量要求",
                "校服应符合《中小学生校服》（GB/T 31888）的要求，"
                "乙方交货时提供有资质机构出具的检测报告。",
            ),
            ("交货期限", "乙方应于【交货日期】前将校服分班级包装送达甲方，逾期视为违约。"),
            (
                "违约责任",
                "检测不合格的，甲方有权退货并解除合同，乙方退还已付款项并按合同总价的百分之二十支付违约金。",
            ),
            (
                "争议解决",
                "因本合同引起的争议，双方协商解决；协商不成的，向甲方所在地人民法院起诉。",
            ),
        ],
    ),
    (
        "校车服务合同（示范文本）",
        "school_bus",
        [
            ("服务内容", "乙方使用取得校车使用许可的车辆，按甲方确定的线路和时间接送学生上下学。"),
            (
                "车辆与驾驶人",
                "乙方保证校车及驾驶人符合《校车安全管理条例》的规定，驾驶人变更的应提前书面告知甲方。",
            ),
            (
                "服务费用（可协商）",
                "服务费每学期人民币【合同金额】元（大写：【合同金额大写】），每学期末按实际服务天数结算。",
            ),
            (
                "安全责任",
                "乙方承担校车运行安全责任，为每辆校车投保承运人责任险，每座保额不低于人民币五十万元。",
            ),
            (
                "违约责任",
                "乙方擅自停运或者使用未经许可车辆的，甲方有权解除合同，乙方按当学期服务费的百分之三十支付违约金。",
            ),
            (
                "争议解决",
                "因本合同引起的争议，双方协商解决；协商不成的，向甲方所在地人民法院起诉。",
            ),
        ],
    ),
    (
        "保安服务合同（示范文本）",
        "service",
        [
            (
                "服务内容",
                "乙方向甲方派驻持证保安员【保安人数】名，负责校门值守、巡逻和上下学时段护学。",
            ),
            ("服务期限", "服务期限自【服务开始日期】起至【服务结束日期】止。"),
            (
                "服务费用（可协商）",
                "服务费每月人民币【合同金额】元（大写：【合同金额大写】），甲方于次月十日前支付上月费用。",
            ),
            ("人员要求", "乙方派驻人员应持有保安员证，无犯罪记录，乙方应为其缴纳社会保险。"),
            (
                "违约责任",
                "乙方派驻人员脱岗造成甲方损失的，乙方承担赔偿责任；同一月内脱岗累计三次的，甲方有权解除合同。",
            ),
            (
                "争议解决",
                "因本合同引起的争议，双方协商解决；协商不成的，向甲方所在地人民法院起诉。",
            ),
        ],
    ),
]

NUMBERS = "一二三四五六七八九十"

# What schools filled in, and which returned versions change a fixed clause (违约责任).
STARTED = [
    (1, 0, {"乙方名称": "乌苏市丰收食品有限公司", "合同金额": "180000"}, True),
    (2, 1, {"乙方名称": "新疆雅美服饰有限公司", "合同金额": "96000", "校服套数": "800"}, False),
    (3, 2, {"乙方名称": "乌苏市平安校车服务有限公司", "合同金额": "240000"}, True),
    (4, 3, {"乙方名称": "新疆卫士保安服务有限公司", "合同金额": "18000", "保安人数": "4"}, False),
    (5, 0, {"乙方名称": "乌苏市绿源农产品有限公司", "合同金额": "120000"}, False),
]


def template_file(clauses: list[tuple[str, str]], title: str) -> bytes:
    """The Word file a bureau clerk would make: the party's name highlighted rather than
    bracketed, every other blank in 【】."""
    import docx  # python-docx: imported when the demo is generated, not with the app
    from docx.enum.text import WD_COLOR_INDEX

    document = docx.Document()
    document.add_heading(title.replace("（示范文本）", ""), level=1)
    for line in PARTIES:
        paragraph = document.add_paragraph()
        if "【乙方名称】" in line:
            paragraph.add_run("乙方：")
            paragraph.add_run("乙方名称").font.highlight_color = WD_COLOR_INDEX.YELLOW
        else:
            paragraph.add_run(line)
    for n, (heading, text) in enumerate(clauses):
        document.add_paragraph().add_run(f"第{NUMBERS[n]}条 {heading}").bold = True
        document.add_paragraph(text)
    for line in SIGNATURE:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _returned(filled: bytes) -> bytes:
    """The counterparty's version: the penalty of the 违约责任 clause halved."""
    import docx

    document = docx.Document(io.BytesIO(filled))
    for paragraph in document.paragraphs:
        for old, new in (("百分之五", "千分之五"), ("百分之三十", "百分之十")):
            if old in paragraph.text:
                paragraph.text = paragraph.text.replace(old, new)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_model_contracts(session: orm.Session, store: FileStore, now: datetime) -> int:
    """Publish the four model contracts and start a contract from some of them, unless
    they are there already. Returns how many contracts were started."""
    titles = [title for title, _kind, _clauses in TEMPLATES]
    if session.scalar(sa.select(ModelContract.id).where(ModelContract.title.in_(titles)).limit(1)):
        return 0
    bureau = session.scalar(sa.select(User).where(User.role == Role.BUREAU).order_by(User.id))
    if bureau is None:
        return 0
    published = []
    for title, kind, clauses in TEMPLATES:
        data = template_file(clauses, title)
        template = services.TemplateFile(f"{title}.docx", data, inspect(data, Limits()).pages)
        version = services.create_model(
            session,
            actor=bureau,
            title=title,
            contract_type=kind,
            template=template,
            note="示范文本，供各校参照使用",
            store=store,
            now=now,
        )
        services.publish(session, actor=bureau, version=version, now=now)
        published.append(version)
    started = 0
    for school, which, values, changed in STARTED:
        actor = session.scalar(
            sa.select(User).where(User.role == Role.SCHOOL, User.school_id == school)
        )
        if actor is None:
            continue
        version = published[which]
        fill = services.record_fill(
            session,
            actor=actor,
            version=version,
            raw={
                **values,
                "学校名称": session.get_one(School, school).name,
                "签订日期": today_local(now).isoformat(),
            },
            store=store,
            now=now,
        )
        filled = docx_template.fill(store.read(version.sha256), fill.values)
        data = _returned(filled) if changed else filled
        name = f"{version.model.title.replace('（示范文本）', '')}（对方返回稿）.docx"
        contracts.submit_contract(
            session,
            actor=actor,
            data=contracts.ContractData(
                title=version.model.title.replace("（示范文本）", ""),
                counterparty=values["乙方名称"],
                contract_type=version.model.contract_type,
                amount=Decimal(values["合同金额"]),
                start_on=today_local(now),
                end_on=today_local(now) + timedelta(days=364),
                origin=f"template_fill:{fill.id}",
            ),
            upload=contracts.Upload(name, data, inspect(data, Limits())),
            store=store,
            today=today_local(now),
            now=now,
        )
        started += 1
    return started
