"""A party excluding its liability for personal injury (void under Civil Code art. 506)."""

from __future__ import annotations

import re

from advisor.precheck.base import N_, Context, Hit, Rule, prose, sentences

_INJURY = re.compile(r"受伤|伤害|伤亡|伤残|死亡|人身|意外|安全事故|安全责任|人身安全|身体")
# Clear exclusions, whoever caused the harm.
_EXEMPT = re.compile(
    r"概不负责|概不承担|一概不|不承担任何|不负任何|不再承担|不予负责|与[甲乙]方无关|由[^。；，,]{0,12}"
    r"自行(?:承担|负责)|自行承担|责任自负|后果自负|免除[甲乙]方[^。；]{0,6}责任|[甲乙]方免责"
)
# "Bears no liability": an exclusion unless the sentence puts the harm on someone's fault.
_NO_LIABILITY = re.compile(r"不(?:承担|负)(?:[^。；，,]{0,4})责任")
_FAULT = re.compile(r"因[^。；，,]{0,10}(?:原因|过错|过失|责任|违反)|由[甲乙]方承担")
# Not a party excusing itself: a ban on exclusions, force majeure, an insurer's scope of cover.
# 乙方自行承担经营中的安全责任: a party taking on the duty of safety, not shedding a harm.
_NOT_AN_EXEMPTION = re.compile(
    r"不得[^。；]{0,12}(?:减轻|免除)|不因[^。；]{0,12}(?:减轻|免除)|不可抗力|保险人|保险金"
    r"|自行(?:承担|负责)[^。；，,]{0,10}安全(?:管理|保障|生产)?责任"
)
# Harm put on the pupils or their guardians is an exclusion even beside force majeure
# (因自身原因或不可抗力造成人身伤害的，由学生监护人自行承担; README, injury_exemption).
# An insurance contract's own exclusions (第6条 责任免除：学生故意自伤……依保险条款属于责任免除范围，
# 乙方不负赔偿责任) bound the cover the insurer sells, whatever role label it carries.
_COVER_EXCLUDED = re.compile(r"保险条款|保险责任|责任免除|除外责任|免责范围")
_ON_THE_PUPILS = re.compile(
    r"由(?:学生|幼儿|监护人|家长|学生监护人|学生家长)[^。；，,]{0,4}自行(?:承担|负责)"
)
# 因乙方自身过错受到伤害的，由乙方自行承担: a party bearing the harm of its own fault is
# liability on the party at fault, not an exclusion.
_OWN_FAULT = re.compile(
    r"因(?P<party>[甲乙丙]方|学生|教师|员工|本人)(?:的)?自身(?:的)?(?:过错|过失|原因|故意)"
    r"[^。；]{0,16}[，,]由(?P=party)自行(?:承担|负责)"
)


# 因甲方使用不当造成的，由甲方自行承担: the harm put on the party that caused it.
_CAUSED_BY = re.compile(r"因[^。；;]{1,16}(?:导致|造成|引起|所致)")

_SEGMENT_END = re.compile(r"[，,：:]")


def _about_injury(sentence: str, words: re.Pattern[str]) -> re.Match[str] | None:
    """Exemption words that are about the injury: in the part of the sentence naming it, or
    after it (发生伤害的，乙方概不负责). Words before any mention of an injury are about
    something else (自行承担员工工资和社会保险，员工作业中发生伤害的，由责任方承担)."""
    for match in words.finditer(sentence):
        ends = [m.start() for m in _SEGMENT_END.finditer(sentence, match.end())]
        segment_end = ends[0] if ends else len(sentence)
        if _INJURY.search(sentence, 0, segment_end):
            return match
    return None


def check_injury_exemption(ctx: Context) -> list[Hit]:
    running = prose(ctx)
    text = running.text
    hits = []
    injury_before = False  # the sentence before, up to a semicolon, is about an injury
    for start, end in sentences(text):
        sentence = text[start:end]
        carried, injury_before = (
            injury_before,
            bool(
                _INJURY.search(sentence)
                and text[end : end + 4].lstrip(" \t\u3000")[:1] in ("；", ";")
            ),
        )
        if not _INJURY.search(sentence):
            # 发生人身伤害的，由保险公司赔付；保险赔付后，丙方不再承担任何赔偿责任: the
            # exclusion after the semicolon is about the injury named before it.
            # (因乙方违规操作导致的，由乙方自行承担 puts the harm on the party at fault)
            exempt = _EXEMPT.search(sentence) if carried else None
            if exempt and not (
                _NOT_AN_EXEMPTION.search(sentence)
                or _FAULT.search(sentence)
                or _CAUSED_BY.search(sentence)
            ):
                hits.append(running.hit(ctx, INJURY_EXEMPTION, start, end, term=exempt.group()))
            continue
        if _NOT_AN_EXEMPTION.search(sentence) and not _ON_THE_PUPILS.search(sentence):
            continue
        if ctx.contract_type == "insurance" and _COVER_EXCLUDED.search(sentence):
            continue
        sentence = _OWN_FAULT.sub(lambda m: " " * len(m.group()), sentence)
        exempt = _about_injury(sentence, _EXEMPT)
        if not exempt and not _FAULT.search(sentence):
            exempt = _about_injury(sentence, _NO_LIABILITY)
        if exempt:
            hits.append(running.hit(ctx, INJURY_EXEMPTION, start, end, term=exempt.group()))
    return hits


INJURY_EXEMPTION = Rule(
    id="injury_exemption",
    severity="high",
    dimension="legality",
    message=N_(
        "A party excludes its liability for personal injury (%(term)s); such a clause is void."
    ),
    suggestion=N_(
        "Delete the exclusion; let each party answer for injury it causes, and require "
        "insurance where appropriate."
    ),
    basis="《中华人民共和国民法典》第五百零六条",
    check=check_injury_exemption,
)
