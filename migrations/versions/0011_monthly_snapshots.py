"""monthly snapshots (monthly_snapshots, snapshot_units): a plan's month frozen as of its last day

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 08:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "monthly_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_monthly_snapshots_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monthly_snapshots")),
        sa.UniqueConstraint("plan_id", "month", name=op.f("uq_monthly_snapshots_plan_id_month")),
    )
    with op.batch_alter_table("monthly_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monthly_snapshots_plan_id"), ["plan_id"], unique=False)
    op.create_table(
        "snapshot_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit_name", sa.Text(), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("done_on_time", sa.Integer(), nullable=False),
        sa.Column("done_late", sa.Integer(), nullable=False),
        sa.Column("not_done_overdue", sa.Integer(), nullable=False),
        sa.Column("not_done_in_time", sa.Integer(), nullable=False),
        sa.Column("delivery", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("kpi", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("discipline", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("score", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("band", sa.String(length=20), nullable=True),
        sa.Column("kpi_attainment", sa.JSON(), nullable=False),
        sa.Column("reporting", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["monthly_snapshots.id"],
            name=op.f("fk_snapshot_units_snapshot_id_monthly_snapshots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_snapshot_units_unit_id_units"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_units")),
        sa.UniqueConstraint("snapshot_id", "unit_id", name=op.f("uq_snapshot_units_snapshot_id_unit_id")),
    )
    with op.batch_alter_table("snapshot_units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_snapshot_units_snapshot_id"), ["snapshot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_snapshot_units_unit_id"), ["unit_id"], unique=False)


def downgrade():
    with op.batch_alter_table("snapshot_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshot_units_unit_id"))
        batch_op.drop_index(batch_op.f("ix_snapshot_units_snapshot_id"))
    op.drop_table("snapshot_units")
    with op.batch_alter_table("monthly_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monthly_snapshots_plan_id"))
    op.drop_table("monthly_snapshots")
