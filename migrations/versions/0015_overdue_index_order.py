"""overdue index in the list's order: the assignments' index by due date gets the id after the date, so a page of
the overdue list (sorted by due date, then id) walks this index alone to its page, however deep, instead of
reading each skipped assignment's row (issue 16)

The per-unit counts read it as before (it still holds status, activity, unit and item).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 05:20:00

"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_assignments_overdue", table_name="assignments")
    op.create_index(
        "ix_assignments_overdue",
        "assignments",
        ["due_on", "id", "status", "is_active", "unit_id", "item_id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_assignments_overdue", table_name="assignments")
    op.create_index(
        "ix_assignments_overdue", "assignments", ["due_on", "status", "is_active", "unit_id", "item_id"], unique=False
    )
