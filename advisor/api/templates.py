"""The model contracts through the API: ``GET /api/v1/templates``."""

from __future__ import annotations

from typing import Any

from advisor.api import responses
from advisor.api.auth import api_user
from advisor.api.blueprint import bp
from advisor.api.schemas import dump, whole_list_json
from advisor.extensions import db
from advisor.model_contracts import services
from advisor.model_contracts.models import ModelContract


def template_json(model: ModelContract, *, drafts: bool) -> dict[str, Any]:
    versions = [v for v in model.versions if drafts or v.status != "draft"]
    return dump(
        responses.Template,
        {
            "id": model.id,
            "title": model.title,
            "contract_type": model.contract_type,
            "versions": [
                {
                    "number": v.number,
                    "status": v.status,
                    "file_name": v.file_name,
                    "note": v.note,
                    "published_at": v.published_at,
                    "withdrawn_at": v.withdrawn_at,
                    "fields": v.fields,
                    "clauses": v.clauses,
                }
                for v in versions
            ],
        },
    )


@bp.get("/templates")
def list_templates() -> Any:
    """The model contracts the caller may see: the bureau every one with its drafts,
    others those with a published version, without drafts."""
    caller = api_user()
    drafts = services.can_manage(caller)
    items = [template_json(m, drafts=drafts) for m in services.models(db.session, caller)]
    return whole_list_json(responses.TemplateList, items)
