"""data stamp: one row whose number every transaction that changes data draws anew, so that a rendered page can
be served again until the data changes (issue 16)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 14:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    stamp = op.create_table(
        "data_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_stamp")),
    )
    op.bulk_insert(stamp, [{"id": 1, "stamp": secrets.randbits(62)}])


def downgrade():
    op.drop_table("data_stamp")
