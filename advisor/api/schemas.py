"""JSON shapes of the API's resources, as API.md names them."""

from __future__ import annotations

from typing import Any

from advisor.accounts.models import User
from advisor.db import Page
from advisor.directory.models import Advisor, School
from advisor.directory.queries import Serving


def user_json(user: User) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
    }
    if user.school_id is not None:
        body["school_id"] = user.school_id
    if user.advisor_id is not None:
        body["advisor_id"] = user.advisor_id
    return body


def school_json(school: School, serving: Serving) -> dict[str, Any]:
    return {
        "id": school.id,
        "code": school.code,
        "name": school.name,
        "district": school.district,
        "level": school.level,
        "address": school.address,
        "contact_name": school.contact_name,
        "contact_phone": school.contact_phone,
        "primary_advisor_id": serving.primary.id if serving.primary else None,
        "backup_advisor_id": serving.backup.id if serving.backup else None,
        "active": school.is_active,
    }


def advisor_json(advisor: Advisor) -> dict[str, Any]:
    return {
        "id": advisor.id,
        "name": advisor.name,
        "email": advisor.email,
        "phone": advisor.phone,
        "law_firm_id": advisor.law_firm_id,
        "law_firm": advisor.law_firm.name,
        "licence_no": advisor.licence_no,
        "appointed_on": advisor.appointed_on.isoformat(),
        "appointment_ends_on": advisor.appointment_ends_on.isoformat()
        if advisor.appointment_ends_on
        else None,
        "specialties": advisor.specialties,
        "active": advisor.is_active,
    }


def page_json(page: Page[Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": items, "total": page.total, "page": page.page, "per_page": page.per_page}
