"""The demo bureau: a city like the source report's, with 5 law firms, 35 advisors and 60 schools.

Loading is idempotent: records are matched on e-mail, credit code, licence number
and school code, and only missing ones are added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import Role
from advisor.directory import services as directory
from advisor.directory.models import Advisor, AssignmentKind, LawFirm, School, SchoolLevel
from advisor.directory.validation import credit_check_char

# The demo accounts' password, published in the README; no real account has it.
DEMO_PASSWORD = "demo12345"  # the demo data only, published in the README  # nosec B105
BUREAU_EMAIL = "bureau@demo.local"
# The demo bureau's name, at the head of its exports: `make run` passes it as BUREAU_NAME
# (the Makefile's DEMO_BUREAU_NAME) unless BUREAU_NAME is set; a real bureau sets its own.
BUREAU_NAME = "乌苏市教科局"
DISTRICT = "乌苏市"
APPOINTED = date(2025, 1, 1)

LAW_FIRMS = (
    ("新疆天山律师事务所", "乌苏市南京路88号", "马建国", "0992-8520001"),
    ("新疆明正律师事务所", "乌苏市北京路12号", "李红梅", "0992-8520002"),
    ("新疆博远律师事务所", "奎屯市乌鲁木齐东路5号", "王志强", "0992-3220003"),
    ("新疆正义衡平律师事务所", "塔城市光明路21号", "阿依古丽·买买提", "0901-6220004"),
    ("新疆西域和信律师事务所", "乌苏市虹桥路36号", "陈晓东", "0992-8520005"),
)

ADVISOR_NAMES = (
    "张伟",
    "王芳",
    "李娜",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄丽",
    "周杰",
    "吴敏",
    "徐强",
    "孙悦",
    "胡军",
    "朱红",
    "高峰",
    "林涛",
    "何雪",
    "郭亮",
    "马琳",
    "罗斌",
    "梁爽",
    "宋佳",
    "郑浩",
    "谢婷",
    "韩冰",
    "唐明",
    "冯雪",
    "于洋",
    "董娟",
    "萧然",
    "古丽娜尔·艾力",
    "艾尔肯·吐尔逊",
    "努尔兰·哈力木",
    "巴合提古丽",
    "热依拉·阿不都",
)
CONTACT_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
SPECIALTIES = ("合同", "劳动人事", "政府采购", "建设工程", "校园安全", "知识产权", "行政法")

# (name, level, district); district "乌苏市" is the city proper.
SCHOOLS: tuple[tuple[str, SchoolLevel, str], ...] = (
    ("乌苏市第一中学", SchoolLevel.SENIOR, DISTRICT),
    ("乌苏市第二中学", SchoolLevel.SENIOR, DISTRICT),
    ("乌苏市第三中学", SchoolLevel.JUNIOR, DISTRICT),
    ("乌苏市第四中学", SchoolLevel.JUNIOR, DISTRICT),
    ("乌苏市第五中学", SchoolLevel.JUNIOR, DISTRICT),
    ("乌苏市第六中学", SchoolLevel.JUNIOR, DISTRICT),
    ("乌苏市第七中学", SchoolLevel.NINE_YEAR, DISTRICT),
    ("乌苏市高级中学", SchoolLevel.SENIOR, DISTRICT),
    ("乌苏市实验小学", SchoolLevel.PRIMARY, DISTRICT),
    ("乌苏市第一小学", SchoolLevel.PRIMARY, DISTRICT),
    ("乌苏市第二小学", SchoolLevel.PRIMARY, DISTRICT),
    ("乌苏市第三小学", SchoolLevel.PRIMARY, DISTRICT),
    ("乌苏市第四小学", SchoolLevel.PRIMARY, DISTRICT),
    ("乌苏市第五小学", SchoolLevel.PRIMARY, DISTRICT),
    ("乌苏市第六小学", SchoolLevel.PRIMARY, DISTRICT),
    ("乌苏市第七小学", SchoolLevel.PRIMARY, DISTRICT),
    ("乌苏市第八小学", SchoolLevel.PRIMARY, DISTRICT),
    ("乌苏市中等职业技术学校", SchoolLevel.VOCATIONAL, DISTRICT),
    ("乌苏市特殊教育学校", SchoolLevel.SPECIAL, DISTRICT),
    ("乌苏市第一幼儿园", SchoolLevel.KINDERGARTEN, DISTRICT),
    ("乌苏市第二幼儿园", SchoolLevel.KINDERGARTEN, DISTRICT),
    ("乌苏市第三幼儿园", SchoolLevel.KINDERGARTEN, DISTRICT),
    ("乌苏市第四幼儿园", SchoolLevel.KINDERGARTEN, DISTRICT),
    ("乌苏市实验幼儿园", SchoolLevel.KINDERGARTEN, DISTRICT),
    ("乌苏市百泉镇中心学校", SchoolLevel.NINE_YEAR, "百泉镇"),
    ("乌苏市百泉镇中心幼儿园", SchoolLevel.KINDERGARTEN, "百泉镇"),
    ("乌苏市车排子镇中学", SchoolLevel.JUNIOR, "车排子镇"),
    ("乌苏市车排子镇中心小学", SchoolLevel.PRIMARY, "车排子镇"),
    ("乌苏市车排子镇中心幼儿园", SchoolLevel.KINDERGARTEN, "车排子镇"),
    ("乌苏市甘河子镇中学", SchoolLevel.JUNIOR, "甘河子镇"),
    ("乌苏市甘河子镇中心小学", SchoolLevel.PRIMARY, "甘河子镇"),
    ("乌苏市甘河子镇中心幼儿园", SchoolLevel.KINDERGARTEN, "甘河子镇"),
    ("乌苏市四棵树镇中心学校", SchoolLevel.NINE_YEAR, "四棵树镇"),
    ("乌苏市四棵树镇中心幼儿园", SchoolLevel.KINDERGARTEN, "四棵树镇"),
    ("乌苏市古尔图镇中学", SchoolLevel.JUNIOR, "古尔图镇"),
    ("乌苏市古尔图镇中心小学", SchoolLevel.PRIMARY, "古尔图镇"),
    ("乌苏市古尔图镇中心幼儿园", SchoolLevel.KINDERGARTEN, "古尔图镇"),
    ("乌苏市西湖镇中学", SchoolLevel.JUNIOR, "西湖镇"),
    ("乌苏市西湖镇中心小学", SchoolLevel.PRIMARY, "西湖镇"),
    ("乌苏市西湖镇中心幼儿园", SchoolLevel.KINDERGARTEN, "西湖镇"),
    ("乌苏市西大沟镇中心学校", SchoolLevel.NINE_YEAR, "西大沟镇"),
    ("乌苏市西大沟镇中心幼儿园", SchoolLevel.KINDERGARTEN, "西大沟镇"),
    ("乌苏市哈图布呼镇中心小学", SchoolLevel.PRIMARY, "哈图布呼镇"),
    ("乌苏市哈图布呼镇中心幼儿园", SchoolLevel.KINDERGARTEN, "哈图布呼镇"),
    ("乌苏市皇宫镇中心小学", SchoolLevel.PRIMARY, "皇宫镇"),
    ("乌苏市皇宫镇中心幼儿园", SchoolLevel.KINDERGARTEN, "皇宫镇"),
    ("乌苏市白杨沟镇中心小学", SchoolLevel.PRIMARY, "白杨沟镇"),
    ("乌苏市八十四户乡中心小学", SchoolLevel.PRIMARY, "八十四户乡"),
    ("乌苏市八十四户乡中心幼儿园", SchoolLevel.KINDERGARTEN, "八十四户乡"),
    ("乌苏市夹河子乡中心小学", SchoolLevel.PRIMARY, "夹河子乡"),
    ("乌苏市夹河子乡中心幼儿园", SchoolLevel.KINDERGARTEN, "夹河子乡"),
    ("乌苏市九间楼乡中心小学", SchoolLevel.PRIMARY, "九间楼乡"),
    ("乌苏市九间楼乡中心幼儿园", SchoolLevel.KINDERGARTEN, "九间楼乡"),
    ("乌苏市石桥乡中心小学", SchoolLevel.PRIMARY, "石桥乡"),
    ("乌苏市石桥乡中心幼儿园", SchoolLevel.KINDERGARTEN, "石桥乡"),
    ("乌苏市头台乡中心小学", SchoolLevel.PRIMARY, "头台乡"),
    ("乌苏市头台乡中心幼儿园", SchoolLevel.KINDERGARTEN, "头台乡"),
    ("乌苏市吉尔格勒特郭愣蒙古民族乡学校", SchoolLevel.NINE_YEAR, "吉尔格勒特郭愣蒙古民族乡"),
    ("乌苏市吉尔格勒特郭愣蒙古民族乡幼儿园", SchoolLevel.KINDERGARTEN, "吉尔格勒特郭愣蒙古民族乡"),
    ("乌苏市红旗小学", SchoolLevel.PRIMARY, DISTRICT),
)

# The demo bureau's shape, checked when the module loads (not a security check).
assert len(SCHOOLS) == 60 and len(ADVISOR_NAMES) == 35 and len({s[0] for s in SCHOOLS}) == 60  # nosec B101


def credit_code(n: int) -> str:
    """A valid unified social credit code for demo firm ``n`` (31: law firm, 654202: Wusu)."""
    first17 = f"31654202MD{n:07d}"
    return first17 + credit_check_char(first17)


def licence_no(n: int) -> str:
    return f"16542{2008 + n % 15:04d}1{n:07d}"


def school_code(n: int) -> str:
    return f"WS{n:03d}"


def advisor_email(n: int) -> str:
    return f"advisor{n:02d}@demo.local"


def school_email(n: int) -> str:
    return f"school{n:02d}@demo.local"


@dataclass(slots=True)
class DemoReport:
    created: int = 0

    def add(self, count: int = 1) -> None:
        self.created += count


def _user(
    session: orm.Session,
    report: DemoReport,
    *,
    email: str,
    name: str,
    role: str,
    school_id: int | None = None,
    advisor_id: int | None = None,
) -> None:
    if accounts.get_user_by_email(session, email) is None:
        accounts.create_user(
            session,
            email=email,
            name=name,
            role=role,
            password=DEMO_PASSWORD,
            school_id=school_id,
            advisor_id=advisor_id,
            locale=None,
        )
        report.add()


def load_demo(session: orm.Session) -> DemoReport:
    """Add whatever part of the demo bureau is missing; returns how many records were added."""
    report = DemoReport()
    _user(session, report, email=BUREAU_EMAIL, name=f"{BUREAU_NAME}法规科", role=Role.BUREAU)

    firms: list[LawFirm] = []
    for n, (name, address, contact, phone) in enumerate(LAW_FIRMS, start=1):
        firm = session.scalar(sa.select(LawFirm).where(LawFirm.credit_code == credit_code(n)))
        if firm is None:
            firm = directory.save_law_firm(
                session,
                directory.LawFirmData(
                    name=name,
                    credit_code=credit_code(n),
                    address=address,
                    contact_name=contact,
                    contact_phone=phone,
                ),
            )
            report.add()
        firms.append(firm)

    advisors: list[Advisor] = []
    for n, name in enumerate(ADVISOR_NAMES, start=1):
        advisor = session.scalar(sa.select(Advisor).where(Advisor.licence_no == licence_no(n)))
        if advisor is None:
            advisor = directory.save_advisor(
                session,
                directory.AdvisorData(
                    name=name,
                    law_firm_id=firms[(n - 1) % len(firms)].id,
                    licence_no=licence_no(n),
                    appointed_on=APPOINTED,
                    appointment_ends_on=date(2027, 12, 31),
                    phone=f"1389901{n:04d}",
                    email=advisor_email(n),
                    specialties="、".join(
                        SPECIALTIES[(n + k) % len(SPECIALTIES)] for k in range(2)
                    ),
                ),
            )
            report.add()
        advisors.append(advisor)
        _user(
            session,
            report,
            email=advisor_email(n),
            name=name,
            role=Role.ADVISOR,
            advisor_id=advisor.id,
        )

    for n, (name, level, district) in enumerate(SCHOOLS, start=1):
        school = session.scalar(sa.select(School).where(School.code == school_code(n)))
        if school is None:
            school = directory.save_school(
                session,
                directory.SchoolData(
                    code=school_code(n),
                    name=name,
                    level=level,
                    district=district,
                    address=f"{district}{'学府路' if n % 2 else '文化路'}{n}号",
                    contact_name=f"{CONTACT_SURNAMES[n % len(CONTACT_SURNAMES)]}老师",
                    contact_phone=f"0992-85{n:05d}",
                ),
            )
            report.add()
            primary = advisors[(n - 1) % len(advisors)]
            directory.assign_advisor(
                session,
                school=school,
                advisor=primary,
                kind=AssignmentKind.PRIMARY,
                starts_on=APPOINTED,
                actor=None,
                today=APPOINTED,
            )
            if n % 3 == 0:
                backup = advisors[(n + 16) % len(advisors)]
                directory.assign_advisor(
                    session,
                    school=school,
                    advisor=backup,
                    kind=AssignmentKind.BACKUP,
                    starts_on=APPOINTED,
                    actor=None,
                    today=APPOINTED,
                )
        _user(
            session,
            report,
            email=school_email(n),
            name=f"{name}经办人",
            role=Role.SCHOOL,
            school_id=school.id,
        )
    return report


def demo_accounts() -> list[tuple[str, str]]:
    """(e-mail, role description) of every demo account, for printing."""
    return [
        (BUREAU_EMAIL, "bureau"),
        *((advisor_email(n), f"advisor {ADVISOR_NAMES[n - 1]}") for n in range(1, 36)),
        *((school_email(n), f"school {SCHOOLS[n - 1][0]}") for n in range(1, 61)),
    ]
