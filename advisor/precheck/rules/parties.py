"""The parties (Civil Code art. 470 (一)): every party named, with a domicile or address.

Two readings, and an alarm only when both find a party unnamed or an address missing.

The first takes the parties as ``structure`` recognises them (party lines, tables,
recitals, letters, an opening sentence) and checks each for a name, and the contract for
as many addresses. Every drafting office introduces its parties in a way of its own, and
a way the first reading does not know looks to it like a party missing.

The second reads content, not format: in the front of the contract, before its first
clause, each role used as a label (甲方：, 【乙方】, 订阅方（甲方）：, or a name followed by
（以下简称“甲方”）) must stand next to a name, and the contract must give at least as many
addresses as it names parties. It knows no layout, so a new one does not confuse it; it
is the stricter reading's second opinion, not a replacement: a blank (乙方：＿＿＿), an
anonymous donor (爱心人士) or a party without any address still fails it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.precheck import structure
from advisor.precheck.base import Context
from advisor.precheck.structure import GLOSS, ORGANISATION, ORGANISATION_ENDS, PARTY


def _han(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


# A foreign teacher or firm named in Latin letters: Emily Rose Carter, Oxford Academic Ltd.
_LATIN_NAME = re.compile(r"[A-Z][A-Za-z'’.-]+(?:[ \u00a0]+[A-Z][A-Za-z'’.-]*)+")
_PLACEHOLDER_WORD = re.compile(r"x+|tbd|name|n/?a", re.IGNORECASE)


def _latin_name(name: str) -> bool:
    """A name in Latin letters that names someone, not a placeholder (XXX XXX, TBD TBD)."""
    return bool(_LATIN_NAME.fullmatch(name)) and not all(
        _PLACEHOLDER_WORD.fullmatch(word) for word in name.split()
    )


_ANONYMOUS = re.compile(r"匿名|不公开|不愿透露|爱心人士|某某|_|＿|×")
# An address label begins a line or a phrase, or follows a name straight away where a PDF
# dropped the wide space between them (温宿县第一小学地址：…).
_AFTER_NAME = "|".join(f"(?<={end})" for end in ORGANISATION_ENDS.split("|"))
_ADDRESS = re.compile(
    # what an address label can start with, looked at before the lookbehinds (a speed-up:
    # the lookbehinds are tried at every character otherwise)
    r"(?=[^\s\u3000，,；;：:（(|｜]{0,6}?(?:地|住|经营场所|营业场所|户|居))"
    rf"(?:^|(?<=[\s\u3000，,；;（(|｜])|{_AFTER_NAME})"
    r"(?P<prefix>[^\s\u3000，,；;：:（(|｜]{0,6}?)"
    # a natural person's domicile is where the household is registered or where the person
    # lives (Civil Code art. 25): 户籍地：…, 经常居住地：…
    r"(?:地[ \u3000]{0,4}址|住[ \u3000]{0,4}所地?|住[ \u3000]{0,4}址|经营场所|营业场所"
    r"|户籍(?:所在)?地|户口所在地|(?:经常)?居住地)"
    r"(?:[（(][^）)\n]{1,6}[）)])?[ \t\u3000]*[:：]"
    # 乙方杨明山（身份证号：…，住靖川县石门乡下川村一社）: "lives at" before a place
    r"|(?<=[（(，,；;\s\u3000])住(?:在|于)?(?=[\u4e00-\u9fff]{2,12}?(?:省|市|县|区|旗|镇|乡|村|街道))",
    re.MULTILINE,
)
# 被保险人：克拉玛依市第十小学（同投保人）, 被保险人：同投保人: the same person as a party
# already declared.
_SAME_AS = re.compile(
    rf"[（(]\s*(?:同|即|系)\s*{PARTY}\s*[）)]|^\s*(?:同|即|系|为)\s*{PARTY}\s*(?:本人)?\s*(?:[。；;，,]|$)"
)
# The insured and beneficiaries of a group policy are described, not named: the persons
# covered are no contracting party with a domicile of its own.
_INSURED = ("被保险人", "受益人")
_PERSONS = re.compile(
    r"学生|教职工|教师|员工|职工|人员|儿童|幼儿|师生|名单|全体|在职|在校|在册|参加|法定继承人"
)
# The parties a role stands for, listed on the lines that follow it: numbered, or each an
# organisation with its address.
# 被保险人：各区县公办寄宿制学校食堂（名单附后）: the insured a list describes.
_LISTED_INSURED = re.compile(r"名单|附后|附表|附件|清单|下表|详见")
_GROUP = re.compile(r"各|等|全体|所属|及")
_LIST_FOLLOWS = re.compile(
    r"\n[ \t\u3000]*(?:\d{1,2}[.．、]|[（(]\d{1,2}[）)]|[①-⑩]"
    rf"|[^\n]{{2,30}}?(?:{ORGANISATION_ENDS})[ \t\u3000，,]*(?:住所|地址))"
)
# A table of the parties a role stands for, with their addresses (使用学校 | 地址 | …).
_ADDRESS_COLUMN = re.compile(
    r"^[^\n]*(?:学校|单位|名称|被保险人)(?:[ \t\u3000]*[|｜\t]|[ \u3000]{2,})[^\n]*(?:地址|住所)",
    re.MULTILINE,
)
_ADDRESS_SHAPE = re.compile(
    r"[\u4e00-\u9fff]{1,12}(?:路|街|大道|巷|道|镇|乡|村)[\u4e00-\u9fff\d段-]{0,12}?\d+号"
)
_LISTED = re.compile(
    r"(?:附表|附件|清单|下表)[^。；;\n]{0,20}地址|地址[^。；;\n]{0,10}(?:附表|附件|清单|下表)"
)
_NOT_A_DOMICILE = re.compile(r"交货|送货|收货|服务|工程|项目|安装|施工|培训")


@dataclass(frozen=True, slots=True)
class Missing:
    """A party left unnamed (``span``: the words given for it), or, with no span, an
    address missing or fewer than two parties."""

    span: tuple[int, int] | None = None


def find_missing_party(ctx: Context) -> Missing | None:
    """What is missing from the parties, or None when every party is named with an
    address: both readings must find something missing (see the module's docstring)."""
    missing = _as_recognised(ctx.text)
    if missing is None or _by_content(ctx.text):
        return None
    return missing


def _as_recognised(text: str) -> Missing | None:
    """The first reading: the parties ``structure`` recognises, each named, and as many
    addresses as parties."""
    declared = []
    names: set[str] = set()
    for party in structure.read(text).parties:  # the parties block, before the signatures
        said = text[party.said[0] : party.said[1]]
        if not party.name and _LIST_FOLLOWS.match(text, party.said[1]):
            continue  # 丙方（使用单位）：⏎1．某中学，住所：…: the parties are the items listed
        if (_han(party.name) < 2 and not _latin_name(party.name)) or _ANONYMOUS.search(said):
            return Missing(party.said)
        if party.name in names or _SAME_AS.search(said) or re.fullmatch(PARTY, party.name):
            continue  # 被保险人：…（同投保人）, 被保险人：投保人: a party already named
        if party.role in _INSURED and (
            (_PERSONS.search(party.name) and not ORGANISATION.search(party.name))
            # a group a list names (各区县…食堂（名单附后）), not one school (…小学，名单见附件1)
            or (_LISTED_INSURED.search(said) and _GROUP.search(party.name))
        ):
            continue  # 被保险人：参加研学的学生及带队教师: the persons covered, not a party
        names.add(party.name)
        declared.append(party)
    # An address given without a label: in a parties table's own column or row, or in the
    # words that introduce the party (丙方：某中学（天山路12号）), or the group of parties
    # a schedule lists with their addresses (丙方：附表一所列学校（名称、地址见附表一）).
    unlabelled = sum(
        bool(party.address.strip())
        or (
            not _ADDRESS.search(text, *party.said)
            and bool(
                _ADDRESS_SHAPE.search(text, *party.said)
                or _LISTED.search(text, *party.said)
                # 丙方：甲中学、乙小学……, their addresses in a table of the schools
                or ("、" in party.name and _ADDRESS_COLUMN.search(text))
            )
        )
        for party in declared
    )
    if len(declared) < 2 or len(_addresses(text)) + unlabelled < len(declared):
        return Missing()
    return None


def _addresses(text: str) -> list[re.Match[str]]:
    """The labelled addresses of the whole text, places of delivery or service left out."""
    return [m for m in _ADDRESS.finditer(text) if not _NOT_A_DOMICILE.search(m["prefix"] or "")]


# --- the second reading: by content --------------------------------------------------------

_SP = r"[ \t\u3000]"
# A clause number before a party's line (1.1 采购人（甲方）, 1.1.1 名称：…, （一）甲方).
_NUMBER = (
    r"(?:\d{1,2}(?:[.．]\d{1,2})*[.．、]?|[一二三四五六七八九十]+、"
    r"|[（(](?:[一二三四五六七八九十]+|\d{1,2})[）)])"
)
# A role used as a label: 甲方：, 甲　方（采购人）：, 【乙方】, 订阅方（甲方）：, or a role
# alone on its line with the name and address on the lines below (甲方（采购人）⏎名称：…).
_ROLE_LABEL = re.compile(
    rf"【{_SP}*(?P<boxed>{PARTY})(?:[/／、]{PARTY})*{_SP}*】{_SP}*[:：]?"
    rf"|(?<![\u4e00-\u9fff])(?P<role>{PARTY})(?:{_SP}*[（(][^）)\n]{{0,12}}{GLOSS}[）)])?{_SP}*[:：]"
    rf"|[（(](?:以下简称|以下称|下称|简称)?[“\"]?(?P<inner>{PARTY})[”\"]?[）)]{_SP}*[:：]"
    rf"|^{_SP}*(?:{_NUMBER}{_SP}*)?(?P<alone>{PARTY})(?:{_SP}*[（(][^）)\n]{{0,12}}{GLOSS}[）)])?{_SP}*$"
    # an opening sentence naming the parties with their particulars in brackets:
    # 甲方某小学（地址：…）与乙方杨明山（身份证号：…，住…）经商量，…
    rf"|(?:^|(?<=[与和]))(?P<bare>{PARTY})(?:[（(][^）)\n]{{1,6}}[）)])?"
    # (a PDF may wrap the line between the role and the name)
    rf"(?=\n?(?:[\u4e00-\u9fff]{{2,30}}?(?:{ORGANISATION_ENDS}|部|店|馆|社|队|所|场|行)"
    rf"|[\u4e00-\u9fff]{{2,4}})[（(])",
    re.MULTILINE,
)
# A role given to the name before it: 某学校（以下简称“甲方”）, 某公司（乙方）, and with the
# particulars in the same brackets: 某学校（以下简称甲方，住所：…，校长：…）.
_ROLE_ALIAS = re.compile(
    rf"[（(](?P<lead>以下简称|以下称|下称|简称)?{_SP}*(?:[“\"「][^”\"」\n]{{1,8}}[”\"」]或)?"
    rf"[“\"「]?(?P<alias>{PARTY})[”\"」]?(?:或[“\"「][^”\"」\n]{{1,8}}[”\"」])?"
    rf"(?(lead)(?:[）)](?!{_SP}*[:：])|(?=[，,；;、]))|[）)](?!{_SP}*[:：]))"
)
# Where a name ends: at a separator, a bracket, a wide space, or its particulars.
_NAME_STOP = re.compile(
    r"[，,；;。（(\t|｜]|[ \u3000]{2,}|\n"
    r"|地[ \u3000]?址|住[ \u3000]?所|住[ \u3000]?址|法定代表人|负责人|联系|统一社会信用代码|身份证"
)
# A party's particulars on a numbered line of their own (1.1.1 名称：…, 1.1.2 住所：…):
# still the parties, not the first clause.
_PARTICULARS_LINE = re.compile(
    rf"^{_SP}*(?:{_NUMBER}{_SP}*)?[^\n：:]{{0,8}}?"
    r"(?:名称|姓名|住所|地址|住址|法定代表人|负责人|代表人|联系|电话|信用代码|开户|账号|身份证|税号|邮箱)"
    r"[^\n：:]{0,8}[:：]"
)
# Words that begin an obligation, not a name (甲方：应于……, 甲方：负责……).
_NOT_A_NAME = re.compile(
    r"^(?:应当|应按|应于|应在|应向|应负责|须|需|负责|保证|承担|同意|有权|不得|按照|按时)"
)
# 名称：某学校, 单位全称：…: the label of the name itself.
_NAME_LABEL = re.compile(
    r"^(?:单位|学校|公司)?(?:名[ \u3000]*称|全[ \u3000]*称|姓[ \u3000]*名)[:：]"
)
# A name before its role, after the words that lead to it (兹有, 由, 与, numbering).
_LEAD = re.compile(
    r"^(?:[（(]?\d{1,2}[）).．、]|[一二三四五六七八九十]+、|兹有|由|与|[:：，,、；;\s])+"
)


def _front(text: str) -> int:
    """Where the front of the contract ends: at the first clause after the first role's
    label that is not a party's own line (1.1 投保人：…), within the text before the
    signatures. A cover page's numbered lines before the parties do not end it."""
    read = structure.read(text)
    stop = min(read.signature if read.signature is not None else len(text), 3000)
    first = min(
        (
            m.start()
            for m in (_ROLE_LABEL.search(text, 0, stop), _ROLE_ALIAS.search(text, 0, stop))
            if m
        ),
        default=stop,
    )
    parties: list[str] = []  # the numbers of the parties' own lines (1.1 采购人（甲方）)
    for clause in read.clauses:
        if clause.start >= stop:
            break
        line_end = text.find("\n", clause.start)
        line = text[clause.start : line_end if line_end >= 0 else stop]
        if _ROLE_LABEL.search(line) or _ROLE_ALIAS.search(line):
            parties.append(clause.number.rstrip(".．、"))
        elif clause.start <= first:
            continue  # a cover page's numbered lines before the parties
        # 1.1.4 食堂管理员：…: an item under a party's own number is its particulars
        elif not (
            _PARTICULARS_LINE.match(line)
            or any(re.match(rf"{re.escape(n)}[.．]\d", clause.number) for n in parties)
        ):
            return clause.start
    return stop


def _is_name(words: str) -> bool:
    words = words.strip(" \t\u3000:：")
    return (
        _han(words) >= 2
        and not _ANONYMOUS.search(words)
        and not _NOT_A_NAME.match(words)
        # cells of a table's row (a PDF draws its columns with wide gaps), not a name
        and not re.search(r"[|｜\t]|[ \u3000]{3,}", words)
    )


def _name_before(said: str) -> str:
    """The name a role in brackets is given to: the organisation just before the
    brackets (…招标结果，采购人某中学（以下简称“甲方”）), else the words that begin the
    item ((1)某学校，一所民办学校，注册地址：…（下称“甲方”）)."""
    pieces = [piece for piece in re.split(r"[，,；;。：:（）()]", said) if piece.strip()]
    last = _LEAD.sub("", re.split(PARTY, pieces[-1])[-1].strip()) if pieces else ""
    if ORGANISATION.search(last):
        return last
    return re.split(r"[，,；;。：:（(]", _LEAD.sub("", said), maxsplit=1)[0]


def _named_roles(text: str, front: int) -> dict[str, tuple[str, int, int] | None]:
    """Each role labelled in the front, with the name given and the span of what is said
    of it (up to the next role's label), or None where no name is given."""
    labels = [
        (
            m.start(),
            m.end(),
            m["boxed"] or m["role"] or m["inner"] or m["alone"] or m["bare"],
            "label",
        )
        for m in _ROLE_LABEL.finditer(text, 0, front)
    ]
    # 甲方（采购人）：: the designation in brackets belongs to the label, it is no alias.
    labels += [
        (m.start(), m.end(), m["alias"], "alias")
        for m in _ROLE_ALIAS.finditer(text, 0, front)
        if not any(start <= m.start() < end for start, end, _, _ in labels)
    ]
    labels.sort()
    named: dict[str, tuple[str, int, int] | None] = {}
    for at, (start, end, role, kind) in enumerate(labels):
        role = re.sub(r"[ \u3000]", "", role)
        following = labels[at + 1][0] if at + 1 < len(labels) else front
        if kind == "label":
            # 甲方：某学校 or, a PDF having moved the name, 甲方：⏎某学校.
            said = text[end:following].lstrip(" \t\u3000\n")
            said = _NAME_LABEL.sub("", re.sub(rf"^{_NUMBER}{_SP}*", "", said))
            name = _NAME_STOP.split(said, maxsplit=1)[0]
            span = (end, following)
        else:  # 某学校（以下简称“甲方”）
            line_start = text.rfind("\n", 0, start) + 1
            previous = labels[at - 1][1] if at else 0
            said = text[max(line_start, previous) : start].strip(" \t\u3000")
            name = _name_before(said)
            span = (max(line_start, previous), following)
        persons = role in _INSURED and _PERSONS.search(name) and not ORGANISATION.search(name)
        if _SAME_AS.search(said) or persons:
            continue  # 被保险人：同投保人, 被保险人：在校学生: no party of its own (as above)
        if _is_name(name):
            if named.get(role) is None:
                named[role] = (name.strip(), *span)
        elif kind == "label":
            named.setdefault(role, None)  # 乙方：＿＿＿: a role left without a name
        # a role in brackets after no name (项目 | 出租方（甲方）, a table's header) names nobody
    return named


def _by_content(text: str) -> bool:
    """The second reading: two or more roles labelled in the front, every one with a
    name, and as many addresses given (labelled anywhere, or an address's shape where the
    party is introduced)."""
    roles = _named_roles(text, _front(text))
    if len(roles) < 2 or None in roles.values():
        return False
    # 采购人：某中学（以下简称“甲方”）: two roles of one party.
    parties = {name: (start, end) for name, start, end in filter(None, roles.values())}
    if len(parties) < 2:
        return False
    unlabelled = sum(
        not _ADDRESS.search(text, *span) and bool(_ADDRESS_SHAPE.search(text, *span))
        for span in parties.values()
    )
    return len(_addresses(text)) + unlabelled + _table_addresses(text) >= len(parties)


# 住所 | 某路1号 | 某路2号, 住所/户籍地址 | …: a row of addresses in a parties table, one
# cell a party.
_ADDRESS_ROW = re.compile(r"[^|｜]{0,6}(?:住所|地址|住址|经营场所)[^|｜]{0,6}")


def _table_addresses(text: str) -> int:
    """The addresses given in the cells of a table's 住所 row before the clauses."""
    return sum(
        sum(_han(cell) >= 4 for cell in row[1:])
        for table in structure.read(text).tables
        if table.start < _front(text)
        for row in table.rows
        if row and _ADDRESS_ROW.fullmatch(re.sub(r"\s", "", row[0]))
    )
