"""The rules of the model contracts: the bureau uploads, marks up and publishes versions;
a school fills the published one and starts a contract from what it filled; the review
compares the contract's latest version with the filled template. Services add and flush;
the caller commits."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts.models import Role, User
from advisor.amounts import to_capital
from advisor.contracts import services as contracts
from advisor.contracts.amounts import AmountError, parse_amount
from advisor.contracts.extraction import Limits, Refused, inspect
from advisor.contracts.files import FileStore
from advisor.contracts.models import Contract, ContractType, ContractVersion, PageText
from advisor.errors import Conflict, Forbidden, NotFound, Unsupported, ValidationError
from advisor.model_contracts import docx_template
from advisor.model_contracts.models import (
    FieldKind,
    ModelContract,
    ModelContractVersion,
    TemplateFill,
    TemplateStatus,
)
from advisor.precheck.services import EXTRA_HITS
from advisor.text import LINE, NOTE, too_long

if TYPE_CHECKING:  # the comparison reads with the pre-check's parser: imported on first use
    from advisor.model_contracts import compare as comparing
    from advisor.precheck.base import Hit

# A template's files are files of the store like the contracts' versions: no check, prune
# or backup may take one for an orphan.
contracts.FILE_COLUMNS.append(ModelContractVersion.sha256)

VALUE_MAX = 200  # characters in one field's value
NUMBER_MAX = 10**9

TEMPLATE_ERRORS = {
    "not_word": _l("A model contract is uploaded as a Word document (.docx)."),
    "corrupt": _l("The Word file is damaged and cannot be read. Save it again in Word or WPS."),
    "unsafe": _l(
        "The Word file contains XML entity declarations, which are refused for safety."
        " Open it in Word or WPS and save it again."
    ),
    "too_many_fields": _l(
        "The template has more than %(limit)d fields. Mark only what a school fills in.",
        limit=docx_template.MAX_FIELDS,
    ),
}


# --- who may do what ----------------------------------------------------------------------


def can_manage(user: User) -> bool:
    """Uploading, marking up, publishing and withdrawing: the bureau."""
    return user.role == Role.BUREAU


def can_see_version(user: User, version: ModelContractVersion) -> bool:
    """A draft is the bureau's; a published or withdrawn text anyone signed in may read
    (a withdrawn one is what earlier contracts were compared against)."""
    return can_manage(user) or version.status != TemplateStatus.DRAFT


def can_fill(user: User) -> bool:
    return user.role == Role.SCHOOL and user.school_id is not None


# --- the library --------------------------------------------------------------------------


def models(session: orm.Session, viewer: User) -> list[ModelContract]:
    """The library as ``viewer`` sees it: the bureau every model, others those with a
    published version, by type and title."""
    query = (
        sa.select(ModelContract)
        .options(orm.selectinload(ModelContract.versions))
        .order_by(ModelContract.contract_type, ModelContract.title, ModelContract.id)
    )
    if not can_manage(viewer):
        query = query.where(
            ModelContract.versions.any(ModelContractVersion.status == TemplateStatus.PUBLISHED)
        )
    return list(session.scalars(query))


def get_model(session: orm.Session, viewer: User, model_id: int) -> ModelContract:
    model = session.get(ModelContract, model_id)
    if model is None or not (can_manage(viewer) or model.published is not None):
        raise NotFound(_l("No such model contract."))
    return model


def get_version(
    session: orm.Session, viewer: User, model: ModelContract, number: int
) -> ModelContractVersion:
    for version in model.versions:
        if version.number == number and can_see_version(viewer, version):
            return version
    raise NotFound(_l("No such version of the model contract."))


@dataclass(frozen=True, slots=True)
class TemplateFile:
    """A checked template file: the bytes, the name, the extracted text by page."""

    file_name: str
    data: bytes
    pages: Sequence[str]


def read_template(upload: contracts.Upload) -> TemplateFile:
    """The upload as a template: a Word document (refused otherwise)."""
    if upload.extracted.media_type != "docx":
        raise Unsupported(TEMPLATE_ERRORS["not_word"], fields={"file": TEMPLATE_ERRORS["not_word"]})
    return TemplateFile(upload.file_name, upload.data, upload.extracted.pages)


def _reading(template: TemplateFile) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The fields and the numbered clauses of a template, the clauses marked （可协商） in
    the file already negotiable."""
    from advisor.model_contracts import compare as comparing

    try:
        fields = docx_template.read_fields(template.data)
        marks = docx_template.negotiable_marks(template.data)
    except docx_template.TemplateError as error:
        message = TEMPLATE_ERRORS.get(error.code, TEMPLATE_ERRORS["corrupt"])
        raise ValidationError(message, fields={"file": message}) from error
    clauses = [
        {
            "outline": clause.outline,
            "heading": clause.heading,
            "negotiable": _is_marked(clause, marks),
        }
        for clause in comparing.clauses_of(template.pages)
        if clause.outline
    ]
    return [
        {"label": field.label, "kind": field.kind, "count": field.count} for field in fields
    ], clauses


_MARK = re.compile(r"[（(【]\s*可协商(?:条款)?\s*[】）)]")


def _is_marked(clause: comparing.TemplateClause, marks: Collection[str]) -> bool:
    outline = clause.outline.rstrip("、.．")
    return bool(_MARK.search(clause.heading)) or any(
        mark.rstrip("、.．") in (outline, clause.outline) for mark in marks
    )


def _check_details(title: str, contract_type: str, note: str) -> None:
    problems: dict[str, Any] = {}
    if not title.strip():
        problems["title"] = _l("Give the model contract a title.")
    if contract_type not in {t.value for t in ContractType}:
        problems["contract_type"] = _l("Choose a contract type.")
    problems.update(
        too_long({"title": title.strip(), "note": note.strip()}, {"title": LINE, "note": NOTE})
    )
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)


def create_model(
    session: orm.Session,
    *,
    actor: User,
    title: str,
    contract_type: str,
    template: TemplateFile,
    note: str,
    store: FileStore,
    now: datetime,
) -> ModelContractVersion:
    """A new model contract with its first version, a draft."""
    if not can_manage(actor):
        raise Forbidden(_l("Only the bureau keeps the model contracts."))
    _check_details(title, contract_type, note)
    model = ModelContract(
        title=title.strip(), contract_type=contract_type, created_at=now, created_by_id=actor.id
    )
    session.add(model)
    session.flush()
    return add_version(
        session, actor=actor, model=model, template=template, note=note, store=store, now=now
    )


def add_version(
    session: orm.Session,
    *,
    actor: User,
    model: ModelContract,
    template: TemplateFile,
    note: str,
    store: FileStore,
    now: datetime,
) -> ModelContractVersion:
    """The next version of ``model``, a draft; the published one stays in use until this
    one is published."""
    if not can_manage(actor):
        raise Forbidden(_l("Only the bureau keeps the model contracts."))
    _check_details(model.title, model.contract_type, note)
    fields, clauses = _reading(template)
    number = (
        session.scalar(
            sa.select(sa.func.max(ModelContractVersion.number)).where(
                ModelContractVersion.model_contract_id == model.id
            )
        )
        or 0
    ) + 1
    version = ModelContractVersion(
        model_contract_id=model.id,
        number=number,
        status=TemplateStatus.DRAFT,
        sha256=store.put(template.data),
        size=len(template.data),
        file_name=template.file_name[:255] or "template.docx",
        fields=fields,
        clauses=clauses,
        note=note.strip(),
        created_at=now,
        created_by_id=actor.id,
    )
    session.add(version)
    session.flush()
    session.refresh(model, ["versions"])
    return version


def _draft(actor: User, version: ModelContractVersion) -> None:
    if not can_manage(actor):
        raise Forbidden(_l("Only the bureau keeps the model contracts."))
    if version.status != TemplateStatus.DRAFT:
        raise Conflict(_l("This version is already published; upload a new version to change it."))


def set_negotiable(
    session: orm.Session, *, actor: User, version: ModelContractVersion, outlines: Collection[str]
) -> None:
    """Which clauses of a draft a school may change (可协商条款); the others are fixed."""
    _draft(actor, version)
    chosen = set(outlines)
    version.clauses = [
        {**clause, "negotiable": clause["outline"] in chosen} for clause in version.clauses
    ]
    session.flush()


def publish(
    session: orm.Session, *, actor: User, version: ModelContractVersion, now: datetime
) -> None:
    """Offer the draft to schools; the version it replaces is withdrawn. What a contract
    was started from stays its comparison: versions never change once published."""
    _draft(actor, version)
    for other in version.model.versions:
        if other.status == TemplateStatus.PUBLISHED:
            other.status = TemplateStatus.WITHDRAWN
            other.withdrawn_at = now
    version.status = TemplateStatus.PUBLISHED
    version.published_at = now
    session.flush()


def withdraw(
    session: orm.Session, *, actor: User, version: ModelContractVersion, now: datetime
) -> None:
    """No longer offer this version (contracts started from it keep it)."""
    if not can_manage(actor):
        raise Forbidden(_l("Only the bureau keeps the model contracts."))
    if version.status != TemplateStatus.PUBLISHED:
        raise Conflict(_l("Only a published version can be withdrawn."))
    version.status = TemplateStatus.WITHDRAWN
    version.withdrawn_at = now
    session.flush()


# --- filling ------------------------------------------------------------------------------


def _amount_words_source(label: str, amounts: Mapping[str, str]) -> str | None:
    """The amount a 大写 field writes out: the amount field of the same name without 大写
    (合同金额大写 → 合同金额), else the only amount field there is."""
    base = re.sub(r"[（(]?大写[）)]?", "", label).strip()
    if base in amounts:
        return amounts[base]
    return next(iter(amounts.values())) if len(amounts) == 1 else None


def check_values(
    version: ModelContractVersion, raw: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, Any]]:
    """The values as they go into the document, and a message per field that is not
    valid. A field may be left empty (it stays marked in the document, for the
    negotiation); a 大写 field left empty is written from its amount."""
    values: dict[str, str] = {}
    problems: dict[str, Any] = {}
    amounts: dict[str, str] = {}
    for field in version.fields:
        label, kind = field["label"], field["kind"]
        value = docx_template.clean_value(raw.get(label, "") or "")
        if not value:
            continue
        if len(value) > VALUE_MAX:
            problems[label] = _l("At most %(limit)d characters.", limit=VALUE_MAX)
        elif kind == FieldKind.AMOUNT:
            try:
                amount = parse_amount(value)
            except AmountError:
                problems[label] = _l("An amount in yuan, like 12000 or 1.2万.")
                continue
            amounts[label] = str(amount)
            values[label] = f"{amount:,.2f}"
        elif kind == FieldKind.DATE:
            try:
                day = date.fromisoformat(value)
            except ValueError:
                problems[label] = _l("A date, like 2026-09-01.")
                continue
            values[label] = f"{day.year}年{day.month}月{day.day}日"
        elif kind == FieldKind.NUMBER:
            if not (value.isascii() and value.isdigit() and int(value[:12]) < NUMBER_MAX):
                problems[label] = _l("A whole number, like 12.")
                continue
            values[label] = str(int(value))
        else:
            values[label] = value
    for field in version.fields:
        label = field["label"]
        if field["kind"] == FieldKind.AMOUNT_WORDS and label not in values:
            source = _amount_words_source(label, amounts)
            if source is not None:
                # zero has no capitals: the field then stays to be filled by hand
                with contextlib.suppress(AmountError, ValueError):
                    values[label] = to_capital(parse_amount(source))
    return values, problems


def record_fill(
    session: orm.Session,
    *,
    actor: User,
    version: ModelContractVersion,
    raw: Mapping[str, str],
    store: FileStore,
    now: datetime,
) -> TemplateFill:
    """What a school filled into the published version (refused field by field)."""
    if not can_fill(actor):
        raise Forbidden(_l("Only a school fills in a model contract."))
    if version.status != TemplateStatus.PUBLISHED:
        raise Conflict(_l("This version is no longer offered; start from the current one."))
    values, problems = check_values(version, raw)
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    fill = TemplateFill(
        version_id=version.id,
        school_id=actor.school_id,
        values=values,
        pages=list(_filled_pages(store.read(version.sha256), tuple(sorted(values.items())))),
        created_at=now,
        created_by_id=actor.id,
    )
    session.add(fill)
    session.flush()
    return fill


def get_fill(session: orm.Session, viewer: User, fill_id: int) -> TemplateFill:
    """A fill of the viewer's school (the bureau: any)."""
    fill = session.get(TemplateFill, fill_id)
    if fill is None or not (can_manage(viewer) or fill.school_id == viewer.school_id):
        raise NotFound(_l("No such filled model contract."))
    return fill


def open_fills(session: orm.Session, viewer: User) -> list[TemplateFill]:
    """The school's fills not yet submitted as a contract, newest first."""
    if not can_fill(viewer):
        return []
    return list(
        session.scalars(
            sa.select(TemplateFill)
            .where(TemplateFill.school_id == viewer.school_id, TemplateFill.contract_id.is_(None))
            .options(orm.joinedload(TemplateFill.version).joinedload(ModelContractVersion.model))
            .order_by(TemplateFill.id.desc())
            .limit(20)
        )
    )


def filled_document(store: FileStore, fill: TemplateFill) -> bytes:
    return docx_template.fill(store.read(fill.version.sha256), fill.values)


def start_contract_from(
    session: orm.Session, *, actor: User, fill: TemplateFill, contract: Contract
) -> None:
    """Record that ``contract`` was started from ``fill`` (in the submission's transaction)."""
    if fill.school_id != contract.school_id or actor.school_id != fill.school_id:
        raise Forbidden(_l("This filled model contract belongs to another school."))
    if fill.contract_id is not None:
        raise Conflict(
            _l("This filled model contract was already submitted; fill the template again.")
        )
    fill.contract_id = contract.id
    session.flush()


def fill_of(session: orm.Session, contract: Contract) -> TemplateFill | None:
    return session.scalar(
        sa.select(TemplateFill)
        .where(TemplateFill.contract_id == contract.id)
        .options(orm.joinedload(TemplateFill.version).joinedload(ModelContractVersion.model))
    )


# --- the comparison at review -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparison:
    fill: TemplateFill
    version: ModelContractVersion
    compared: ContractVersion  # the contract's version compared with the filled template
    changes: list[comparing.ClauseChange]  # in review order: changed fixed clauses first

    @property
    def fixed_changed(self) -> list[comparing.ClauseChange]:
        return [c for c in self.changes if c.fixed and c.kind in ("changed", "deleted")]

    @property
    def unchanged(self) -> int:
        return sum(c.kind == "unchanged" for c in self.changes)


def _filled_pages(data: bytes, values: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The text of the filled template, read as an uploaded Word file is read (in this
    process: the bureau's file passed the isolated reader when it was uploaded)."""
    filled = docx_template.fill(data, dict(values))
    try:
        return tuple(inspect(filled, Limits()).pages)
    except Refused:
        return ()


def comparison(session: orm.Session, contract: Contract) -> Comparison | None:
    """The latest version of a contract started from a template, clause by clause against
    the template as the school filled it; None for a contract not started from one."""
    from advisor.model_contracts import compare as comparing

    fill = fill_of(session, contract)
    if fill is None or not contract.versions:
        return None
    latest = contract.versions[-1]
    uploaded = list(
        session.scalars(
            sa.select(PageText.text).where(PageText.version_id == latest.id).order_by(PageText.page)
        )
    )
    changes = comparing.compare(fill.pages, uploaded, fill.version.negotiable)
    return Comparison(fill, fill.version, latest, comparing.ordered_for_review(changes))


# --- the pre-check's hit --------------------------------------------------------------------


def _change_words(change: comparing.ClauseChange, limit: int = 60) -> str:
    """The first change of a clause in a few words: 「一」→「零点五」."""
    removed = "".join(p.text for p in change.pieces if p.op == "delete")
    added = "".join(p.text for p in change.pieces if p.op == "insert")
    removed, added = removed[: limit // 2], added[: limit // 2]
    if removed and added:
        return f"「{removed}」→「{added}」"
    return f"−「{removed}」" if removed else f"+「{added}」"


def template_hits(
    session: orm.Session, contract: Contract, version: ContractVersion, pages: Sequence[str]
) -> list[Hit]:
    """A pre-check hit for each fixed clause of the model contract that ``pages`` changed
    or left out, at the clause it changed (precheck.services.EXTRA_HITS)."""
    from advisor.model_contracts import compare as comparing
    from advisor.precheck import structure
    from advisor.precheck.base import hit_at, hit_nowhere, make_context
    from advisor.precheck.rules.template import TEMPLATE_FIXED_CLAUSE_CHANGED as RULE

    fill = fill_of(session, contract)
    if fill is None:
        return []
    changes = comparing.compare(fill.pages, pages, fill.version.negotiable)
    ctx = make_context(tuple(pages), contract.contract_type, contract.amount)
    found = structure.read(ctx.text)
    hits = []
    for change in comparing.ordered_for_review(changes):
        if not change.fixed or change.kind not in ("changed", "deleted"):
            continue
        named = f"{change.outline} {change.heading}".strip()
        if change.kind == "deleted":
            hits.append(hit_nowhere(RULE, variant="deleted", clause=named))
            continue
        words = _change_words(change)
        clause = next(
            (
                c
                for c in found.clauses
                if c.level == 1 and c.heading and c.heading == change.heading
            ),
            None,
        )
        if clause is None:
            hits.append(hit_nowhere(RULE, clause=named, change=words))
        else:  # the clause's first line: its number and heading
            end = ctx.text.find("\n", clause.start, clause.end)
            hits.append(
                hit_at(
                    ctx,
                    RULE,
                    clause.start,
                    end if end > 0 else clause.end,
                    clause=named,
                    change=words,
                )
            )
    return hits


EXTRA_HITS.append(template_hits)
