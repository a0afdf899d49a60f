"""item status keys: what lists of assignments need of each item, read from an index alone (issue 16)

The unit page's counts and page and the overdue list need of each assignment's item only whether it is ongoing,
its plan, section and order. This index holds them, so the database reads it instead of the items' whole rows
with their long texts (on PostgreSQL an index-only scan instead of a scan of every item).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 16:30:00

"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_action_items_status_keys",
        "action_items",
        ["id", "is_ongoing", "plan_id", "section_id", "position"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_action_items_status_keys", table_name="action_items")
