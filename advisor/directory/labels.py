"""Display labels of the directory's coded values, in the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from advisor.directory.models import AssignmentKind, SchoolLevel

LEVEL_LABELS = {
    SchoolLevel.KINDERGARTEN: _l("Kindergarten"),
    SchoolLevel.PRIMARY: _l("Primary school"),
    SchoolLevel.JUNIOR: _l("Junior secondary"),
    SchoolLevel.SENIOR: _l("Senior secondary"),
    SchoolLevel.NINE_YEAR: _l("Nine-year school"),
    SchoolLevel.VOCATIONAL: _l("Vocational school"),
    SchoolLevel.SPECIAL: _l("Special education school"),
}

# What a bureau clerk types in a spreadsheet, mapped to the stored level.
LEVEL_ALIASES = {
    "幼儿园": SchoolLevel.KINDERGARTEN,
    "小学": SchoolLevel.PRIMARY,
    "初中": SchoolLevel.JUNIOR,
    "初级中学": SchoolLevel.JUNIOR,
    "高中": SchoolLevel.SENIOR,
    "高级中学": SchoolLevel.SENIOR,
    "九年一贯制": SchoolLevel.NINE_YEAR,
    "九年一贯制学校": SchoolLevel.NINE_YEAR,
    "职业学校": SchoolLevel.VOCATIONAL,
    "中等职业学校": SchoolLevel.VOCATIONAL,
    "职业技术学校": SchoolLevel.VOCATIONAL,
    "特殊教育学校": SchoolLevel.SPECIAL,
    "特殊教育": SchoolLevel.SPECIAL,
    **{level.value: level for level in SchoolLevel},
}

KIND_LABELS = {
    AssignmentKind.PRIMARY: _l("Primary advisor"),
    AssignmentKind.BACKUP: _l("Backup advisor"),
}
