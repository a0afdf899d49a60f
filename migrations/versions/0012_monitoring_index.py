"""monitoring index: assignments by due date with status, activity, unit and item, so the overdue list's
per-unit counts and totals read the index alone (issue 16)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 09:10:00

"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_assignments_overdue", "assignments", ["due_on", "status", "is_active", "unit_id", "item_id"], unique=False
    )


def downgrade():
    op.drop_index("ix_assignments_overdue", table_name="assignments")
