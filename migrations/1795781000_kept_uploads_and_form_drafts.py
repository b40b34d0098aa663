"""contracts and accounts: files kept on a form sent back, forms typed as a session ended

Revision ID: 1795781000
Revises: 1795780000
Create Date: 2026-12-03 21:00:00

Issue 20, item 3 ("work is never lost on the way"). ``kept_upload``: the file chosen on
a submission form that was sent back for another field, kept (its bytes in the files
folder's ``kept`` store) so the school need not choose it again. ``form_draft``: what was
typed into a form that arrived after the session had ended, put back into the form once
its author has signed in again. Both are short-lived; every new row first removes the
rows whose time is over.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1795781000"
down_revision: str | Sequence[str] | None = "1795780000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kept_upload",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_kept_upload_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_upload")),
    )
    op.create_index(op.f("ix_kept_upload_user_id"), "kept_upload", ["user_id"])
    op.create_index(op.f("ix_kept_upload_created_at"), "kept_upload", ["created_at"])
    op.create_table(
        "form_draft",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=500), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_form_draft_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_draft")),
    )
    op.create_index(op.f("ix_form_draft_user_id"), "form_draft", ["user_id"])
    op.create_index(op.f("ix_form_draft_created_at"), "form_draft", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_form_draft_created_at"), table_name="form_draft")
    op.drop_index(op.f("ix_form_draft_user_id"), table_name="form_draft")
    op.drop_table("form_draft")
    op.drop_index(op.f("ix_kept_upload_created_at"), table_name="kept_upload")
    op.drop_index(op.f("ix_kept_upload_user_id"), table_name="kept_upload")
    op.drop_table("kept_upload")
