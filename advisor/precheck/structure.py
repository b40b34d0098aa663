"""A contract's structure, read from its text: the title, the parties with their role labels,
the numbered clauses at every level, the tables, the annexes it refers to and the signature
block. Rules read clauses and tables instead of scanning the raw text, so that a word
counts in the clause it belongs to and a hit can name the clause it looked at. Every part
keeps its offsets in ``Context.text``, which still map to page and character.

Numbering is read as drafted: 第X章, 第X条, 一、, （一）, 1. / 1、, 1.1 / 1.1.1, （1）, ①,
【X】. Which style sits above which is decided by the document itself, in the order the
styles first appear (as a reader does), not by a fixed hierarchy: one contract numbers
一、 under 第X条, another 第X条 alone, a third 1. then 1.1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# How parties are designated, in the header and on the signature lines. Word documents
# often space out two-character designations (甲　方, 甲　　方), so spaces between characters
# are allowed.
DESIGNATIONS = (
    *("甲方", "乙方", "丙方", "采购人", "采购方", "采购单位", "供应商", "供应方", "供货方"),
    *("供货单位", "出租方", "承租方", "出租人", "承租人", "发包人", "承包人", "发包方", "承包方"),
    *("捐赠方", "受赠方", "捐赠人", "受赠人", "投保人", "保险人", "被保险人", "委托方", "受托方"),
    *("委托人", "受托人", "用人单位", "劳务提供者", "聘用方", "受聘方", "买方", "卖方", "买受人"),
    *("出卖人", "需方", "供方", "合作方", "服务方", "托运人", "承运人", "劳动者", "受让方"),
    *("转让方", "服务商", "承运方", "托管方", "承包单位", "发包单位"),
)
PARTY = "(?:" + "|".join("[ \u3000]{0,4}".join(name) for name in DESIGNATIONS) + ")"
# 订阅方（甲方）, 使用单位（乙方）: any role of the parties' own naming, labelled by a known
# designation in brackets, is a party (README, amendment 5: parties in their usual variety).
# Contact persons and agents labelled 甲方 are not parties.
# 客户（甲方）, 保安服务公司（乙方）, 托运方（以下简称甲方）: the label in brackets decides.
OWN_ROLE = r"(?:(?!联系|经办|代理|代表|负责|责任|法定|授权|开户|收款|付款)[\u4e00-\u9fff]){1,6}"
ALIAS = rf"[（(](?:以下简称|以下称|下称|简称)?[“\"]?{PARTY}[”\"]?[）)]"
LABELLED_PARTY = rf"(?:{OWN_ROLE}(?=[ \t\u3000]*{ALIAS}))"

# An English gloss after a role in brackets: 甲方（用人单位 Employer）, 乙方（服务商 Provider）.
GLOSS = r"[A-Za-z .&/'-]{0,30}"

_CN = "[一二三四五六七八九十百零〇两]"
_SPACE = "[ \t\u3000]"
# Each numbering style at the start of a line, with its kind. Decimal numbers (1.1, 1.1.1)
# are one kind per depth. Order matters: the first that matches a line wins.
_NUMBERING = re.compile(
    rf"^{_SPACE}*(?:"
    rf"(?P<chapter>第{_CN}+章|第\d+章)"
    rf"|(?P<article>第{_CN}+条|第\d+条|条款{_CN}+|条款\d+)"
    rf"|(?P<cn>{_CN}+[、．.](?!\d))"
    rf"|(?P<paren_cn>[（(]{_CN}+[）)])"
    r"|(?P<decimal>\d{1,2}(?:[.．]\d{1,2})+)(?=[.．、]?[ \t\u3000]*[^\d.．\s%％万元亿倍米吨个])"
    r"[.．、]?"
    r"|(?P<arabic>\d{1,2}[、.．])(?![\d])"
    r"|(?P<paren_ar>[（(]\d{1,2}[）)])"
    r"|(?P<circled>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])"
    r"|(?P<bracket>【[^】\n]{1,16}】)"
    r")",
    re.MULTILINE,
)
# Items of a list (①, （1）) carry words, not headings.
_LIST_ITEMS = {"circled", "paren_ar"}
# A heading: short words after the number, ending the line or followed by a colon.
_HEADING = re.compile(rf"{_SPACE}*(?P<heading>[^\n：:。，,；;]{{1,20}}?){_SPACE}*(?:[：:]|$)", re.M)
# A party line may carry a clause number when the parties are the first numbered items
# (1.1 投保人：…，住所：…); such a line is a party only with an address or an
# organisation's name, since 3.1 甲方：应按时付款 is an obligation, not a party.
_LIST_HEADING = re.compile(rf"{_SPACE}*(?P<heading>[^\n：:。，,；;、]{{1,14}}?){_SPACE}*$", re.M)
_PARTY_NUMBER = (
    rf"(?P<numbered>(?:\d{{1,2}}(?:[.．]\d{{1,2}})*[.．、]?|{_CN}+、"
    rf"|[（(](?:{_CN}+|\d{{1,2}})[）)]){_SPACE}*)?"
)
# 【甲方】某中学 and 【投保人/被保险人】某中学: a role in lenticular brackets labels the line
# as a colon does (the colon is then optional). A second role after a slash
# (投保人/被保险人：某中学) is the same party in another capacity.
_PARTY_LINE = re.compile(
    rf"^{_SPACE}*{_PARTY_NUMBER}(?P<open>【)?(?P<role>{PARTY}|{LABELLED_PARTY})"
    rf"(?:{_SPACE}*[（(](?P<alias>{PARTY}|[^）)\n]{{0,12}}{GLOSS})[）)])?"
    rf"(?:[/／、]{PARTY})*(?(open)】{_SPACE}*[:：]?|{_SPACE}*[:：]){_SPACE}*(?P<name>[^\n]*)",
    re.MULTILINE,
)
# A name ends at a separator, at its address, or where the next party begins on the same
# line (甲方：某中学  乙方：某公司, whose wide gap a PDF may have closed).
_NAME_END = re.compile(
    rf"[，,；;（(\t\u3000|｜]|\s{{2,}}|地址|住所|住址|法定代表人|(?={PARTY}[ \u3000]*[:：])"
)
_ANNEX = re.compile(rf"附\s*件\s*(?:{_CN}+|\d+|[A-Z])?")
_TABLE_ROW = re.compile(r"[|｜\t]|[ \u3000]{3,}\S")
_CELL_SPLIT = re.compile(r"\s*[|｜\t]\s*|[ \u3000]{3,}")
_SEALED = "(?:签字|签章|盖章|公章|签名)"
_SIGNATURE_LINE = re.compile(
    rf"^[ \t\u3000|｜]*{PARTY}\s*(?:[（(]{PARTY}[）)])?\s*(?:代表)?\s*[:：]?\s*[（(]?\s*{_SEALED}"
    # 甲方（采购人）：  乙方（供应商）：⏎单位名称（盖章）：…: the roles on a line of their
    # own, the places to seal and sign on the lines below them.
    # (甲方（采购人）：某小学   乙方（供应商）：某公司 ⏎ 单位名称（盖章）：…, the names given
    # beside the roles)
    rf"|^[ \t\u3000|｜]*{PARTY}{_SPACE}*(?:[（(][^）)\n]{{1,8}}[）)])?{_SPACE}*[:：]?"
    rf"[ \t\u3000|｜]*(?:{PARTY}[^\n]{{0,12}}|[^\n]{{0,40}}?[ \t\u3000|｜]{PARTY}[^\n]{{0,40}})?"
    rf"\n[ \t\u3000|｜]*[^\n：:]{{0,12}}[（(]{_SEALED}[）)]",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Clause:
    start: int  # where the numbering begins
    end: int  # the end of the clause with its sub-clauses
    body: int  # where the clause's own words begin (after number and heading)
    number: str  # 第三条, 三、, （二）, 1.2, 【付款方式】
    heading: str  # 合同价款及支付方式; "" when the clause starts with running text
    level: int  # 1 for the outermost numbering of this document
    parent: int | None  # index of the enclosing clause in Structure.clauses


@dataclass(frozen=True, slots=True)
class Party:
    role: str  # 甲方, 出租方, 采购人 …
    alias: str  # the label in brackets: 出租方（甲方） has alias 甲方; "" if none
    name: str
    start: int  # the name's span in the text
    end: int
    said: tuple[int, int]  # the span of all that follows the colon (name, address, notes)
    address: str = ""  # the address given in a parties table's own column (see _table_parties)


@dataclass(frozen=True, slots=True)
class Table:
    start: int
    end: int
    rows: tuple[tuple[str, ...], ...]

    def column(self, word: str) -> list[str]:
        """The cells under the first header cell containing ``word`` (none if no such column)."""
        header = self.rows[0]
        for index, cell in enumerate(header):
            if word in cell:
                return [row[index] for row in self.rows[1:] if index < len(row)]
        return []


@dataclass(frozen=True, slots=True)
class Structure:
    title: str
    parties: tuple[Party, ...]
    clauses: tuple[Clause, ...]
    tables: tuple[Table, ...]
    annexes: tuple[tuple[int, int], ...]  # where the text refers to an annex (附件一 …)
    signature: int | None  # where the signature block begins

    def clause_at(self, offset: int) -> Clause | None:
        """The innermost clause holding ``offset``."""
        found = None
        for clause in self.clauses:
            if clause.start <= offset < clause.end and (
                found is None or clause.level > found.level
            ):
                found = clause
        return found

    def outline(self, clause: Clause) -> str:
        """The clause's numbers from the outermost: 第五条（二）2."""
        numbers = [clause.number]
        while clause.parent is not None:
            clause = self.clauses[clause.parent]
            numbers.append(clause.number)
        return "".join(reversed(numbers))


def _kind(match: re.Match[str]) -> tuple[str, int]:
    kind = match.lastgroup or ""
    if kind == "decimal":
        return kind, match["decimal"].replace("．", ".").count(".")
    return kind, 0


def _clauses(text: str, stop: int) -> list[Clause]:
    """Numbered clauses before ``stop`` (the signature block), nested by the order in which
    the document first uses each numbering style."""
    found: list[tuple[int, int, str, str, tuple[str, int]]] = []
    for match in _NUMBERING.finditer(text, 0, stop):
        number = match.group(match.lastgroup or 0).strip()
        after = match.end()
        heading = ""
        # 【违约责任】 is a heading; 【一】 and 【1】 are numbers whose heading follows.
        numbered = match.lastgroup == "bracket" and re.fullmatch(
            rf"{_CN}+|\d{{1,2}}", number.strip("【】")
        )
        if match.lastgroup == "bracket" and not numbered:
            heading = number.strip("【】")
        else:
            # (1) 采购服务名称及范围 alone on its line heads what follows; a list item that
            # runs on (（1）按时交货，…) carries words, and so does ① always.
            head = (
                _LIST_HEADING.match(text, after)
                if match.lastgroup == "paren_ar"
                else None
                if match.lastgroup in _LIST_ITEMS
                else _HEADING.match(text, after)
            )
            if head and not re.search(r"\d", head["heading"]):
                heading = head["heading"].strip()
                after = head.end()
        found.append((match.start(match.lastgroup or 0), after, number, heading, _kind(match)))
    clauses: list[Clause] = []
    stack: list[tuple[tuple[str, int], int]] = []  # (kind, index in clauses)
    ends: list[int] = []
    for index, (start, body, number, heading, kind) in enumerate(found):
        kinds = [k for k, _ in stack]
        if kind in kinds:
            while stack and stack[-1][0] != kind:
                stack.pop()
            stack.pop()
        parent = stack[-1][1] if stack else None
        stack.append((kind, index))
        clauses.append(Clause(start, stop, body, number, heading, len(stack), parent))
        ends.append(stop)
    # A clause ends where the next clause at its level or above begins.
    for index, clause in enumerate(clauses):
        for later in clauses[index + 1 :]:
            if later.level <= clause.level:
                ends[index] = later.start
                break
    return [
        Clause(c.start, ends[i], c.body, c.number, c.heading, c.level, c.parent)
        for i, c in enumerate(clauses)
    ]


_PARTY_PARTICULARS = re.compile(r"地\s?址|住\s?所|住\s?址|法定代表人|统一社会信用代码|身份证")
# The end of an organisation's name (学校, 公司, 中心 …): a party, not a description.
ORGANISATION_ENDS = (
    r"学校|中学|小学|大学|学院|幼儿园|公司|中心|局|医院|研究所|事务所|厂|商店|超市|合作社"
    r"|委员会|协会|集团|银行|图书馆|体育馆|站|商行|经营部|门市部|服务部|工作室"
)
ORGANISATION = re.compile(rf"(?:{ORGANISATION_ENDS})$")


# 甲方莎车县某小学（地址：…）与乙方某服务部（地址：…）就……达成如下协议: parties named
# inside the opening sentence of a short agreement, with no line of their own.
_INLINE_PARTY = re.compile(
    rf"(?:(?<![\u4e00-\u9fff])|(?<=[与和及]))(?P<role>{PARTY})[ \u3000]*[为即系是:：]?[ \u3000]*"
    rf"(?P<name>[\u4e00-\u9fff·][\u4e00-\u9fff·\n]{{1,30}}?(?:{ORGANISATION_ENDS}|部|店|社|队))"
    r"(?=[（(，,、与和])"
)


def _inline_parties(text: str, stop: int) -> list[Party]:
    """The parties of an opening sentence that names them in passing (see _INLINE_PARTY),
    read only from the first paragraphs."""
    parties = []
    for match in _INLINE_PARTY.finditer(text, 0, min(stop, 800)):
        role = re.sub(r"[ \u3000]", "", match["role"])
        said_end = text.find("\n", match.end())
        said = (match.start("name"), said_end if said_end >= 0 else stop)
        name = match["name"].replace("\n", "")  # a PDF line may wrap inside the name
        parties.append(Party(role, "", name, *match.span("name"), said))
    return parties


def _parties(text: str, stop: int, tables: list[Table]) -> list[Party]:
    return (
        _line_parties(text, stop)
        or _table_parties(text, tables, stop)
        or _recital_parties(text, stop)
        or _letter_parties(text, stop)
        or _inline_parties(text, stop)
    )


# 本协议由以下各方签订：（1）某学校（“甲方”），注册地址：…; （2）某公司，一家……（“乙方”）:
# parties listed in a recital, each named first and given its role in quotation marks.
_RECITAL_PARTY = re.compile(
    rf"^{_SPACE}*[（(]\d{{1,2}}[）)]{_SPACE}*(?P<name>[^，,（(\n]{{2,40}}?)(?=[，,（(])"
    # the rest of the item, over a line a PDF wrapped, up to its role
    r"(?:[^\n]|\n(?![ \u3000]*[（(]\d))*?"
    rf"[（(](?:以下简称|以下称|下称|简称)?[“\"](?:[^”\"\n]{{1,8}}[”\"]或[“\"])?"
    rf"(?P<role>{PARTY}|[^”\"\n]{{1,8}})[”\"]",
    re.MULTILINE,
)


def _recital_parties(text: str, stop: int) -> list[Party]:
    parties = []
    for match in _RECITAL_PARTY.finditer(text, 0, min(stop, 2500)):
        line_end = text.find("\n", match.end())
        said = (match.start("name"), line_end if line_end >= 0 else stop)
        parties.append(Party(match["role"], "", match["name"].strip(), *match.span("name"), said))
    return parties if len(parties) >= 2 else []


_ROLE_CELL = re.compile(
    rf"(?P<role>{PARTY}|{LABELLED_PARTY})(?:[/／、]{PARTY})*"
    rf"(?:[（(](?:以下简称|以下称|下称|简称)?(?P<alias>{PARTY}|[^（()）]{{1,8}})[）)])?"
)
_ROLE_ADDRESS = re.compile(rf"(?P<role>{PARTY}|{LABELLED_PARTY})(?:地址|住所|住址|通讯地址)")
_NAME_HEADER = re.compile(r"名\s*称|姓\s*名|单\s*位")
_ADDRESS_HEADER = re.compile(r"住\s*所|地\s*址|住\s*址")


def _table_parties(text: str, tables: list[Table], stop: int) -> list[Party]:
    """Parties laid out in a table before the clauses: one row per party, either under a
    header with a name column (当事人 | 名称 | 住所) or as the rows of a key-terms table
    (采购人（甲方） | 某学校，住所：…; 投保人地址 | …), whose address may have a row of its
    own."""
    front = min(stop, 2500)
    for table in tables:
        if table.start >= front:
            break
        parties = _by_columns(text, table) or _by_party_columns(text, table)
        if parties:
            return parties
    # Rows read line by line, not table by table: a PDF breaks a table where a cell's text
    # wraps, and may leave a party's row on its own (or the header's: 法定代表人/ ⏎ 负责人).
    lines = Table(0, front, tuple(_cells(line) for line in text[:front].split("\n")))
    return _by_columns(text, lines, strict=True) or _by_rows(text, lines)


def _cells(line: str) -> tuple[str, ...]:
    if not _TABLE_ROW.search(line.strip()):
        return ()
    return tuple(c for c in _CELL_SPLIT.split(line.strip(" |｜\u3000")) if c != "")


def _party_in_cell(
    text: str, table: Table, role: re.Match[str], cell: str, address: str = ""
) -> Party:
    name = _NAME_END.split(cell.strip(), maxsplit=1)[0].strip()
    start, shown = text.find(name, table.start, table.end), len(name)
    while start < 0 and shown > 2:  # a name a PDF wrapped in its cell: its first line
        shown -= 1
        start = text.find(name[:shown], table.start, table.end)
    line_end = text.find("\n", start, table.end)
    said = (start, line_end if line_end >= 0 else table.end)
    return Party(role["role"], role["alias"] or "", name, start, start + shown, said, address)


def _bracket_open(cell: str) -> bool:
    return cell.count("（") + cell.count("(") > cell.count("）") + cell.count(")")


def _unwrapped(lines: list[str]) -> list[tuple[tuple[str, ...], int]]:
    """The rows of a table whose cells a PDF wrapped (出租方（ ⏎ 甲方）): a line whose first
    cell leaves a bracket open is joined, cell by cell by position, with the line after it.
    Each row with the index of its first line."""
    rows: list[tuple[tuple[str, ...], int]] = []
    at = 0
    while at < len(lines):
        line = lines[at]
        cells = _cells(line)
        follow = lines[at + 1] if at + 1 < len(lines) else ""
        if cells and _bracket_open(cells[0]) and _cells(follow):
            starts = [m.start() for m in _CELL_START.finditer(line)]
            merged = list(cells)
            for piece in _CELL_START.finditer(follow):
                column = max((i for i, s in enumerate(starts) if s <= piece.start() + 1), default=0)
                if column < len(merged):
                    merged[column] += piece.group().strip()
            rows.append((tuple(merged), at))
            at += 2
            continue
        rows.append((cells, at))
        at += 1
    return rows


_CELL_START = re.compile(
    r"(?:(?<=^)|(?<=[ \u3000]{3})|(?<=[|｜\t]))[^ \u3000|｜\t](?:[^|｜\t]*?)"
    r"(?=[ \u3000]{3}|[|｜\t]|$)"
)


def _by_columns(text: str, table: Table, *, strict: bool = False) -> list[Party]:
    """Rows under a header with a name column (当事人 | 名称 | 住所); ``strict``: a header of
    three cells or more with an address column too (for lines not recognised as a table)."""
    # The header row is the first with a name column (a PDF may have run the title's line
    # into the table).
    heading = next(
        (
            at
            for at, row in enumerate(table.rows)
            if any(_NAME_HEADER.search(c) for c in row)
            and (not strict or (len(row) >= 3 and any(_ADDRESS_HEADER.search(c) for c in row)))
        ),
        None,
    )
    if heading is None:
        return []
    header = table.rows[heading]
    name_at = next(i for i, cell in enumerate(header) if _NAME_HEADER.search(cell))
    address_at = next((i for i, c in enumerate(header) if _ADDRESS_HEADER.search(c)), None)
    parties = []
    # The lines after the header, not only the table's rows: a PDF breaks a table where a
    # cell's text wraps, and may leave a party's row on its own.
    header_at = text.find(header[0], table.start)
    lines_from = text.find("\n", header_at) + 1
    rows = []
    lines = text[lines_from : lines_from + 1200].split("\n")[:12]
    unwrapped = _unwrapped(lines)
    for (row, index), (_, following) in zip(
        unwrapped, [*unwrapped[1:], ((), len(lines))], strict=True
    ):
        at = text.find(lines[index], lines_from) if lines[index] else -1
        # a row joined with the line after it spans both
        end = at + len("\n".join(lines[index:following]))
        rows.append((row, Table(at, end, ())))
    for row, holder in rows:
        if not row:
            continue
        role = _ROLE_CELL.fullmatch(re.sub(r"[ \u3000]", "", row[0]))
        if role is None or name_at >= len(row):
            continue
        address = row[address_at] if address_at is not None and address_at < len(row) else ""
        parties.append(_party_in_cell(text, holder, role, row[name_at], address))
    return parties


def _by_party_columns(text: str, table: Table) -> list[Party]:
    """A table with a column per party (项目 | 采购人（甲方） | 供应商（乙方）), its rows
    名称 | … | … and 住所 | … | …; or with no column of labels, each cell labelled
    (甲方 | 乙方 over 名称：某小学 | 名称：某公司)."""
    # The header is the first row with two roles (a PDF may have run the title's line
    # into the table, as in _by_columns).
    for row, header in enumerate(table.rows):
        roles = {
            column: role
            for column, cell in enumerate(header)
            if (role := _ROLE_CELL.fullmatch(re.sub(r"[ \u3000]", "", cell)))
        }
        if len(roles) >= 2:
            rows = table.rows[row + 1 :]
            break
    else:
        return []
    if 0 in roles and any(len(r) == len(header) + 1 for r in rows):
        # the header's empty corner cell was dropped: the rows have their labels' column
        roles = {column + 1: role for column, role in roles.items()}
    if 0 not in roles:
        names = next((r for r in rows if _NAME_HEADER.search(r[0])), None)
        addresses = next((r for r in rows if _ADDRESS_HEADER.search(r[0])), ())
    else:
        names = next((r for r in rows if all(_LABELLED_NAME.match(c) for c in r)), None)
        addresses = next((r for r in rows if all(_LABELLED_ADDRESS.match(c) for c in r)), ())
        if names is not None:
            names = tuple(_LABELLED_NAME.sub("", c) for c in names)
            addresses = tuple(_LABELLED_ADDRESS.sub("", c) for c in addresses)
    if names is None:
        return []
    return [
        _party_in_cell(text, table, role, names[at], addresses[at] if at < len(addresses) else "")
        for at, role in roles.items()
        if at < len(names)
    ]


_LABELLED_NAME = re.compile(
    r"^[ \u3000]*(?:单位|学校|公司)?(?:名\s*称|全\s*称|姓\s*名)[ \u3000]*[:：]"
)
_LABELLED_ADDRESS = re.compile(r"^[ \u3000]*(?:住\s*所|地\s*址|住\s*址)[ \u3000]*[:：]")


def _by_rows(text: str, table: Table) -> list[Party]:
    parties: list[Party] = []
    addresses: dict[str, str] = {}
    for row in table.rows:
        cells = [c for c in row if not re.fullmatch(r"\d{1,2}", c.strip())]  # a 序号 column
        if len(cells) < 2:
            continue
        label = re.sub(r"[ \u3000]", "", cells[0])
        role = _ROLE_CELL.fullmatch(label)
        if role is not None:
            parties.append(_party_in_cell(text, table, role, cells[1]))
            continue
        own = _ROLE_ADDRESS.fullmatch(label)
        if own is not None:
            addresses[own["role"]] = cells[1]
    return [
        Party(p.role, p.alias, p.name, p.start, p.end, p.said, addresses.get(p.role, ""))
        for p in parties
    ]


# A letter of confirmation (确认函): 致：某商行（…地址：…） and 我校（某学校，地址：…）.
_LETTER_PARTY = re.compile(
    r"^致[:：][ \u3000]*(?P<to>[^（(，,\n]{2,40})"
    r"|(?:我校|我单位|本校|本单位)[（(](?P<we>[^，,；;）)\n]{2,40})",
    re.MULTILINE,
)


def _letter_parties(text: str, stop: int) -> list[Party]:
    parties = []
    for match in _LETTER_PARTY.finditer(text, 0, min(stop, 1500)):
        group = "to" if match["to"] else "we"
        name = match[group].strip()
        line_end = text.find("\n", match.end())
        said = (match.start(group), line_end if line_end >= 0 else stop)
        role = "受函方" if group == "to" else "致函方"
        parties.append(Party(role, "", name, *match.span(group), said))
    return parties if len(parties) >= 2 else []


def _line_parties(text: str, stop: int) -> list[Party]:
    parties = []
    for match in _PARTY_LINE.finditer(text, 0, stop):
        raw = match["name"]
        name = _NAME_END.split(raw.strip(), maxsplit=1)[0].strip()
        # 3.1 甲方：应按时付款 and 【甲方】负责提供场地 are obligations, not parties.
        labelled = match["numbered"] or match["open"]
        if labelled and not (_PARTY_PARTICULARS.search(raw) or ORGANISATION.search(name)):
            continue
        start = match.start("name") + (raw.find(name) if name else 0)
        role = re.sub(r"[ \u3000]", "", match["role"])
        alias = re.sub(r"[ \u3000]", "", match["alias"] or "")
        said = (match.start("name"), match.end("name"))
        parties.append(Party(role, alias, name, start, start + len(name), said))
    return parties


def _tables(text: str) -> list[Table]:
    """Runs of two or more lines whose cells are separated by bars, tabs or wide spaces,
    with the same number of cells give or take one (a merged or empty cell)."""
    tables: list[Table] = []
    run: list[tuple[int, int, tuple[str, ...]]] = []

    def close() -> None:
        if len(run) >= 2:
            tables.append(Table(run[0][0], run[-1][1], tuple(row for _, _, row in run)))
        run.clear()

    at = 0
    for line in text.split("\n"):
        end = at + len(line)
        cells = _cells(line)
        if len(cells) >= 2:
            if run and abs(len(run[0][2]) - len(cells)) > 1:
                close()
            run.append((at, end, cells))
        else:
            close()
        at = end + 1
    close()
    return tables


_NUMBER_LABEL = re.compile(r"(?:合同|项目|协议)?编号")
_TITLE_WORDS = re.compile(r"(?:合同|协议|契约)书?$|(?:合同|协议)[（(][^）)]{1,12}[）)]$")


def _pieces(text: str) -> list[str]:
    """The pieces of the first lines (a PDF may put the running header, the 合同编号 and
    the title on one line), contract numbers left out."""
    pieces = []
    for line in text.split("\n")[:8]:
        for piece in re.split(r"[ \t\u3000]{2,}|\t", line.strip(" \t\u3000")):
            if piece and not _NUMBER_LABEL.match(piece):
                pieces.append(piece)
    return pieces


def _title(text: str) -> str:
    """The contract's title: the first piece of the first lines that ends like a title
    (…合同, …协议书), else the first piece that is not a contract number."""
    pieces = _pieces(text)
    return next(
        (piece for piece in pieces if _TITLE_WORDS.search(piece)), pieces[0] if pieces else ""
    )


def titles(text: str) -> list[str]:
    """Every piece of the first lines that ends like a title: a running header
    (爱心捐赠协议) may come before the title itself (体育器材捐赠协议)."""
    return [piece for piece in _pieces(text) if _TITLE_WORDS.search(piece)] or [_title(text)]


@lru_cache(maxsize=8)
def read(text: str) -> Structure:
    """The structure of ``text`` (a Context's text), read once per text: several rules ask."""
    signature = _SIGNATURE_LINE.search(text)
    stop = signature.start() if signature else len(text)
    tables = _tables(text)
    return Structure(
        title=_title(text),
        parties=tuple(_parties(text, stop, tables)),
        clauses=tuple(_clauses(text, stop)),
        tables=tuple(tables),
        annexes=tuple((m.start(), m.end()) for m in _ANNEX.finditer(text)),
        signature=signature.start() if signature else None,
    )
